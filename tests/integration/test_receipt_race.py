"""Two office clerks book the receipt of one order at once, on PostgreSQL: the order is
locked while a receipt is booked, so one gets 201 and the other 409, and nothing is
counted twice (one receipt event, one lot in the depot). Two write-offs of one lot take
turns the same way and never take out more than it holds, and so do a close that takes
the depot's stock and a write-off of it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pooling.entrypoints.app import create_app
from shared.settings import Settings
from tests.api.conftest import ADMIN_TOKEN, Service, _service, bearer
from tests.api.test_after_order import RECEIVED, confirmed, receipt
from tests.api.test_pooling_api import SIL, feed, need_posted, with_worked_example
from tests.support.servers import throwaway_database

pytestmark = pytest.mark.postgres

ADMIN = bearer(ADMIN_TOKEN)


@pytest.fixture
def pooling(tmp_path: Path) -> Iterator[Service]:
    with throwaway_database() as database:
        settings = Settings.from_env(
            {
                "ZIRKEL_SECRET_KEY": "x" * 32,
                "ZIRKEL_ADMIN_TOKEN": ADMIN_TOKEN,
                "ZIRKEL_VAR_DIR": str(tmp_path),
                "ZIRKEL_DATABASE_URL": database,
            }
        )
        yield from _service(create_app, settings)


def at_once(pooling: Service, *calls: tuple[str, dict[str, Any], dict[str, str]]) -> list[int]:
    """POST each call from its own thread, all released together; their statuses."""
    start = threading.Barrier(len(calls))
    statuses: list[int] = []

    def post(url: str, body: dict[str, Any], headers: dict[str, str]) -> None:
        client = pooling.app.test_client()
        start.wait()
        statuses.append(client.post(url, json=body, headers=headers).status_code)

    threads = [threading.Thread(target=post, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(statuses)


def test_two_receipts_at_once_one_booked_one_refused(pooling: Service) -> None:
    order_id = confirmed(with_worked_example(pooling), ADMIN)
    url = f"/api/v1/orders/{order_id}/receipt"

    statuses = at_once(pooling, (url, receipt(RECEIVED), ADMIN), (url, receipt(RECEIVED), ADMIN))

    assert statuses == [201, 409]
    assert len(pooling.outbox("pooling.order.received")) == 1
    depot = pooling.client.get("/api/v1/depot", headers=ADMIN).get_json()
    assert [(lot["quantity"], lot["book_value"]) for lot in depot["lots"]] == [("8", "33.60")]
    assert len(depot["movements"]) == 1


def test_two_write_offs_at_once_never_overdraw_a_lot(pooling: Service) -> None:
    order_id = confirmed(with_worked_example(pooling), ADMIN)
    booked = pooling.client.post(
        f"/api/v1/orders/{order_id}/receipt", json=receipt(RECEIVED), headers=ADMIN
    )
    assert booked.status_code == 201
    url = "/api/v1/depot/write-offs"
    body = {"sku": SIL, "order_id": order_id, "quantity": "5", "reason": "Bruch"}

    statuses = at_once(pooling, (url, body, ADMIN), (url, body, ADMIN))

    assert statuses == [201, 422]
    depot = pooling.client.get("/api/v1/depot", headers=ADMIN).get_json()
    assert [(lot["quantity"], lot["book_value"]) for lot in depot["lots"]] == [("3", "12.60")]


def test_a_close_and_a_write_off_at_once_never_take_the_same_stock(pooling: Service) -> None:
    """The close locks the lots' orders while it takes their stock (rule 11): a write-off
    of the same lot waits and then sees what is left, or the close sees what it left."""
    order_id = confirmed(with_worked_example(pooling), ADMIN)
    booked = pooling.client.post(
        f"/api/v1/orders/{order_id}/receipt", json=receipt(RECEIVED), headers=ADMIN
    )
    assert booked.status_code == 201
    feed(pooling, need_posted(6, 2, SIL, "6"))
    write_off = {"sku": SIL, "order_id": order_id, "quantity": "5", "reason": "Bruch"}

    statuses = at_once(
        pooling,
        ("/api/v1/pools/close", {}, ADMIN),
        ("/api/v1/depot/write-offs", write_off, ADMIN),
    )

    depot = pooling.client.get("/api/v1/depot", headers=ADMIN).get_json()
    out = sum(-int(m["quantity"]) for m in depot["movements"] if m["quantity"].startswith("-"))
    assert out <= 8  # never more out than the 8 that came in
    left = sum(int(lot["quantity"]) for lot in depot["lots"] if lot["order_id"] == order_id)
    if statuses == [200, 201]:  # the write-off first (5), then the close took the 3 left
        assert out == 8 and left == 0
    else:  # the close first (6), then the write-off found only 2 left
        assert statuses == [200, 422] and out == 6 and left == 2
