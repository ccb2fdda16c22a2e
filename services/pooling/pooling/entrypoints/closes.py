"""``GET /api/v1/pools/closed``: the latest closed pool windows, for the operations page."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields
from sqlalchemy import func, select

from pooling.adapters import orm
from shared.auth import require
from shared.request_input import counted_arg
from shared.web import request_transaction

closes_api = Blueprint("pooling_closes", __name__, url_prefix="/api/v1")


class ClosedWindowOut(Schema):
    window_id = fields.Integer()
    closes_at = fields.AwareDateTime()
    closed_at = fields.AwareDateTime()
    orders = fields.Integer()
    total_cost = fields.Decimal(as_string=True, allow_none=True)
    members_saved = fields.Decimal(as_string=True, allow_none=True)
    optimal = fields.Boolean(allow_none=True)


@closes_api.get("/pools/closed")
@require("admin")
def closed_windows() -> ResponseReturnValue:
    """The latest closed pool windows, newest first: when, orders placed, cost and savings."""
    limit = counted_arg("limit", default=10, most=100)
    orders = (
        select(func.count(orm.Order.id))
        .where(orm.Order.window_id == orm.Window.id)
        .scalar_subquery()
    )
    query = (
        select(orm.Window, orders)
        .where(orm.Window.status == "closed")
        .order_by(orm.Window.closed_at.desc(), orm.Window.id.desc())
        .limit(limit)
    )
    with request_transaction() as session:
        rows = session.execute(query).all()
        found = [
            {
                "window_id": window.id,
                "closes_at": window.closes_at,
                "closed_at": window.closed_at,
                "orders": count,
                "total_cost": window.total_cost,
                "members_saved": window.members_saved,
                "optimal": window.optimal,
            }
            for window, count in rows
        ]
    return jsonify(ClosedWindowOut(many=True).dump(found))
