"""The one CSV writer (shared/csv_files.py): text that starts like a formula is written
with a leading apostrophe, figures Zirkel computed are written as they are (issue 15)."""

from __future__ import annotations

import ast
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.csv_files import GERMAN_EXCEL, cell, csv_text, decoded, iso_date, plain_figure
from tests.unit.test_architecture import module_files


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


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False))
def test_a_figure_german_excel_wrote_is_read_back_as_the_same_number(number: Decimal) -> None:
    assert Decimal(plain_figure(cell(number, GERMAN_EXCEL))) == number


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("42,00", "42.00"),
        ("1.234,50", "1234.50"),
        ("-3,5", "-3.5"),
        ("42.50", "42.50"),  # a decimal point stays
        ("1.500", "1.500"),  # without a comma, one and a half, never fifteen hundred
        ("1,234.50", "1,234.50"),  # English thousands: left for the reader to refuse
        ("1.2345,0", "1.2345,0"),  # no thousands grouping: left as well
        ("abc", "abc"),
    ],
)
def test_a_decimal_comma_is_read_and_nothing_else_is_guessed(written: str, read: str) -> None:
    assert plain_figure(written) == read


def test_a_german_date_is_read_as_iso_and_other_text_is_left() -> None:
    assert iso_date("1.3.2027") == "2027-03-01"
    assert iso_date(date(2027, 3, 1).strftime("%d.%m.%Y")) == "2027-03-01"
    assert iso_date("2027-03-01") == "2027-03-01"
    assert iso_date("März 2027") == "März 2027"


def test_a_file_is_read_as_utf_8_with_or_without_bom_or_else_as_windows_1252() -> None:
    text = "sku;name\r\nWEISS;Wandfarbe weiß 10 l „matt“ €\r\n"
    assert decoded(text.encode("utf-8")) == text
    assert decoded(text.encode("utf-8-sig")) == text
    assert decoded(text.encode("cp1252")) == text
    with pytest.raises(UnicodeDecodeError):
        decoded(b"\x81\x8d")


def csv_writers(source: str) -> list[str]:
    """What in a module's source writes CSV with the csv module (``csv.writer``,
    ``csv.DictWriter``, or either imported by name)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "csv" and node.attr in ("writer", "DictWriter"):
                found.append(f"csv.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "csv":
            found += [a.name for a in node.names if a.name in ("writer", "DictWriter")]
    return found


def test_the_check_sees_a_csv_writer() -> None:
    assert csv_writers("import csv\nw = csv.writer(out)") == ["csv.writer"]
    assert csv_writers("from csv import DictWriter") == ["DictWriter"]
    assert csv_writers("import csv\nrows = csv.reader(text)") == []


def test_every_csv_zirkel_writes_comes_from_the_one_writer() -> None:
    """No module but shared/csv_files.py writes CSV itself, so every file Zirkel hands out
    (order documents, statements, accounts, price lists, the office's lists) is made safe
    to open there."""
    writers = {
        name: found
        for name, path in module_files().items()
        if (found := csv_writers(path.read_text()))
    }
    assert writers == {"shared.csv_files": ["csv.writer"]}
