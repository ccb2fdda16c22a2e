"""Every CSV file Zirkel writes (order documents, savings statements, account exports)
comes from here: semicolon-separated (German spreadsheets' separator), CRLF, and with no
text cell a spreadsheet would run as a formula. The plain dialect is UTF-8 without BOM,
as these files have always been; ``GERMAN_EXCEL`` (for the tax adviser) starts with a
BOM so that Excel reads UTF-8, and writes figures with a decimal comma and dates as
``DD.MM.YYYY``.

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
