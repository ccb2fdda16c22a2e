"""A member's orders through the test client; pooling and notify answer as their APIs do."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient

from catalog.service_layer import commands, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.db import transaction
from tests.web.conftest import Site, sign_in


def allocation(need_id: int, member_id: int, quantity: str, goods: str, share: str) -> dict:
    paid = f"{float(goods) + float(share):.2f}"
    return {
        "need_id": need_id,
        "member_id": member_id,
        "quantity": quantity,
        "goods": goods,
        "shipping_share": share,
        "paid": paid,
    }


def order(order_id: int, window_id: int, status: str, *allocations: dict, **extra: Any) -> dict:
    return {
        "id": order_id,
        "window_id": window_id,
        "supplier_id": 1,
        "status": status,
        "placed_at": "2026-11-20T10:00:00+00:00",
        "expected_delivery": None,
        "reject_reason": None,
        "shipping_fee": "0.00",
        "total": "834.40",
        "lines": [
            {
                "sku": "DISP-10L",
                "packs": 14,
                "ordered_quantity": "14",
                "unit_price": "38.0000",
                "line_total": "532.00",
                "surplus_quantity": "0",
                "allocations": list(allocations),
            }
        ],
    } | extra


class FakeServices:
    """Pooling's and notify's answers, with pooling's rule: a member sees its own allocations."""

    def __init__(self, orders: list[dict], savings: dict) -> None:
        self.orders, self.savings, self.asked = orders, savings, []

    def answer(self, service: str, path: str, role: str, subject_id: int | None):
        self.asked.append((service, path, role, subject_id))
        if service == "notify":
            return 200, self.savings
        mine = [o for o in self.orders if self._visible(o, subject_id)]
        if path == "/orders":
            return 200, mine
        order_id = int(path.rsplit("/", 1)[1])
        found = [o for o in self.orders if o["id"] == order_id]
        if not found:
            return 404, {"error": "There is no order."}
        return (200, found[0]) if found[0] in mine else (403, {"error": "not yours"})

    def fetch(self, *args: Any):
        status, body = self.answer(*args)
        return body if status == 200 else None

    @staticmethod
    def _visible(order: dict, member_id: int | None) -> bool:
        return any(a["member_id"] == member_id for ln in order["lines"] for a in ln["allocations"])


@pytest.fixture
def services(site: Site, monkeypatch: pytest.MonkeyPatch) -> FakeServices:
    m1, m2 = site.member_ids
    with transaction(site.runtime.sessions) as db:
        handlers.register_supplier(
            commands.RegisterSupplier("Farben Nord", "a@nord.example", Decimal(25), None),
            SqlAlchemyUnitOfWork(db, site.runtime.outbox),
        )
    fake = FakeServices(
        [
            order(
                1,
                3,
                "confirmed",
                allocation(11, m1, "6", "228.00", "0.00"),
                expected_delivery="2026-12-02",
            ),
            order(
                2,
                4,
                "rejected",
                allocation(12, m1, "2", "84.00", "0.00"),
                reject_reason="Lager leer",
            ),
            order(3, 4, "placed", allocation(13, m2, "8", "304.00", "0.00")),
        ],
        {
            "baseline": "259.00",
            "paid": "228.00",
            "saved": "31.00",
            "windows": [{"window_id": 3, "baseline": "259.00", "paid": "228.00", "saved": "31.00"}],
        },
    )
    monkeypatch.setattr("web.pages.orders.fetch", fake.fetch)
    monkeypatch.setattr("web.pages.orders.fetch_answer", fake.answer)
    return fake


def test_my_orders_per_window_with_status_and_savings(
    site: Site, member: FlaskClient, services: FakeServices
) -> None:
    page = member.get("/orders").get_data(as_text=True)
    assert "Meine Bestellungen" in page
    assert page.index("Runde 4") < page.index("Runde 3")  # newest window first
    assert "bestätigt" in page and "Lieferung erwartet am 02.12.2026" in page
    assert "abgelehnt" in page and "Grund: Lager leer" in page and "nicht berechnet" in page
    assert "Farben Nord" in page and "228,00\xa0€" in page
    assert "259,00\xa0€" in page and "31,00\xa0€" in page
    assert 'href="/orders/1"' in page and 'href="/orders/3"' not in page  # m2's order
    assert ("pooling", "/orders", "member", site.member_ids[0]) in services.asked


def test_an_order_shows_the_members_own_lines(member: FlaskClient, services) -> None:
    response = member.get("/orders/1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dispersionsfarbe 10 l" in page and "6\xa0Eimer" in page
    assert "38,00\xa0€" in page and "228,00\xa0€" in page and "0,00\xa0€" in page
    assert "259,00\xa0€" in page  # what the window would have cost alone


def test_another_members_order_is_not_found(site: Site, member: FlaskClient, services) -> None:
    response = member.get("/orders/3")
    assert response.status_code == 404
    assert "304,00" not in response.get_data(as_text=True)
    assert member.get("/orders/99").status_code == 404
    other = site.client()
    sign_in(other, "zwei@maler.example")
    assert other.get("/orders/3").status_code == 200
    assert other.get("/orders/1").status_code == 404


def test_orders_say_so_when_pooling_is_down(member: FlaskClient) -> None:
    listing = member.get("/orders")
    assert listing.status_code == 200
    assert "können gerade nicht angezeigt werden" in listing.get_data(as_text=True)
    assert member.get("/orders/1").status_code == 503


def test_orders_are_a_members_pages(site: Site) -> None:
    assert site.client().get("/orders").status_code == 302
    admin = site.client()
    sign_in(admin, "admin@zirkel.example")
    assert admin.get("/orders").status_code == 302  # the office has its own pages


def test_an_order_shows_a_declined_line_and_what_arrived(
    site: Site, member: FlaskClient, services: FakeServices
) -> None:
    m1 = site.member_ids[0]
    received = allocation(14, m1, "6", "190.00", "0.00") | {"received": "5"}
    declined = order(5, 5, "received", received)
    declined["lines"].append(
        declined["lines"][0]
        | {"sku": "SIL-300", "declined": True, "allocations": [allocation(15, m1, "30", "0", "0")]}
    )
    services.orders.append(declined)

    page = member.get("/orders/5").get_data(as_text=True)

    assert "eingegangen: 5" in page
    assert "nicht lieferbar: zurück im Pool" in page


def test_an_order_shows_what_a_flexible_need_took_more(
    site: Site, member: FlaskClient, services
) -> None:
    flexible = allocation(11, site.member_ids[0], "8", "304.00", "0.00")
    services.orders[0]["lines"][0]["allocations"] = [flexible | {"extra_quantity": "2"}]
    page = member.get("/orders/1").get_data(as_text=True)
    assert "8\xa0Eimer" in page and "davon 2 mehr auf Ihre flexible Menge" in page
