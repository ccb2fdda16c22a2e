"""A supplier's price list as a page: the upload (stored whole, or every problem of every
row shown in the reader's language), the supplier's offers, and its current list and
the empty template to download. The supplier's own desk (``supplier_portal``) and the
office, from the supplier's page (here), show the same page through ``price_list_page``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Response, current_app, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from catalog.entrypoints.price_list_format import COLUMNS, MAX_BYTES
from web.clients.catalog_types import PriceListRefused, RowProblem
from web.clients.service import Caller, Refused
from web.pages.admin import admin_required
from web.pages.callers import catalog, signed_in
from web.pages.remote import show_errors_as_pages
from web.pages.supplier_forms import PriceListForm

price_list_admin = Blueprint("price_list_admin", __name__, url_prefix="/admin")
show_errors_as_pages(price_list_admin)

TEMPLATE_FILE = "preisliste-vorlage.csv"


def price_list_page(supplier_id: int, **context: Any) -> ResponseReturnValue:
    """The page for the signed-in user (the supplier's desk or the office): an upload
    sent, its outcome; ``context``: the page's title and links (see the template)."""
    form = PriceListForm()
    result: dict[str, Any] = {}
    if form.validate_on_submit():
        result = _upload(signed_in(), supplier_id, form.file.data)
    status = 422 if form.errors or result.get("problems") else 200
    offers = _offers(signed_in(), supplier_id)
    page = render_template(
        "supplier_price_list.html", form=form, columns=COLUMNS, offers=offers, **context, **result
    )
    return page, status


def csv_download(body: bytes, filename: str) -> Response:
    """A CSV file as catalog's API wrote it (German Excel's: BOM, semicolons), to save."""
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def template_download() -> Response:
    return csv_download(catalog().price_list_template(signed_in()), TEMPLATE_FILE)


def _upload(caller: Caller, supplier_id: int, upload: FileStorage) -> dict[str, Any]:
    try:
        text = upload.read(MAX_BYTES + 1)
        summary = catalog().upload_price_list(caller, supplier_id, text)
    except PriceListRefused as exc:  # the file as a whole, or its rows and columns
        return {"problems": translated(exc.problems), "count": exc.count}
    except Refused as exc:  # not a price list at all
        whole = [{"row": None, "column": None, "message": _(exc.message)}]
        return {"problems": whole, "count": 1}
    current_app.logger.info(
        "%s uploaded a price list of supplier %s: %s offers",
        caller.role,
        summary.supplier_id,
        summary.offers_set,
    )
    return {"summary": summary}


def translated(problems: Iterable[RowProblem]) -> list[dict[str, Any]]:
    """The reader's language where a message is a known one (the API's are English)."""
    return [
        {"row": p.row, "column": p.column, "message": _(p.template, **p.values)} for p in problems
    ]


def _offers(caller: Caller, supplier_id: int) -> list[dict[str, Any]]:
    theirs = [o for o in catalog().offers(caller) if o.supplier_id == supplier_id]
    products = {p.sku: p for p in catalog().products(caller, (o.sku for o in theirs))}
    return sorted(
        (
            {
                "sku": o.sku,
                "name": products[o.sku].name,
                "unit": products[o.sku].unit,
                "pack_size": o.pack_size,
                "tiers": list(o.tiers),
                "valid_from": o.valid_from,
                "vat_rate": products[o.sku].vat_rate,
            }
            for o in theirs
            if o.sku in products
        ),
        key=lambda offer: offer["sku"],
    )


@price_list_admin.route("/suppliers/<id:supplier_id>/price-list", methods=["GET", "POST"])
@admin_required
def price_list(supplier_id: int) -> ResponseReturnValue:
    """The office uploads a supplier's price list for it, as the supplier would."""
    name = catalog().supplier(signed_in(), supplier_id).name  # its NotFound: the 404 page
    return price_list_page(
        supplier_id,
        title=_("Price list of %(name)s", name=name),
        offers_title=_("Offers of %(name)s", name=name),
        download_url=url_for("price_list_admin.download", supplier_id=supplier_id),
        template_url=url_for("price_list_admin.template"),
        back_url=url_for("directory_admin.edit", kinds="suppliers", record_id=supplier_id),
    )


@price_list_admin.get("/suppliers/<id:supplier_id>/price-list.csv")
@admin_required
def download(supplier_id: int) -> ResponseReturnValue:
    """The supplier's offers as the CSV the upload reads."""
    body = catalog().price_list(signed_in(), supplier_id)
    return csv_download(body, f"preisliste-{supplier_id}.csv")


@price_list_admin.get("/price-list-template.csv")
@admin_required
def template() -> ResponseReturnValue:
    """An empty price list with an example of each column, to fill in."""
    return template_download()
