"""``GET /api/v1/pools/current/quote?sku=&quantity=``: one product in the open window, for
the need form: each offer's pack size and tiers, where the pool stands now, and where it
would stand with one more need of ``quantity`` (and what that need's goods would cost)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from marshmallow import Schema, ValidationError, fields
from marshmallow.validate import Length

from pooling.domain.pricing import cost_of
from pooling.entrypoints.outlook import TierOut
from pooling.entrypoints.schemas import OfferProgressOut
from pooling.entrypoints.work import request_work
from pooling.service_layer.outlook import quote_need
from shared.auth import require
from shared.fields import Quantity
from shared.request_input import ApiError

quote_api = Blueprint("pooling_quote", __name__, url_prefix="/api/v1")


class QuoteIn(Schema):
    sku = fields.String(required=True, validate=Length(min=1, max=64))
    quantity = Quantity(load_default=None)


class OfferQuoteOut(Schema):
    supplier_id = fields.Integer()
    pack_size = fields.Decimal(as_string=True)
    tiers = fields.List(fields.Nested(TierOut))
    now = fields.Nested(OfferProgressOut)
    with_need = fields.Nested(OfferProgressOut, allow_none=True)
    goods = fields.Decimal(as_string=True, allow_none=True)  # the need's quantity at that price


class QuoteOut(Schema):
    sku = fields.String()
    pooled = fields.Decimal(as_string=True)  # open demand now
    depot_quantity = fields.Decimal(as_string=True)  # what the depot would serve of it now
    quantity = fields.Decimal(as_string=True, allow_none=True)
    offers = fields.List(fields.Nested(OfferQuoteOut))


@quote_api.get("/pools/current/quote")
@require("admin", "member")
def quote() -> ResponseReturnValue:
    try:
        asked = QuoteIn().load(request.args.to_dict())
    except ValidationError as exc:
        raise ApiError(422, "Some fields are not valid.", exc.messages) from exc
    with request_work() as uow:
        found = quote_need(uow, **asked)
    if found is None:
        raise ApiError(404, "No one offers this product.", {"sku": ["Not offered."]})
    afters = found.with_need.offers if found.with_need else (None,) * len(found.offers)
    offers = []
    for offer, now, after in zip(found.offers, found.now.offers, afters, strict=True):
        goods = None if after is None else cost_of(found.quantity, after.unit_price)
        offers.append(
            {"supplier_id": offer.supplier_id, "pack_size": offer.pack_size, "tiers": offer.tiers}
            | {"now": now, "with_need": after, "goods": goods}
        )
    body = {"sku": found.sku, "pooled": found.now.quantity, "quantity": found.quantity}
    body |= {"depot_quantity": found.now.depot_quantity, "offers": offers}
    return jsonify(QuoteOut().dump(body))
