"""The members and suppliers as the catalog API takes and shows them."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import has_app_context
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from catalog.domain.invoice_data import (
    COUNTRIES,
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
    Trade,
    webhook_address_problem,
    webhook_url_problem,
)
from catalog.entrypoints.schemas.checks import (
    GERMAN_POSTCODE,
    POSTCODE,
    CheckedNumber,
    email_field,
    optional_text,
)
from shared.fields import Money, Percent, VisibleText
from shared.web import current_runtime
from shared.webhook_addresses import Network


class MemberIn(Schema):
    """A member as ``POST`` and ``PUT /members`` take it: the firm, its invoice address
    (rule 13; a VAT id checked by its check digits) and its SEPA mandate (rule 15)."""

    name = VisibleText(200, required=True)
    trade = fields.String(required=True, validate=validate.OneOf([t.value for t in Trade]))
    email = email_field()
    postcode = fields.String(required=True, validate=validate.Length(max=10))
    language = fields.String(load_default="de", validate=validate.OneOf(["de", "en"]))
    legal_name = optional_text(200)
    street = optional_text(200)
    city = optional_text(100)
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
    email = email_field()
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
