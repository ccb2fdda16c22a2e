"""Supplier deliveries (orders, disputes) in notify's API: each one with its attempts,
for the admins; the office has a given-up one sent again (a command, handled in the
unit of work). The lists and the single delivery are read-side views, straight from
the request's session."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from notify.adapters.supplier_orm import DISPUTE, ORDER, SupplierDelivery
from notify.entrypoints.work import handle, request_work
from notify.service_layer.commands import RetrySupplierDelivery
from shared.auth import require
from shared.errors import NotFound
from shared.web import MAX_ID, request_transaction

supplier_api = Blueprint("notify_supplier_api", __name__, url_prefix="/api/v1")


class AttemptOut(Schema):
    number = fields.Integer()
    at = fields.AwareDateTime()
    outcome = fields.String()
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    next_attempt_at = fields.AwareDateTime(allow_none=True)


class DeliveryState(Schema):
    """Where a delivery went, and how its attempts have gone (members' and suppliers')."""

    channel = fields.String()
    to = fields.String()
    subject = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    sent_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()


# a supplier delivery's kind in the delivery log, beside the kinds of members' e-mails
LOG_KINDS = {ORDER: "supplier_order", DISPUTE: "supplier_dispute"}


class SupplierDeliveryOut(DeliveryState):
    """An order to a supplier (``order_id``) or the dispute of one of its invoices
    (``supplier_invoice_id`` and which of its disputes, ``dispute_number``); the other is
    null."""

    id = fields.Integer()
    audience = fields.Constant("supplier")
    supplier_id = fields.Integer()
    order_id = fields.Integer(allow_none=True)
    supplier_invoice_id = fields.Integer(allow_none=True)
    dispute_number = fields.Function(
        lambda d: d.dispute_number if d.kind == DISPUTE else None,
        allow_none=True,
        metadata={"type": "integer"},
    )
    kind = fields.Function(
        lambda d: LOG_KINDS[d.kind],
        metadata={"type": "string", "enum": list(LOG_KINDS.values())},
    )


class SupplierDeliveryDetailOut(SupplierDeliveryOut):
    attempt_log = fields.List(fields.Nested(AttemptOut), data_key="attempt_log")


def mentioning(model: Any, text: str) -> ColumnElement[bool]:
    """Deliveries whose recipient or subject holds ``text`` (any case; ``%`` is a
    character, no wildcard)."""
    needle = text.strip()[:200].lower()
    columns = (model.to, model.subject)
    return or_(*(func.lower(c).contains(needle, autoescape=True) for c in columns))


def supplier_deliveries(session: Session, args: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The newest supplier deliveries for the delivery log; ``status``, ``kind`` (of
    ``LOG_KINDS``) and ``supplier_id`` narrow them, a ``member_id`` filter or a kind of
    members' e-mails leaves none."""
    kinds = {log_kind: kind for kind, log_kind in LOG_KINDS.items()}
    if args.get("member_id") is not None or args.get("kind") not in (None, *kinds):
        return []
    query = select(SupplierDelivery).order_by(SupplierDelivery.id.desc())
    if args.get("kind") is not None:
        query = query.where(SupplierDelivery.kind == kinds[args["kind"]])
    if args.get("status") is not None:
        query = query.where(SupplierDelivery.status == args["status"])
    if (supplier := args.get("supplier_id")) is not None and 0 < supplier <= MAX_ID:
        query = query.where(SupplierDelivery.supplier_id == supplier)
    if args.get("q"):
        query = query.where(mentioning(SupplierDelivery, args["q"]))
    return SupplierDeliveryOut(many=True).dump(session.scalars(query.limit(200)).all())


@supplier_api.get("/supplier-deliveries/<id:delivery_id>")
@require("admin")
def supplier_delivery(delivery_id: int) -> ResponseReturnValue:
    """One delivery to a supplier (an order, a dispute) with every attempt (status code,
    error, next try)."""
    with request_transaction() as session:
        delivery = session.get(SupplierDelivery, delivery_id)
        if delivery is None:
            raise NotFound("delivery_id", f"There is no supplier delivery {delivery_id}.")
        return jsonify(SupplierDeliveryDetailOut().dump(delivery))


@supplier_api.post("/supplier-deliveries/<id:delivery_id>/retry")
@require("admin")
def retry_supplier_delivery(delivery_id: int) -> ResponseReturnValue:
    """Send a given-up delivery again, with a fresh round of attempts (its log is kept);
    the supplier's current address on that channel is used."""
    with request_work() as uow:
        delivery = handle(RetrySupplierDelivery(delivery_id), uow)
        uow.session.flush()
        return jsonify(SupplierDeliveryDetailOut().dump(delivery))
