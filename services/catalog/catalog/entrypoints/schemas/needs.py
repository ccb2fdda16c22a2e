"""The members' needs as the catalog API takes and shows them."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from catalog.domain.model import NeedStatus
from shared.fields import Quantity, VisibleText
from shared.web import MAX_ID


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
