"""The office's forms: each is checked by the API's own schema, so both refuse the same input."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from marshmallow import Schema, ValidationError
from wtforms import (
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.fields import Field
from wtforms.validators import Optional

from catalog.domain.invoice_data import COUNTRIES
from catalog.domain.model import DeliveryChannel, Trade
from catalog.entrypoints.schemas import MemberIn, OfferIn, ProductChangeIn, ProductIn, SupplierIn
from web.pages.forms import LANGUAGES, _flat, _plain_decimal, options

TIER_ROWS = 5
MISSING = "Missing data for required field."
TRADES = {
    Trade.PAINTER: _l("Painter"),
    Trade.MASON: _l("Mason"),
    Trade.CARPENTER: _l("Carpenter"),
    Trade.ELECTRICIAN: _l("Electrician"),
    Trade.LOCKSMITH: _l("Locksmith"),
    Trade.ROOFER: _l("Roofer"),
    Trade.TILER: _l("Tiler"),
    Trade.PLUMBER: _l("Plumber"),
}
CHANNELS = {
    DeliveryChannel.EMAIL: _l("E-mail with PDF and CSV"),
    DeliveryChannel.WEBHOOK: _l("Signed webhook"),
    DeliveryChannel.AMQP: _l("Own AMQP queue"),
}


def _text(field: Field) -> str | None:
    """What was typed, trimmed; None for an empty field so the schema says it is missing."""
    typed = (field.data or "").strip()
    return typed or None


def _decimal(field: Field) -> str | None:
    typed = _text(field)
    return None if typed is None else _plain_decimal(typed)


def _messages(messages: Any) -> list[str]:
    return [
        gettext("This field is required.") if m == MISSING else gettext(m) for m in _flat(messages)
    ]


class SchemaForm(FlaskForm):
    """A form whose input is loaded by one of the API's marshmallow schemas."""

    schema: type[Schema]

    def raw(self) -> dict[str, Any]:
        raise NotImplementedError

    def load(self) -> dict[str, Any] | None:
        """The loaded input, or None with the errors beside the fields."""
        if not self.validate():
            return None
        raw = {key: value for key, value in self.raw().items() if value is not None}
        try:
            return self.schema().load(raw)
        except ValidationError as exc:
            self.show(exc.normalized_messages())
            return None

    def show(self, errors: dict[str, Any]) -> None:
        for name, messages in errors.items():
            self.add_error(name, messages)

    def add_error(self, name: str, messages: Any) -> None:
        field = getattr(self, name, None)
        if not isinstance(field, Field):
            field = next(f for f in self if f.name != "csrf_token")
        field.errors = [*field.errors, *_messages(messages)]


class MemberForm(SchemaForm):
    """A member: the firm, its invoice address and its SEPA direct-debit mandate."""

    schema = MemberIn
    name = StringField(_l("Name"))
    trade = SelectField(_l("Trade"), choices=options(TRADES.items()), validate_choice=False)
    email = EmailField(_l("E-mail"))
    language = SelectField(
        _l("Language of e-mails"),
        choices=options(LANGUAGES.items()),
        validate_choice=False,
    )
    legal_name = StringField(_l("Legal name"))
    street = StringField(_l("Street and number"))
    postcode = StringField(_l("Postcode"))
    city = StringField(_l("City"))
    country = SelectField(_l("Country"), validate_choice=False)
    vat_id = StringField(_l("VAT id"))
    iban = StringField(_l("IBAN"))
    mandate_reference = StringField(_l("Mandate reference"))
    mandate_signed_on = DateField(_l("Mandate signed on"), validators=[Optional()])
    TEXTS = ("name", "email", "postcode", "legal_name", "street", "city", "vat_id", "iban")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = options(country_names())
        if not self.is_submitted() and not self.country.data:
            self.country.data = "DE"

    def raw(self) -> dict[str, Any]:
        typed = {name: _text(getattr(self, name)) for name in self.TEXTS}
        signed_on = self.mandate_signed_on.data
        return typed | {
            "trade": self.trade.data,
            "language": self.language.data,
            "country": self.country.data,
            "mandate_reference": _text(self.mandate_reference),
            "mandate_signed_on": signed_on.isoformat() if signed_on else None,
        }

    def fill(self, member: Any) -> None:
        """Show a member to change it."""
        for name in (*self.TEXTS, "trade", "language", "country", "mandate_reference"):
            getattr(self, name).data = getattr(member, name)
        self.mandate_signed_on.data = member.mandate_signed_on


