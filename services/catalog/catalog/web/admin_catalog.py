"""The office's catalog pages: members, suppliers, products and offers with their tiers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from catalog.adapters.orm import Member, Offer, Product, Supplier
from catalog.service_layer import commands, handlers
from catalog.service_layer.commands import MEMBER_FIELDS
from catalog.web.admin import admin_required
from catalog.web.admin_forms import (
    CHANNELS,
    TRADES,
    MemberForm,
    OfferForm,
    ProductChangeForm,
    ProductForm,
    SupplierForm,
)
from catalog.web.forms import options
from catalog.web.remote import show_errors_as_pages
from shared.db import transaction
from shared.errors import DomainError
from shared.fields import ascii_int
from shared.web import current_runtime

catalog_admin = Blueprint("catalog_admin", __name__, url_prefix="/admin")
show_errors_as_pages(catalog_admin)


def _page(template: str, form: FlaskForm, **context: object) -> ResponseReturnValue:
    """The page with its form; a form sent back to the page was refused (success redirects)."""
    return render_template(template, form=form, **context), 422 if form.is_submitted() else 200


@catalog_admin.route("/members", methods=["GET", "POST"])
@admin_required
def members() -> ResponseReturnValue:
    form = MemberForm()
    if form.is_submitted() and (body := form.load()) is not None:
        with transaction(current_runtime().sessions) as db:
            handlers.register_member(db, commands.RegisterMember(**body))
        flash(_("Member %(name)s registered.", name=body["name"]), "ok")
        return redirect(url_for("catalog_admin.members"))
    shown = ("id", "name", "trade", "email", "active", *MEMBER_FIELDS)
    with transaction(current_runtime().sessions) as db:
        rows = [
            {column: getattr(m, column) for column in shown}
            for m in db.scalars(select(Member).order_by(Member.name))
        ]
    return _page("admin_members.html", form, members=rows, trades=TRADES)


@catalog_admin.route("/suppliers", methods=["GET", "POST"])
@admin_required
def suppliers() -> ResponseReturnValue:
    runtime = current_runtime()
    form = SupplierForm()
    if form.is_submitted() and (body := form.load()) is not None:
        try:
            with transaction(runtime.sessions) as db:
                handlers.register_supplier(db, runtime.outbox, commands.RegisterSupplier(**body))
        except DomainError as exc:
            form.add_error(exc.field, [str(exc)])
        else:
            flash(_("Supplier %(name)s registered.", name=body["name"]), "ok")
            return redirect(url_for("catalog_admin.suppliers"))
    with transaction(runtime.sessions) as db:
        rows = [
            (
                s.id,
                s.name,
                s.email,
                s.shipping_fee,
                s.free_shipping_from,
                s.delivery_channel,
                s.active,
            )
            for s in db.scalars(select(Supplier).order_by(Supplier.name))
        ]
    return _page("admin_suppliers.html", form, suppliers=rows, channels=CHANNELS)


@catalog_admin.route("/products", methods=["GET", "POST"])
@admin_required
def products() -> ResponseReturnValue:
    runtime = current_runtime()
    form = ProductForm()
    if form.is_submitted() and (body := form.load()) is not None:
        try:
            with transaction(runtime.sessions) as db:
                handlers.add_product(db, commands.AddProduct(**body), runtime.outbox)
        except DomainError:
            form.sku.errors.append(_("A product with SKU %(sku)s exists already.", sku=body["sku"]))
        else:
            flash(_("Product %(sku)s added.", sku=body["sku"]), "ok")
            return redirect(url_for("catalog_admin.products"))
    with transaction(runtime.sessions) as db:
        rows = [
            (p.sku, p.name, p.unit, p.vat_rate)
            for p in db.scalars(select(Product).order_by(Product.sku))
        ]
    return _page("admin_products.html", form, products=rows)


@catalog_admin.route("/products/<sku>/edit", methods=["GET", "POST"])
@admin_required
def edit_product(sku: str) -> ResponseReturnValue:
    """Change a product's name, unit or VAT rate; its offers are announced again."""
    runtime = current_runtime()
    form = ProductChangeForm()
    with transaction(runtime.sessions) as db:
        product = db.scalar(select(Product).where(Product.sku == sku))
        if product is None:
            abort(404)
        if not form.is_submitted():
            form.fill(product)
    if form.is_submitted() and (body := form.load()) is not None:
        try:
            with transaction(runtime.sessions) as db:
                handlers.change_product(db, runtime.outbox, commands.ChangeProduct(sku, **body))
        except DomainError:  # a unit change of a product with offers
            form.unit.errors.append(_("A product with offers keeps its unit."))
        else:
            flash(_("Product %(sku)s saved.", sku=sku), "ok")
            return redirect(url_for("catalog_admin.products"))
    return _page("admin_product_edit.html", form, sku=sku)


@catalog_admin.route("/offers", methods=["GET", "POST"])
@admin_required
def offers() -> ResponseReturnValue:
    runtime = current_runtime()
    form = OfferForm()
    with transaction(runtime.sessions) as db:
        form.supplier_id.choices = options(
            (s.id, s.name)
            for s in db.scalars(select(Supplier).where(Supplier.active).order_by(Supplier.name))
        )
        products = db.scalars(select(Product).order_by(Product.sku))
        form.sku.choices = options((p.sku, f"{p.name} ({p.sku})") for p in products)
        listed = _listed_offers(db)
    if not form.is_submitted():
        _fill_from_existing(form, listed)
    elif (body := form.load()) is not None:
        tiers = tuple((t["min_quantity"], t["unit_price"]) for t in body["tiers"])
        command = commands.SetOffer(form.supplier_id.data, form.sku.data, body["pack_size"], tiers)
        try:
            with transaction(runtime.sessions) as db:
                handlers.set_offer(db, runtime.outbox, command)
        except DomainError as exc:
            form.add_error(exc.field, [str(exc)])
        else:
            flash(_("Offer of %(sku)s saved.", sku=command.sku), "ok")
            return redirect(url_for("catalog_admin.offers"))
    return _page("admin_offers.html", form, offers=listed)


def _listed_offers(db) -> list[dict]:  # type: ignore[no-untyped-def]
    query = (
        select(Offer)
        .options(selectinload(Offer.tiers), selectinload(Offer.product))
        .order_by(Offer.supplier_id, Offer.id)
    )
    names = dict(db.execute(select(Supplier.id, Supplier.name)).all())
    return [
        {
            "supplier_id": o.supplier_id,
            "supplier": names.get(o.supplier_id, o.supplier_id),
            "sku": o.product.sku,
            "product": o.product.name,
            "unit": o.product.unit,
            "pack_size": o.pack_size,
            "tiers": [(t.min_quantity, t.unit_price) for t in o.tiers],
        }
        for o in db.scalars(query)
    ]


def _fill_from_existing(form: OfferForm, listed: list[dict]) -> None:
    """``?supplier_id=2&sku=DISP-10L`` opens that offer for a change."""
    supplier_id, sku = request.args.get("supplier_id", type=ascii_int), request.args.get("sku")
    if supplier_id is None or sku is None:
        return
    form.supplier_id.data, form.sku.data = supplier_id, sku
    for offer in listed:
        if (offer["supplier_id"], offer["sku"]) == (supplier_id, sku):
            form.fill(offer["pack_size"], offer["tiers"])
