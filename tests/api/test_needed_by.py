"""Pooling keeps each need's "benötigt bis" (``needed_by``) and carries it into its order:
per allocation and as each line's earliest date in the order API, as a German date in
the allocations CSV, and as the line's earliest on the order form."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from pooling.adapters import orm
from shared.db import transaction
from shared.events import Event
from tests.api.test_need_changes import need_changed
from tests.api.test_order_documents import shown_text
from tests.api.test_pooling_api import DISP, A, close, feed, supplier, supplier_updated
from tests.api.test_sites_and_price_changes import need_at, priced

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service


def dated(event: Event, needed_by: date | None) -> Event:
    return Event.of(event.event_type, event.payload | {"needed_by": needed_by})


def placed_order(pooling: Service, admin: Headers) -> int:
    feed(
        pooling,
        supplier_updated(A, "25.00", "500.00"),
        priced(pooling, "40.00"),
        dated(need_at(1, 1, "6", "Baustelle Hansastraße 12"), date(2027, 3, 19)),
        need_at(2, 2, "4", None),
        dated(need_at(3, 3, "5", "Baustelle Hansastraße 12"), date(2027, 3, 26)),
    )
    # a change while the window is open brings its date: member 3 needs it sooner, elsewhere
    feed(pooling, dated(need_changed(3, 3, "5"), date(2027, 3, 12)))
    [order] = close(pooling, admin)["orders"]
    return int(order["id"])


def test_the_order_shows_each_needs_date_and_each_lines_earliest(
    pooling: Service, admin: Headers
) -> None:
    order_id = placed_order(pooling, admin)

    shown = pooling.client.get(f"/api/v1/orders/{order_id}", headers=supplier(pooling, A))

    [line] = shown.get_json()["lines"]
    assert [(a["need_id"], a["needed_by"]) for a in line["allocations"]] == [
        (1, "2027-03-19"),
        (2, None),
        (3, "2027-03-12"),
    ]
    assert line["needed_by"] == "2027-03-12"
    mine = pooling.client.get(f"/api/v1/orders/{order_id}", headers=pooling.token("member", 1))
    assert mine.get_json()["lines"][0]["needed_by"] == "2027-03-19"  # its own need's only
    with transaction(pooling.runtime.sessions) as session:
        rows = session.execute(select(orm.PooledNeed.need_id, orm.PooledNeed.needed_by))
        kept = {need_id: needed_by for need_id, needed_by in rows}
    assert kept == {1: date(2027, 3, 19), 2: None, 3: date(2027, 3, 12)}


def test_the_allocations_csv_has_the_date_as_german_excel_reads_it(
    pooling: Service, admin: Headers
) -> None:
    order_id = placed_order(pooling, admin)

    url = f"/api/v1/orders/{order_id}/allocations.csv"
    text = pooling.client.get(url, headers=supplier(pooling, A)).get_data(as_text=True)

    assert text.startswith("\ufeffsku;product;need_id;member_id;quantity;unit;delivery_site;")
    assert text.splitlines()[0].endswith(";needed_by")
    assert ";1;1;6;piece;Baustelle Hansastraße 12;19.03.2027\r\n" in text
    assert ";2;2;4;piece;Firmensitz;\r\n" in text
    assert ";3;3;5;piece;Baustelle Nord;12.03.2027\r\n" in text


def test_the_order_form_shows_each_lines_earliest_date(pooling: Service, admin: Headers) -> None:
    order_id = placed_order(pooling, admin)

    pdf = pooling.client.get(f"/api/v1/orders/{order_id}/document.pdf", headers=admin)

    text = shown_text(pdf.get_data())
    assert "Benötigt bis: 12.03.2027\nLieferort: Baustelle Hansastraße 12" in text
    assert "19.03.2027" not in text


def test_a_line_without_dates_has_none(pooling: Service, admin: Headers) -> None:
    feed(pooling, supplier_updated(A, "0.00", None), priced(pooling, "40.00"))
    feed(pooling, need_at(1, 1, "6", None))
    [order] = close(pooling, admin)["orders"]

    [line] = order["lines"]
    pdf = pooling.client.get(f"/api/v1/orders/{order['id']}/document.pdf", headers=admin)

    assert line["needed_by"] is None and line["allocations"][0]["needed_by"] is None
    assert "Benötigt" not in shown_text(pdf.get_data())


def test_the_dates_stay_through_confirmation_and_receipt(pooling: Service, admin: Headers) -> None:
    order_id = placed_order(pooling, admin)
    url = f"/api/v1/orders/{order_id}"
    body = {"expected_delivery": "2027-03-10"}
    confirmed = pooling.client.post(f"{url}/confirm", json=body, headers=supplier(pooling, A))
    assert confirmed.status_code == 200, confirmed.get_json()
    lines = [{"sku": DISP, "received_quantity": "10"}]  # one short: member 3 gets less

    booked = pooling.client.post(f"{url}/receipt", json={"lines": lines}, headers=admin)

    assert booked.status_code == 201, booked.get_json()
    [line] = booked.get_json()["lines"]
    assert [a["needed_by"] for a in line["allocations"]] == ["2027-03-19", None, "2027-03-12"]
    assert line["needed_by"] == "2027-03-12"
    for event in ("placed", "confirmed", "received"):  # each keeps its contract
        [told] = pooling.outbox(f"pooling.order.{event}")
        dates = [a.get("needed_by") for x in told["payload"]["lines"] for a in x["allocations"]]
        assert dates == ["2027-03-19", None, "2027-03-12"], event


def test_a_date_changed_after_the_close_is_refused_as_ordered(
    pooling: Service, admin: Headers
) -> None:
    order_id = placed_order(pooling, admin)

    feed(pooling, dated(need_changed(1, 1, "6"), date(2027, 4, 30)))  # too late: ordered

    shown = pooling.client.get(f"/api/v1/orders/{order_id}", headers=admin).get_json()
    assert shown["lines"][0]["allocations"][0]["needed_by"] == "2027-03-19"
    (refused,) = pooling.outbox("pooling.need.change_refused")
    assert refused["payload"]["needed_by"] == "2027-03-19"


def test_the_api_description_tells_the_dates(pooling: Service) -> None:
    schemas = pooling.client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for schema in ("AllocationOut", "OrderLineOut"):
        described = schemas[schema]["properties"]["needed_by"]
        assert (described["type"], described["format"], described["nullable"]) == (
            "string",
            "date",
            True,
        ), schema
