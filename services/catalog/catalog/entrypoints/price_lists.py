"""``POST /api/v1/price-lists/{supplier_id}``: a supplier's price list as a CSV file.

The body is the CSV itself (``Content-Type: text/csv``) or a multipart upload in the
field ``file``. Columns: ``sku, name, unit, pack_size, tiers, valid_from, vat_rate``
(the last two optional), separated by ``;`` or ``,``; tiers are written
``0:42.00|10:38.00|25:34.50``, a VAT rate ``19``, ``7`` or ``0`` (empty: the catalog's
rate, 19 for a new product). Every row is checked with the rules of the JSON API; one
problem anywhere refuses the whole list with 422 and ``details: {"rows": [{row, column,
message}]}``.

``GET /api/v1/price-lists/{supplier_id}`` gives the supplier's offers as such a file
(semicolons), so that a list can be downloaded, changed and uploaded again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NoReturn

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue
from marshmallow import Schema, ValidationError, fields

from catalog.domain.model import tier_problems
from catalog.entrypoints import schemas
from catalog.entrypoints.price_list_format import COLUMNS, MAX_BYTES, REQUIRED
from catalog.service_layer import price_lists
from catalog.service_layer.directory import get_supplier
from catalog.service_layer.price_list_export import price_list_csv
from catalog.service_layer.price_lists import PriceListRefused, PriceListRow, RowProblem
from shared.auth import current_principal, require
from shared.fields import Quantity, VatRate, VisibleText
from shared.web import ApiError, current_runtime, unit_of_work

price_list_api = Blueprint("catalog_price_lists", __name__, url_prefix="/api/v1")

MAX_ROWS = 10_000
MAX_TIERS = 20
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
        with unit_of_work() as session:
            summary = price_lists.upload_price_list(session, current_runtime().outbox, cmd)
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
    with unit_of_work() as session:
        get_supplier(session, supplier_id)
        body = price_list_csv(session, supplier_id)
    response = Response(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    filename = f"preisliste-{supplier_id}.csv"
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
        _refuse([too_large])
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            _refuse([RowProblem(None, "file", "Send the price list in the form field 'file'.")])
        data = upload.read(MAX_BYTES + 1)
    elif request.mimetype in ("text/csv", "application/csv", "text/plain"):
        data = request.get_data(cache=False)
    else:
        raise ApiError(
            415, "Send the price list as text/csv or as multipart/form-data (field 'file')."
        )
    if len(data) > MAX_BYTES:
        _refuse([too_large])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = f"The file is not UTF-8 (at byte {exc.start}); save it as 'CSV UTF-8'."
        _refuse([RowProblem(None, None, message)])
    if not text.strip():
        _refuse([RowProblem(None, None, "The price list is empty.")])
    if (nul := text.find("\x00")) >= 0:
        line = text.count("\n", 0, nul) + 1
        _refuse([RowProblem(line, None, "A NUL character is not text; save it as 'CSV UTF-8'.")])
    return text


def read_price_list(text: str) -> list[PriceListRow]:
    """The rows of a price list, each validated; raises a 422 listing every problem."""
    first_line = text.lstrip("\r\n").splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[PriceListRow] = []
    problems: list[RowProblem] = []
    try:
        records = _records(reader)
        header = next(records, None)
        if header is None:
            _refuse([RowProblem(None, None, "The price list is empty.")])
        columns = _header(header[1], problems)
        if problems:
            _refuse(problems)
        first_row: dict[str, int] = {}
        for line, record in records:
            if len(rows) + len(problems) >= MAX_ROWS:
                problems.append(
                    RowProblem(line, None, "More than %(rows)s rows.", {"rows": MAX_ROWS})
                )
                break
            row = _row(line, columns, record, problems)
            if row is None:
                continue
            if row.sku in first_row:
                message = "SKU %(sku)s is listed already in row %(row)s."
                values = {"sku": row.sku, "row": first_row[row.sku]}
                problems.append(RowProblem(line, "sku", message, values))
                continue
            first_row[row.sku] = line
            rows.append(row)
    except csv.Error as exc:
        problems.append(RowProblem(reader.line_num, None, f"Not readable as CSV: {exc}."))
    if not rows and not problems:
        problems.append(RowProblem(2, None, "The price list has a header but no rows."))
    if problems:
        _refuse(problems)
    return rows


def _records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line each ends on (the header is line 1)."""
    for record in reader:
        if any(cell.strip() for cell in record):
            yield reader.line_num, record


