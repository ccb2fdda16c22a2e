"""Pooling decides a cancellation under the open window's lock, on PostgreSQL: one that
comes while a close runs waits for it and finds the need ordered; a close that comes while
a cancellation is being decided waits for it and leaves the need out; and a cancellation
sent twice at once withdraws the need once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from pooling import bootstrap
from pooling.adapters import orm
from pooling.bootstrap import build_runtime, handlers
from pooling.service_layer import handlers as pool
from shared.db import transaction
from shared.events import Event
from shared.outbox import Outbox
from shared.runtime import Runtime
from tests.integration.test_pool_lifecycle import (
    close,
    events_roundtrip,
    feed,
    need_posted,
    offer_updated,
    supplier_updated,
)
from tests.support.servers import settings_on, throwaway_database

pytestmark = pytest.mark.postgres

HELD = 1.0  # seconds the other side is seen waiting


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    with throwaway_database() as database:
        runtime = build_runtime(settings_on(database, tmp_path))
        runtime.migrate()
        feed(runtime, supplier_updated(), offer_updated(), *(need_posted(n) for n in range(1, 6)))
        yield runtime
        runtime.engine.dispose()


def cancelled(need_id: int) -> Event:
    payload = {"need_id": need_id, "member_id": 1 + need_id % 7, "sku": "DISP-10L"}
    return Event.of("catalog.need.cancelled", payload)


def in_background(work: Callable[[], object]) -> tuple[threading.Thread, threading.Event]:
    done = threading.Event()

    def run() -> None:
        work()
        done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, done


def state(runtime: Runtime, need_id: int) -> tuple[str, list[str]]:
    """The need's status and the verdicts pooling wrote to its outbox."""
    outbox = runtime.tables["outbox"]
    with transaction(runtime.sessions) as session:
        need = session.get(orm.PooledNeed, need_id)
        assert need is not None
        keys = session.scalars(select(outbox.c.routing_key).order_by(outbox.c.id)).all()
    return need.status, [k for k in keys if k.startswith("pooling.need.")]


def test_a_cancellation_during_a_close_waits_and_finds_the_need_ordered(runtime: Runtime) -> None:
    schedule = bootstrap.schedule(runtime.settings)
    with transaction(runtime.sessions) as session:
        closed = close(session, Outbox(runtime.tables["outbox"]), schedule)
        thread, done = in_background(lambda: feed(runtime, cancelled(3)))
        assert not done.wait(HELD), "the cancellation did not wait for the close"
    thread.join(timeout=30)

    assert done.is_set()
    assert 3 in {a.need_id for o in closed.orders for line in o.lines for a in line.allocations}
    assert state(runtime, 3) == ("ordered", [])  # the order placed is the verdict


def test_a_close_during_a_cancellation_waits_and_leaves_the_need_out(runtime: Runtime) -> None:
    schedule = bootstrap.schedule(runtime.settings)
    outbox = Outbox(runtime.tables["outbox"])
    orders: list[pool.ClosedPool] = []

    def close_in_background() -> None:
        with transaction(runtime.sessions) as session:
            orders.append(close(session, outbox, schedule))

    with transaction(runtime.sessions) as session:
        handlers(runtime.settings, runtime.outbox)["catalog.need.cancelled"](
            session, events_roundtrip(cancelled(3))
        )
        thread, done = in_background(close_in_background)
        assert not done.wait(HELD), "the close did not wait for the cancellation"
    thread.join(timeout=30)

    assert done.is_set()
    [closed] = orders
    allocated = {a.need_id for o in closed.orders for line in o.lines for a in line.allocations}
    assert allocated == {1, 2, 4, 5}
    assert state(runtime, 3) == ("cancelled", ["pooling.need.withdrawn.v1"])


@pytest.mark.parametrize("need_id", [3, 9], ids=["posted", "not-posted-yet"])
def test_a_cancellation_sent_twice_at_once_withdraws_the_need_once(
    runtime: Runtime, need_id: int
) -> None:
    """Catalog's event twice, under two event ids, on two workers: the second waits for
    the first (the need's lock, or its tombstone's key) and finds the need withdrawn."""
    with transaction(runtime.sessions) as session:
        handlers(runtime.settings, runtime.outbox)["catalog.need.cancelled"](
            session, events_roundtrip(cancelled(need_id))
        )
        thread, done = in_background(lambda: feed(runtime, cancelled(need_id)))
        assert not done.wait(HELD), "the second cancellation did not wait for the first"
    thread.join(timeout=30)

    assert done.is_set()
    assert state(runtime, need_id) == ("cancelled", ["pooling.need.withdrawn.v1"])
