"""A close stores what it decided, on SQLite and PostgreSQL alike: every allocation as the
domain made it (PostgreSQL takes them with COPY), and every need ordered with its order;
nothing of after the order (declined, received, depot) is set on a fresh order."""

from __future__ import annotations

import dataclasses
import gc
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from bench.close import load, with_flexible_needs
from bench.generate import cooperative
from pooling import bootstrap
from pooling.adapters import orm
from pooling.adapters.highs import HighsSolver
from pooling.adapters.orders import SqlOrders
from pooling.adapters.placed_orders import allocation_fields
from pooling.bootstrap import build_runtime
from pooling.domain.baselines import Baselines
from pooling.domain.model import Allocation, Need
from pooling.service_layer.handlers import ClosedPool
from shared import events
from shared.db import transaction
from shared.runtime import Runtime
from shared.settings import Settings
from tests.integration.test_pool_lifecycle import close
from tests.support.servers import throwaway_database

SOLVE = HighsSolver(time_limit=10, workers=1)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def runtime(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Runtime]:
    with ExitStack() as stack:
        env = {"ZIRKEL_SECRET_KEY": "k" * 32, "ZIRKEL_VAR_DIR": str(tmp_path)}
        if request.param == "postgres":
            env["ZIRKEL_DATABASE_URL"] = stack.enter_context(throwaway_database())
        runtime = build_runtime(Settings.from_env(env))
        runtime.migrate()
        yield runtime
        runtime.engine.dispose()


def decided(closed: ClosedPool) -> dict[int, tuple]:
    """Per need: its order, product, member and figures, as the close decided them."""
    return {
        a.need_id: (order.id, line.sku, a.member_id, a.quantity, a.goods, *shares(a))
        for order in closed.orders
        for line in order.lines
        for a in line.allocations
    }


def shares(a: Allocation) -> tuple:
    return (a.shipping_share, a.paid, a.delivery_site, a.needed_by)


def stored(runtime: Runtime) -> tuple[dict[int, tuple], dict[int, int | None]]:
    """Per need: the stored allocation's order, product, member and figures; and the
    order each ordered need points at."""
    a, line = orm.Allocation, orm.OrderLine
    query = select(
        a.need_id, line.order_id, line.sku, a.member_id, a.quantity, a.goods
    ).add_columns(a.shipping_share, a.paid, a.delivery_site, a.needed_by)
    ordered = select(orm.PooledNeed.need_id, orm.PooledNeed.order_id).where(
        orm.PooledNeed.status == "ordered"
    )
    with transaction(runtime.sessions) as session:
        allocations = {row[0]: tuple(row[1:]) for row in session.execute(query.join(line))}
        needs = {need_id: order_id for need_id, order_id in session.execute(ordered)}
    return allocations, needs


def test_a_close_stores_every_allocation_and_marks_every_need_ordered(runtime: Runtime) -> None:
    instance = cooperative(needs=600, members=40, products=80, suppliers=6, seed=22)
    instance = dataclasses.replace(instance, needs=with_dates(instance.needs))
    load(runtime, instance)
    schedule = bootstrap.schedule(runtime.settings)
    with transaction(runtime.sessions) as session:
        closed = close(session, runtime.outbox, schedule)
    expected = decided(closed)
    assert len(expected) == len(instance.needs)
    allocations, needs = stored(runtime)
    assert allocations == expected
    assert needs == {need_id: figures[0] for need_id, figures in expected.items()}


@pytest.mark.postgres
@pytest.mark.parametrize("runtime", ["postgres"], indirect=True)
def test_a_close_updates_its_needs_in_place_on_postgresql(runtime: Runtime) -> None:
    """Every need's page has room for its one update at the close (migration 0013): the
    new versions stay on their pages (HOT) and no index is written for them."""
    load(runtime, cooperative(needs=600, members=40, products=80, suppliers=6, seed=23))
    schedule = bootstrap.schedule(runtime.settings)
    updates = text(
        "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'needs'"
    )
    with transaction(runtime.sessions) as session:
        close(session, runtime.outbox, schedule)
        updated, in_place = session.execute(updates).one()
    assert updated >= 600
    assert in_place == updated


def with_dates(needs: list[Need]) -> list[Need]:
    """Every third need wanted by a day of its own (the others by no day)."""
    first = date(2026, 12, 14)
    return [
        dataclasses.replace(n, needed_by=first + timedelta(days=i % 5)) if i % 3 == 0 else n
        for i, n in enumerate(needs)
    ]


def after_order_columns(runtime: Runtime) -> tuple[set, set]:
    """The distinct after-order values of the stored lines and allocations."""
    line, a = orm.OrderLine, orm.Allocation
    with transaction(runtime.sessions) as session:
        lines = set(
            session.execute(
                select(line.declined, line.received_quantity, line.depot_quantity).distinct()
            )
        )
        allocations = set(session.execute(select(a.received).distinct()))
    return {tuple(row) for row in lines}, {tuple(row) for row in allocations}


def test_a_fresh_order_is_neither_declined_nor_received(runtime: Runtime) -> None:
    load(runtime, cooperative(needs=120, members=10, products=20, suppliers=3, seed=5))
    schedule = bootstrap.schedule(runtime.settings)
    with transaction(runtime.sessions) as session:
        close(session, runtime.outbox, schedule)
    with transaction(runtime.sessions) as session:
        assert session.scalar(select(func.count()).select_from(orm.Allocation)) == 120
    lines, allocations = after_order_columns(runtime)
    assert lines == {(False, None, None)}
    assert allocations == {(None,)}


