"""The supplier portal's order page shows when each need is needed ("Benötigt bis"), in
the reader's language, and beside each line its first date: what the supplier plans by.

The worked example closed as in ``test_supplier_portal``: member 3's needs are needed by
19 March 2027, member 4's by 12 March; members 1 and 2 gave no date.
"""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.api.conftest import Service
from tests.web.test_supplier_portal import desk, order_id, pooling

__all__ = ["desk", "pooling"]  # the fixtures


def cells(page: str, row_id: str) -> list[str]:
    row = re.search(rf'<tr id="{row_id}">(.*?)</tr>', page, re.S)
    assert row is not None, row_id
    return [
        re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", row[1], re.S)
    ]


def test_each_line_shows_its_first_needed_by_date(pooling: Service, desk: FlaskClient) -> None:
    page = desk.get(f"/supplier/orders/{order_id(pooling)}").get_data(as_text=True)

    assert "Benötigt bis (erster Termin)" in page
    assert cells(page, "line-DISP-10L")[-1] == "19.03.2027"
    assert cells(page, "line-SIL-300")[-1] == "12.03.2027"


def test_each_need_shows_its_site_and_needed_by_date(pooling: Service, desk: FlaskClient) -> None:
    page = desk.get(f"/supplier/orders/{order_id(pooling)}").get_data(as_text=True)

    who = page[page.index("<summary>") :]
    rows = [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", row, re.S)]
        for row in re.findall(r"<tr><td>.*?</tr>", who, re.S)
    ]
    assert [row[2:4] for row in rows] == [
        ["Firmensitz", "\u2013"],
        ["Baustelle Hansastraße 12", "19.03.2027"],
        ["Firmensitz", "\u2013"],
        ["Baustelle Hansastraße 12", "19.03.2027"],
        ["Firmensitz", "12.03.2027"],
    ]
