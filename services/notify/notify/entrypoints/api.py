"""Notify's JSON API under /api/v1: savings, notifications and the delivery log.

These are read-side views (cosmicpython's views): they only read, straight from the
request's session, and change nothing; what writes goes through a handler and the unit
of work (``work``)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields
from sqlalchemy import false, select

from notify.adapters.orm import Delivery, Notification, SavingsEntry
from notify.entrypoints.member_paths import member_path
from notify.entrypoints.supplier_api import (
    LOG_KINDS,
    DeliveryState,
    mentioning,
    supplier_deliveries,
)
from shared.auth import current_principal, require
from shared.fields import ascii_int
from shared.request_input import ApiError
from shared.web import MAX_ID, request_transaction

api = Blueprint("notify_api", __name__, url_prefix="/api/v1")


class WindowSavingsOut(Schema):
    window_id = fields.Integer()
    baseline = fields.Decimal(as_string=True)
    paid = fields.Decimal(as_string=True)
    saved = fields.Decimal(as_string=True)
    # of the member's own quantities, what the window's flexible needs saved it
    flexibility_saved = fields.Decimal(as_string=True)


class SavingsOut(Schema):
    member_id = fields.Integer()
    baseline = fields.Decimal(as_string=True)
    paid = fields.Decimal(as_string=True)
    saved = fields.Decimal(as_string=True)
    flexibility_saved = fields.Decimal(as_string=True)
    windows = fields.List(fields.Nested(WindowSavingsOut))


class NotificationOut(Schema):
    id = fields.Integer()
    member_id = fields.Integer()
    order_id = fields.Integer(allow_none=True)
    window_id = fields.Integer()
    kind = fields.String()
    subject = fields.String()
    details = fields.Dict()
    created_at = fields.AwareDateTime()


class DeliveryOut(DeliveryState):
    id = fields.Integer()
    audience = fields.Constant("member")
    member_id = fields.Integer()
    order_id = fields.Integer(allow_none=True)
    window_id = fields.Integer(allow_none=True)
    invoice_id = fields.Integer(allow_none=True)
    kind = fields.String()


DELIVERY_STATUSES = ("pending", "sent", "failed")
MEMBER_KINDS = (
    "order_placed",
    "savings_report",
    "savings_corrected",
    "order_confirmed",
    "order_rejected",
    "nudge",
    "invoice",
    "invoice_resent",
    "account",
)
DELIVERY_KINDS = (*MEMBER_KINDS, *LOG_KINDS.values())


@api.get("/members/<id:member_id>/savings")
@require("admin", "member")
def member_savings(member_id: int) -> ResponseReturnValue:
    with request_transaction() as session:
        member_path(session, member_id, "These are another member's savings.")
        windows = session.scalars(
            select(SavingsEntry)
            .where(SavingsEntry.member_id == member_id)
            .order_by(SavingsEntry.window_id)
        ).all()
    total = {
        k: sum((getattr(w, k) for w in windows), Decimal("0.00"))
        for k in ("baseline", "paid", "saved", "flexibility_saved")
    }
    return jsonify(SavingsOut().dump({"member_id": member_id, **total, "windows": windows}))


@api.get("/notifications")
@require("admin", "member")
def notifications() -> ResponseReturnValue:
    """The caller's notifications, newest first (an admin's: anyone's, ``?member_id=``);
    one held back for quiet hours shows once they are over."""
    principal = current_principal()
    query = (
        select(Notification)
        .where(Notification.created_at <= datetime.now(UTC))
        .order_by(Notification.id.desc())
    )
    if principal.is_admin:
        member = request.args.get("member_id", type=ascii_int)
        if member is not None and 0 < member <= MAX_ID:
            query = query.where(Notification.member_id == member)
    else:
        query = query.where(Notification.member_id == principal.subject_id)
    with request_transaction() as session:
        return jsonify(NotificationOut(many=True).dump(session.scalars(query.limit(200)).all()))


@api.get("/deliveries")
@require("admin")
def deliveries() -> ResponseReturnValue:
    """The delivery log to members and suppliers, newest 200 first; ``?status=``,
    ``?kind=``, ``?member_id=``, ``?supplier_id=`` and ``?q=`` (text in the recipient or
    the subject) narrow it."""
    query = select(Delivery).order_by(Delivery.id.desc())
    status = request.args.get("status")
    if status is not None:
        if status not in DELIVERY_STATUSES:
            raise ApiError(400, "Unknown status.", {"status": ["One of pending, sent, failed."]})
        query = query.where(Delivery.status == status)
    kind = request.args.get("kind")
    if kind is not None:
        if kind not in DELIVERY_KINDS:
            raise ApiError(400, "Unknown kind.", {"kind": [f"One of {', '.join(DELIVERY_KINDS)}."]})
        query = query.where(Delivery.kind == kind)
    member = request.args.get("member_id", type=ascii_int)
    if member is not None and 0 < member <= MAX_ID:
        query = query.where(Delivery.member_id == member)
    supplier = request.args.get("supplier_id", type=ascii_int)
    if supplier is not None:
        query = query.where(false())
    if text := request.args.get("q", "").strip():
        query = query.where(mentioning(Delivery, text))
    narrowed = {
        "status": status,
        "kind": kind,
        "member_id": member,
        "supplier_id": supplier,
        "q": text,
    }
    with request_transaction() as session:
        found = DeliveryOut(many=True).dump(session.scalars(query.limit(200)).all())
        found += supplier_deliveries(session, narrowed)
    found.sort(key=lambda d: d["created_at"], reverse=True)
    return jsonify(found[:200])
