"""The invoice pages with billing's and notify's real apps behind them over loopback HTTP:
a member's invoices (list, one invoice, its PDF and XML streamed through), the office's
list with filters and paging, and "send again" through notify. Billing holds the worked
example (m1 226.10, then a credit note and 271.32 after a corrected receipt; m2 149.94)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from notify.bootstrap import handlers as notify_handlers
from shared import events
from tests.api.conftest import Service
from tests.support.billing_world import billing_app, issue_worked_example
from tests.support.http import serving
from tests.support.notify_events import member_registered
from tests.web.conftest import Site, csrf_token, sign_in
from web.clients import EXTENSION
from web.pages.office_lists import INVOICES


def service(app: Any) -> Service:
    return Service(app, app.test_client(), app.extensions["zirkel.runtime"])


@pytest.fixture
def billing(tmp_path: Path) -> Iterator[Service]:
    for app in billing_app(tmp_path / "billing"):
        issue_worked_example(app)
        yield service(app)


@pytest.fixture
def notify(tmp_path: Path, billing: Service) -> Iterator[Service]:
    """Notify has heard of the members and of every invoice billing issued."""
    from notify.entrypoints.app import create_app
    from shared.settings import Settings

    var = tmp_path / "notify"
    settings = Settings.from_env({"ZIRKEL_SECRET_KEY": "x" * 32, "ZIRKEL_VAR_DIR": str(var)})
    notify = service(create_app(settings))
    notify.runtime.migrate()
    react = notify_handlers(settings, notify.runtime.outbox)
    for member_id in (1, 2, 3, 4):
        notify.deliver(react, member_registered(member_id))
    for body in billing.outbox("billing.invoice.issued"):
        notify.deliver(react, events.load(body))
    yield notify
    notify.runtime.engine.dispose()


@pytest.fixture
def service_urls(billing: Service, notify: Service) -> Iterator[dict[str, str]]:
    with serving(billing.app) as billing_url, serving(notify.app) as notify_url:
        yield {"ZIRKEL_BILLING_URL": billing_url, "ZIRKEL_NOTIFY_URL": notify_url}


@pytest.fixture
def office(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "admin@zirkel.example")
    return client


def ids_of(billing: Service, member_id: int) -> list[int]:
    """The member's invoices and credit notes, oldest first."""
    issued = billing.outbox("billing.invoice.issued")
    return [b["payload"]["invoice_id"] for b in issued if b["payload"]["member_id"] == member_id]


def test_a_member_sees_its_invoices_and_only_its_own(
    member: FlaskClient, billing: Service, service_urls: dict[str, str]
) -> None:
    page = member.get("/invoices").get_data(as_text=True)

    assert 'href="/invoices"' in page  # in the member's navigation
    for number in ("ZK-2026-000001", "ZK-2026-000005", "ZK-2026-000006"):
        assert number in page
    assert "226,10\xa0€" in page and "36,10\xa0€" in page and "190,00\xa0€" in page
    assert "Gutschrift" in page and "Rechnung" in page and "271,32\xa0€" in page
    assert "ZK-2026-000002" not in page and "149,94" not in page  # member 2's
    assert page.index("ZK-2026-000006") < page.index("ZK-2026-000001")  # newest first
    first = ids_of(billing, 1)[0]
    assert f'href="/invoices/{first}"' in page
    for other in [*ids_of(billing, 2), 999]:
        for path in ("", ".pdf", ".xml"):
            assert member.get(f"/invoices/{other}{path}").status_code == 404


def test_one_invoice_with_its_lines_and_vat_per_rate(
    member: FlaskClient, billing: Service, service_urls: dict[str, str]
) -> None:
    first, credit, _again = ids_of(billing, 1)

    page = member.get(f"/invoices/{first}").get_data(as_text=True)

    assert "Rechnung ZK-2026-000001" in page and "16.03.2026" in page
    assert "Dispersionsfarbe weiß, 10 l Eimer" in page and "5\xa0Eimer" in page
    assert "38,00\xa0€" in page and "19\xa0%" in page
    assert "190,00\xa0€" in page and "36,10\xa0€" in page and "226,10\xa0€" in page
    assert f'href="/invoices/{first}.pdf"' in page and f'href="/invoices/{first}.xml"' in page
    note = member.get(f"/invoices/{credit}").get_data(as_text=True)
    assert "Gutschrift ZK-2026-000005" in note and "ZK-2026-000001" in note  # what it cancels


def test_the_documents_are_streamed_as_billing_issued_them(
    member: FlaskClient, billing: Service, service_urls: dict[str, str]
) -> None:
    first = ids_of(billing, 1)[0]
    as_office = billing.token("admin")
    for form, media in (("pdf", "application/pdf"), ("xml", "application/xml")):
        response = member.get(f"/invoices/{first}.{form}")
        assert response.status_code == 200 and response.mimetype == media
        assert response.is_streamed
        disposition = response.headers["Content-Disposition"]
        assert f'filename="ZK-2026-000001.{form}"' in disposition
        issued = billing.client.get(f"/api/v1/invoices/{first}/document.{form}", headers=as_office)
        assert response.get_data() == issued.data


