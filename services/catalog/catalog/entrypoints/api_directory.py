"""The catalog API the web pages need beside ``api.py``: the product index, members' names,
a member's flexibility, deactivating and reactivating members and suppliers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from catalog.entrypoints import schemas
from catalog.entrypoints.work import request_work
from catalog.service_layer import commands, directory, views
from catalog.service_layer.unit_of_work import UnitOfWork
from shared.auth import current_principal, require
from shared.fields import ascii_int
from shared.request_input import ApiError, load_body
from shared.web import MAX_ID, request_transaction

directory_api = Blueprint("catalog_directory_api", __name__, url_prefix="/api/v1")
MAX_ASKED = 500


@directory_api.get("/product-index")
@require("admin", "member", "supplier")
def product_index() -> ResponseReturnValue:
    """Every product by SKU (``?sku=`` repeated: those alone, up to 500), for forms and names."""
    skus = _asked(request.args.getlist("sku"), "sku") if "sku" in request.args else None
    with request_transaction() as session:
        return jsonify(schemas.ProductOut(many=True).dump(views.product_index(session, skus)))


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
    with request_transaction() as session:
        return jsonify(views.member_names(session, ids))


@directory_api.put("/members/<id:member_id>/flexibility")
@require("admin", "member")
def set_flexibility(member_id: int) -> ResponseReturnValue:
    """The member's default flexibility (percent more it takes, none: exactly as asked)
    for the needs it posts from now on (admin or that member)."""
    principal = current_principal()
    if not (principal.is_admin or principal.is_member(member_id)):
        raise ApiError(403, "This belongs to another member.")
    percent = load_body(schemas.FlexibilityIn())["flexible_percent"]
    with request_work() as uow:
        member = directory.set_flexibility(commands.SetFlexibility(member_id, percent), uow)
        return jsonify(schemas.MemberOut(exclude=["api_token"]).dump(member))


@directory_api.post("/members/<id:member_id>/deactivate")
@require("admin")
def deactivate_member(member_id: int) -> ResponseReturnValue:
    """Deactivate a member: no sign-in, no new needs, its open needs cancelled."""
    return _member(directory.remove_member, commands.RemoveMember(member_id))


@directory_api.post("/members/<id:member_id>/reactivate")
@require("admin")
def reactivate_member(member_id: int) -> ResponseReturnValue:
    return _member(directory.reactivate_member, commands.ReactivateMember(member_id))


@directory_api.post("/suppliers/<id:supplier_id>/deactivate")
@require("admin")
def deactivate_supplier(supplier_id: int) -> ResponseReturnValue:
    """Deactivate a supplier: its offers withdrawn from pooling, its orders still its own."""
    return _supplier(directory.remove_supplier, commands.RemoveSupplier(supplier_id))


@directory_api.post("/suppliers/<id:supplier_id>/reactivate")
@require("admin")
def reactivate_supplier(supplier_id: int) -> ResponseReturnValue:
    return _supplier(directory.reactivate_supplier, commands.ReactivateSupplier(supplier_id))


def _member(change: Callable[[Any, UnitOfWork], Any], cmd: Any) -> ResponseReturnValue:
    with request_work() as uow:
        member = change(cmd, uow)
        return jsonify(schemas.MemberOut(exclude=["api_token"]).dump(member))


def _supplier(change: Callable[[Any, UnitOfWork], Any], cmd: Any) -> ResponseReturnValue:
    with request_work() as uow:
        supplier = change(cmd, uow)
        return jsonify(schemas.SupplierOut(exclude=["api_token"]).dump(supplier))


def _asked(values: list[str], name: str) -> list[str]:
    if len(values) > MAX_ASKED:
        raise ApiError(400, f"Too many {name} values.", {name: [f"At most {MAX_ASKED}."]})
    return values
