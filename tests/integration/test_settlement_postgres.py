"""Settlement runs on PostgreSQL (rule 15): two runs started at once collect each member's
open balance once between them, never twice. The second waits for the first's advisory
lock, then finds the first's collections held by it (pending); submitting that run books
them as payments."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from billing.adapters.orm import PaymentRow
from billing.bootstrap import billing as billing_deps
from billing.bootstrap import build_runtime, sepa_files
from billing.domain.settlement import Mandate, Period
from billing.service_layer import commands as c
from billing.service_layer import handlers
from billing.service_layer.settling import (
    RunSettlement,
    SettlementRun,
    SubmitSettlement,
    run_settlement,
    submit_settlement,
)
from billing.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.db import transaction
from shared.runtime import Runtime
from tests.support.servers import settings_on, throwaway_database
from tests.unit.billing.factories import DISP, SIL, buyer
from tests.unit.billing.test_handlers import WORKED, received

pytestmark = pytest.mark.postgres

TODAY = date(2026, 3, 16)
GROSS = Decimal("226.10") + Decimal("149.94") + Decimal("416.50") + Decimal("69.97")


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    with throwaway_database() as url:
        runtime = build_runtime(settings_on(url, tmp_path))
        runtime.migrate()
        yield runtime
        runtime.engine.dispose()


def invoiced_with_mandates(runtime: Runtime) -> None:
    deps = billing_deps(runtime.settings, lambda: TODAY)
    with transaction(runtime.sessions) as session:
        uow = SqlAlchemyUnitOfWork(session, runtime.outbox)
        for m in (1, 2, 3, 4):
            mandate = Mandate(m, "", "DE02120300000000202051", f"ZK-M-{m}", date(2026, 1, 5))
            handlers.record_member(c.RecordMember(buyer(m), mandate), uow, deps)
        for product in (DISP, SIL):
            handlers.record_product(c.RecordProduct(product), uow)
        handlers.record_order(WORKED, uow)
        handlers.record_receipt(received(1, [1, 2, 3, 4]), uow, deps)


def test_two_runs_at_once_collect_each_balance_once(runtime: Runtime) -> None:
    invoiced_with_mandates(runtime)
    files = sepa_files(runtime.settings, lambda: TODAY)
    runs: list[SettlementRun] = []
    start = threading.Barrier(2)

    def settle() -> None:
        start.wait()
        with transaction(runtime.sessions) as session:
            uow = SqlAlchemyUnitOfWork(session, runtime.outbox)
            period = Period(date(2026, 3, 1), date(2026, 3, 31))
            runs.append(run_settlement(RunSettlement(period), uow, files))

    workers = [threading.Thread(target=settle) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert sorted(run.figures.collected for run in runs) == [Decimal("0.00"), GROSS]
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PaymentRow)) == 0
    [collecting] = [run for run in runs if run.collections]
    for _twice in range(2):
        with transaction(runtime.sessions) as session:
            uow = SqlAlchemyUnitOfWork(session, runtime.outbox)
            submit_settlement(SubmitSettlement(collecting.id, TODAY), uow)
    with runtime.sessions() as session:
        assert session.scalar(select(func.sum(PaymentRow.amount))) == GROSS
        assert session.scalar(select(func.count()).select_from(PaymentRow)) == 4
