"""The office's lists (members, suppliers, products, users, ...): search, filters, sorting,
pages, and the same rows as a CSV file for German Excel."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from flask.testing import FlaskClient

from catalog.adapters.orm import Member
from catalog.service_layer import commands, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.db import transaction
from tests.web.conftest import Site, sign_in


@pytest.fixture
def office(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "admin@zirkel.example")
    return client


def page_of(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def rows_of(client: FlaskClient, path: str) -> tuple[bytes, list[list[str]]]:
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_data()
    text = data.decode("utf-8-sig")
    return data, list(csv.reader(io.StringIO(text), delimiter=";"))


def add_suppliers(site: Site) -> None:
    with transaction(site.runtime.sessions) as db:
        for name, fee in (("Baustoffe West", "25.00"), ('=HYPERLINK("http://x")', "19.50")):
            cmd = commands.RegisterSupplier(name, "s@x.example", Decimal(fee), Decimal("500.00"))
            handlers.register_supplier(cmd, SqlAlchemyUnitOfWork(db, site.runtime.outbox))


def test_members_are_searched_by_name_and_filtered_by_status(
    site: Site, office: FlaskClient
) -> None:
    page = page_of(office, "/admin/members?q=zwei")
    assert "Maler Zwei" in page and "Maler Eins" not in page
    assert "1 gefunden." in page
    with transaction(site.runtime.sessions) as db:
        db.get(Member, site.member_ids[0]).active = False
    page = page_of(office, "/admin/members?status=inactive")
    assert "Maler Eins" in page and "Maler Zwei" not in page
    assert "Kein Mitglied passt." in page_of(office, "/admin/members?q=Dachdecker")


def test_members_are_sorted_by_the_chosen_column_both_ways(office: FlaskClient) -> None:
    ascending = page_of(office, "/admin/members")
    assert ascending.index("Maler Eins") < ascending.index("Maler Zwei")
    descending = page_of(office, "/admin/members?sort=name&dir=desc")
    assert descending.index("Maler Zwei") < descending.index("Maler Eins")
    assert 'aria-sort="descending"' in descending
    # the heading sorts the other way next; an unknown column sorts by name
    assert "sort=name&amp;dir=asc" in descending
    fallback = page_of(office, "/admin/members?sort=password_hash")
    assert fallback.index("Maler Eins") < fallback.index("Maler Zwei")


def test_a_long_list_comes_in_pages_with_links(site: Site, office: FlaskClient) -> None:
    with transaction(site.runtime.sessions) as db:
        for number in range(60):
            cmd = commands.AddProduct(f"P-{number:03d}", f"Pinsel {number}", "piece")
            handlers.add_product(cmd, SqlAlchemyUnitOfWork(db))
    first = page_of(office, "/admin/products?q=pinsel")
    assert "60 gefunden." in first and "Seite 1 von 2" in first
    assert "P-049" in first and "P-050" not in first
    assert 'href="/admin/products?q=pinsel&amp;page=2" rel="next"' in first
    second = page_of(office, "/admin/products?q=pinsel&page=2")
    assert "P-050" in second and "P-059" in second and "P-049" not in second
    past_the_end = page_of(office, "/admin/products?q=pinsel&page=99")
    assert "Seite 2 von 2" in past_the_end


def test_the_csv_file_is_for_german_excel_with_every_row_found(
    site: Site, office: FlaskClient
) -> None:
    add_suppliers(site)
    data, rows = rows_of(office, "/admin/suppliers?format=csv&sort=shipping_fee")
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    assert b";" in data.splitlines()[0] and b"\r\n" in data
    header, *body = rows
    assert header[:4] == ["#", "Name", "E-Mail", "Versandkosten"]
    assert [row[3] for row in body] == ["19,50", "25,00"]  # decimal comma, sorted by fee
    assert body[0][1] == '\'=HYPERLINK("http://x")'  # shown, never run
    assert body[1][1] == "Baustoffe West" and body[1][-1] == "aktiv"


def test_the_csv_file_is_named_in_german(office: FlaskClient) -> None:
    response = office.get("/admin/members?format=csv")
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Mitglieder.csv\"; filename*=UTF-8''Mitglieder.csv"
    )
    caught = office.get("/admin/users?format=csv").headers["Content-Disposition"]
    assert 'filename="Benutzer.csv"' in caught


def test_the_csv_file_has_the_search_not_the_page(site: Site, office: FlaskClient) -> None:
    add_suppliers(site)
    _data, rows = rows_of(office, "/admin/suppliers?q=west&format=csv&page=2")
    assert [row[1] for row in rows[1:]] == ["Baustoffe West"]
    assert "format=csv" in page_of(office, "/admin/suppliers?q=west")


def test_users_are_listed_with_their_firms_names(site: Site, office: FlaskClient) -> None:
    page = page_of(office, "/admin/users?role=member")
    assert "eins@maler.example" in page and "Maler Eins" in page and "Maler Zwei" in page
    assert "admin@zirkel.example" not in page
    _data, rows = rows_of(office, "/admin/users?format=csv")
    assert rows[0] == ["E-Mail", "Rolle", "Mitglied oder Lieferant", "Angelegt am", "Status"]
    assert {row[2] for row in rows[1:]} == {"Maler Eins", "Maler Zwei", ""}


def test_the_lists_are_the_office_s_alone(site: Site, member: FlaskClient) -> None:
    for path in ("/admin/members?format=csv", "/admin/users?format=csv", "/admin/products?q=x"):
        assert member.get(path).status_code == 403
    assert site.client().get("/admin/users?format=csv").status_code == 302  # to the sign-in


def test_orders_from_pooling_are_filtered_sorted_and_exported(
    site: Site, office: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_suppliers(site)  # suppliers 1 and 2
    orders = [
        {"id": 1, "window_id": 1, "supplier_id": 1, "status": "received", "total": "834.40"},
        {"id": 2, "window_id": 2, "supplier_id": 2, "status": "placed", "total": "99.90"},
        {"id": 3, "window_id": 2, "supplier_id": 1, "status": "placed", "total": "1200.00"},
    ]
    monkeypatch.setattr("web.pages.admin_receipts.fetch", lambda *_args: orders)
    page = page_of(office, "/admin/orders?status=placed&sort=total&dir=desc")
    assert 'id="order-3"' in page and 'id="order-2"' in page and 'id="order-1"' not in page
    assert page.index('id="order-3"') < page.index('id="order-2"')
    assert "2 gefunden." in page_of(office, "/admin/orders?q=West")  # orders 1 and 3
    by_supplier = page_of(office, "/admin/orders?supplier_id=2")
    assert 'id="order-2"' in by_supplier and 'id="order-3"' not in by_supplier
    _data, rows = rows_of(office, "/admin/orders?format=csv")
    assert [row[0] for row in rows[1:]] == ["3", "2", "1"]  # newest first
    assert rows[1][2:] == ["Baustoffe West", "bestellt", "1200,00"]


def post_need(site: Site, member_id: int, quantity: str, site_name: str) -> None:
    token = site.app.extensions["zirkel.tokens"].issue("member", member_id)
    body = {"sku": "DISP-10L", "quantity": quantity, "delivery_site": site_name}
    headers = {"Authorization": f"Bearer {token}"}
    assert site.api().post("/api/v1/needs", json=body, headers=headers).status_code == 201


def test_the_needs_list_asks_catalog_to_search_sort_and_page(
    site: Site, office: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    eins, zwei = site.member_ids
    post_need(site, eins, "6", "Baustelle Hörde")
    post_need(site, zwei, "12.5", "Lager Ost")
    post_need(site, eins, "3", "Lager West")
    page = page_of(office, "/admin/needs?q=lager&sort=quantity&dir=desc")
    assert "2 gefunden." in page and 'id="need-1"' not in page
    assert page.index('id="need-2"') < page.index('id="need-3"')
    assert "Maler Zwei" in page  # by name, not by id
    only_eins = page_of(office, f"/admin/needs?member_id={eins}")
    assert 'id="need-2"' not in only_eins and 'id="need-1"' in only_eins
    monkeypatch.setattr("web.pages.listing.EXPORT_PAGE", 2)  # the file takes every page
    _data, rows = rows_of(office, "/admin/needs?format=csv&sort=quantity")
    assert [row[0] for row in rows[1:]] == ["3", "1", "2"]
    assert [row[5] for row in rows[1:]] == ["3", "6", "12,5"]
    assert rows[1][1].count(".") == 2 and rows[3][2] == "Maler Zwei"


def test_the_email_log_asks_notify_to_search_and_names_the_recipients(
    site: Site, office: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    eins, zwei = site.member_ids
    log = [
        {"id": 7, "audience": "member", "member_id": eins, "kind": "invoice", "to": "eins@x",
         "subject": "Rechnung", "status": "failed", "attempts": 3, "last_error": "refused",
         "created_at": "2026-12-01T08:00:00+00:00"},
        {"id": 8, "audience": "member", "member_id": zwei, "kind": "nudge", "to": "zwei@x",
         "subject": "Stufe in Reichweite", "status": "sent", "attempts": 1, "last_error": None,
         "created_at": "2026-12-02T08:00:00+00:00"},
        {"id": 9, "audience": "member", "member_id": 0, "kind": "account", "to": "neu@x",
         "subject": "Passwort", "status": "sent", "attempts": 1, "last_error": None,
         "created_at": "2026-12-03T08:00:00+00:00"},
        {"id": 3, "audience": "supplier", "supplier_id": 77, "kind": "supplier_dispute",
         "to": "https://erp.x/hook", "subject": "Rechnung RE-1 beanstandet", "status": "sent",
         "attempts": 1, "last_error": None, "created_at": "2026-11-30T08:00:00+00:00"},
    ]  # fmt: skip
    asked: list[str] = []

    def fetch(service: str, path: str, role: str, subject_id: object) -> list[dict]:
        asked.append(path)
        return log

    monkeypatch.setattr("web.pages.admin_savings.fetch", fetch)
    page = page_of(office, "/admin/deliveries?q=rechnung&status=failed")
    assert asked[-1] == "/deliveries?q=rechnung&status=failed"  # notify searches its whole log
    assert "Maler Eins" in page and "Stufe in Reichweite" not in page  # and here too
    page = page_of(office, "/admin/deliveries?sort=recipient&dir=desc")
    assert page.index("Maler Zwei") < page.index("Maler Eins")
    page_of(office, "/admin/deliveries?kind=supplier_dispute")
    assert asked[-1] == "/deliveries?kind=supplier_dispute"  # suppliers' kinds too
    dispute = page_of(office, "/admin/deliveries?q=beanstandet")
    assert "Rechnungsbeanstandung an einen Lieferanten" in dispute
    _data, rows = rows_of(office, "/admin/deliveries?format=csv")
    assert rows[0][:4] == ["#", "Datum", "Empfänger", "An"]
    assert rows[1][:3] == ["9", "03.12.26, 09:00", "neu@x"]  # a password link: to the user
    assert rows[2][:3] == ["8", "02.12.26, 09:00", "Maler Zwei"]
