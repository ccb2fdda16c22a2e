"""The catalog API's request and response schemas."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from flask import has_app_context
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from catalog.domain.invoice_data import (
    COUNTRIES,
    NotValid,
    compact_bic,
    compact_iban,
    compact_vat_id,
    mandate_problems,
    payment_terms_problems,
)
from catalog.domain.model import (
    FLEXIBLE_PERCENT_MAX,
    WEBHOOK_SECRET_MIN,
    DeliveryChannel,
    NeedStatus,
    Trade,
    tier_problems,
    webhook_address_problem,
    webhook_url_problem,
)
from catalog.service_layer.commands import STANDARD_RATE
from shared.fields import BoundedDecimal, Money, Percent, Price, Quantity, VatRate, VisibleText
from shared.web import MAX_ID, current_runtime
from shared.webhook_addresses import Network

SKU = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}\Z", error="Letters, digits and . _ / -, up to 40."
)


GERMAN_POSTCODE = re.compile(r"[0-9]{5}", re.ASCII)
POSTCODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{1,9}", re.ASCII)


def _email() -> VisibleText:
    """An e-mail address, with nothing invisible in it (``Email`` lets a zero-width
    space through in the domain)."""
    return VisibleText(254, required=True, also=validate.Email())


class CheckedNumber(fields.String):
    """A number checked by its check digits, loaded in its compact form."""

    def __init__(self, compact: Callable[[str], str], **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(max=50), **kwargs)
        self.compact = compact

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return self.compact(text)
        except NotValid as exc:
            raise ValidationError(str(exc)) from exc


def _optional_text(maximum: int) -> VisibleText:
    return VisibleText(maximum, allow_none=True, load_default=None)


class MemberIn(Schema):
    """A member as ``POST`` and ``PUT /members`` take it: the firm, its invoice address
    (rule 13; a VAT id checked by its check digits) and its SEPA mandate (rule 15)."""

    name = VisibleText(200, required=True)
    trade = fields.String(required=True, validate=validate.OneOf([t.value for t in Trade]))
    email = _email()
    postcode = fields.String(required=True, validate=validate.Length(max=10))
    language = fields.String(load_default="de", validate=validate.OneOf(["de", "en"]))
    legal_name = _optional_text(200)
    street = _optional_text(200)
    city = _optional_text(100)
    country = fields.String(
        load_default="DE",
        validate=validate.OneOf(COUNTRIES, error="A country code of two capital letters, e.g. DE."),
    )
    vat_id = CheckedNumber(compact_vat_id, allow_none=True, load_default=None)
    iban = CheckedNumber(compact_iban, allow_none=True, load_default=None)
    mandate_reference = fields.String(allow_none=True, load_default=None)
    mandate_signed_on = fields.Date(allow_none=True, load_default=None)

    @validates_schema(skip_on_field_errors=False)
    def _address_and_mandate(self, data: dict[str, Any], **_: Any) -> None:
        problems = mandate_problems(
            data.get("iban", "refused already") is not None,
            data.get("mandate_reference"),
            data.get("mandate_signed_on"),
            date.today(),
        )
        if (postcode := data.get("postcode")) is not None:
            if data.get("country", "DE") == "DE":
                if not GERMAN_POSTCODE.fullmatch(postcode):
                    problems["postcode"] = "Five digits."
            elif not POSTCODE.fullmatch(postcode):
                problems["postcode"] = "Letters, digits, spaces and -, up to 10."
        if problems:
            raise ValidationError({field: [message] for field, message in problems.items()})


class MemberOut(Schema):
    id = fields.Integer()
    name = fields.String()
    trade = fields.String()
    email = fields.String()
    postcode = fields.String()
    language = fields.String()
    active = fields.Boolean()
    legal_name = fields.String(allow_none=True)
    street = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    country = fields.String()
    vat_id = fields.String(allow_none=True)
    iban = fields.String(allow_none=True)
    mandate_reference = fields.String(allow_none=True)
    mandate_signed_on = fields.Date(allow_none=True)
    flexible_percent = fields.Integer(allow_none=True)
    api_token = fields.String()


class FlexibilityIn(Schema):
    """A member's default flexibility: percent more it takes; none, exactly as asked."""

    flexible_percent = fields.Integer(
        required=True,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=0, max=FLEXIBLE_PERCENT_MAX),
    )


class SupplierIn(Schema):
    name = VisibleText(200, required=True)
    email = _email()
    shipping_fee = Money(required=True)
    free_shipping_from = Money(allow_none=True, load_default=None)
    delivery_channel = fields.String(
        load_default=DeliveryChannel.EMAIL.value,
        validate=validate.OneOf([c.value for c in DeliveryChannel]),
    )
    webhook_url = fields.Url(
        schemes={"http", "https"},
        require_tld=False,
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=500),
    )
    webhook_secret = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(min=WEBHOOK_SECRET_MIN, max=200),
        load_only=True,
    )
    skonto_percent = Percent(allow_none=True, load_default=None)
    skonto_days = fields.Integer(
        strict=True, allow_none=True, load_default=None, validate=validate.Range(0, 365)
    )
    net_days = fields.Integer(
        strict=True, allow_none=True, load_default=None, validate=validate.Range(0, 365)
    )
    iban = CheckedNumber(compact_iban, allow_none=True, load_default=None)
    bic = CheckedNumber(compact_bic, allow_none=True, load_default=None)

    @validates_schema(skip_on_field_errors=True)
    def _payment_terms(self, data: dict[str, Any], **_: Any) -> None:
        problems = payment_terms_problems(
            data.get("skonto_percent"), data.get("skonto_days"), data.get("net_days")
        )
        if problems:
            raise ValidationError({field: [message] for field, message in problems.items()})

    @validates("webhook_url")
    def _webhook_url_reachable(self, value: str | None, **_kwargs: Any) -> None:
        """Refused beside the field: credentials in the URL, or a host written as an
        internal address the operator did not allow (host names: notify, at delivery)."""
        if value is None:
            return
        problem = webhook_url_problem(value) or webhook_address_problem(value, _allowed_networks())
        if problem is not None:
            raise ValidationError(problem)


