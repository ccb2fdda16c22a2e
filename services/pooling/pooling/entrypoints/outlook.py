"""``GET /api/v1/pools/current/outlook``: the open window weighed as a close now would
price it, for the members' pool page (what the next tier and free shipping would take,
what the pool saves so far); a member sees its own savings beside the pool's."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields

from pooling.entrypoints.work import request_work, schedule, solver
from pooling.service_layer.outlook import LastOutlook, current_outlook
from shared.auth import current_principal, require

outlook_api = Blueprint("pooling_outlook", __name__, url_prefix="/api/v1")
LAST = "zirkel.last_outlook"


def _amount(**options: object) -> fields.Decimal:
    return fields.Decimal(as_string=True, **options)  # type: ignore[arg-type]


class TierOut(Schema):
    min_quantity = _amount()
    unit_price = _amount()


class TierReachOut(TierOut):
    more = _amount()  # more demand that brings everyone to this tier
    saves_per_unit = _amount()  # what every unit then costs less


class OfferOutlookOut(Schema):
    supplier_id = fields.Integer()
    pack_size = _amount()
    tiers = fields.List(fields.Nested(TierOut))
    line_total = _amount()
    next_tier = fields.Nested(TierReachOut, allow_none=True)
    free_shipping_more = _amount(allow_none=True)  # null: this supplier never ships free


class ProductOutlookOut(Schema):
    sku = fields.String()
    supplier_id = fields.Integer(allow_none=True)  # where a close now would order it
    offers = fields.List(fields.Nested(OfferOutlookOut))


class SupplierOutlookOut(Schema):
    supplier_id = fields.Integer()
    shipping_fee = _amount()
    free_shipping_from = _amount(allow_none=True)
    lines_total = _amount()
    fee = _amount()


class SavingsOut(Schema):
    baseline = _amount()  # rule 7: what buying alone would cost
    paid = _amount()
    saved = _amount()


class OutlookOut(Schema):
    window_id = fields.Integer(allow_none=True)
    products = fields.List(fields.Nested(ProductOutlookOut))
    suppliers = fields.List(fields.Nested(SupplierOutlookOut))
    pool = fields.Nested(SavingsOut, allow_none=True)  # every member of the window
    own = fields.Nested(SavingsOut, allow_none=True)  # the asking member's, if it has needs
    optimal = fields.Boolean()


@outlook_api.get("/pools/current/outlook")
@require("admin", "member")
def current_pool_outlook() -> ResponseReturnValue:
    principal = current_principal()
    last = current_app.extensions.setdefault(LAST, LastOutlook())
    with request_work() as uow:
        found = current_outlook(uow, solver(), schedule().today, last)
    body: dict[str, object] = {"window_id": found.window_id, "products": [], "suppliers": []}
    body |= {"pool": None, "own": None, "optimal": True}
    if found.outlook is not None:
        result = found.outlook.result
        body |= {"products": found.outlook.products, "suppliers": found.outlook.suppliers}
        body["pool"] = {
            "baseline": result.members_baseline,
            "paid": result.members_paid,
            "saved": result.members_saved,
        }
        body["optimal"] = result.optimal
        if principal.role == "member":
            body["own"] = result.members.get(principal.subject_id)
    return jsonify(OutlookOut().dump(body))
