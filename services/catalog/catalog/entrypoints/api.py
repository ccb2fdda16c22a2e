"""The catalog's JSON API under /api/v1: translate, call a handler, translate back."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from catalog.adapters.product_search import products_matching
from catalog.domain.model import NeedStatus
from catalog.domain.posting import KeyReused
from catalog.entrypoints import schemas
from catalog.entrypoints.need_search import need_search
from catalog.entrypoints.work import request_work
from catalog.service_layer import commands, directory, handlers, views
from shared.auth import TokenAuthority, current_principal, require
from shared.fields import ascii_int
from shared.request_input import ApiError, load_body
from shared.web import request_transaction

api = Blueprint("catalog_api", __name__, url_prefix="/api/v1")
PRODUCTS_LIMIT = 50
IDEMPOTENCY_KEY = "Idempotency-Key"
IDEMPOTENCY_KEY_SHAPE = re.compile(r"[!-~]([ -~]{0,62}[!-~])?")  # printable, no edge space


# Built once: a marshmallow schema copies its fields on every instantiation, and
# loading or dumping with one instance is safe across requests and threads.
NEED_IN = schemas.NeedIn()
NEED_OUT = schemas.NeedOut()


def tokens() -> TokenAuthority:
    return current_app.extensions["zirkel.tokens"]


@api.post("/members")
@require("admin")
def register_member() -> ResponseReturnValue:
    body = load_body(schemas.MemberIn())
    with request_work() as uow:
        member = handlers.register_member(commands.RegisterMember(**body), uow)
    out = schemas.MemberOut().dump(member) | {"api_token": tokens().issue("member", member.id)}
    return jsonify(out), 201


@api.get("/members")
@require("admin")
def list_members() -> ResponseReturnValue:
    with request_transaction() as session:
        members = views.members(session)
        return jsonify(schemas.MemberOut(many=True, exclude=["api_token"]).dump(members))


@api.get("/members/<id:member_id>")
@require("admin", "member")
def show_member(member_id: int) -> ResponseReturnValue:
    _may_act_for_member(member_id)
    with request_transaction() as session:
        member = views.member(session, member_id)
        return jsonify(schemas.MemberOut().dump(member))


@api.put("/members/<id:member_id>")
@require("admin")
def change_member(member_id: int) -> ResponseReturnValue:
    """Replace a member's data, its invoice address and mandate with them (admin)."""
    body = load_body(schemas.MemberIn())
    with request_work() as uow:
        member = directory.change_member(commands.ChangeMember(member_id, **body), uow)
        return jsonify(schemas.MemberOut(exclude=["api_token"]).dump(member))


@api.post("/suppliers")
@require("admin")
def register_supplier() -> ResponseReturnValue:
    body = load_body(schemas.SupplierIn())
    with request_work() as uow:
        supplier = handlers.register_supplier(commands.RegisterSupplier(**body), uow)
    token = tokens().issue("supplier", supplier.id)
    return jsonify(schemas.SupplierOut().dump(supplier) | {"api_token": token}), 201


@api.get("/suppliers")
@require("admin", "member", "supplier")
def list_suppliers() -> ResponseReturnValue:
    """The suppliers; only an admin sees how each one receives its orders."""
    exclude = ["api_token"]
    if not current_principal().is_admin:
        exclude += schemas.SUPPLIER_DELIVERY_FIELDS
    with request_transaction() as session:
        suppliers = views.suppliers(session)
        return jsonify(schemas.SupplierOut(many=True, exclude=exclude).dump(suppliers))


@api.get("/suppliers/<id:supplier_id>")
@require("admin", "supplier")
def show_supplier(supplier_id: int) -> ResponseReturnValue:
    """One supplier with its terms and delivery channel (admin or that supplier)."""
    _may_act_for_supplier(supplier_id)
    with request_transaction() as session:
        supplier = views.supplier(session, supplier_id)
        return jsonify(schemas.SupplierOut(exclude=["api_token"]).dump(supplier))


@api.put("/suppliers/<id:supplier_id>")
@require("admin", "supplier")
def update_supplier(supplier_id: int) -> ResponseReturnValue:
    """Replace a supplier's terms and delivery channel (admin or that supplier)."""
    _may_act_for_supplier(supplier_id)
    body = load_body(schemas.SupplierIn())
    with request_work() as uow:
        supplier = handlers.update_supplier(commands.UpdateSupplier(supplier_id, **body), uow)
        return jsonify(schemas.SupplierOut(exclude=["api_token"]).dump(supplier))


def _may_act_for_supplier(supplier_id: int) -> None:
    principal = current_principal()
    if not (principal.is_admin or principal.is_supplier(supplier_id)):
        raise ApiError(403, "This belongs to another supplier.")


@api.post("/products")
@require("admin")
def add_product() -> ResponseReturnValue:
    body = load_body(schemas.ProductIn())
    with request_work() as uow:
        product = handlers.add_product(commands.AddProduct(**body), uow)
    return jsonify(schemas.ProductOut().dump(product)), 201


@api.put("/products/<sku>")
@require("admin")
def change_product(sku: str) -> ResponseReturnValue:
    """Replace a product's name, unit and VAT rate (admin); its offers follow."""
    body = load_body(schemas.ProductChangeIn())
    with request_work() as uow:
        product = handlers.change_product(commands.ChangeProduct(sku, **body), uow)
        return jsonify(schemas.ProductOut().dump(product))


