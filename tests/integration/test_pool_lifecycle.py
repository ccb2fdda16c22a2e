"""Pool windows under concurrency, on PostgreSQL and RabbitMQ as in production: competing
consumers lose and double-count nothing, two closes at once close once, due windows close,
progress is announced once per change."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pooling import bootstrap
from pooling.adapters import orm
from pooling.adapters.calendar import CutoffSchedule
from pooling.adapters.highs import HighsSolver
from pooling.adapters.repository import PoolRepository
from pooling.bootstrap import build_runtime, handlers
from pooling.domain.optimise import Solver
from pooling.service_layer import handlers as pool
from pooling.service_layer.commands import ClosePool, ReportProgress
from pooling.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.consumer import EventConsumer
from shared.db import transaction
from shared.errors import Conflict
from shared.events import Event, dump
from shared.messaging import connect, declare_topology, subscriptions_of
from shared.outbox import Outbox
from shared.publishing import Publisher
from shared.runtime import Runtime
from shared.settings import Settings
from tests.support.servers import throwaway_database
from tests.support.stack import wait_until

QUEUE = subscriptions_of("pooling")[0]
SOLVE = HighsSolver(time_limit=10)


def close(
    session: Session,
    outbox: Outbox,
    schedule: CutoffSchedule,
    solve: Solver = SOLVE,
    window_id: int | None = None,
) -> pool.ClosedPool:
    """The pool closed in a unit of work on ``session``, as the close's request runs it."""
    uow = SqlAlchemyUnitOfWork(session, outbox, schedule)
    return pool.close_pool(ClosePool(window_id), uow, solve=solve, today=schedule.today)


@pytest.fixture
def runtime(tmp_path: Path, rabbitmq_url: str) -> Iterator[Runtime]:
    with throwaway_database() as database:
        settings = Settings.from_env(
            {
                "ZIRKEL_SECRET_KEY": "k" * 32,
                "ZIRKEL_VAR_DIR": str(tmp_path),
                "ZIRKEL_BROKER_URL": rabbitmq_url,
                "ZIRKEL_DATABASE_URL": database,
            }
        )
        runtime = build_runtime(settings)
        runtime.migrate()
        feed(runtime, supplier_updated(), offer_updated())
        yield runtime
        runtime.engine.dispose()


@pytest.fixture
def schedule(runtime: Runtime) -> CutoffSchedule:
    return bootstrap.schedule(runtime.settings)


def supplier_updated() -> Event:
    payload = {"supplier_id": 1, "name": "A", "shipping_fee": Decimal("25.00")}
    return Event.of("catalog.supplier.updated", payload | {"free_shipping_from": Decimal(500)})


def offer_updated() -> Event:
    tiers = [
        {"min_quantity": Decimal(0), "unit_price": Decimal("42.00")},
        {"min_quantity": Decimal(10), "unit_price": Decimal("38.00")},
    ]
    return Event.of(
        "catalog.offer.updated",
        {
            "supplier_id": 1,
            "sku": "DISP-10L",
            "product_name": "Dispersionsfarbe",
            "unit": "Eimer",
            "pack_size": Decimal(1),
            "tiers": tiers,
        },
    )


def need_posted(need_id: int) -> Event:
    return Event.of(
        "catalog.need.posted",
        {
            "need_id": need_id,
            "member_id": 1 + need_id % 7,
            "sku": "DISP-10L",
            "quantity": Decimal("1.5"),
            "posted_at": datetime.now(UTC),
        },
    )


def feed(runtime: Runtime, *events: Event) -> None:
    react = handlers(runtime.settings, runtime.outbox)
    for event in events:
        with transaction(runtime.sessions) as session:
            react[event.event_type](session, events_roundtrip(event))


def events_roundtrip(event: Event) -> Event:
    from shared.events import load

    return load(json.loads(json.dumps(dump(event))))


