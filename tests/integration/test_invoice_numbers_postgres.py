"""Invoice numbers on PostgreSQL (rule 13): gapless per year and unique, with two workers
issuing at once and with a worker that dies between taking numbers and its commit.

Each window's receipt is handled as billing's consumer would, in one transaction; the
year's counter row is locked (FOR UPDATE) from the first number a transaction takes to its
end, so the second issuer waits, and a transaction that never commits gives its numbers
back."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from billing.adapters.documents import documents
from billing.adapters.orm import InvoiceRow
from billing.bootstrap import build_runtime, seller_of
from billing.domain.model import ReceivedNeed
from billing.service_layer import commands as c
from billing.service_layer import handlers
from billing.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.db import transaction
from shared.runtime import Runtime
from tests.support.servers import settings_on, throwaway_database
from tests.unit.billing.factories import buyer

pytestmark = pytest.mark.postgres

TODAY = date(2026, 11, 30)
MEMBERS = 6  # per window


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    with throwaway_database() as url:
        runtime = build_runtime(settings_on(url, tmp_path))
        runtime.migrate()
        yield runtime
        runtime.engine.dispose()


def billing_with(runtime: Runtime, make: Callable = documents) -> handlers.Billing:  # type: ignore[type-arg]
    return handlers.Billing(seller_of(runtime.settings), "ZK", make, lambda: TODAY)


def members_of(window_id: int) -> range:
    return range(window_id * 100 + 1, window_id * 100 + 1 + MEMBERS)


def placed_window(runtime: Runtime, window_id: int) -> c.RecordReceipt:
    """Window ``window_id``'s order, placed and confirmed; its receipt, to be handled."""
    needs = [
        c.PlacedNeed(member_id, member_id, "DISP-10L", Decimal(3), Decimal("38.00"))
        for member_id in members_of(window_id)
    ]
    with transaction(runtime.sessions) as session:
        uow = SqlAlchemyUnitOfWork(session, runtime.outbox)
        for member_id in members_of(window_id):
            uow.members.save(buyer(member_id))
        handlers.record_order(c.RecordOrder(window_id, window_id, 1, tuple(needs)), uow)
    received = tuple(
        (
            n.member_id,
            ReceivedNeed(
                n.need_id, window_id, n.sku, n.quantity, n.unit_price, Decimal("114.00"), Decimal(0)
            ),
        )
        for n in needs
    )
    return c.RecordReceipt(window_id, window_id, 0, TODAY, received, ())


def issue(runtime: Runtime, receipt: c.RecordReceipt, billing: handlers.Billing) -> None:
    with transaction(runtime.sessions) as session:
        uow = SqlAlchemyUnitOfWork(session, runtime.outbox)
        handlers.record_receipt(receipt, uow, billing)


def numbers(runtime: Runtime) -> list[tuple[int, int]]:
    """(window, sequence) of every invoice issued, in the order of the numbers."""
    with runtime.sessions() as session:
        rows = session.execute(select(InvoiceRow.window_id, InvoiceRow.number)).all()
    return sorted(
        ((window, int(number.rsplit("-", 1)[1])) for window, number in rows), key=lambda r: r[1]
    )


def test_two_workers_issuing_at_once_take_gapless_unique_numbers(runtime: Runtime) -> None:
    receipts = [placed_window(runtime, window) for window in (1, 2)]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def worker(receipt: c.RecordReceipt) -> None:
        try:
            start.wait()
            issue(runtime, receipt, billing_with(runtime))
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(r,)) for r in receipts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    issued = numbers(runtime)
    assert [sequence for _window, sequence in issued] == list(range(1, 2 * MEMBERS + 1))
    # one transaction after the other: each window's numbers are one run
    windows = [window for window, _sequence in issued]
    assert windows in ([1] * MEMBERS + [2] * MEMBERS, [2] * MEMBERS + [1] * MEMBERS)


def test_a_worker_dying_before_its_commit_leaves_no_gap(runtime: Runtime) -> None:
    first, second = (placed_window(runtime, window) for window in (1, 2))
    numbered, terminated, pid = threading.Event(), threading.Event(), []

    def stuck(invoice):  # type: ignore[no-untyped-def]
        numbered.set()  # the number is taken; the worker dies before it commits
        terminated.wait(30)
        return documents(invoice)

    def dying_worker() -> None:
        with (
            contextlib.suppress(OperationalError),
            transaction(runtime.sessions) as session,
        ):
            uow = SqlAlchemyUnitOfWork(session, runtime.outbox)
            pid.append(uow.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar())
            handlers.record_receipt(first, uow, billing_with(runtime, stuck))

    dying = threading.Thread(target=dying_worker, daemon=True)
    dying.start()
    assert numbered.wait(30)
    other = threading.Thread(target=issue, args=(runtime, second, billing_with(runtime)))
    other.start()
    other.join(timeout=1.0)
    assert other.is_alive()  # waits for the counter row the dying worker holds

    with psycopg.connect(
        runtime.settings.database_url("billing").replace("+psycopg", ""), autocommit=True
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid[0],))
    terminated.set()
    other.join(timeout=60)
    dying.join(timeout=30)

    assert [sequence for _window, sequence in numbers(runtime)] == list(range(1, MEMBERS + 1))
    issue(runtime, first, billing_with(runtime))  # the receipt comes again (never acked)
    issued = numbers(runtime)
    assert [sequence for _w, sequence in issued] == list(range(1, 2 * MEMBERS + 1))
    assert [window for window, _s in issued] == [2] * MEMBERS + [1] * MEMBERS
