"""A member's savings statement as a download: CSV for a spreadsheet, PDF to file away.

The CSV is for machines: semicolon-separated, UTF-8, plain decimals, one row per
pool window (its savings, then the VAT and gross it was invoiced), then the totals.
The PDF is in the member's language, euros as the language writes them, with the
built-in Helvetica (Windows-1252 has the euro sign).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from fpdf import FPDF

from notify.adapters.rendering import language_of
from notify.domain.amounts import LOCALES, euro
from notify.service_layer.periods import BERLIN
from shared.csv_files import Cell, csv_text
from shared.pdf import latin, letterhead

CSV_COLUMNS = (
    "window_id",
    "closed_on",
    "baseline",
    "paid",
    "saved",
    "invoiced_vat",
    "invoiced_gross",
)
FIGURES = ("baseline", "paid", "saved")
INVOICED = ("invoiced_vat", "invoiced_gross")

TEXTS = {
    "de": {
        "title": "Ersparnisnachweis",
        "member": "Mitglied",
        "period": "Zeitraum",
        "window": "Runde",
        "closed": "geschlossen am",
        "baseline": "allein",
        "paid": "im Pool bezahlt",
        "saved": "gespart",
        "invoiced_vat": "USt. berechnet",
        "invoiced_gross": "berechnet brutto",
        "total": "Summe",
        "fee": "Mitgliedsbeitrag (anteilig)",
        "net": "Ersparnis nach Beitrag",
        "none": "In diesem Zeitraum wurde keine Runde mit Ihrem Bedarf geschlossen.",
    },
    "en": {
        "title": "Savings statement",
        "member": "Member",
        "period": "Period",
        "window": "Round",
        "closed": "closed on",
        "baseline": "alone",
        "paid": "paid in the pool",
        "saved": "saved",
        "invoiced_vat": "VAT invoiced",
        "invoiced_gross": "invoiced gross",
        "total": "Total",
        "fee": "Membership fee (for the period)",
        "net": "Savings after the fee",
        "none": "No round with your needs closed in this period.",
    },
}


def period_name(statement: dict[str, Any], language: str) -> str:
    if statement["month"] is None:
        return str(statement["year"])
    first = datetime(statement["year"], statement["month"], 1)
    return format_date(first, format="MMMM yyyy", locale=LOCALES[language_of(language)])


def statement_csv(statement: dict[str, Any]) -> str:
    rows: list[list[Cell]] = [
        [w["window_id"], w["closed_at"].astimezone(BERLIN).date(), *_figures(w), *_invoiced(w)]
        for w in statement["windows"]
    ]
    rows.append(["total", None, *_figures(statement), *_invoiced(statement)])
    rows.append(["membership_fee", None, None, None, Decimal(statement["membership_fee"])])
    rows.append(["net", None, None, None, Decimal(statement["net"])])
    return csv_text(CSV_COLUMNS, rows)


def _figures(row: dict[str, Any]) -> list[Cell]:
    return [Decimal(row[name]) for name in ("baseline", "paid", "saved")]


def _invoiced(row: dict[str, Any]) -> list[Cell]:
    return [Decimal(row[name]) for name in INVOICED]


WIDTHS = (20, 28, 28, 28, 28, 28, 30)
SAVED = 5  # the columns up to and with "saved"


def statement_pdf(statement: dict[str, Any], language: str, cooperative: str) -> bytes:
    lang = language_of(language)
    t = TEXTS[lang]
    pdf = letterhead(_latin(cooperative), _latin(f"{t['title']} {period_name(statement, lang)}"))
    member = statement["member_name"] or f"Nr. {statement['member_id']}"
    pdf.cell(0, 6, _latin(f"{t['member']}: {member}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if statement["windows"]:
        _windows(pdf, statement, lang)
    else:
        pdf.cell(0, 6, _latin(t["none"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    rows = (
        (t["saved"], statement["saved"], ""),
        (t["fee"], statement["membership_fee"], ""),
        (t["net"], statement["net"], "B"),
    )
    for label, amount, style in rows:
        pdf.set_font("Helvetica", style, 10)
        pdf.cell(sum(WIDTHS[: SAVED - 1]), 6, _latin(label), align="R")
        pdf.cell(
            WIDTHS[SAVED - 1],
            6,
            _latin(euro(amount, lang)),
            align="R",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())


def _windows(pdf: FPDF, statement: dict[str, Any], lang: str) -> None:
    t = TEXTS[lang]
    headings = (t["window"], t["closed"], *(t[k] for k in (*FIGURES, *INVOICED)))
    pdf.set_font("Helvetica", "B", 9)
    for width, heading in zip(WIDTHS, headings, strict=True):
        pdf.cell(width, 7, _latin(heading), border="B", align="R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for w in statement["windows"]:
        closed = format_date(w["closed_at"].astimezone(BERLIN), locale=LOCALES[lang])
        cells = (
            str(w["window_id"]),
            closed,
            *(euro(w[k], lang) for k in (*FIGURES, *INVOICED)),
        )
        for width, text in zip(WIDTHS, cells, strict=True):
            pdf.cell(width, 6, _latin(text), align="R")
        pdf.ln()
    pdf.set_font("Helvetica", "B", 9)
    totals = ("", t["total"], *(euro(statement[k], lang) for k in (*FIGURES, *INVOICED)))
    for width, text in zip(WIDTHS, totals, strict=True):
        pdf.cell(width, 7, _latin(text), border="T", align="R")
    pdf.ln()


def _latin(text: str) -> str:
    """Only what Windows-1252 can show; a no-break space becomes a plain one."""
    return latin(text.replace("\xa0", " ").replace("\u202f", " "))