class SupplierForm(SchemaForm):
    schema = SupplierIn
    name = StringField(_l("Name"))
    email = EmailField(_l("E-mail"))
    shipping_fee = StringField(_l("Shipping fee (€)"))
    free_shipping_from = StringField(_l("Free shipping from (€)"))
    delivery_channel = SelectField(
        _l("Orders by"), choices=options(CHANNELS.items()), validate_choice=False
    )
    webhook_url = StringField(_l("Webhook URL"))
    webhook_secret = PasswordField(_l("Webhook secret"))
    skonto_percent = StringField(_l("Skonto (%)"))
    skonto_days = StringField(_l("Skonto within (days)"))
    net_days = StringField(_l("Net within (days)"))
    iban = StringField(_l("IBAN"))
    bic = StringField(_l("BIC"))

    def raw(self) -> dict[str, Any]:
        return {
            "name": _text(self.name),
            "email": _text(self.email),
            "shipping_fee": _decimal(self.shipping_fee),
            "free_shipping_from": _decimal(self.free_shipping_from),
            "delivery_channel": self.delivery_channel.data,
            "webhook_url": _text(self.webhook_url),
            "webhook_secret": _text(self.webhook_secret),
            "skonto_percent": _decimal(self.skonto_percent),
            "skonto_days": _days(self.skonto_days),
            "net_days": _days(self.net_days),
            "iban": _text(self.iban),
            "bic": _text(self.bic),
        }

    def fill(self, supplier: Any) -> None:
        """Show a supplier to change it, amounts as a German reader types them."""
        self.name.data, self.email.data = supplier.name, supplier.email
        self.shipping_fee.data = _euros(supplier.shipping_fee)
        self.free_shipping_from.data = _euros(supplier.free_shipping_from)
        percent = supplier.skonto_percent
        self.skonto_percent.data = "" if percent is None else _plain(percent).replace(".", ",")
        for name in ("skonto_days", "net_days", "iban", "bic"):
            value = getattr(supplier, name)
            getattr(self, name).data = "" if value is None else str(value)


def _days(field: Field) -> int | str | None:
    """A number of days as typed: digits as a number, anything else for the schema to refuse."""
    typed = _text(field)
    return int(typed) if typed is not None and typed.isascii() and typed.isdigit() else typed


VAT_RATES = {"19": _l("19 % (standard)"), "7": _l("7 % (reduced)"), "0": _l("0 % (exempt)")}


class ProductForm(SchemaForm):
    schema = ProductIn
    sku = StringField(_l("SKU"))
    name = StringField(_l("Name"))
    unit = StringField(_l("Unit"))
    vat_rate = SelectField(
        _l("VAT rate"), choices=options(VAT_RATES.items()), default="19", validate_choice=False
    )

    def raw(self) -> dict[str, Any]:
        return {
            "sku": _text(self.sku),
            "name": _text(self.name),
            "unit": _text(self.unit),
            "vat_rate": self.vat_rate.data,
        }


class ProductChangeForm(ProductForm):
    """A product's name, unit and VAT rate; its SKU stays."""

    schema = ProductChangeIn

    def raw(self) -> dict[str, Any]:
        return {key: value for key, value in super().raw().items() if key != "sku"}

    def fill(self, product: Any) -> None:
        self.name.data, self.unit.data = product.name, product.unit
        self.vat_rate.data = format(product.vat_rate.normalize(), "f")


class TierRow(Form):
    min_quantity = StringField(_l("From quantity"))
    unit_price = StringField(_l("Unit price (€)"))


class OfferForm(SchemaForm):
    """A supplier's offer of a product: pack size and up to five price tiers."""

    schema = OfferIn
    supplier_id = SelectField(_l("Supplier"), coerce=int, validate_choice=True)
    sku = SelectField(_l("Product"), validate_choice=True)
    pack_size = StringField(_l("Pack size"))
    tiers = FieldList(FormField(TierRow), min_entries=TIER_ROWS, max_entries=TIER_ROWS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tier_errors: list[str] = []
        self._rows: list[int] = []  # the form row of each tier sent to the schema

    def raw(self) -> dict[str, Any]:
        tiers, self._rows = [], []
        for index, row in enumerate(self.tiers):
            start, price = _decimal(row.form.min_quantity), _decimal(row.form.unit_price)
            if start is None and price is None:
                continue  # an unused row
            tiers.append({"min_quantity": start, "unit_price": price})
            self._rows.append(index)
        return {"pack_size": _decimal(self.pack_size), "tiers": tiers}

    def load(self) -> dict[str, Any] | None:
        loaded = super().load()
        return None if loaded is None or self.tier_errors else loaded

    def show(self, errors: dict[str, Any]) -> None:
        for name, messages in errors.items():
            if name == "tiers":
                self._show_tier_errors(messages)
            else:
                self.add_error(name, messages)

    def _show_tier_errors(self, messages: Any) -> None:
        if not isinstance(messages, dict):
            if not self._rows:  # every row was left empty
                messages = ["Please fill in at least one tier."]
            self.tier_errors += _messages(messages)
            return
        for key, row_messages in messages.items():
            if not isinstance(key, int) or not isinstance(row_messages, dict):
                self.tier_errors += _messages(row_messages)
                continue
            row = self.tiers[self._rows[key]].form
            for name, field_messages in row_messages.items():
                field = getattr(row, name, row.unit_price)
                field.errors = [*field.errors, *_messages(field_messages)]

    def fill(self, pack_size: Any, tiers: list[tuple[Any, Any]]) -> None:
        """Show an existing offer to change it."""
        self.pack_size.data = _plain(pack_size)
        for row, (start, price) in zip(self.tiers, tiers, strict=False):
            row.form.min_quantity.data = _plain(start)
            row.form.unit_price.data = _plain(price)


def country_names() -> list[tuple[str, str]]:
    """Every country code with its name in the reader's language, Germany first."""
    names = get_locale().territories
    named = sorted(((code, names.get(code, code)) for code in COUNTRIES), key=lambda c: c[1])
    return [("DE", names.get("DE", "DE")), *(pair for pair in named if pair[0] != "DE")]


def _euros(value: Any) -> str:
    return "" if value is None else format(value, ".2f").replace(".", ",")


def _plain(value: Any) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
