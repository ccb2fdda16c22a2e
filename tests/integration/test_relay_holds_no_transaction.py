"""The outbox relay holds no database transaction while the broker works: a request that
writes to the service's database while a batch is being published goes through at once
(on SQLite: the file's write lock is free; on PostgreSQL: no transaction of the relay's is
open). Two relays of one service on PostgreSQL take turns, so rows go out once and in order."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, text

from catalog.bootstrap import build_runtime
from shared.db import transaction
from shared.events import Event
from shared.messaging import connect
from shared.outbox import OutboxRelay
from shared.publishing import BatchOutcome, Outgoing
from shared.runtime import Runtime
from shared.settings import Settings

WAIT = 2.0  # seconds a request may wait for the database before it counts as blocked


@pytest.fixture(params=["sqlite", "postgres"])
def runtime(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Runtime]:
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    yield from catalog_runtime(tmp_path, url)


@pytest.fixture
def postgres_runtime(postgres_url: str, tmp_path: Path) -> Iterator[Runtime]:
    """Catalog's runtime on PostgreSQL alone, for what only PostgreSQL shows or allows
    (open transactions in pg_stat_activity; two relays on one database)."""
    yield from catalog_runtime(tmp_path, postgres_url)


def catalog_runtime(tmp_path: Path, database_url: str | None) -> Iterator[Runtime]:
    env = {"ZIRKEL_SECRET_KEY": "k" * 32, "ZIRKEL_VAR_DIR": str(tmp_path)}
    if database_url:
        env["ZIRKEL_DATABASE_URL"] = database_url
    runtime = build_runtime(Settings.from_env(env))
    runtime.migrate()
    with runtime.engine.begin() as db:
        db.execute(runtime.tables["outbox"].delete())
    yield runtime
    runtime.engine.dispose()


def offer_updated(number: int) -> Event:
    payload = {
        "supplier_id": 1,
        "sku": f"SKU-{number}",
        "product_name": f"Artikel {number}",
        "unit": "piece",
        "pack_size": Decimal(1),
        "tiers": [{"min_quantity": Decimal(0), "unit_price": Decimal("4.20")}],
    }
    return Event.of("catalog.offer.updated", payload)


def write_outbox(runtime: Runtime, count: int) -> None:
    with transaction(runtime.sessions) as session:
        for number in range(count):
            runtime.outbox.add(session, offer_updated(number))


class WhilePublishing:
    """A publisher that, before it confirms a batch, runs ``meanwhile`` in another thread
    (as a request would) and records whether it finished within ``WAIT`` seconds."""

    def __init__(self, meanwhile: Callable[[], None]) -> None:
        self.meanwhile = meanwhile
        self.batches: list[list[str]] = []
        self.problems: list[str] = []

    def publish_batch(self, messages: Sequence[Outgoing]) -> BatchOutcome:
        self.batches.append([m.message_id for m in messages])
        outcome: list[BaseException] = []

        def request() -> None:
            try:
                self.meanwhile()
            except BaseException as exc:
                outcome.append(exc)

        other = threading.Thread(target=request, daemon=True)
        other.start()
        other.join(timeout=WAIT)
        if other.is_alive():
            self.problems.append(f"the request still waited after {WAIT}s")
        self.problems += [repr(exc) for exc in outcome]
        return BatchOutcome(confirmed=list(range(len(messages))))


def a_request_writing(runtime: Runtime) -> Callable[[], None]:
    """A write to the service's database that gives up after ``WAIT`` seconds."""
    if runtime.engine.dialect.name == "sqlite":
        path = runtime.engine.url.database

        def write_sqlite() -> None:
            with sqlite3.connect(path, timeout=WAIT, isolation_level=None) as db:
                db.execute("BEGIN IMMEDIATE")
                db.execute("UPDATE outbox SET correlation_id = 'touched'")
                db.execute("COMMIT")

        return write_sqlite

    def write_postgres() -> None:
        with runtime.engine.begin() as db:
            db.execute(text(f"SET LOCAL lock_timeout = '{int(WAIT * 1000)}ms'"))
            db.execute(text("UPDATE outbox SET correlation_id = 'touched'"))

    return write_postgres


def relay_of(runtime: Runtime, publisher: object) -> OutboxRelay:
    relay = OutboxRelay(
        runtime.engine,
        runtime.tables["outbox"],
        lambda: connect(runtime.settings),
        confirm_timeout=5,
        batch_size=50,
    )
    relay.publisher = publisher  # type: ignore[assignment]
    return relay


def test_a_request_writes_while_the_relay_publishes(runtime: Runtime) -> None:
    write_outbox(runtime, 120)
    publisher = WhilePublishing(a_request_writing(runtime))
    relay = relay_of(runtime, publisher)

    assert [relay.relay_once() for _ in range(4)] == [50, 50, 20, 0]

    assert publisher.problems == []
    assert len(publisher.batches) == 3


def test_no_transaction_of_the_relay_is_open_while_it_publishes(
    postgres_runtime: Runtime,
) -> None:
    runtime = postgres_runtime
    write_outbox(runtime, 10)
    open_transactions: list[int] = []

    def look() -> None:
        query = text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND xact_start IS NOT NULL AND pid <> pg_backend_pid() AND query ILIKE '%outbox%'"
        )
        with runtime.engine.connect() as db:
            open_transactions.append(db.scalar(query))

    relay = relay_of(runtime, WhilePublishing(look))
    assert relay.relay_once() == 10
    assert open_transactions == [0]


def test_two_relays_on_postgres_take_turns_and_send_each_row_once(
    postgres_runtime: Runtime,
) -> None:
    runtime = postgres_runtime
    write_outbox(runtime, 120)
    second_took: list[int] = []
    second = relay_of(runtime, WhilePublishing(lambda: None))
    first_publisher = WhilePublishing(lambda: second_took.append(second.relay_once()))
    first = relay_of(runtime, first_publisher)

    while first.relay_once():
        pass

    assert second_took == [0, 0, 0]  # the second relay waits its turn while one publishes
    assert second.relay_once() == 0  # and finds everything sent afterwards
    sent = [event_id for batch in first_publisher.batches for event_id in batch]
    assert len(sent) == len(set(sent)) == 120
    assert sent == sorted(sent, key=_outbox_order(runtime))


def _outbox_order(runtime: Runtime) -> Callable[[str], int]:
    outbox = runtime.tables["outbox"]
    with runtime.engine.connect() as db:
        ids = {row.event_id: row.id for row in db.execute(select(outbox.c.event_id, outbox.c.id))}
    return lambda event_id: ids[event_id]