def _header(cells: list[str], problems: list[RowProblem]) -> list[str]:
    columns = [cell.strip().lower() for cell in cells]
    expected = ", ".join(COLUMNS)
    for position, column in enumerate(columns):
        if column not in COLUMNS:
            message = (
                f"Unknown column {column!r} (field {position + 1}); the columns are {expected}."
            )
            problems.append(RowProblem(1, column, message))
        elif column in columns[:position]:
            problems.append(RowProblem(1, column, "The column is there twice."))
    problems.extend(
        RowProblem(1, column, "The column is missing.")
        for column in REQUIRED
        if column not in columns
    )
    return columns


def _row(
    line: int, columns: list[str], record: list[str], problems: list[RowProblem]
) -> PriceListRow | None:
    missing = columns[len(record) :]
    if missing and not set(missing) & set(REQUIRED):  # optional trailing fields left off
        record = record + [""] * len(missing)
    if len(record) != len(columns):
        message = f"Expected {len(columns)} fields, found {len(record)}."
        problems.append(RowProblem(line, None, message))
        return None
    raw = {column: cell.strip() for column, cell in zip(columns, record, strict=True)}
    try:
        data = ROW.load({k: v for k, v in raw.items() if v})
    except ValidationError as exc:
        problems.extend(
            RowProblem(line, column, message)
            for column, messages in _by_column(exc.messages)
            for message in messages
        )
        return None
    return PriceListRow(row=line, **data)


def _by_column(messages: Any) -> Iterator[tuple[str, list[str]]]:
    for column, found in dict(messages).items():
        yield column, found if isinstance(found, list) else [str(found)]


class Tiers(fields.Field):
    """Tiers as ``min_quantity:unit_price`` pairs joined by ``|``, checked like the API's."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        pairs = [pair.strip() for pair in str(value).split("|")]
        if len(pairs) > MAX_TIERS:
            raise ValidationError(f"At most {MAX_TIERS} tiers.")
        tiers: list[tuple[Decimal, Decimal]] = []
        for number, pair in enumerate(pairs, start=1):
            start, colon, unit_price = pair.partition(":")
            if not colon:
                raise ValidationError(
                    f"Tier {number} ({pair!r}) is not min_quantity:unit_price, e.g. 10:38.00."
                )
            try:
                tier = TIER.load({"min_quantity": start.strip(), "unit_price": unit_price.strip()})
            except ValidationError as exc:
                found = "; ".join(f"{k}: {' '.join(v)}" for k, v in _by_column(exc.messages))
                raise ValidationError(f"Tier {number} ({pair!r}): {found}") from exc
            tiers.append((tier["min_quantity"], tier["unit_price"]))
        if problems := tier_problems(tiers):
            raise ValidationError(" ".join(problems))
        return tuple(tiers)


class PriceListRowIn(Schema):
    """A row of a price list: the fields of ``POST /products`` and ``PUT /offers``."""

    sku = fields.String(required=True, validate=schemas.SKU)
    name = VisibleText(200, required=True)
    unit = VisibleText(20, required=True)
    pack_size = Quantity(required=True)
    tiers = Tiers(required=True)
    valid_from = fields.Date(load_default=None)
    vat_rate = VatRate(load_default=None)


# One instance of each schema checks every row: building one per row was most of the time.
TIER = schemas.TierIn()
ROW = PriceListRowIn()


def _refuse(problems: list[RowProblem]) -> NoReturn:
    """Nothing of the price list is stored: the API answers 422, a page lists them."""
    raise PriceListRefused(problems)


def _answer_refused(problems: list[RowProblem]) -> NoReturn:
    shown = problems[:MAX_PROBLEMS_SHOWN]
    count = len(problems)
    message = f"The price list was not stored: {count} problem{'s' if count != 1 else ''}."
    # beside each row's English message, its template and values for a page to translate
    templates = [{"template": p.message, "values": p.values} for p in shown]
    details = {"rows": [p.as_dict() for p in shown], "problems": count, "templates": templates}
    raise ApiError(422, message, details)
