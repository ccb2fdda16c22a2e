"""The account and settlement pages, with billing's real app behind them instead of
billing over the network: member 1 invoiced on the worked example (226.10) and holding a
mandate; its own account page, the office's, a payment booked by hand, a settlement run
and its direct-debit file, the run marked submitted (its collection booked) or discarded,
and billing's refusals in the reader's language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient

from billing.bootstrap import billing as billing_deps
from billing.bootstrap import sepa_files
from billing.domain.settlement import Mandate
from billing.service_layer import commands as c
from billing.service_layer import handlers
from billing.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.db import transaction
from shared.runtime import Runtime
from tests.unit.billing.factories import DISP, SIL, buyer
from tests.unit.billing.test_handlers import WORKED, received
from tests.unit.billing.test_settlement import assert_valid
from tests.web.conftest import Site, csrf_token, sign_in
from web.pages.remote import call_headers

TODAY = date(2026, 3, 16)


class Billing:
    """Billing's app in-process; the pages' calls go to its test client."""

    def __init__(self, site: Site) -> None:
        from billing.entrypoints.app import create_app

        settings = site.app.extensions["zirkel.settings"]
        self.app = create_app(settings)
        self.app.extensions["zirkel.sepa_files"] = sepa_files(settings, lambda: TODAY)
        self.runtime: Runtime = self.app.extensions["zirkel.runtime"]
        self.runtime.migrate()
        self.client = self.app.test_client()
        self.tokens = site.app.extensions["zirkel.tokens"]
        self.invoice_member(site.member_ids[0], settings)

    def invoice_member(self, member_id: int, settings: Any) -> None:
        """The worked example's invoice for member 1 (226.10), with a mandate."""
        deps = billing_deps(settings, lambda: TODAY)
        mandate = Mandate(member_id, "", "DE02120300000000202051", "ZK-M-1", date(2026, 1, 5))
        with transaction(self.runtime.sessions) as session:
            uow = SqlAlchemyUnitOfWork(session, self.runtime.outbox)
            handlers.record_member(c.RecordMember(buyer(member_id), mandate), uow, deps)
            for product in (DISP, SIL):
                handlers.record_product(c.RecordProduct(product), uow)
            handlers.record_order(WORKED, uow)
            handlers.record_receipt(received(1, [1]), uow, deps)

    def _headers(self, role: str, subject_id: int | None) -> dict[str, str]:
        """The pages' own headers (the token, the reader's language)."""
        return call_headers("billing", role, subject_id)

    def fetch(self, service: str, path: str, role: str, subject_id: int | None) -> Any:
        response = self.client.get("/api/v1" + path, headers=self._headers(role, subject_id))
        return response.get_json() if response.status_code == 200 else None

    def download(self, path: str, role: str, subject_id: int | None) -> Any:
        response = self.client.get("/api/v1" + path, headers=self._headers(role, subject_id))
        return (response.data, response.content_type) if response.status_code == 200 else None

    def send(self, service: str, path: str, role: str, body: dict, **_: Any) -> Any:
        response = self.client.post("/api/v1" + path, json=body, headers=self._headers(role, None))
        return response.status_code, response.get_json()


@pytest.fixture
def billing(site: Site, monkeypatch: pytest.MonkeyPatch) -> Iterator[Billing]:
    billing = Billing(site)
    for name in ("fetch", "download", "send"):
        monkeypatch.setattr(f"web.pages.member_accounts.{name}", getattr(billing, name))
    yield billing
    billing.runtime.engine.dispose()


@pytest.fixture
def admin(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "admin@zirkel.example")
    return client


def test_a_member_sees_its_account_in_german(member: FlaskClient, billing: Billing) -> None:
    page = member.get("/account").get_data(as_text=True)

    assert "Mein Konto" in page and "Rechnung" in page
    assert '<td data-label="Art">Rechnung</td>' in page  # each booking a card on a phone
    assert "226,10\xa0€" in page and "per Lastschrift eingezogen" in page
    download = member.get("/account.csv")
    assert download.status_code == 200 and download.data.startswith("\ufeff".encode())


def test_the_account_page_in_english(member: FlaskClient, billing: Billing) -> None:
    token = csrf_token(member.get("/account").get_data(as_text=True))
    member.post("/language", data={"lang": "en", "csrf_token": token, "next": "/account"})

    page = member.get("/account").get_data(as_text=True)

    assert "My account" in page and "Invoice" in page and "Balance" in page
    assert '<td data-label="Kind">Invoice</td>' in page
    assert "€226.10" in page