@api.get("/products")
@require("admin", "member", "supplier")
def list_products() -> ResponseReturnValue:
    """The products by SKU; ``?q=`` finds them by every word of it, each part of the SKU,
    the name (any case, "weiss" for "weiß", "ae" for "ä") or a trade whose members asked
    for them; ``?limit=`` up to 50."""
    query = products_matching(request.args.get("q", ""))
    limit = request.args.get("limit", PRODUCTS_LIMIT, type=ascii_int)
    if not 1 <= limit <= PRODUCTS_LIMIT:
        raise ApiError(400, "Unknown limit.", {"limit": [f"From 1 to {PRODUCTS_LIMIT}."]})
    with request_transaction() as session:
        found = views.products(session, query, limit)
        return jsonify(schemas.ProductOut(many=True).dump(found))


@api.put("/offers/<id:supplier_id>/<sku>")
@require("admin", "supplier")
def set_offer(supplier_id: int, sku: str) -> ResponseReturnValue:
    principal = current_principal()
    if not (principal.is_admin or principal.is_supplier(supplier_id)):
        raise ApiError(403, "A supplier may only set its own offers.")
    body = load_body(schemas.OfferIn())
    tiers = tuple((t["min_quantity"], t["unit_price"]) for t in body["tiers"])
    cmd = commands.SetOffer(supplier_id, sku, body["pack_size"], tiers, body["valid_from"])
    with request_work() as uow:
        offer = handlers.set_offer(cmd, uow)
        return jsonify(schemas.OfferOut().dump(offer))


@api.get("/offers")
@require("admin", "member", "supplier")
def list_offers() -> ResponseReturnValue:
    """Every offer for members and the office; a supplier sees its own alone (its
    competitors' prices are not its business)."""
    principal = current_principal()
    own = principal.subject_id if principal.role == "supplier" else None
    with request_transaction() as session:
        return jsonify(schemas.OfferOut(many=True).dump(views.offers(session, own)))


@api.post("/needs")
@require("admin", "member")
def post_need() -> ResponseReturnValue:
    """Post a member's need; sent again with its Idempotency-Key, the need made the first
    time is answered again (201, the same body, ``Idempotent-Replayed: true``)."""
    key = _idempotency_key()
    body = load_body(NEED_IN)
    member_id = _member_for_new_need(body.pop("member_id"))
    try:
        with request_work() as uow:
            need = handlers.post_need(
                commands.PostNeed(member_id, **body, idempotency_key=key), uow
            )
    except KeyReused as exc:  # the need it made, by number, for a form to name
        details = {IDEMPOTENCY_KEY: [str(exc)], "need_id": [exc.need_id]}
        raise ApiError(422, str(exc), details) from exc
    if need.replayed:
        return jsonify(NEED_OUT.dump(need)), 201, {"Idempotent-Replayed": "true"}
    return jsonify(NEED_OUT.dump(need)), 201


def _idempotency_key() -> str | None:
    """The request's ``Idempotency-Key``: none, or 1 to 64 printable ASCII characters
    (inner spaces allowed); anything else is a 400 naming the header."""
    key = request.headers.get(IDEMPOTENCY_KEY)
    if key is None or IDEMPOTENCY_KEY_SHAPE.fullmatch(key):
        return key
    message = "Send 1 to 64 printable ASCII characters, no space at either end (a UUID)."
    raise ApiError(400, f"The {IDEMPOTENCY_KEY} header is not valid.", {IDEMPOTENCY_KEY: [message]})


@api.get("/needs")
@require("admin", "member")
def list_needs() -> ResponseReturnValue:
    """Searched, sorted and paged as ``entrypoints/need_search.py`` says."""
    query, total = need_search(current_principal())
    with request_transaction() as session:
        found = schemas.NeedOut(many=True).dump(session.scalars(query).all())
        return jsonify(found), 200, {"X-Total-Count": str(session.scalar(total))}


@api.get("/needs/<id:need_id>")
@require("admin", "member")
def show_need(need_id: int) -> ResponseReturnValue:
    with request_transaction() as session:
        need = views.need(session, need_id, asking_member())
        return jsonify(NEED_OUT.dump(need))


@api.post("/needs/<id:need_id>/cancel")
@require("admin", "member")
def cancel_need(need_id: int) -> ResponseReturnValue:
    """Cancel an open need: 202 while pooling decides (``cancel_requested``), 200 once
    cancelled; GET /needs/{id} shows the outcome, ``cancelled`` or ``ordered``."""
    with request_work() as uow:
        need = handlers.cancel_need(commands.CancelNeed(need_id, asking_member()), uow)
        status = 200 if need.status == NeedStatus.CANCELLED else 202
        return jsonify(NEED_OUT.dump(need)), status


def _member_for_new_need(requested: int | None) -> int:
    principal = current_principal()
    if principal.is_admin:
        if requested is None:
            raise ApiError(422, "An admin must say for which member.", {"member_id": ["Required."]})
        return requested
    if requested is not None and requested != principal.subject_id:
        raise ApiError(
            403, "A member may only post needs for itself.", {"member_id": ["Not yours."]}
        )
    assert principal.subject_id is not None
    return principal.subject_id


def _may_act_for_member(member_id: int) -> None:
    principal = current_principal()
    if not (principal.is_admin or principal.is_member(member_id)):
        raise ApiError(403, "This belongs to another member.")


def asking_member() -> int | None:
    """The member a member's token acts for; None for the office."""
    principal = current_principal()
    return None if principal.is_admin else principal.subject_id
