"""The catalog API the web pages need beside ``api.py``: the product index, members' names,
a member's flexibility, deactivating and reactivating members and suppliers."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.adapters.orm import Member, Product, Supplier
from catalog.entrypoints import schemas
from catalog.service_layer import directory
from shared.auth import current_principal, require
from shared.fields import ascii_int
from shared.outbox import Outbox
from shared.request_input import ApiError, load_body
from shared.web import MAX_ID, current_runtime, unit_of_work

directory_api = Blueprint("catalog_directory_api", __name__, url_prefix="/api/v1")
MAX_ASKED = 500


@directory_api.get("/product-index")
@require("admin", "member", "supplier")
def product_index() -> ResponseReturnValue:
    """Every product by SKU (``?sku=`` repeated: those alone, up to 500), for forms and names."""
    query = select(Product).order_by(Product.sku)
    if "sku" in request.args:
        query = query.where(Product.sku.in_(_asked(request.args.getlist("sku"), "sku")))
    with unit_of_work() as session:
        return jsonify(schemas.ProductOut(many=True).dump(session.scalars(query).all()))


@directory_api.get("/member-names")
@require("admin", "supplier")
def member_names() -> ResponseReturnValue:
    """``[{id, name}]`` of the members asked (``?id=`` repeated, up to 500): the names a
    supplier's orders and the office's pages show beside member numbers."""
    asked = _asked(request.args.getlist("id"), "id")
    try:
        ids = [ascii_int(value) for value in asked]
    except ValueError:
        raise ApiError(400, "Unknown member id.", {"id": ["Whole numbers only."]}) from None
    ids = [member_id for member_id in ids if member_id <= MAX_ID]  # a larger one is no id
    query = select(Member.id, Member.name).where(Member.id.in_(ids)).order_by(Member.id)
    with unit_of_work() as session:
        return jsonify([{"id": row.id, "name": row.name} for row in session.execute(query)])


@directory_api.put("/members/<id:member_id>/flexibility")
@require("admin", "member")
def set_flexibility(member_id: int) -> ResponseReturnValue:
    """The member's default flexibility (percent more it takes, none: exactly as asked)
    for the needs it posts from now on (admin or that member)."""
    principal = current_principal()
    if not (principal.is_admin or principal.is_member(member_id)):
        raise ApiError(403, "This belongs to another member.")
    percent = load_body(schemas.FlexibilityIn())["flexible_percent"]
    with unit_of_work() as session:
        member = directory.get_member(session, member_id)
        member.flexible_percent = percent or None
        return jsonify(schemas.MemberOut(exclude=["api_token"]).dump(member))


@directory_api.post("/members/<id:member_id>/deactivate")
@require("admin")
def deactivate_member(member_id: int) -> ResponseReturnValue:
    """Deactivate a member: no sign-in, no new needs, its open needs cancelled."""
    return _member(directory.remove_member, member_id)


@directory_api.post("/members/<id:member_id>/reactivate")
@require("admin")
def reactivate_member(member_id: int) -> ResponseReturnValue:
    return _member(directory.reactivate_member, member_id)


@directory_api.post("/suppliers/<id:supplier_id>/deactivate")
@require("admin")
def deactivate_supplier(supplier_id: int) -> ResponseReturnValue:
    """Deactivate a supplier: its offers withdrawn from pooling, its orders still its own."""
    return _supplier(directory.remove_supplier, supplier_id)


@directory_api.post("/suppliers/<id:supplier_id>/reactivate")
@require("admin")
def reactivate_supplier(supplier_id: int) -> ResponseReturnValue:
    return _supplier(directory.reactivate_supplier, supplier_id)


def _member(
    change: Callable[[Session, Outbox, int], Member], member_id: int
) -> ResponseReturnValue:
    with unit_of_work() as session:
        member = change(session, current_runtime().outbox, member_id)
        return jsonify(schemas.MemberOut(exclude=["api_token"]).dump(member))


def _supplier(
    change: Callable[[Session, Outbox, int], Supplier], supplier_id: int
) -> ResponseReturnValue:
    with unit_of_work() as session:
        supplier = change(session, current_runtime().outbox, supplier_id)
        return jsonify(schemas.SupplierOut(exclude=["api_token"]).dump(supplier))


def _asked(values: list[str], name: str) -> list[str]:
    if len(values) > MAX_ASKED:
        raise ApiError(400, f"Too many {name} values.", {name: [f"At most {MAX_ASKED}."]})
    return values
