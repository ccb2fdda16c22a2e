"""The office's list of invoices as every office list: searched by number or member,
filtered by member, round and kind, sorted, paged, and the same rows as a CSV file for
German Excel; billing's real app behind it over loopback HTTP holds the worked example
(m1 226.10, a credit note and 271.32; m2 149.94; m3 416.50; m4 69.97)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from billing.adapters.orm import MemberRow
from shared.db import transaction
from tests.support.billing_world import billing_app, issue_worked_example
from tests.support.http import serving
from tests.web.conftest import Site, sign_in
from web.pages.office_lists import INVOICES


@pytest.fixture
def service_urls(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Billing knows members 1 and 2 by the names catalog gives them."""
    for app in billing_app(tmp_path / "billing"):
        issue_worked_example(app)
        with transaction(app.extensions["zirkel.runtime"].sessions) as session:
            for member_id, name in ((1, "Maler Eins"), (2, "Maler Zwei")):
                named = update(MemberRow).where(MemberRow.member_id == member_id)
                session.execute(named.values(name=name))
        with serving(app) as url:
            yield {"ZIRKEL_BILLING_URL": url}


@pytest.fixture
def office(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "admin@zirkel.example")
    return client


def shown(office: FlaskClient, query: str) -> list[str]:
    """The invoices' numbers (their last digit) in the page's order."""
    response = office.get(f"/admin/invoices?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return [piece[0] for piece in page.split('id="invoice-')[1:]]


def test_the_office_finds_an_invoice_by_number_or_member(office: FlaskClient) -> None:
    assert shown(office, "q=ZK-2026-000003") == ["3"]
    assert shown(office, "q=zwei") == ["2"]
    page = office.get("/admin/invoices?q=maler+eins").get_data(as_text=True)
    assert "3 gefunden." in page and 'value="maler eins"' in page
    assert "Keine Rechnungen gefunden." in office.get("/admin/invoices?q=ZK-1999").get_data(
        as_text=True
    )


def test_the_office_filters_by_member_round_and_kind(office: FlaskClient) -> None:
    assert shown(office, "type=credit_note") == ["5"]
    assert shown(office, "member_id=1&type=invoice") == ["6", "1"]
    assert shown(office, "window_id=1&type=invoice") == ["6", "4", "3", "2", "1"]
    page = office.get("/admin/invoices?type=credit_note").get_data(as_text=True)
    assert '<option value="credit_note" selected>Gutschrift</option>' in page
    assert 'href="/admin/invoices">Alle zeigen</a>' in page


def test_the_office_sorts_by_gross_member_and_date(office: FlaskClient) -> None:
    assert shown(office, "") == ["6", "5", "4", "3", "2", "1"]  # the newest number first
    assert shown(office, "sort=gross_total&dir=desc") == ["3", "6", "5", "1", "2", "4"]
    assert shown(office, "sort=member&dir=asc")[:4] == ["1", "5", "6", "2"]
    assert shown(office, "sort=issued_on&dir=asc") == ["1", "2", "3", "4", "5", "6"]
    page = office.get("/admin/invoices?sort=gross_total&dir=desc").get_data(as_text=True)
    assert 'aria-sort="descending"' in page and "Brutto ▼" in page
    assert 'href="/admin/invoices?sort=gross_total&amp;dir=asc"' in page


def test_the_office_pages_through_the_invoices(office: FlaskClient, monkeypatch: Any) -> None:
    monkeypatch.setattr("web.pages.admin_invoices.INVOICES", replace(INVOICES, per_page=2))
    first = office.get("/admin/invoices?type=invoice").get_data(as_text=True)
    assert "5 gefunden." in first and "Seite 1 von 3" in first
    assert 'href="/admin/invoices?type=invoice&amp;page=2" rel="next"' in first
    assert shown(office, "type=invoice&page=2") == ["3", "2"]
    assert shown(office, "type=invoice&page=99") == ["1"]  # past the end: the last page


def test_the_csv_file_has_what_is_found_for_german_excel(
    office: FlaskClient, monkeypatch: Any
) -> None:
    monkeypatch.setattr("web.pages.listing.EXPORT_PAGE", 2)  # billing asked page by page
    response = office.get("/admin/invoices?format=csv&type=invoice&sort=gross_total&dir=desc")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="Rechnungen.csv"' in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Nummer", "Datum", "Mitglied", "Runde", "Netto", "USt.", "Brutto", "Art"]
    assert [";".join(row) for row in rows[1:]] == [  # all pages of it, no credit note
        "ZK-2026-000003;16.03.2026;Mitglied 3;1;350,00;66,50;416,50;Rechnung",
        "ZK-2026-000006;16.03.2026;Maler Eins;1;228,00;43,32;271,32;Rechnung",
        "ZK-2026-000001;16.03.2026;Maler Eins;1;190,00;36,10;226,10;Rechnung",
        "ZK-2026-000002;16.03.2026;Maler Zwei;1;126,00;23,94;149,94;Rechnung",
        "ZK-2026-000004;16.03.2026;Mitglied 4;1;58,80;11,17;69,97;Rechnung",
    ]
    credit = office.get("/admin/invoices?format=csv&type=credit_note").get_data()
    assert credit.decode("utf-8-sig").splitlines()[1].endswith(";Gutschrift")


def test_billing_away_is_said_on_the_list(office: FlaskClient, monkeypatch: Any) -> None:
    from web.clients import EXTENSION

    away = "http://127.0.0.1:9"  # nothing listens there
    monkeypatch.setattr(office.application.extensions[EXTENSION].billing, "base_url", away)
    listed = office.get("/admin/invoices")
    assert listed.status_code == 503
    assert "Abrechnung antwortet gerade nicht" in listed.get_data(as_text=True)