def count(runtime: Runtime, *where: object) -> int:
    with transaction(runtime.sessions) as session:
        return session.scalar(select(func.count()).select_from(orm.PooledNeed).where(*where))


def test_two_closes_at_once_close_the_window_once(runtime: Runtime, schedule) -> None:
    feed(runtime, *(need_posted(n) for n in range(1, 21)))
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def press_close() -> None:
        barrier.wait()
        try:
            with transaction(runtime.sessions) as session:
                closed = close(session, runtime.outbox, schedule, window_id=1)
                outcomes.append(f"closed {len(closed.orders)}")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=press_close) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["closed 1", "conflict"]
    with transaction(runtime.sessions) as session:
        assert session.scalar(select(func.count()).select_from(orm.Order)) == 1
    assert count(runtime, orm.PooledNeed.status == "ordered") == 20


def test_competing_consumers_and_a_close_lose_and_double_count_nothing(
    runtime: Runtime, schedule: CutoffSchedule
) -> None:
    settings = runtime.settings
    consumers = [
        EventConsumer(
            QUEUE,
            handlers(settings, runtime.outbox),
            runtime.sessions,
            runtime.tables["inbox"],
            lambda: connect(settings),
            max_retries=5,
            prefetch=20,
            confirm_timeout=5,
        )
        for _ in range(2)
    ]
    threads = [threading.Thread(target=c.run, daemon=True) for c in consumers]
    for thread in threads:
        thread.start()
    with connect(settings) as connection:
        declare_topology(connection)
        connection.default_channel.queue_purge(QUEUE.queue_name)
        publisher = Publisher(connection, 5)
        for need_id in range(1, 301):
            publisher.publish_event(need_posted(need_id))
            if need_id % 5 == 0:  # a redelivery
                publisher.publish_event(_same_event_again(need_id))
            if need_id == 150:
                with transaction(runtime.sessions) as session:
                    close(session, runtime.outbox, schedule)

    try:
        wait_until(lambda: count(runtime) == 300, 60, "all 300 needs pooled")
    finally:
        for consumer in consumers:
            consumer.should_stop = True
        for thread in threads:
            thread.join(timeout=10)

    ordered = count(runtime, orm.PooledNeed.status == "ordered")
    still_open = count(runtime, orm.PooledNeed.status == "open")
    print(f"pooled 300 needs: {ordered} ordered at the close, {still_open} in the next window")
    assert ordered + still_open == 300
    with transaction(runtime.sessions) as session:
        open_windows = session.scalar(
            select(func.count()).select_from(orm.Window).where(orm.Window.status == "open")
        )
        allocated = session.scalar(select(func.count()).select_from(orm.Allocation))
        misplaced = session.scalar(
            select(func.count())
            .select_from(orm.PooledNeed)
            .join(orm.Window, orm.PooledNeed.window_id == orm.Window.id)
            .where(orm.PooledNeed.status == "open", orm.Window.status != "open")
        )
    assert open_windows == 1
    assert allocated == ordered
    assert misplaced == 0  # no need is stranded in a closed window


_SENT: dict[int, Event] = {}


def _same_event_again(need_id: int) -> Event:
    return _SENT.setdefault(need_id, need_posted(need_id))


def test_windows_past_their_cutoff_are_closed_by_the_scheduler(
    runtime: Runtime, schedule: CutoffSchedule
) -> None:
    feed(runtime, need_posted(1), need_posted(2))
    assert pool.close_due_windows(runtime.sessions, runtime.outbox, schedule, SOLVE) == []
    with transaction(runtime.sessions) as session:
        past = datetime.now(UTC) - timedelta(minutes=1)
        session.execute(update(orm.Window).values(closes_at=past))

    assert pool.close_due_windows(runtime.sessions, runtime.outbox, schedule, SOLVE) == [1]
    assert count(runtime, orm.PooledNeed.status == "ordered") == 2
    feed(runtime, need_posted(3))
    with transaction(runtime.sessions) as session:
        later = session.get(orm.PooledNeed, 3)
        assert later is not None and later.window_id == 2  # a need after a close: next window