def test_a_close_with_flexible_needs_stores_their_extra_and_what_it_saved(
    runtime: Runtime,
) -> None:
    instance = cooperative(needs=600, members=40, products=80, suppliers=6, seed=22)
    load(runtime, with_flexible_needs(instance, 0.3, 0.2))
    schedule = bootstrap.schedule(runtime.settings)
    with transaction(runtime.sessions) as session:
        closed = close(session, runtime.outbox, schedule)
    extra = {
        a.need_id: a.extra_quantity
        for order in closed.orders
        for line in order.lines
        for a in line.allocations
        if a.extra_quantity
    }
    assert extra  # the packs' surplus goes to flexible needs
    a = orm.Allocation
    with transaction(runtime.sessions) as session:
        rows = session.execute(select(a.need_id, a.extra_quantity))
        stored_extra = {need_id: more for need_id, more in rows if more}
        savings = orm.MemberSavings
        rows = session.execute(select(savings.member_id, savings.flexibility_saved))
        saved = {member_id: amount for member_id, amount in rows}
    assert stored_extra == extra
    assert saved == {m: s.flexibility_saved for m, s in closed.result.members.items()}
    assert allocations_match(runtime, closed)


def allocations_match(runtime: Runtime, closed: ClosedPool) -> bool:
    allocations, _needs = stored(runtime)
    return allocations == decided(closed)


class CollectorWatchingSolver:
    """The solver, noting whether Python's cyclic collector ran automatically meanwhile."""

    def __init__(self) -> None:
        self.collecting: list[bool] = []

    def __getattr__(self, name: str) -> object:
        return getattr(SOLVE, name)

    def __call__(self, problem: object, **options: object) -> object:
        self.collecting.append(gc.isenabled())
        return SOLVE(problem, **options)


class BaselinesWatchingSolver:
    """The solver, noting when the close collects the members' baselines."""

    def __init__(self, steps: list[str]) -> None:
        self.steps = steps

    def __getattr__(self, name: str) -> object:
        return getattr(SOLVE, name)

    def __call__(self, problem: object, **options: object) -> object:
        return SOLVE(problem, **options)

    def start_baselines(self, *priced: Any) -> Callable[[], Baselines]:
        started = SOLVE.start_baselines(*priced)

        def collected() -> Baselines:
            self.steps.append("baselines collected")
            return started()

        return collected


def test_a_close_stores_its_orders_before_it_waits_for_the_baselines(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The baselines may still be priced beside the close: it stores the orders meanwhile."""
    load(runtime, cooperative(needs=120, members=10, products=20, suppliers=3, seed=6))
    steps: list[str] = []
    place = SqlOrders.place

    def placing(orders: SqlOrders, *args: Any) -> object:
        steps.append("orders stored")
        return place(orders, *args)

    monkeypatch.setattr(SqlOrders, "place", placing)
    solve = BaselinesWatchingSolver(steps)
    with transaction(runtime.sessions) as session:
        closed = close(session, runtime.outbox, bootstrap.schedule(runtime.settings), solve)
    assert steps == ["orders stored", "baselines collected"]
    assert closed.result.members_baseline > 0


def test_a_close_pauses_the_cyclic_collector_and_restores_it(runtime: Runtime) -> None:
    load(runtime, cooperative(needs=120, members=10, products=20, suppliers=3, seed=5))
    solve = CollectorWatchingSolver()
    assert gc.isenabled()
    with transaction(runtime.sessions) as session:
        close(session, runtime.outbox, bootstrap.schedule(runtime.settings), solve)
    assert solve.collecting == [False]
    assert gc.isenabled()


def test_a_close_reads_the_offer_versions_once_to_price_and_to_prune(runtime: Runtime) -> None:
    load(runtime, cooperative(needs=120, members=10, products=20, suppliers=3, seed=5))
    reads: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "offer_versions" in statement:
            reads.append(statement)

    event.listen(runtime.engine, "before_cursor_execute", note)
    try:
        with transaction(runtime.sessions) as session:
            close(session, runtime.outbox, bootstrap.schedule(runtime.settings))
    finally:
        event.remove(runtime.engine, "before_cursor_execute", note)
    assert len(reads) == 1


def test_the_orders_announced_carry_every_allocation_as_the_close_decided(
    runtime: Runtime,
) -> None:
    instance = cooperative(needs=600, members=40, products=80, suppliers=6, seed=22)
    load(runtime, with_flexible_needs(instance, 0.3, 0.2))  # extra quantities too
    with transaction(runtime.sessions) as session:
        closed = close(session, runtime.outbox, bootstrap.schedule(runtime.settings))
    outbox = runtime.tables["outbox"]
    with transaction(runtime.sessions) as session:
        bodies = session.execute(select(outbox.c.body).order_by(outbox.c.id)).scalars().all()
    placed = [events.load(json.loads(body)) for body in bodies]
    announced = {
        a["need_id"]: a for event in placed for line in event.lines for a in line["allocations"]
    }
    decided = {
        a.need_id: allocation_fields(a) | {"correlation_id": None}
        for order in closed.orders
        for line in order.lines
        for a in line.allocations
    }
    assert announced == decided
    assert any(a["extra_quantity"] for a in announced.values())
