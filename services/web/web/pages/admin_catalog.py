"""The office's catalog pages: members, suppliers, products and offers with their tiers."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from shared.fields import ascii_int
from web.clients.catalog_types import Product
from web.clients.service import OFFICE, Refused
from web.pages.admin import admin_required
from web.pages.admin_forms import (
    CHANNELS,
    TRADES,
    MemberForm,
    OfferForm,
    ProductChangeForm,
    ProductForm,
    SchemaForm,
    SupplierForm,
)
from web.pages.callers import catalog, supplier_names, suppliers_by_name
from web.pages.forms import options
from web.pages.office_lists import MEMBERS, OFFERS, PRODUCTS, SUPPLIERS
from web.pages.remote import show_errors_as_pages

catalog_admin = Blueprint("catalog_admin", __name__, url_prefix="/admin")
show_errors_as_pages(catalog_admin)


def _page(template: str, form: FlaskForm, **context: object) -> ResponseReturnValue:
    """The page with its form; a form sent back to the page was refused (success redirects)."""
    return render_template(template, form=form, **context), 422 if form.is_submitted() else 200


@catalog_admin.route("/members", methods=["GET", "POST"])
@admin_required
def members() -> ResponseReturnValue:
    form = MemberForm()
    sent = form.is_submitted() and (body := form.load()) is not None
    if sent and _saved(form, lambda: catalog().register_member(OFFICE, body)):
        flash(_("Member %(name)s registered.", name=body["name"]), "ok")
        return redirect(url_for("catalog_admin.members"))
    listed = MEMBERS.answer(catalog().members(OFFICE))
    if isinstance(listed, Response):
        return listed
    return _page("admin_members.html", form, members=listed, trades=TRADES)


@catalog_admin.route("/suppliers", methods=["GET", "POST"])
@admin_required
def suppliers() -> ResponseReturnValue:
    form = SupplierForm()
    sent = form.is_submitted() and (body := form.load()) is not None
    if sent and _saved(form, lambda: catalog().register_supplier(OFFICE, body)):
        flash(_("Supplier %(name)s registered.", name=body["name"]), "ok")
        return redirect(url_for("catalog_admin.suppliers"))
    listed = SUPPLIERS.answer(catalog().suppliers(OFFICE))
    if isinstance(listed, Response):
        return listed
    return _page("admin_suppliers.html", form, suppliers=listed, channels=CHANNELS)


@catalog_admin.route("/products", methods=["GET", "POST"])
@admin_required
def products() -> ResponseReturnValue:
    form = ProductForm()
    if form.is_submitted() and (body := form.load()) is not None:
        try:
            catalog().add_product(OFFICE, body)
        except Refused as exc:
            if exc.status != 409:
                raise
            form.sku.errors.append(_("A product with SKU %(sku)s exists already.", sku=body["sku"]))
        else:
            flash(_("Product %(sku)s added.", sku=body["sku"]), "ok")
            return redirect(url_for("catalog_admin.products"))
    listed = PRODUCTS.answer(catalog().products(OFFICE))
    if isinstance(listed, Response):
        return listed
    return _page("admin_products.html", form, products=listed)


@catalog_admin.route("/products/<sku>/edit", methods=["GET", "POST"])
@admin_required
def edit_product(sku: str) -> ResponseReturnValue:
    """Change a product's name, unit or VAT rate; its offers are announced again."""
    form = ProductChangeForm()
    product = catalog().product(OFFICE, sku)  # none such: the 404 page
    if not form.is_submitted():
        form.fill(product)
    if form.is_submitted() and (body := form.load()) is not None:
        try:
            catalog().change_product(OFFICE, sku, body)
        except Refused as exc:  # a unit change of a product with offers
            if exc.status not in (409, 422):
                raise
            form.unit.errors.append(_("A product with offers keeps its unit."))
        else:
            flash(_("Product %(sku)s saved.", sku=sku), "ok")
            return redirect(url_for("catalog_admin.products"))
    return _page("admin_product_edit.html", form, sku=sku)


@catalog_admin.route("/offers", methods=["GET", "POST"])
@admin_required
def offers() -> ResponseReturnValue:
    form = OfferForm()
    form.supplier_id.choices = options(suppliers_by_name(active_only=True))
    products = catalog().products(OFFICE)
    form.sku.choices = options((p.sku, f"{p.name} ({p.sku})") for p in products)
    offered = _listed_offers(products)
    listed = OFFERS.answer(offered)
    if isinstance(listed, Response):
        return listed
    if not form.is_submitted():
        _fill_from_existing(form, offered)
    elif (body := form.load()) is not None:
        supplier_id, sku = form.supplier_id.data, form.sku.data
        offer = {"pack_size": body["pack_size"], "tiers": body["tiers"]}
        if _saved(form, lambda: catalog().set_offer(OFFICE, supplier_id, sku, offer)):
            flash(_("Offer of %(sku)s saved.", sku=sku), "ok")
            return redirect(url_for("catalog_admin.offers"))
    return _page("admin_offers.html", form, offers=listed)


def _listed_offers(products: list[Product]) -> list[dict]:
    by_sku = {p.sku: p for p in products}
    names = supplier_names()
    return [
        {
            "supplier_id": o.supplier_id,
            "supplier": names.get(o.supplier_id, o.supplier_id),
            "sku": o.sku,
            "product": by_sku[o.sku].name if o.sku in by_sku else o.sku,
            "unit": by_sku[o.sku].unit if o.sku in by_sku else "",
            "pack_size": o.pack_size,
            "tiers": list(o.tiers),
        }
        for o in catalog().offers(OFFICE)
    ]


def _saved(form: SchemaForm, save: Callable[[], object]) -> bool:
    """Whether catalog took what the form sent; its refusal beside the fields if not."""
    try:
        save()
    except Refused as exc:
        if exc.status not in (409, 422):
            raise
        form.show(exc.details or {"name": [exc.message]})
        return False
    return True


def _fill_from_existing(form: OfferForm, listed: list[dict]) -> None:
    """``?supplier_id=2&sku=DISP-10L`` opens that offer for a change."""
    supplier_id, sku = request.args.get("supplier_id", type=ascii_int), request.args.get("sku")
    if supplier_id is None or sku is None:
        return
    form.supplier_id.data, form.sku.data = supplier_id, sku
    for offer in listed:
        if (offer["supplier_id"], offer["sku"]) == (supplier_id, sku):
            form.fill(offer["pack_size"], offer["tiers"])
