"""Pooling's JSON API after the order: the office books receipts and keeps the depot."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from pooling.adapters import order_book, orm
from pooling.domain import depot
from pooling.entrypoints import delivery_schemas, schemas
from pooling.entrypoints.work import handle, request_work
from pooling.service_layer import receiving, site_receipts
from pooling.service_layer.commands import (
    BookReceipt,
    BookSiteReceipt,
    CorrectReceipt,
    WriteOffStock,
)
from shared.auth import current_principal, require
from shared.request_input import load_body
from shared.web import request_transaction

receipts_api = Blueprint("pooling_receipts", __name__, url_prefix="/api/v1")


@receipts_api.post("/orders/<id:order_id>/receipt")
@require("admin")
def book_receipt(order_id: int) -> ResponseReturnValue:
    booked = _booked(BookReceipt, order_id)
    return booked if request.args.get("dry_run") == "true" else (booked, 201)


@receipts_api.put("/orders/<id:order_id>/receipt")
@require("admin")
def correct_receipt(order_id: int) -> ResponseReturnValue:
    return _booked(CorrectReceipt, order_id)


def _booked(booking: type[BookReceipt], order_id: int) -> ResponseReturnValue:
    """The receipt booked, or with ``?dry_run=true`` only shown: rule 10's split of what
    arrived, with the same checks, and nothing stored (200)."""
    body = load_body(schemas.ReceiptIn())
    received = {line["sku"]: line["received_quantity"] for line in body["lines"]}
    cmd = booking(order_id, received, frozenset(body["extra_to_depot"]))
    if request.args.get("dry_run") == "true":
        with request_work() as uow:
            correcting = booking is CorrectReceipt
            split = receiving.preview_receipt(cmd, uow, correcting=correcting)
            return jsonify(schemas.ReceiptPreviewOut().dump(split)), 200
    with request_work() as uow:
        return jsonify(schemas.OrderOut().dump(handle(cmd, uow)))


@receipts_api.post("/orders/<id:order_id>/site-receipt")
@require("member")
def book_site_receipt(order_id: int) -> ResponseReturnValue:
    """The member books what arrived at its delivery site, for that site (rule 10)."""
    body = load_body(delivery_schemas.SiteReceiptIn())
    received = {line["sku"]: line["received_quantity"] for line in body["lines"]}
    member_id = current_principal().subject_id
    cmd = BookSiteReceipt(order_id, member_id, body["delivery_site"], received)
    with request_work() as uow:
        order = handle(cmd, uow)
        parts = uow.orders.site_parts(order_id, member_id)
        answer = {"status": order.status, "sites": _sites_out(parts)}
    return jsonify(answer), 201


@receipts_api.get("/orders/<id:order_id>/site-receipts")
@require("admin", "member")
def list_site_receipts(order_id: int) -> ResponseReturnValue:
    """What the members booked at their sites (a member: its own)."""
    principal = current_principal()
    member_id = None if principal.is_admin else principal.subject_id
    with request_work() as uow:
        order = uow.orders.get(order_id)
        if member_id is not None:
            site_receipts.check_member(order, member_id)
        parts = uow.orders.site_parts(order_id, member_id)
    return jsonify(_sites_out(parts))


def _sites_out(parts: dict) -> list[dict]:
    sites = [
        {
            "member_id": site.member_id,
            "delivery_site": site.name,
            "lines": [{"sku": s, "received_quantity": q} for s, q in sorted(lines.items())],
        }
        for site, lines in sorted(parts.items())
    ]
    return delivery_schemas.SiteReceiptOut(many=True).dump(sites)


@receipts_api.get("/orders/<id:order_id>/receipts")
@require("admin")
def list_receipts(order_id: int) -> ResponseReturnValue:
    """Every booking of the order's receipt, the first and each correction."""
    with request_transaction() as session:
        order_book.existing_order(session, order_id)
        query = select(orm.Receipt).where(orm.Receipt.order_id == order_id)
        receipts = session.scalars(query.order_by(orm.Receipt.revision)).all()
        return jsonify(schemas.ReceiptOut(many=True).dump(receipts))


@receipts_api.get("/depot")
@require("admin")
def show_depot() -> ResponseReturnValue:
    with request_work() as uow:
        ledger = uow.depot.ledger()
    body = {"lots": depot.stock(ledger), "movements": ledger, "value": depot.depot_value(ledger)}
    return jsonify(schemas.DepotOut().dump(body))


@receipts_api.post("/depot/write-offs")
@require("admin")
def write_off() -> ResponseReturnValue:
    cmd = WriteOffStock(**load_body(schemas.WriteOffIn()))
    with request_work() as uow:
        movement = handle(cmd, uow)
    return jsonify(schemas.MovementOut().dump(movement)), 201