def _allowed_networks() -> tuple[Network, ...]:
    """The networks the operator let webhooks reach (ZIRKEL_WEBHOOK_ALLOWED_NETWORKS)."""
    return current_runtime().settings.webhook_allowed_networks if has_app_context() else ()


def _secret_hint(supplier: Any) -> str | None:
    """The stored webhook secret is never shown; its last four characters identify it."""
    secret = supplier.webhook_secret
    return f"…{secret[-4:]}" if secret else None


class SupplierOut(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    active = fields.Boolean()
    shipping_fee = fields.Decimal(as_string=True)
    free_shipping_from = fields.Decimal(as_string=True, allow_none=True)
    delivery_channel = fields.String()
    webhook_url = fields.String(allow_none=True)
    webhook_secret_hint = fields.Function(_secret_hint)
    skonto_percent = fields.Decimal(as_string=True, allow_none=True)
    skonto_days = fields.Integer(allow_none=True)
    net_days = fields.Integer(allow_none=True)
    iban = fields.String(allow_none=True)
    bic = fields.String(allow_none=True)
    api_token = fields.String()


SUPPLIER_DELIVERY_FIELDS = ("delivery_channel", "webhook_url", "webhook_secret_hint")


class ProductChangeIn(Schema):
    """A product as ``PUT /products/{sku}`` replaces it; the VAT rate is 19 unless set."""

    name = VisibleText(200, required=True)
    unit = VisibleText(20, required=True)
    vat_rate = VatRate(load_default=STANDARD_RATE)


class ProductIn(ProductChangeIn):
    sku = fields.String(required=True, validate=SKU)


class ProductOut(Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    unit = fields.String()
    vat_rate = VatRate()


class TierIn(Schema):
    min_quantity = BoundedDecimal(places=3, minimum=Decimal(0), inclusive=True, required=True)
    unit_price = Price(required=True)


class OfferIn(Schema):
    pack_size = Quantity(required=True)
    tiers = fields.List(
        fields.Nested(TierIn), required=True, validate=validate.Length(min=1, max=20)
    )
    valid_from = fields.Date(allow_none=True, load_default=None)

    @validates_schema
    def _tiers_in_order(self, data: dict[str, Any], **_: Any) -> None:
        problems = tier_problems([(t["min_quantity"], t["unit_price"]) for t in data["tiers"]])
        if problems:
            raise ValidationError(problems, "tiers")


class TierOut(Schema):
    min_quantity = fields.Decimal(as_string=True)
    unit_price = fields.Decimal(as_string=True)


class OfferOut(Schema):
    supplier_id = fields.Integer()
    sku = fields.Function(lambda offer: offer.product.sku)
    pack_size = fields.Decimal(as_string=True)
    tiers = fields.List(fields.Nested(TierOut))
    valid_from = fields.Date(allow_none=True)


class NeedIn(Schema):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=40))
    quantity = Quantity(required=True)
    # flexible: the member would also take up to this much, if that makes the pool cheaper
    up_to = Quantity(allow_none=True, load_default=None)
    needed_by = fields.Date(allow_none=True, load_default=None)
    delivery_site = VisibleText(200, allow_none=True, load_default=None)
    note = VisibleText(1000, lines=True, allow_none=True, load_default=None)
    member_id = fields.Integer(
        strict=True, load_default=None, validate=validate.Range(min=1, max=MAX_ID)
    )

    @validates_schema
    def _up_to_covers_quantity(self, data: dict[str, Any], **_: Any) -> None:
        up_to = data.get("up_to")
        if up_to is not None and "quantity" in data and up_to < data["quantity"]:
            raise ValidationError("Must be at least the quantity.", "up_to")


class NeedOut(Schema):
    id = fields.Integer()
    member_id = fields.Integer()
    sku = fields.Function(lambda need: need.product.sku)
    product_name = fields.Function(lambda need: need.product.name)
    unit = fields.Function(lambda need: need.product.unit)
    quantity = fields.Decimal(as_string=True)
    up_to = fields.Decimal(as_string=True, allow_none=True)
    needed_by = fields.Date(allow_none=True)
    delivery_site = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf([status.value for status in NeedStatus]))
    order_id = fields.Integer(allow_none=True)
    received_quantity = fields.Decimal(as_string=True, allow_none=True)
    depot_quantity = fields.Decimal(as_string=True, allow_none=True)
    created_at = fields.AwareDateTime()
