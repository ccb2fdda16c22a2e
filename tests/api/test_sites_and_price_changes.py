"""Pooling carries each need's delivery site into its order, and an offer changed while a
window is open prices the next window, not the open one."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from pooling.adapters import orm
from shared.db import transaction
from shared.events import Event
from tests.api.test_order_documents import shown_text
from tests.api.test_pooling_api import (
    DISP,
    A,
    close,
    current_pool,
    feed,
    need_posted,
    offer_updated,
    supplier,
    supplier_updated,
)

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service


def need_at(need_id: int, member_id: int, quantity: str, site: str | None) -> Event:
    event = need_posted(need_id, member_id, DISP, quantity)
    return Event.of(event.event_type, event.payload | {"delivery_site": site})


def priced(pooling: Service, price: str, valid_from: date | None = None) -> Event:
    event = offer_updated(A, DISP, "1", [("0", price)])
    return Event.of(event.event_type, event.payload | {"valid_from": valid_from})


def offer_prices(pooling: Service) -> list[str]:
    """The unit prices of the offer versions pooling keeps, oldest first."""
    with transaction(pooling.runtime.sessions) as session:
        versions = session.scalars(select(orm.OfferVersion).order_by(orm.OfferVersion.id))
        return [v.tiers[0][1] for v in versions]


def test_the_order_splits_each_line_by_delivery_site(pooling: Service, admin: Headers) -> None:
    feed(
        pooling,
        supplier_updated(A, "25.00", "500.00"),
        priced(pooling, "40.00"),
        need_at(1, 1, "6", "Baustelle Hansastraße 12"),
        need_at(2, 2, "4", None),
        need_at(3, 3, "5", "Baustelle Hansastraße 12"),
    )
    [order] = close(pooling, admin)["orders"]

    shown = pooling.client.get(f"/api/v1/orders/{order['id']}", headers=supplier(pooling, A))
    [line] = shown.get_json()["lines"]
    assert line["sites"] == [
        {"delivery_site": "Baustelle Hansastraße 12", "quantity": "11"},
        {"delivery_site": "Firmensitz", "quantity": "4"},
    ]
    assert [a["delivery_site"] for a in line["allocations"]] == [
        "Baustelle Hansastraße 12",
        "Firmensitz",
        "Baustelle Hansastraße 12",
    ]
    mine = pooling.client.get(f"/api/v1/orders/{order['id']}", headers=pooling.token("member", 2))
    assert mine.get_json()["lines"][0]["sites"] == [
        {"delivery_site": "Firmensitz", "quantity": "4"}
    ]
    csv = pooling.client.get(f"/api/v1/orders/{order['id']}/document.csv", headers=admin)
    assert "DISP-10L;;;11;11;;;;Baustelle Hansastraße 12\r\n" in csv.get_data(as_text=True)
    assert "DISP-10L;;;4;4;;;;Firmensitz (Mitglied 2)\r\n" in csv.get_data(as_text=True)
    url = f"/api/v1/orders/{order['id']}/allocations.csv"
    allocations = pooling.client.get(url, headers=admin).get_data(as_text=True)
    assert ";1;1;6;piece;Baustelle Hansastraße 12;\r\n" in allocations
    assert ";2;2;4;piece;Firmensitz;\r\n" in allocations
    pdf = pooling.client.get(f"/api/v1/orders/{order['id']}/document.pdf", headers=admin)
    text = shown_text(pdf.get_data())
    # rule 11: each site's share is whole packs (of 1), so each goes there directly
    assert re.search(r"Lieferort: Baustelle Hansastraße 12\n11 Geb.\n11 piece", text)
    assert re.search(r"Lieferort: Firmensitz \(Mitglied 2\)\n4 Geb.\n4 piece", text)


def test_a_long_delivery_address_is_never_cut_on_the_order_form(
    pooling: Service, admin: Headers
) -> None:
    site = (
        "Baustelle Wohnanlage Am Phoenixsee, Haus C, Hermannstraße 112-118, Zufahrt über die "
        "Hörder Burgstraße, Tor 3, beim Polier Herrn Müller-Lüdenscheidt melden"
    )
    feed(pooling, supplier_updated(A, "0.00", None), priced(pooling, "40.00"))
    feed(pooling, need_at(1, 1, "6", site))
    [order] = close(pooling, admin)["orders"]

    pdf = pooling.client.get(f"/api/v1/orders/{order['id']}/document.pdf", headers=admin)

    words = " ".join(shown_text(pdf.get_data()).split())
    assert f"Lieferort: {site}" in words
    assert "…" not in words


def test_a_price_changed_while_a_window_is_open_applies_from_the_next_window(
    pooling: Service, admin: Headers
) -> None:
    feed(pooling, supplier_updated(A, "0.00", None), priced(pooling, "40.00"))
    feed(pooling, need_at(1, 1, "10", None))
    feed(pooling, priced(pooling, "30.00"))

    assert current_pool(pooling)["products"][0]["offers"][0]["unit_price"] == "40.00"
    first = close(pooling, admin)
    assert Decimal(first["total_cost"]) == Decimal("400.00")
    assert offer_prices(pooling) == ["30.00"], "the close drops the price no window can use"

    feed(pooling, need_at(2, 1, "10", None))
    assert current_pool(pooling)["products"][0]["offers"][0]["unit_price"] == "30.00"
    assert Decimal(close(pooling, admin)["total_cost"]) == Decimal("300.00")


def test_offers_announced_before_a_windows_first_need_price_it(
    pooling: Service, admin: Headers
) -> None:
    close(pooling, admin)  # the next window is open now, still without needs
    feed(pooling, supplier_updated(A, "0.00", None), priced(pooling, "40.00"))
    feed(pooling, need_at(2, 1, "10", None))

    assert Decimal(close(pooling, admin)["total_cost"]) == Decimal("400.00")


def test_a_price_list_valid_from_a_later_day_waits_for_a_window_starting_then(
    pooling: Service, admin: Headers
) -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date()
    feed(pooling, supplier_updated(A, "0.00", None), priced(pooling, "40.00"))
    feed(pooling, priced(pooling, "30.00", valid_from=tomorrow))
    feed(pooling, need_at(1, 1, "10", None))

    assert Decimal(close(pooling, admin)["total_cost"]) == Decimal("400.00")
