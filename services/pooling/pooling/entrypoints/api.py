"""Pooling's JSON API under /api/v1: pool progress, closing, orders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from pooling.adapters import documents, order_book, order_csv, orm
from pooling.domain.distribution import distribute
from pooling.domain.progress import pool_progress
from pooling.entrypoints import delivery_schemas, schemas
from pooling.entrypoints.work import handle, request_work, schedule
from pooling.service_layer.commands import ClosePool, ConfirmOrder, RejectOrder
from shared.auth import Principal, current_principal, require
from shared.request_input import ApiError, load_body
from shared.web import request_transaction

api = Blueprint("pooling_api", __name__, url_prefix="/api/v1")


@api.get("/pools/current")
@require("admin", "member", "supplier")
def current_pool() -> ResponseReturnValue:
    with request_work() as uow:
        pool = uow.pool
        window = pool.current_window()
        if window is None:  # nothing posted since the last close
            body = {"window_id": None, "closes_at": schedule().next_after(datetime.now(UTC))}
            return jsonify(
                schemas.PoolOut().dump(body | {"products": [], "needs": 0, "members": 0})
            )
        open_demand = pool.open_demand(window.id)
        holdings = uow.depot.holdings()
        products = pool_progress(
            open_demand.demand, pool.offers(window), holdings, open_demand.flexible
        )
        needs, members = pool.open_count(window.id)
        body = {"window_id": window.id, "closes_at": window.closes_at, "products": products}
        body |= {"needs": needs, "members": members}
        return jsonify(schemas.PoolOut().dump(body))


@api.post("/pools/close")
@require("admin")
def close_pool() -> ResponseReturnValue:
    window_id = load_body(schemas.CloseIn(), optional=True)["window_id"]
    with request_work() as uow:
        closed = handle(ClosePool(window_id), uow)
        result = closed.result
        served = result.depot
        body = {
            "window_id": closed.window.id,
            "orders": closed.orders,
            "depot_allocations": () if served is None else served.served,
            "from_depot": [
                {"sku": sku, "quantity": quantity, "value": value}
                for sku, (quantity, value) in ({} if served is None else served.by_product).items()
            ],
            "total_cost": result.total_cost,
            "members_baseline": result.members_baseline,
            "members_paid": result.members_paid,
            "members_saved": result.members_saved,
            "unoffered": result.unoffered_needs,
            "optimal": result.optimal,
            "optimality_gap": result.gap,
        }
        return jsonify(schemas.ClosedPoolOut().dump(body))


@api.get("/orders")
@require("admin", "member", "supplier", owed=True)
def list_orders() -> ResponseReturnValue:
    principal = current_principal()
    query = select(orm.Order).order_by(orm.Order.id.desc())
    if principal.role == "supplier":
        query = query.where(orm.Order.supplier_id == principal.subject_id)
    elif principal.role == "member":
        mine = (
            select(orm.OrderLine.order_id)
            .join(orm.Allocation)
            .where(orm.Allocation.member_id == principal.subject_id)
        )
        query = query.where(orm.Order.id.in_(mine))
    with request_transaction() as session:
        orders = session.scalars(query.limit(500)).all()
        return jsonify([_visible_order(order, principal) for order in orders])


@api.get("/orders/<id:order_id>")
@require("admin", "member", "supplier", owed=True)
def show_order(order_id: int) -> ResponseReturnValue:
    principal = current_principal()
    with request_transaction() as session:
        order = order_book.existing_order(session, order_id)
        body = _visible_order(order, principal)
        allowed = {
            "admin": True,
            "supplier": principal.is_supplier(order.supplier_id),
            "member": _has_allocations(body),
        }[principal.role]
        if not allowed:
            raise ApiError(403, "This order is not yours.")
        return jsonify(body)


@api.get("/orders/<id:order_id>/document.csv")
@require("admin", "supplier", owed=True)
def order_document_csv(order_id: int) -> ResponseReturnValue:
    """The order's lines with their addresses and totals, for German Excel."""
    body = _order_file(order_id, order_csv.order_csv)
    return _attachment(
        body.encode("utf-8"), "text/csv; charset=utf-8", f"bestellung-{order_id}.csv"
    )


