"""The rows of a price list read from its CSV text, each checked with the rules of the
JSON API (``POST /products``, ``PUT /offers``); every problem of every row is collected
with a message template and its values, so that a page shows it in its reader's language.
Figures may be written with a decimal comma and dates as ``01.03.2027``, as German Excel
writes them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NoReturn

from marshmallow import Schema, ValidationError, fields

from catalog.domain.model import tier_problems
from catalog.entrypoints import schemas
from catalog.entrypoints.price_list_format import COLUMNS, REQUIRED
from catalog.service_layer.price_lists import PriceListRefused, PriceListRow, RowProblem
from shared.csv_files import iso_date, plain_figure
from shared.fields import Quantity, VatRate, VisibleText

MAX_ROWS = 10_000
MAX_TIERS = 20


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
            refuse([RowProblem(None, None, "The price list is empty.")])
        columns = _header(header[1], problems)
        if problems:
            refuse(problems)
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
        message = "Not readable as CSV: %(error)s."
        problems.append(RowProblem(reader.line_num, None, message, {"error": str(exc)}))
    if not rows and not problems:
        problems.append(RowProblem(2, None, "The price list has a header but no rows."))
    if problems:
        refuse(problems)
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
            message = "Unknown column '%(column)s' (field %(field)s); the columns are %(columns)s."
            values = {"column": column, "field": position + 1, "columns": expected}
            problems.append(RowProblem(1, column, message, values))
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
        message = "Expected %(expected)s fields, found %(found)s."
        values = {"expected": len(columns), "found": len(record)}
        problems.append(RowProblem(line, None, message, values))
        return None
    raw = {
        column: _plain(column, cell.strip()) for column, cell in zip(columns, record, strict=True)
    }
    try:
        data = ROW.load({k: v for k, v in raw.items() if v})
    except ValidationError as exc:
        problems.extend(
            RowProblem(
                line, column, getattr(message, "template", message), getattr(message, "values", {})
            )
            for column, messages in _by_column(exc.messages)
            for message in messages
        )
        return None
    return PriceListRow(row=line, **data)


def _plain(column: str, cell: str) -> str:
    """A cell as the API's fields read it: figures with a decimal point, dates ISO."""
    if column in ("pack_size", "vat_rate"):
        return plain_figure(cell)
    if column == "valid_from":
        return iso_date(cell)
    return cell


class Problem(str):
    """A field's message with the template and values it was made of, so that a page can
    translate it: marshmallow keeps a message as it was raised."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Problem:
        problem = super().__new__(cls, template % values if values else template)
        problem.template, problem.values = template, values
        return problem


def _by_column(messages: Any) -> Iterator[tuple[str, list[str]]]:
    for column, found in dict(messages).items():
        yield column, found if isinstance(found, list) else [str(found)]


class Tiers(fields.Field):
    """Tiers as ``min_quantity:unit_price`` pairs joined by ``|``, checked like the API's."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        pairs = [pair.strip() for pair in str(value).split("|")]
        if len(pairs) > MAX_TIERS:
            raise ValidationError(Problem("At most %(tiers)s tiers.", tiers=MAX_TIERS))
        tiers: list[tuple[Decimal, Decimal]] = []
        for number, pair in enumerate(pairs, start=1):
            start, colon, unit_price = pair.partition(":")
            if not colon:
                message = (
                    "Tier %(number)s (%(tier)s) is not min_quantity:unit_price, e.g. 10:38.00."
                )
                raise ValidationError(Problem(message, number=number, tier=pair))
            tier_in = {"min_quantity": start.strip(), "unit_price": unit_price.strip()}
            try:
                tier = TIER.load({k: plain_figure(v) for k, v in tier_in.items()})
            except ValidationError as exc:
                found = "; ".join(f"{k}: {' '.join(v)}" for k, v in _by_column(exc.messages))
                message = "Tier %(number)s (%(tier)s): %(problem)s"
                raise ValidationError(
                    Problem(message, number=number, tier=pair, problem=found)
                ) from exc
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


def refuse(problems: list[RowProblem]) -> NoReturn:
    """Nothing of the price list is stored: the API answers 422, a page lists them."""
    raise PriceListRefused(problems)
