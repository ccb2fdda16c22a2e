"""The products and the suppliers' offers as the catalog API takes and shows them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from catalog.domain.model import tier_problems
from catalog.entrypoints.schemas.checks import SKU
from catalog.service_layer.commands import STANDARD_RATE
from shared.fields import BoundedDecimal, Price, Quantity, VatRate, VisibleText


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