def test_the_pages_in_english(member: FlaskClient, service_urls: dict[str, str]) -> None:
    with member.session_transaction() as session:
        session["lang"] = "en"

    page = member.get("/invoices").get_data(as_text=True)

    assert "<h1>Invoices</h1>" in page and "€226.10" in page and "Credit note" in page
    assert "Mar 16, 2026" in page


def test_billing_away_is_said_on_the_page(member: FlaskClient, monkeypatch: Any) -> None:
    away = "http://127.0.0.1:9"  # nothing listens there
    monkeypatch.setattr(member.application.extensions[EXTENSION].billing, "base_url", away)
    listed = member.get("/invoices")
    assert listed.status_code == 503
    assert "Abrechnung antwortet gerade nicht" in listed.get_data(as_text=True)
    assert member.get("/invoices/1").status_code == 503
    assert member.get("/invoices/1.pdf").status_code == 503


def test_the_office_lists_filters_and_pages_through_every_invoice(
    office: FlaskClient, member: FlaskClient, service_urls: dict[str, str], monkeypatch: Any
) -> None:
    page = office.get("/admin/invoices").get_data(as_text=True)
    assert 'href="/admin/invoices"' in page  # in the office's navigation
    assert all(f"ZK-2026-00000{n}" in page for n in range(1, 7))
    assert 'href="/admin/members/1/edit"' in page and "Maler Eins" in page

    mine = office.get("/admin/invoices?member_id=1").get_data(as_text=True)
    assert "ZK-2026-000001" in mine and "ZK-2026-000002" not in mine
    rounds = office.get("/admin/invoices?window_id=1").get_data(as_text=True)
    assert all(f"ZK-2026-00000{n}" in rounds for n in range(1, 7))
    assert '<option value="1" selected>1</option>' in rounds  # the rounds billing invoiced
    assert '<option value="2">2</option>' not in rounds
    odd = office.get("/admin/invoices?window_id=zwei")  # not a round offered: all shown
    assert odd.status_code == 200 and "6 gefunden." in odd.get_data(as_text=True)

    monkeypatch.setattr("web.pages.admin_invoices.INVOICES", replace(INVOICES, per_page=4))
    first = office.get("/admin/invoices").get_data(as_text=True)
    assert "ZK-2026-000006" in first and "ZK-2026-000002" not in first
    assert 'href="/admin/invoices?page=2" rel="next"' in first and "Seite 1 von 2" in first
    rest = office.get("/admin/invoices?page=2").get_data(as_text=True)
    assert "ZK-2026-000002" in rest and "ZK-2026-000001" in rest and "ZK-2026-000006" not in rest
    assert member.get("/admin/invoices").status_code == 403


def test_the_office_has_an_invoice_sent_again(
    office: FlaskClient, billing: Service, notify: Service, service_urls: dict[str, str]
) -> None:
    first = ids_of(billing, 1)[0]
    page = office.get(f"/admin/invoices/{first}").get_data(as_text=True)
    assert "Erstversand" in page and "office1@betrieb.example" in page
    url = f"/admin/invoices/{first}/resend"
    assert office.post(url).status_code == 400  # without its CSRF token

    sent = office.post(url, data={"csrf_token": csrf_token(page)})

    assert sent.status_code == 302
    shown = office.get(sent.headers["Location"]).get_data(as_text=True)
    assert "wird erneut an office1@betrieb.example gesendet" in shown
    assert "erneut gesendet" in shown
    log = notify.client.get(f"/api/v1/invoices/{first}/deliveries", headers=notify.token("admin"))
    assert [d["kind"] for d in log.get_json()] == ["invoice", "invoice_resent"]
    emails = office.get("/admin/deliveries").get_data(as_text=True)
    assert "Rechnung erneut gesendet" in emails


def test_an_answer_off_billings_contract_is_billing_failing(
    member: FlaskClient, monkeypatch: Any
) -> None:
    from flask import Flask

    odd = Flask("odd-billing")
    odd.add_url_rule("/api/v1/invoices", "list", lambda: {"invoices": [{"id": 1}]})
    odd.add_url_rule("/api/v1/invoices/1", "one", lambda: {"id": 1, "gross_total": "viel"})
    with serving(odd) as url:
        monkeypatch.setattr(member.application.extensions[EXTENSION].billing, "base_url", url)
        listed, one = member.get("/invoices"), member.get("/invoices/1")

    assert listed.status_code == one.status_code == 503
    assert "Abrechnung antwortet gerade nicht" in one.get_data(as_text=True)
