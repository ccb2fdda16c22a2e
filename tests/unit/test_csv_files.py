"""The one CSV writer (shared/csv_files.py): text that starts like a formula is written
with a leading apostrophe, figures Zirkel computed are written as they are (issue 15)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from shared.csv_files import cell, csv_text


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_starting_like_a_formula_gets_an_apostrophe(start: str) -> None:
    assert cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize(
    "text", ["", "Firmensitz", "DISP-10L", "1 = 1", "'=1+1", " =1+1", "\n=1+1", "€ 5"]
)
def test_other_text_is_written_as_it_is(text: str) -> None:
    assert cell(text) == text


def test_a_negative_figure_stays_a_number_but_the_same_characters_as_text_do_not() -> None:
    assert cell(Decimal("-5.00")) == "-5.00"
    assert cell(-3) == "-3"
    assert cell("-5.00") == "'-5.00"


def test_figures_are_written_plainly_days_as_iso_and_nothing_as_empty() -> None:
    assert cell(Decimal("1E+2")) == "100"
    assert cell(Decimal("38.00")) == "38.00"
    assert cell(date(2026, 3, 12)) == "2026-03-12"
    assert cell(None) == ""


@pytest.mark.parametrize("value", [True, 1.5, object()])
def test_a_value_that_is_neither_text_nor_a_figure_is_refused(value: object) -> None:
    with pytest.raises(TypeError):
        cell(value)  # type: ignore[arg-type]


def test_the_file_is_semicolon_separated_with_crlf_and_quotes_what_needs_them() -> None:
    text = csv_text(("site", "amount"), [['=A1;"x"', Decimal("-1.50")], ["Halle 3", None]])

    assert text == 'site;amount\r\n"\'=A1;""x""";-1.50\r\nHalle 3;\r\n'
    assert list(csv.reader(io.StringIO(text, newline=""), delimiter=";")) == [
        ["site", "amount"],
        ['\'=A1;"x"', "-1.50"],
        ["Halle 3", ""],
    ]


def test_german_excel_writes_a_bom_decimal_commas_and_german_dates_and_stays_safe() -> None:
    from shared.csv_files import GERMAN_EXCEL

    text = csv_text(
        ["Datum", "Beleg", "Soll"],
        [[date(2026, 3, 16), "=HYPERLINK(1)", Decimal("-1234.50")]],
        GERMAN_EXCEL,
    )

    assert text.startswith("\ufeffDatum;Beleg;Soll\r\n")
    assert text.splitlines()[1] == "16.03.2026;'=HYPERLINK(1);-1234,50"
    assert "\ufeff" not in csv_text(["a"], [[Decimal("1.5")]]) and "1.5" in csv_text(
        ["a"], [[Decimal("1.5")]]
    )
