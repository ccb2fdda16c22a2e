"""Suppliers' invoices on the pages, with billing's and pooling's real API apps behind them
(their test clients stand in for ``requests``): supplier A sends its Factur-X invoice for
the worked example as received in its portal; the office sees the match, and a wrong
price as exactly that difference, in German and English, and disputes it."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from shared.runtime import Runtime
from tests.api.conftest import Service
from tests.api.test_after_order import RECEIVED, book, receipt
from tests.api.test_billing_api import hand_over
from tests.support.supplier_einvoice import Bill, Line, facturx_bomb, facturx_pdf
from tests.web.conftest import Site, csrf_token, serve, sign_in
from tests.web.test_accessibility import Page
from tests.web.test_supplier_portal import A_DESK, order_id, pooling

__all__ = ["pooling"]  # the fixture, used by name


@pytest.fixture
def billing(site: Site) -> Iterator[Service]:
    from billing.entrypoints.app import create_app

    app = create_app(site.runtime.settings)
    runtime: Runtime = app.extensions["zirkel.runtime"]
    runtime.migrate()
    yield Service(app, app.test_client(), runtime)
    runtime.engine.dispose()


@pytest.fixture
def received(
    site: Site, billing: Service, pooling: Service, monkeypatch: pytest.MonkeyPatch
) -> int:
    """The worked example confirmed by A and received (12 DISP-10L, 72 SIL-300)."""
    serve(site, "billing", billing.app)
    oid = order_id(pooling)
    supplier_a = pooling.token("supplier", 1)
    confirm = {"expected_delivery": "2030-03-14"}
    assert pooling.client.post(f"/api/v1/orders/{oid}/confirm", json=confirm, headers=supplier_a)
    admin = pooling.token("admin")
    assert book(pooling, admin, oid, receipt(RECEIVED)).status_code == 201
    hand_over(billing, pooling)
    return oid


def invoice_pdf(oid: int, disp_price: str = "38.00") -> bytes:
    lines = (Line("DISP-10L", "12", disp_price), Line("SIL-300", "72", "4.20"))
    return facturx_pdf(Bill("RE-2026-0815", str(oid), lines))


def send_invoice(client: FlaskClient, url: str, pdf: bytes) -> Any:
    token = csrf_token(client.get(url).get_data(as_text=True))
    data = {"csrf_token": token, "file": (BytesIO(pdf), "rechnung.pdf")}
    return client.post(url, data=data, content_type="multipart/form-data", follow_redirects=True)


@pytest.fixture
def office(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "admin@zirkel.example")
    return client


def test_the_supplier_sends_a_matching_invoice_in_its_portal(
    site: Site, received: int, office: FlaskClient
) -> None:
    desk = site.client()
    sign_in(desk, A_DESK)
    page = send_invoice(desk, "/supplier/invoices", invoice_pdf(received)).get_data(as_text=True)
    assert "Rechnung RE-2026-0815 gelesen." in page and "Abgeglichen" in page
    assert Page(page).problems() == []
    listed = office.get("/admin/supplier-invoices").get_data(as_text=True)
    assert "RE-2026-0815" in listed and "902,50\xa0€" in listed and "Abgeglichen" in listed
    assert '<td class="num" data-label="Brutto">902,50\xa0€</td>' in listed


def test_the_office_sees_one_wrong_price_and_disputes_it(
    site: Site, received: int, office: FlaskClient
) -> None:
    url = "/admin/supplier-invoices"
    page = send_invoice(office, url, invoice_pdf(received, "39.00")).get_data(as_text=True)
    assert "DISP-10L: Einzelpreis (bestätigt)" in page and Page(page).problems() == []
    assert Page(office.get(url).get_data(as_text=True)).problems() == []
    assert "38,00\xa0€" in page and "39,00\xa0€" in page and "Abweichungen" in page
    detail = urlsplit(f"http://x{url}/1").path
    empty = office.post(f"{detail}/dispute", data={"csrf_token": csrf_token(page), "reason": ""})
    assert empty.status_code == 422
    done = office.post(
        f"{detail}/dispute",
        data={"csrf_token": csrf_token(page), "reason": "Bestätigt waren 38,00 €"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Bestritten: Bestätigt waren 38,00 €" in done
    assert 'Dem Lieferanten gesandte Beanstandungen</dt><dd id="disputes">1<' in done
    # billing takes no second dispute of a disputed invoice: the page offers none, says
    # that its orders are assigned anew first, and offers that (and accepting it)
    assert f'formaction="{detail}/dispute"' not in done
    assert f'formaction="{detail}/accept"' in done and f'action="{detail}/orders"' in done
    assert "Um sie erneut zu beanstanden, ordnen Sie zuerst ihre Bestellungen neu zu" in done
    reopened = office.post(
        f"{detail}/orders",
        data={"csrf_token": csrf_token(done), "order_ids": str(received)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f'formaction="{detail}/dispute"' in reopened and 'id="dispute-again"' not in reopened
    again = office.post(
        f"{detail}/dispute",
        data={"csrf_token": csrf_token(reopened), "reason": "Weiterhin 39,00 € berechnet"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Bestritten: Weiterhin 39,00 € berechnet" in again
    assert '<dd id="disputes">2<' in again and Page(again).problems() == []
    office.post("/language", data={"csrf_token": csrf_token(done), "lang": "en"})
    english = office.get(detail).get_data(as_text=True)
    assert "DISP-10L: unit price (confirmed)" in english and "€38.00" in english
    assert f'formaction="{detail}/dispute"' not in english
    assert "To dispute it again, assign its orders anew first" in english


def test_an_invoice_matching_no_order_offers_only_assigning_its_orders(
    site: Site, received: int, office: FlaskClient
) -> None:
    """Billing accepts or disputes an invoice only once it matches orders: before, the
    page offers neither, says why, and offers assigning its orders."""
    lines = (Line("DISP-10L", "12", "38.00"), Line("SIL-300", "72", "4.20"))
    stray = facturx_pdf(Bill("RE-OHNE", "Lieferung ohne Bestellnummer", lines))
    page = send_invoice(office, "/admin/supplier-invoices", stray).get_data(as_text=True)
    assert "Keine Bestellung zum Vergleich" in page
    assert "/accept" not in page and "/dispute" not in page
    assert "Ordnen Sie zuerst die Bestellungen der Rechnung zu" in page
    assert 'action="/admin/supplier-invoices/1/orders"' in page and Page(page).problems() == []


def test_a_hostile_file_is_refused_in_the_readers_language(site: Site, received: int) -> None:
    desk = site.client()
    sign_in(desk, A_DESK)
    xxe = b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>"
    page = send_invoice(desk, "/supplier/invoices", xxe).get_data(as_text=True)
    assert "Die Rechnung wurde nicht angenommen: Das XML deklariert einen DOCTYPE" in page
    assert "Noch keine Rechnungen gesendet." in page


def test_a_foreign_currency_invoice_is_refused_in_the_readers_language(
    site: Site, received: int
) -> None:
    """Billing's refusal with the file's own values, worded in German or English as the
    page is read."""
    desk = site.client()
    sign_in(desk, A_DESK)
    lines = (Line("DISP-10L", "12", "38.00"), Line("SIL-300", "72", "4.20"))
    dollars = facturx_pdf(Bill("RE-USD", f"Bestellung {received}", lines, currency="USD"))

    german = send_invoice(desk, "/supplier/invoices", dollars).get_data(as_text=True)
    desk.post("/language", data={"csrf_token": csrf_token(german), "lang": "en"})
    english = send_invoice(desk, "/supplier/invoices", dollars).get_data(as_text=True)

    assert "Die Rechnung lautet auf USD; die Genossenschaft zahlt nur in Euro." in german
    assert "The invoice is in USD; the cooperative pays in euros only." in english


BOMB = facturx_bomb(Bill("RE-1", "1", (Line("SIL-300", "72", "4.20"),)), inflated_mib=64)


@pytest.mark.parametrize("who", ["office", "supplier"])
@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"%PDF-1.7 broken", "Das PDF kann nicht gelesen werden."),
        (BOMB, "Das Rechnungs-XML ist größer als 1024 KiB."),
        (b"<" * (2 * 1024 * 1024), "Die Datei ist größer als 1024 KiB."),
        (b"<" * (1024 * 1024), "Die Datei ist kein wohlgeformtes XML"),  # billing reads it
    ],
    ids=["broken-pdf", "pdf-bomb", "two-mib", "one-mib"],
)
def test_a_refused_upload_says_why_in_german(
    site: Site, received: int, office: FlaskClient, who: str, data: bytes, says: str
) -> None:
    """Billing's refusals (and the pages' own of a file over billing's 1 MiB) reach the
    office's and the supplier's upload pages worded in German; nothing is kept. A file of
    exactly 1 MiB, the most billing takes, goes to billing with the form around it."""
    if who == "office":
        client, url, none_yet = (
            office,
            "/admin/supplier-invoices",
            "Noch keine Lieferantenrechnungen.",
        )
    else:
        client, url, none_yet = (
            site.client(),
            "/supplier/invoices",
            "Noch keine Rechnungen gesendet.",
        )
        sign_in(client, A_DESK)
    page = send_invoice(client, url, data).get_data(as_text=True)
    assert f"Die Rechnung wurde nicht angenommen: {says}" in page
    assert none_yet in client.get(url).get_data(as_text=True)
