"""``POST /api/v1/price-lists/{supplier_id}``: a supplier's price list as a CSV file.

The body is the CSV itself (``Content-Type: text/csv``) or a multipart upload in the
field ``file``, in UTF-8 (with or without a BOM) or Windows-1252, as German Excel saves
it. Columns: ``sku, name, unit, pack_size, tiers, valid_from, vat_rate`` (the last two
optional), separated by ``;`` or ``,``; tiers are written ``0:42.00|10:38.00|25:34.50``,
a VAT rate ``19``, ``7`` or ``0`` (empty: the catalog's rate, 19 for a new product).
Figures may have a decimal comma (``42,00``, ``1.234,50``) and dates may be written
``01.03.2027``. Every row is checked with the rules of the JSON API; one problem
anywhere refuses the whole list with 422 and ``details: {"rows": [{row, column,
message}]}``, each message also as a template and its values for a page to translate.

``GET /api/v1/price-lists/{supplier_id}`` gives the supplier's offers as such a file, and
``GET /api/v1/price-lists/template`` an example to fill in, both as German Excel opens
them (semicolons, decimal commas, UTF-8 with a BOM), so that a list can be downloaded,
changed and uploaded again.
"""

from __future__ import annotations

from typing import NoReturn

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue

from catalog.entrypoints.price_list_format import MAX_BYTES
from catalog.entrypoints.price_list_rows import read_price_list, refuse
from catalog.entrypoints.work import request_work
from catalog.service_layer import price_lists, views
from catalog.service_layer.price_list_export import price_list_csv, price_list_template
from catalog.service_layer.price_lists import PriceListRefused, RowProblem
from shared.auth import current_principal, require
from shared.csv_files import decoded
from shared.request_input import ApiError
from shared.web import request_transaction

price_list_api = Blueprint("catalog_price_lists", __name__, url_prefix="/api/v1")

MAX_PROBLEMS_SHOWN = 100


@price_list_api.post("/price-lists/<id:supplier_id>")
@require("admin", "supplier")
def upload_price_list(supplier_id: int) -> ResponseReturnValue:
    principal = current_principal()
    if not (principal.is_admin or principal.is_supplier(supplier_id)):
        raise ApiError(403, "A supplier may only upload its own price list.")
    try:
        rows = read_price_list(uploaded_text())
        cmd = price_lists.UploadPriceList(supplier_id, tuple(rows))
        with request_work() as uow:
            summary = price_lists.upload_price_list(cmd, uow)
    except PriceListRefused as exc:
        _answer_refused(exc.problems)
    return jsonify(
        supplier_id=summary.supplier_id,
        rows=summary.rows,
        offers_set=summary.offers_set,
        products_created=len(summary.products_created),
        created_skus=summary.products_created,
        valid_from=[day.isoformat() for day in summary.valid_from],
    )


@price_list_api.get("/price-lists/<id:supplier_id>")
@require("admin", "supplier")
def download_price_list(supplier_id: int) -> ResponseReturnValue:
    """The supplier's offers as a price list to change and upload again."""
    principal = current_principal()
    if not (principal.is_admin or principal.is_supplier(supplier_id)):
        raise ApiError(403, "A supplier may only download its own price list.")
    with request_transaction() as session:
        views.supplier(session, supplier_id)
        body = price_list_csv(session, supplier_id)
    return csv_file(body, f"preisliste-{supplier_id}.csv")


@price_list_api.get("/price-lists/template")
@require("admin", "supplier")
def price_list_template_file() -> ResponseReturnValue:
    """An example price list to fill in: the columns and two rows showing each one."""
    return csv_file(price_list_template(), "preisliste-vorlage.csv")


def csv_file(body: str, filename: str) -> Response:
    response = Response(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def uploaded_text() -> str:
    """The price list's text from a CSV body or a multipart upload; size and encoding checked."""
    too_large = RowProblem(
        None,
        None,
        "The price list is larger than %(kib)s KiB; split it into parts.",
        {"kib": MAX_BYTES // 1024},
    )
    if (request.content_length or 0) > MAX_BYTES:
        refuse([too_large])
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            refuse([RowProblem(None, "file", "Send the price list in the form field 'file'.")])
        data = upload.read(MAX_BYTES + 1)
    elif request.mimetype in ("text/csv", "application/csv", "text/plain"):
        data = request.get_data(cache=False)
    else:
        raise ApiError(
            415, "Send the price list as text/csv or as multipart/form-data (field 'file')."
        )
    if len(data) > MAX_BYTES:
        refuse([too_large])
    try:
        text = decoded(data)
    except UnicodeDecodeError as exc:
        message = (
            "The file is neither UTF-8 nor Windows-1252 (at byte %(byte)s); save it as 'CSV UTF-8'."
        )
        refuse([RowProblem(None, None, message, {"byte": exc.start})])
    if not text.strip():
        refuse([RowProblem(None, None, "The price list is empty.")])
    if (nul := text.find("\x00")) >= 0:
        line = text.count("\n", 0, nul) + 1
        refuse([RowProblem(line, None, "A NUL character is not text; save it as 'CSV UTF-8'.")])
    return text


def _answer_refused(problems: list[RowProblem]) -> NoReturn:
    shown = problems[:MAX_PROBLEMS_SHOWN]
    count = len(problems)
    message = f"The price list was not stored: {count} problem{'s' if count != 1 else ''}."
    # beside each row's English message, its template and values for a page to translate
    templates = [{"template": p.message, "values": p.values} for p in shown]
    details = {"rows": [p.as_dict() for p in shown], "problems": count, "templates": templates}
    raise ApiError(422, message, details)
