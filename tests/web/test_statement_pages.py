"""The statement, preference, unsubscribe and savings pages, with notify's real app behind
them (the worked example closed in March 2026) instead of notify over the network."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from shared.runtime import Runtime
from shared.unsubscribe import UnsubscribeLinks
from tests.support.notify_events import (
    CLOSED,
    invoice_issued,
    placed_at,
    reactions,
    register_members,
)
from tests.web.conftest import Site, csrf_token, sign_in


class Notify:
    """Notify's app in-process; the web pages' calls go to its test client."""

    def __init__(self, site: Site) -> None:
        from notify.entrypoints.app import create_app

        self.app = create_app(site.app.extensions["zirkel.settings"])
        self.runtime: Runtime = self.app.extensions["zirkel.runtime"]
        self.runtime.migrate()
        self.client = self.app.test_client()
        self.tokens = site.app.extensions["zirkel.tokens"]

    def deliver(self, handlers: dict, event: Any) -> None:
        from tests.api.conftest import Service

        Service(self.app, self.client, self.runtime).deliver(handlers, event)

    def _headers(self, role: str, subject_id: int | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.issue(role, subject_id)}"}

    def fetch(self, service: str, path: str, role: str, subject_id: int | None) -> Any:
        response = self.client.get("/api/v1" + path, headers=self._headers(role, subject_id))
        return response.get_json() if response.status_code == 200 else None

    def download(self, path: str, role: str, subject_id: int | None) -> Any:
        response = self.client.get("/api/v1" + path, headers=self._headers(role, subject_id))
        return (response.data, response.content_type) if response.status_code == 200 else None

    def change(self, method: str, path: str, role: str, subject_id: int | None, body: dict):
        response = self.client.open(
            "/api/v1" + path, method=method, json=body, headers=self._headers(role, subject_id)
        )
        return response.status_code, response.get_json()


@pytest.fixture
def notify(site: Site, monkeypatch: pytest.MonkeyPatch) -> Iterator[Notify]:
    notify = Notify(site)
    react = reactions(notify)  # type: ignore[arg-type]
    register_members(notify, react)  # type: ignore[arg-type]
    notify.deliver(react, placed_at(CLOSED))
    for module in ("statements", "preferences", "admin_savings"):
        monkeypatch.setattr(f"web.pages.{module}.fetch", notify.fetch)
    monkeypatch.setattr("web.pages.statements.download", notify.download)
    monkeypatch.setattr("web.pages.preferences.change", notify.change)
    monkeypatch.setattr("web.pages.admin_savings.change", notify.change)
    yield notify
    notify.runtime.engine.dispose()


@pytest.fixture
def admin(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "admin@zirkel.example")
    return client


def test_a_members_year_statement(member: FlaskClient, notify: Notify) -> None:
    page = member.get("/statements/2026").get_data(as_text=True)

    assert "Ersparnisnachweis 2026" in page
    assert "31,00\xa0€" in page  # member 1 saved in the worked example
    assert "240,00\xa0€" in page and "-209,00\xa0€" in page  # the fee and what remains
    assert "<svg" in page and "März" in page
    assert 'href="/statements/2026.pdf"' in page


def test_a_members_month_statement_and_downloads(member: FlaskClient, notify: Notify) -> None:
    page = member.get("/statements/2026/3").get_data(as_text=True)
    assert "Ersparnisnachweis März 2026" in page
    assert "20,00\xa0€" in page and "11,00\xa0€" in page
    assert "Ihre Ersparnis bezahlt Ihre Mitgliedschaft." in page

    pdf = member.get("/statements/2026/3.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    csv = member.get("/statements/2026.csv").get_data(as_text=True)
    assert "1;2026-03-12;259.00;228.00;31.00" in csv


def test_a_statement_shows_what_was_invoiced_beside_the_savings(
    member: FlaskClient, notify: Notify
) -> None:
    react = reactions(notify)  # type: ignore[arg-type]
    notify.deliver(react, invoice_issued(1, 1, "190.00", "36.10"))

    page = member.get("/statements/2026/3").get_data(as_text=True)

    assert "Berechnet (brutto)" in page and "darin Umsatzsteuer" in page
    assert "226,10\xa0€" in page and "36,10\xa0€" in page and "31,00\xa0€" in page
    year = member.get("/statements/2026").get_data(as_text=True)
    assert year.count("226,10\xa0€") == 2  # the year's total and March's


def test_statements_need_a_member(site: Site, admin: FlaskClient, notify: Notify) -> None:
    assert site.client().get("/statements/2026").status_code == 302  # to the sign-in
    assert admin.get("/statements/2026").status_code == 302  # an admin has no statement


def test_preferences_page_saves_with_errors_beside_the_field(
    member: FlaskClient, notify: Notify
) -> None:
    page = member.get("/preferences").get_data(as_text=True)
    token = csrf_token(page)
    form = {"csrf_token": token, "app": "y", "email": "y", "language": "en"}

    bad = member.post("/preferences", data=form | {"quiet_from": "22:00"})
    assert bad.status_code == 422
    assert "Geben Sie beide Zeiten an oder keine." in bad.get_data(as_text=True)

    good = form | {"nudge_bought": "y", "quiet_from": "22:00", "quiet_until": "06:30"}
    assert member.post("/preferences", data=good).status_code == 302
    saved = notify.fetch("notify", "/members/1/preferences", "member", 1)
    assert saved["language"] == "en"
    assert saved["nudges"] == {"bought_before": True, "trade": False}
    assert saved["quiet_hours"] == {"from": "22:00:00", "until": "06:30:00"}
    page = member.get("/preferences").get_data(as_text=True)
    assert 'value="22:00"' in page


def test_preferences_keep_the_default_flexibility_and_needs_take_it(
    site: Site, member: FlaskClient, notify: Notify
) -> None:
    from decimal import Decimal as D

    from catalog.adapters.orm import Need
    from catalog.service_layer import commands, handlers
    from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
    from shared.db import transaction

    form = {"csrf_token": csrf_token(member.get("/preferences").get_data(as_text=True))}
    form |= {"app": "y", "email": "y", "language": "de"}
    bad = member.post("/preferences", data=form | {"flexible_percent": "80"})
    assert bad.status_code == 422
    assert member.post("/preferences", data=form | {"flexible_percent": "20"}).status_code == 302
    page = member.get("/preferences").get_data(as_text=True)
    assert "Flexible Mengen als Voreinstellung" in page and 'value="20"' in page
    member_id = site.member_ids[0]
    runtime = site.runtime
    with transaction(runtime.sessions) as db:
        uow = SqlAlchemyUnitOfWork(db, runtime.outbox)
        default = handlers.post_need(commands.PostNeed(member_id, "DISP-10L", D(30)), uow)
        own = handlers.post_need(commands.PostNeed(member_id, "DISP-10L", D(30), up_to=D(31)), uow)
        keyed = commands.PostNeed(member_id, "DISP-10L", D(10), idempotency_key="k-1")
        once = handlers.post_need(keyed, uow)
    with transaction(runtime.sessions) as db:
        assert db.get(Need, default.id).up_to == 36  # 30 and 20 % more
        assert db.get(Need, own.id).up_to == 31  # a need's own up_to wins
        assert db.get(Need, once.id).up_to == 12
    with transaction(runtime.sessions) as db:  # the same post, replayed
        again = handlers.post_need(keyed, SqlAlchemyUnitOfWork(db, runtime.outbox))
    assert again.id == once.id and again.replayed


def test_the_unsubscribe_link_asks_first_and_then_stops_emails(site: Site, notify: Notify) -> None:
    settings = site.app.extensions["zirkel.settings"]
    link = UnsubscribeLinks.from_settings(settings).url(1)
    path = link.removeprefix(settings.service_urls["catalog"])
    anonymous = site.client()

    page = anonymous.get(path)
    assert page.status_code == 200
    assert "Möchten Sie keine E-Mails mehr von Zirkel bekommen?" in page.get_data(as_text=True)
    assert notify.fetch("notify", "/members/1/preferences", "admin", None)["channels"]["email"]
    assert anonymous.post(path).status_code == 400  # no CSRF token: nothing happens
    assert notify.fetch("notify", "/members/1/preferences", "admin", None)["channels"]["email"]

    done = anonymous.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True))})

    assert done.status_code == 200
    assert "Zirkel schickt Ihnen keine E-Mails mehr" in done.get_data(as_text=True)
    assert not notify.fetch("notify", "/members/1/preferences", "admin", None)["channels"]["email"]
    assert anonymous.get("/unsubscribe/not-a-token").status_code == 404


def test_the_cooperatives_savings_page(admin: FlaskClient, member: FlaskClient, notify: Notify):
    page = admin.get("/admin/savings?year=2026").get_data(as_text=True)

    assert "206,00\xa0€" in page  # the worked example's members saved 206.00
    assert page.count("<svg") == 3
    assert "Maler" in page  # per trade, by its name
    assert "Lieferant 1" in page and "Keine Bestellung" not in page  # unknown here by name
    assert member.get("/admin/savings").status_code == 403


def test_the_delivery_log_page(admin: FlaskClient, member: FlaskClient, notify: Notify) -> None:
    page = admin.get("/admin/deliveries").get_data(as_text=True)

    assert "office1@betrieb.example" in page and "Ausstehend" in page
    assert "Bestellung aufgegeben" in page and "Ersparnisbericht" in page
    assert member.get("/admin/deliveries").status_code == 403


def test_a_windows_report_line_by_line(site: Site, notify: Notify) -> None:
    client = site.client()
    sign_in(client, "zwei@maler.example")  # member 2: 30 SIL-300 in the worked example

    page = client.get("/reports/1").get_data(as_text=True)

    assert "Ersparnisbericht der Runde 1" in page
    assert "SIL-300" in page and "4,20\xa0€" in page and "126,00\xa0€" in page
    assert "176,20\xa0€" in page and "50,20\xa0€" in page
    assert client.get("/reports/2").status_code == 200  # no such window: said on the page


def test_the_office_sets_a_members_fee(site: Site, admin: FlaskClient, notify: Notify) -> None:
    token = csrf_token(admin.get("/admin/savings").get_data(as_text=True))
    member_id = site.member_ids[0]

    bad = admin.post(
        "/admin/savings/fee", data={"csrf_token": token, "member_id": member_id, "fee": "viel"}
    )
    assert bad.status_code == 422
    assert "Bitte geben Sie einen Betrag in Euro ein" in bad.get_data(as_text=True)

    form = {"csrf_token": token, "member_id": member_id, "fee": "120,00"}
    assert admin.post("/admin/savings/fee", data=form).status_code == 302
    prefs = notify.fetch("notify", f"/members/{member_id}/preferences", "admin", None)
    assert prefs["membership_fee"] == "120.00"
    assert admin.post("/admin/savings/fee", data=form | {"csrf_token": ""}).status_code == 400


def test_the_office_sees_the_depots_value_beside_the_members_savings(
    admin: FlaskClient, notify: Notify, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fetch(service: str, path: str, role: str, subject_id: int | None) -> Any:
        if (service, path) == ("pooling", "/depot"):
            return {"lots": [], "movements": [], "value": "33.60"}
        return notify.fetch(service, path, role, subject_id)

    monkeypatch.setattr("web.pages.admin_savings.fetch", fetch)
    page = admin.get("/admin/savings").get_data(as_text=True)

    assert "Lager der Genossenschaft zum Buchwert" in page and "33,60\xa0€" in page
    assert 'href="/admin/depot"' in page
