"""The office lists' order (web/pages/listing.py): text without regard to case, figures
by value, empty cells last whichever way a column is sorted."""

from __future__ import annotations

from decimal import Decimal

import pytest

from web.pages.listing import Column, Listing, Query

LIST = Listing(
    "test",
    (
        Column("name", "Name", lambda r: r[0], searched=True),
        Column("fee", "Fee", lambda r: r[1]),
    ),
)
ROWS = [("beta", Decimal("9.50")), ("Alpha", None), ("gamma", Decimal("10.00")), ("", Decimal("1"))]


def order(sort: str, descending: bool, text: str = "") -> list[str]:
    query = Query(text, {}, sort, descending, 1)
    return [row[0] for row in LIST.matching(ROWS, query)]


@pytest.mark.parametrize("descending", [False, True])
def test_empty_cells_come_last_either_way(descending: bool) -> None:
    assert order("fee", descending)[-1] == "Alpha"
    assert order("name", descending)[-1] == ""


def test_text_ignores_case_and_figures_go_by_value() -> None:
    assert order("name", False) == ["Alpha", "beta", "gamma", ""]
    assert order("fee", False) == ["", "beta", "gamma", "Alpha"]  # 1 < 9.50 < 10.00
    assert order("fee", True) == ["gamma", "beta", "", "Alpha"]


def test_search_ignores_case() -> None:
    assert order("name", False, "ALP") == ["Alpha"]
