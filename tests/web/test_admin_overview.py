"""The office's overview through Flask's test client: a tile per service, each number
linking to its list, a service that does not answer shown as such on its own tile."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient

from catalog.adapters.orm import RaisedAlert
from shared.db import transaction
from tests.web.conftest import Site, sign_in
from tests.web.test_admin_ops import DEAD, dead_letter
from web.clients.catalog_ops import OpsClient
from web.clients.service import ServiceUnavailable
from web.pages.admin_overview import pool_value

POOL = {
    "window_id": 7,
    "needs": 3,  # open needs, counted by pooling
    "members": 2,
    "closes_at": "2026-12-11T17:00:00+00:00",  # a Friday, 18:00 in Berlin
    "products": [
        {
            "sku": "DISP-10L",
            "quantity": "12",
            "depot_quantity": "0",
            "flexible": "0",
            "offers": [
                {"supplier_id": 1, "ordered_quantity": "7", "unit_price": "41.905"},
                {"supplier_id": 2, "ordered_quantity": "5", "unit_price": "39.90"},
            ],
        }
    ],
}
ORDERS = [
    {"id": 1, "status": "placed"},
    {"id": 2, "status": "placed"},
    {"id": 3, "status": "confirmed"},
    {"id": 4, "status": "received"},
    {"id": 5, "status": "rejected"},
]
CLOSES = [
    {
        "window_id": 6,
        "closed_at": "2026-12-04T17:00:05+00:00",
        "orders": 4,
        "total_cost": "1234.56",
        "members_saved": "87.65",
    }
]
SETTLEMENTS = {
    "settlements": [
        {"id": 1, "state": "submitted", "skonto": "12.30"},
        {"id": 2, "state": "open", "skonto": "99.00"},
        {"id": 3, "state": "submitted", "skonto": "5.75"},
    ]
}
ANSWERS = {
    ("pooling", "/pools/current"): POOL,
    ("pooling", "/orders"): ORDERS,
    ("pooling", "/pools/closed?limit=1"): CLOSES,
    ("billing", "/settlements"): SETTLEMENTS,
}


@pytest.fixture
def admin(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "admin@zirkel.example")
    return client


def answering(monkeypatch, *down: str) -> None:
    """Pooling and billing answer as above, but for the services in ``down``."""

    def fetch(service: str, path: str, role: str, subject_id: Any) -> Any:
        assert role == "admin"
        return None if service in down else ANSWERS[(service, path)]

    monkeypatch.setattr("web.pages.admin_overview.fetch", fetch)


def in_english(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["lang"] = "en"


def tile(page: str, title_id: str) -> str:
    start = page.index(f'id="{title_id}"')
    return page[start : page.find("</section>", start)]


def test_the_open_round_counts_open_needs_their_members_value_and_cutoff(
    site: Site, admin: FlaskClient, monkeypatch
) -> None:
    answering(monkeypatch)
    page = admin.get("/admin").get_data(as_text=True)
    shown = tile(page, "round-title")
    assert "Offene Runde #7" in shown
    assert '<a href="/admin/pool">3</a>' in shown
    assert '<a href="/admin/members">2</a>' in shown
    assert '<a href="/admin/pool">492,84\xa0€</a>' in shown  # 7 * 41,905 + 5 * 39,90, half up
    assert "Freitag, 11. Dezember 2026 um 18:00" in shown


def test_every_tile_links_its_numbers_to_their_lists(admin: FlaskClient, monkeypatch) -> None:
    answering(monkeypatch)
    page = admin.get("/admin").get_data(as_text=True)
    orders = tile(page, "orders-title")
    assert '<a href="/admin/orders">2</a>' in orders  # placed: awaiting confirmation
    assert '<a href="/admin/orders">1</a>' in orders  # confirmed: awaiting receipt
    ops = tile(page, "ops-title")
    assert '<a href="/admin/ops#dead-title">0</a>' in ops
    assert 'href="/admin/ops#alerts-title"' in ops
    close = tile(page, "close-title")
    assert "Freitag, 4. Dezember 2026 um 18:00" in close
    assert '<a href="/admin/orders">1.234,56\xa0€</a>' in close
    assert '<a href="/admin/savings">87,65\xa0€</a>' in close
    skonto = tile(page, "skonto-title")
    assert '<a href="/admin/settlements">18,05\xa0€</a>' in skonto  # submitted runs only


def test_the_overview_reads_in_english(admin: FlaskClient, monkeypatch) -> None:
    answering(monkeypatch)
    in_english(admin)
    page = admin.get("/admin").get_data(as_text=True)
    assert (
        "Open round #7" in page
        and "Orders waiting" in page
        and "Early-payment discount gained" in page
    )
    assert "Friday, December 11, 2026 at 6:00\u202fPM" in page
    assert "€1,234.56" in page and "€18.05" in page


def test_a_service_that_does_not_answer_leaves_the_other_tiles(
    admin: FlaskClient, monkeypatch
) -> None:
    answering(monkeypatch, "billing")
    response = admin.get("/admin")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "nicht verfügbar" in tile(page, "skonto-title")
    assert "nicht verfügbar" not in tile(page, "round-title")
    assert '<a href="/admin/orders">2</a>' in tile(page, "orders-title")


def test_pooling_and_billing_down_in_english(admin: FlaskClient) -> None:
    """Nothing listens where the site looks for pooling and billing."""
    in_english(admin)
    page = admin.get("/admin").get_data(as_text=True)
    for title in ("round-title", "orders-title", "close-title", "skonto-title"):
        assert "Not available just now." in tile(page, title)
    assert "Not available just now." not in tile(page, "ops-title")


def test_dead_letters_and_alerts_are_counted(site: Site, admin: FlaskClient, monkeypatch) -> None:
    answering(monkeypatch)
    dead_letter(site, 1, "boom")
    dead_letter(site, 2, "boom")
    raised = datetime(2026, 3, 5, 8, 30, tzinfo=UTC)
    with transaction(site.runtime.sessions) as db:
        db.add(RaisedAlert(kind="dead-letters", subject=DEAD, message="x", raised_at=raised))
    ops = tile(admin.get("/admin").get_data(as_text=True), "ops-title")
    assert '<a href="/admin/ops#dead-title">2</a>' in ops
    alerts = re.search(r"Warnungen \((\d+)\)", admin.get("/admin/ops").get_data(as_text=True))
    assert alerts and int(alerts[1]) >= 1  # the one raised, and what the watch finds now
    assert f'<a href="/admin/ops#alerts-title">{alerts[1]}</a>' in ops


def test_the_operations_tile_unavailable_alone(admin: FlaskClient, monkeypatch) -> None:
    answering(monkeypatch)

    def down(*args: Any) -> None:
        raise ServiceUnavailable("catalog: down")

    monkeypatch.setattr(OpsClient, "overview", down)
    page = admin.get("/admin").get_data(as_text=True)
    assert "nicht verfügbar" in tile(page, "ops-title")
    assert '<a href="/admin/settlements">18,05\xa0€</a>' in tile(page, "skonto-title")


def test_a_member_is_refused(member: FlaskClient) -> None:
    response = member.get("/admin")
    assert response.status_code == 403 and "Kein Zugriff" in response.get_data(as_text=True)


def test_the_office_lands_on_the_overview_and_finds_it_first_in_its_navigation(
    admin: FlaskClient,
) -> None:
    assert admin.get("/").location == "/admin"
    page = admin.get("/admin/members").get_data(as_text=True)
    nav = page[page.index("<nav") :]
    assert nav.index('href="/admin">Übersicht</a>') < nav.index('href="/admin/pool"')


def test_the_pool_value_is_exact_to_the_cent() -> None:
    offers = [{"ordered_quantity": "3", "unit_price": "0.335"}]
    assert pool_value([{"offers": offers}]) == Decimal("1.01")  # 1.005 rounds half up
    assert pool_value([]) == Decimal("0.00")