def test_the_office_books_a_payment_and_runs_the_settlement(
    site: Site, admin: FlaskClient, billing: Billing
) -> None:
    member_id = site.member_ids[0]
    page = admin.get(f"/admin/accounts?member_id={member_id}").get_data(as_text=True)
    assert "Konto von Maler Eins" in page and "226,10\xa0€" in page
    form = {"amount": "26,10", "booked_on": "2026-03-17", "reference": "Überweisung"}

    booked = admin.post(
        f"/admin/accounts/{member_id}/payments", data=form | {"csrf_token": csrf_token(page)}
    )

    assert booked.status_code == 302
    page = admin.get(booked.headers["Location"]).get_data(as_text=True)
    assert "200,00\xa0€" in page and "Zahlung" in page
    settlement = admin.get("/admin/settlements").get_data(as_text=True)
    period = {"period_start": "2026-03-01", "period_end": "2026-03-31"}
    ran = admin.post("/admin/settlements", data=period | {"csrf_token": csrf_token(settlement)})
    assert ran.status_code == 302
    settlement = admin.get("/admin/settlements").get_data(as_text=True)
    assert "200,00\xa0€ (1)" in settlement and "Lastschriften (pain.008)" in settlement
    assert '<td class="num" data-label="Eingezogen">200,00\xa0€ (1)</td>' in settlement
    assert "Gewonnenes Skonto" in settlement and "Ausstehend" in settlement
    debits = admin.get("/admin/settlements/1/direct-debits.xml")
    assert debits.status_code == 200
    assert_valid(debits.data, "pain.008.001.02")
    assert admin.get("/admin/settlements/1/credit-transfers.xml").status_code == 404
    assert "200,00\xa0€" in admin.get(f"/admin/accounts?member_id={member_id}").get_data(
        as_text=True
    )


def test_the_office_marks_a_run_submitted_and_its_collections_are_booked(
    site: Site, admin: FlaskClient, billing: Billing
) -> None:
    member_id = site.member_ids[0]
    page = admin.get("/admin/settlements").get_data(as_text=True)
    period = {"period_start": "2026-03-01", "period_end": "2026-03-31"}
    admin.post("/admin/settlements", data=period | {"csrf_token": csrf_token(page)})
    page = admin.get("/admin/settlements").get_data(as_text=True)
    assert "Als eingereicht markieren" in page

    forged = admin.post("/admin/settlements/1/submit", data={})
    submitted = admin.post("/admin/settlements/1/submit", data={"csrf_token": csrf_token(page)})

    assert forged.status_code == 400
    assert submitted.status_code == 302
    page = admin.get(submitted.headers["Location"]).get_data(as_text=True)
    assert "Lauf 1 ist eingereicht" in page and "Eingereicht am 16.03.2026" in page
    assert "Als eingereicht markieren" not in page
    account = admin.get(f"/admin/accounts?member_id={member_id}").get_data(as_text=True)
    assert "SEPA 1 ZK-M-1" in account and "0,00\xa0€" in account


def test_a_discarded_run_frees_its_collections_and_a_submitted_one_stays(
    admin: FlaskClient, billing: Billing
) -> None:
    page = admin.get("/admin/settlements").get_data(as_text=True)
    token = {"csrf_token": csrf_token(page)}
    period = {"period_start": "2026-03-01", "period_end": "2026-03-31"}
    admin.post("/admin/settlements", data=period | token)

    admin.post("/admin/settlements/1/cancel", data=token)
    admin.post("/admin/settlements", data=period | token)
    admin.post("/admin/settlements/2/submit", data=token)
    refused = admin.post("/admin/settlements/2/cancel", data=token, follow_redirects=True)

    page = refused.get_data(as_text=True)
    assert "Verworfen am 16.03.2026" in page and "Eingereicht am 16.03.2026" in page
    assert page.count("226,10\xa0€ (1)") == 2
    assert "Lauf 2 ist bei der Bank eingereicht; er kann nicht verworfen werden." in page


def test_a_backwards_period_is_refused_beside_its_field(
    admin: FlaskClient, billing: Billing
) -> None:
    page = admin.get("/admin/settlements").get_data(as_text=True)
    period = {"period_start": "2026-03-31", "period_end": "2026-03-01"}

    refused = admin.post("/admin/settlements", data=period | {"csrf_token": csrf_token(page)})

    assert refused.status_code == 422
    assert "Dieser Wert wird nicht angenommen." in refused.get_data(as_text=True)


def test_members_cannot_open_the_office_pages(member: FlaskClient, billing: Billing) -> None:
    assert member.get("/admin/settlements").status_code in (302, 403, 404)
    assert member.get("/admin/accounts").status_code in (302, 403, 404)


def test_the_pages_markup_is_accessible(
    site: Site, member: FlaskClient, admin: FlaskClient, billing: Billing
) -> None:
    from tests.web.test_accessibility import Page

    pages = [
        member.get("/account"),
        admin.get("/admin/accounts"),
        admin.get(f"/admin/accounts?member_id={site.member_ids[0]}"),
        admin.get("/admin/settlements"),
    ]
    token = csrf_token(pages[-1].get_data(as_text=True))
    backwards = {"period_start": "2026-03-31", "period_end": "2026-03-01", "csrf_token": token}
    pages.append(admin.post("/admin/settlements", data=backwards))

    for response in pages:
        assert Page(response.get_data(as_text=True)).problems() == [], response.request.path


def test_the_skonto_gained_is_that_of_the_submitted_runs() -> None:
    from web.pages.member_accounts import skonto_gained

    runs = [
        {"state": "submitted", "skonto": "18.05"},
        {"state": "pending", "skonto": "7.00"},
        {"state": "cancelled", "skonto": "3.00"},
    ]

    assert skonto_gained(runs) == Decimal("18.05")
    assert skonto_gained(None) is None
