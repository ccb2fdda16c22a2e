"""Every CSV file Zirkel writes (order documents, savings statements, account exports)
comes from here, and what a spreadsheet wrote is read back here (``decoded``,
``plain_figure``, ``iso_date``). Written files are semicolon-separated (German
spreadsheets' separator), CRLF, and with no text cell a spreadsheet would run as a
formula. The plain dialect is UTF-8 without BOM, as these files have always been;
``GERMAN_EXCEL`` (for the tax adviser, and price lists) starts with a BOM so that Excel
reads UTF-8, and writes figures with a decimal comma and dates as ``DD.MM.YYYY``.

A cell is text or a figure, told apart by its type, never by its content:
- ``str`` is text, whoever typed it (a delivery site, a SKU, a label). Text that starts
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a leading
  ``'`` (OWASP, "CSV Injection"), so ``=HYPERLINK(…)`` is shown, not run, and a site
  typed as ``-5.00`` stays that text.
- ``Decimal`` and ``int`` are figures Zirkel computed; they are written in plain
  notation as they are: an amount of ``-5.00`` stays a number.
- ``date`` is written as ``YYYY-MM-DD``; ``None`` is an empty cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

Cell = str | Decimal | int | date | None

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Dialect:
    """How figures and dates are written, and whether the file starts with a BOM."""

    decimal_comma: bool = False
    german_dates: bool = False
    bom: bool = False


PLAIN = Dialect()
GERMAN_EXCEL = Dialect(decimal_comma=True, german_dates=True, bom=True)


def csv_text(
    header: Sequence[str], rows: Iterable[Sequence[Cell]], dialect: Dialect = PLAIN
) -> str:
    """The CSV file of ``header`` and ``rows``."""
    out = io.StringIO()
    if dialect.bom:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([cell(name) for name in header])
    writer.writerows([cell(value, dialect) for value in row] for row in rows)
    return out.getvalue()


def cell(value: Cell, dialect: Dialect = PLAIN) -> str:
    """One cell as written: text made safe to open, a figure as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, bool):  # an int to Python, but no figure
        raise TypeError("a yes/no is no CSV figure; write it as text")
    if isinstance(value, Decimal):
        figure = format(value, "f")
        return figure.replace(".", ",") if dialect.decimal_comma else figure
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y") if dialect.german_dates else value.isoformat()
    raise TypeError(f"no CSV cell for {type(value).__name__}")


# A decimal comma, with dots between thousands or none. Without a comma a figure is read
# as written: "1.500" is one and a half, never fifteen hundred.
GERMAN_FIGURE = re.compile(r"-?(\d{1,3}(\.\d{3})+|\d+),\d+")
GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def decoded(data: bytes) -> str:
    """A spreadsheet's file as text: UTF-8, with or without a BOM (Excel's "CSV UTF-8"),
    or else Windows-1252 (what German Excel's plain "CSV" saves). Raises
    ``UnicodeDecodeError`` for bytes that are neither."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def plain_figure(text: str) -> str:
    """A figure as a German spreadsheet writes it in plain notation: ``1.234,50`` and
    ``42,5`` become ``1234.50`` and ``42.5``. Anything else (``42.50``, ``1,234.50``,
    ``1.500``, text) is returned as it is, for the reader's own check to accept or refuse."""
    if not GERMAN_FIGURE.fullmatch(text):
        return text
    return text.replace(".", "").replace(",", ".")


def iso_date(text: str) -> str:
    """``01.03.2027`` (as German Excel writes a date) becomes ``2027-03-01``; anything
    else is returned as it is."""
    found = GERMAN_DATE.fullmatch(text)
    if not found:
        return text
    day, month, year = found.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"
