"""The pooling API's schemas of delivery: sites' receipts and the distribution list."""

from __future__ import annotations

from marshmallow import Schema, fields
from marshmallow.validate import Length

from pooling.entrypoints.schemas import ReceiptIn, ReceivedLineIn, _amount
from shared.fields import VisibleText


class SiteReceiptIn(Schema):
    """Rule 10 at a site: what arrived there of each line the member has a need of there;
    ``delivery_site`` as the needs name it (null: the member's own address)."""

    delivery_site = VisibleText(200, allow_none=True, load_default=None)
    lines = fields.List(fields.Nested(ReceivedLineIn), required=True, validate=Length(1, 500))

    _each_line_once = ReceiptIn._each_line_once


class SiteLineOut(Schema):
    sku = fields.String()
    received_quantity = _amount()


class SiteReceiptOut(Schema):
    member_id = fields.Integer()
    delivery_site = fields.String()
    lines = fields.List(fields.Nested(SiteLineOut))


class SiteBookedOut(Schema):
    """The site's part booked: the order's status (``received`` when the sites' parts were
    all of it) and the member's parts booked so far."""

    status = fields.String()
    sites = fields.List(fields.Nested(SiteReceiptOut))


class DropOut(Schema):
    sku = fields.String()
    address = fields.String()
    packs = fields.Integer()
    quantity = _amount()
    to_depot = fields.Boolean()


class PickupOut(Schema):
    need_id = fields.Integer()
    member_id = fields.Integer()
    sku = fields.String()
    quantity = _amount()
    received = fields.Decimal(as_string=True, allow_none=True)  # once the receipt is booked
    address = fields.String()
    at_depot = fields.Boolean()


class DistributionOut(Schema):
    """Rule 11: the packs per delivery address, and who collects what, where."""

    order_id = fields.Integer()
    depot_address = fields.String()
    drops = fields.List(fields.Nested(DropOut))
    pickups = fields.List(fields.Nested(PickupOut))