def test_postgresql_sums_the_open_demand_as_exactly_as_python(
    runtime: Runtime, schedule: CutoffSchedule
) -> None:
    quantities = ["0.001", "2.5", "999999.999", "12", "7.125", "0.333"]
    events = [need_posted(n) for n in range(1, 7)]
    events = [
        Event.of(
            e.event_type,
            e.payload
            | {"quantity": Decimal(q), "sku": f"SKU-{n % 2}"}
            | {"up_to": Decimal(q) + Decimal("1.5") if n in (1, 4) else None},
        )
        for n, (e, q) in enumerate(zip(events, quantities, strict=True))
    ]
    feed(runtime, *events)
    with transaction(runtime.sessions) as session:
        window = PoolRepository(session, schedule).current_window()
        assert window is not None
        summed = PoolRepository(session, schedule).open_demand(window.id)
        here = PoolRepository(session, schedule)._open_demand_summed_here(window.id)
    assert summed == here
    assert summed.demand == {"SKU-0": Decimal("1000007.125"), "SKU-1": Decimal("14.833")}
    assert summed.signature == "6:21:6"
    assert summed.flexible == {"SKU-0": Decimal("1.5"), "SKU-1": Decimal("1.5")}


def test_progress_read_before_a_close_or_another_report_is_not_announced(
    runtime: Runtime, schedule: CutoffSchedule
) -> None:
    """The progress report reads the window's needs without locking the window; what it
    read is announced only if nothing closed the window or announced it meanwhile."""
    feed(runtime, need_posted(1))
    with transaction(runtime.sessions) as session:
        pool_now = PoolRepository(session, schedule)
        window = pool_now.current_window()
        assert window is not None
        seen = pool_now.open_demand(window.id).signature
    with transaction(runtime.sessions) as session:
        assert PoolRepository(session, schedule).claim_progress(window, seen) is True
    with transaction(runtime.sessions) as session:  # the same change, read by another
        assert PoolRepository(session, schedule).claim_progress(window, seen) is False

    feed(runtime, need_posted(2))
    with transaction(runtime.sessions) as session:
        window = PoolRepository(session, schedule).current_window()
        assert window is not None
        seen = PoolRepository(session, schedule).open_demand(window.id).signature
    with transaction(runtime.sessions) as session:  # closed meanwhile
        session.execute(
            update(orm.Window).where(orm.Window.id == window.id).values(status="closed")
        )
    with transaction(runtime.sessions) as session:
        assert PoolRepository(session, schedule).claim_progress(window, seen) is False


def test_progress_is_announced_once_per_change(runtime: Runtime, schedule: CutoffSchedule) -> None:
    def announce() -> bool:
        with transaction(runtime.sessions) as session:
            uow = SqlAlchemyUnitOfWork(session, runtime.outbox, schedule)
            return pool.report_progress(ReportProgress(), uow)

    feed(runtime, *(need_posted(n) for n in range(1, 8)))
    assert announce() is True
    assert announce() is False
    feed(runtime, need_posted(8))
    assert announce() is True

    outbox = runtime.tables["outbox"]
    with runtime.engine.connect() as db:
        bodies = db.scalars(
            select(outbox.c.body).where(outbox.c.routing_key == "pooling.pool.progressed.v1")
        ).all()
    assert len(bodies) == 2
    first, last = (json.loads(body)["payload"]["products"][0] for body in bodies)
    assert (Decimal(first["quantity"]), Decimal(last["quantity"])) == (Decimal("10.5"), 12)
    assert Decimal(first["offers"][0]["ordered_quantity"]) == 11  # whole packs
    assert Decimal(first["offers"][0]["unit_price"]) == Decimal("38.00")