@api.get("/orders/<id:order_id>/allocations.csv")
@require("admin", "supplier", owed=True)
def order_allocations_csv(order_id: int) -> ResponseReturnValue:
    """One row per need the order serves, for German Excel."""
    body = _order_file(order_id, order_csv.allocations_csv)
    return _attachment(
        body.encode("utf-8"), "text/csv; charset=utf-8", f"aufteilung-{order_id}.csv"
    )


def _order_file(order_id: int, write: Callable[[documents.OrderDocument], str]) -> str:
    depot = documents.depot_address(current_app.extensions["zirkel.settings"])
    with request_transaction() as session:
        document = documents.order_document(session, _supplier_order(session, order_id), depot)
        return write(document)


@api.get("/orders/<id:order_id>/document.pdf")
@require("admin", "supplier", owed=True)
def order_document_pdf(order_id: int) -> ResponseReturnValue:
    settings = current_app.extensions["zirkel.settings"]
    depot = documents.depot_address(settings)
    with request_transaction() as session:
        document = documents.order_document(session, _supplier_order(session, order_id), depot)
        body = documents.order_pdf(document, settings.cooperative_name, settings.pool_timezone)
    return _attachment(body, "application/pdf", f"bestellung-{order_id}.pdf")


@api.get("/orders/<id:order_id>/distribution")
@require("admin", "member", "supplier", owed=True)
def order_distribution(order_id: int) -> ResponseReturnValue:
    """Rule 11: the order's packs per address (the supplier's part); who collects what,
    where (the office: everyone; a member: its own needs)."""
    principal = current_principal()
    depot = documents.depot_address(current_app.extensions["zirkel.settings"])
    with request_transaction() as session:
        order = order_book.existing_order(session, order_id)
        shipped = distribute(order_book.supplier_order(order), depot)
        received = {a.need_id: a.received for line in order.lines for a in line.allocations}
        pickups = [vars(p) | {"received": received.get(p.need_id)} for p in shipped.pickups]
        if principal.role == "supplier":
            if not principal.is_supplier(order.supplier_id):
                raise ApiError(403, "This order is not yours.")
            pickups = []
        elif principal.role == "member":
            pickups = [p for p in pickups if p["member_id"] == principal.subject_id]
            if not pickups:
                raise ApiError(403, "This order is not yours.")
        body = {"order_id": order.id, "depot_address": depot, "drops": shipped.drops}
    return jsonify(delivery_schemas.DistributionOut().dump(body | {"pickups": pickups}))


def _supplier_order(session: Session, order_id: int) -> orm.Order:
    """The order, if the caller is an admin or the order's supplier."""
    order = order_book.existing_order(session, order_id)
    principal = current_principal()
    if not (principal.is_admin or principal.is_supplier(order.supplier_id)):
        raise ApiError(403, "This order is not yours.")
    return order


def _attachment(body: bytes, content_type: str, filename: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@api.post("/orders/<id:order_id>/confirm")
@require("admin", "supplier", owed=True)
def confirm_order(order_id: int) -> ResponseReturnValue:
    body = load_body(schemas.ConfirmIn(), optional=True)
    cmd = ConfirmOrder(order_id, _deciding_supplier(), body["expected_delivery"], body["declined"])
    return _answer(cmd)


@api.post("/orders/<id:order_id>/reject")
@require("admin", "supplier", owed=True)
def reject_order(order_id: int) -> ResponseReturnValue:
    cmd = RejectOrder(order_id, _deciding_supplier(), load_body(schemas.RejectIn())["reason"])
    return _answer(cmd)


def _answer(cmd: ConfirmOrder | RejectOrder) -> Response:
    with request_work() as uow:
        return jsonify(schemas.OrderOut().dump(handle(cmd, uow)))


def _deciding_supplier() -> int | None:
    """The supplier answering; None when the office answers for it."""
    principal = current_principal()
    return None if principal.is_admin else principal.subject_id


def _visible_order(order: orm.Order, principal: Principal) -> dict[str, Any]:
    """The order as the caller may see it: a member sees only its own allocations."""
    body = schemas.OrderOut().dump(order)
    if principal.role == "member":
        for line in body["lines"]:
            line["allocations"] = [
                a for a in line["allocations"] if a["member_id"] == principal.subject_id
            ]
            line["sites"] = schemas.delivery_split(line["allocations"])
            line["needed_by"] = schemas.earliest_shown(line["allocations"])
    return body


def _has_allocations(body: dict[str, Any]) -> bool:
    return any(line["allocations"] for line in body["lines"])
