"""Closing a pool window at cooperative scale, through the real handler and database.

    python -m bench.close --size issue [--database postgres|sqlite] [--broker rabbitmq|none]
                          [--flexible SHARE:BY]   e.g. 0.3:0.2
                          [--rounds N]

Loads a generated cooperative (``bench.generate``) into a throwaway pooling
database, then times: the whole close (``close_pool``: optimisation, every member's
baseline, orders and allocations persisted, events written to the outbox, commit)
and the optimisation alone (rule 5 on the pooled demand, HiGHS's time), run just
before and just after the close, and publishing the outbox to RabbitMQ with
confirms. Compares the optimum with a greedy rule: each product to the supplier
cheapest at the pooled quantity, fees ignored.

With ``--rounds N`` it does so N times, each on a database of its own, prints each
round and then the median of the rounds' close/optimisation ratios.

With ``--flexible 0.3:0.2`` every need is flexible with a chance of 0.3, by up to 20 %
(``up_to`` = quantity x 1.2, rounded down to the quantity's places): the close then
raises flexible needs where that makes the window cheaper, and the figures say what
the cooperative saves over the strict optimum (C less the extra the members pay for).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import resource
import statistics
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psutil
from sqlalchemy import insert

from bench.generate import SIZES, Instance, cooperative
from pooling import bootstrap
from pooling.adapters import orm, solver_pool
from pooling.adapters.highs import HighsSolver
from pooling.bootstrap import build_runtime
from pooling.domain.closing import close_window, pooled_demand
from pooling.domain.model import Need, WindowResult
from pooling.domain.optimise import Solution, assemble, build_problem
from pooling.domain.pricing import ZERO, cost_of
from pooling.service_layer.commands import ClosePool
from pooling.service_layer.handlers import close_pool
from pooling.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.db import transaction
from shared.heap import collection_paused
from shared.messaging import connect, declare_topology
from shared.outbox import OutboxRelay
from shared.runtime import Runtime
from shared.settings import Settings
from tests.support.servers import throwaway_database, throwaway_vhost


def load(runtime: Runtime, instance: Instance) -> None:
    """Write the instance as pooling's own copy of catalog's data: terms, offers, needs."""
    now = datetime.now(UTC)
    with transaction(runtime.sessions) as session:
        session.execute(
            insert(orm.SupplierTerms),
            [
                {
                    "supplier_id": t.supplier_id,
                    "name": f"Supplier {t.supplier_id}",
                    "shipping_fee": t.shipping_fee,
                    "free_shipping_from": t.free_shipping_from,
                }
                for t in instance.suppliers.values()
            ],
        )
        offers = [
            {
                "supplier_id": o.supplier_id,
                "sku": o.sku,
                "pack_size": o.pack_size,
                "tiers": [[str(t.min_quantity), str(t.unit_price)] for t in o.tiers],
                "active": True,
            }
            for offers in instance.offers.values()
            for o in offers
        ]
        session.execute(
            insert(orm.Offer), [o | {"product_name": o["sku"], "unit": "Stk"} for o in offers]
        )
        session.execute(insert(orm.OfferVersion), [o | {"announced_at": now} for o in offers])
        window = orm.Window(status="open", opened_at=now, closes_at=now + timedelta(days=7))
        session.add(window)
        session.flush()
        session.execute(
            insert(orm.PooledNeed),
            [
                {
                    "need_id": n.need_id,
                    "member_id": n.member_id,
                    "sku": n.sku,
                    "quantity": n.quantity,
                    "status": "open",
                    "window_id": window.id,
                    "posted_at": now,
                    "up_to": n.up_to,
                    "needed_by": n.needed_by,
                }
                for n in instance.needs
            ],
        )


def greedy_cost(instance: Instance, needs: list[Need]) -> Decimal:
    """The greedy rule: each product to the supplier cheapest at the pooled quantity."""
    problem = build_problem(pooled_demand(needs), instance.offers, instance.suppliers)
    choice = {
        sku: min(lines, key=lambda line: (line.line_total, line.supplier_id)).supplier_id
        for sku, lines in problem.candidates.items()
    }
    return assemble(problem, Solution(choice)).total_cost


def greedy_figures(instance: Instance, total_cost: Decimal, baselines: Decimal) -> dict:
    """What greedy would cost more than the optimum: for the pool, and for the members
    each buying alone (where shipping fees weigh most)."""
    pooled = greedy_cost(instance, instance.needs) - total_cost
    own: dict[int, list[Need]] = {}
    for need in instance.needs:
        own.setdefault(need.member_id, []).append(need)
    alone = sum((greedy_cost(instance, needs) for needs in own.values()), Decimal(0)) - baselines
    return {
        "greedy_extra_eur": str(pooled),
        "greedy_extra_pct": round(float(100 * pooled / total_cost), 3),
        "members_alone_greedy_extra_eur": str(alone),
        "members_alone_greedy_extra_pct": round(float(100 * alone / baselines), 3),
    }


def with_flexible_needs(instance: Instance, share: float, by: float) -> Instance:
    """The instance with a ``share`` of its needs flexible by ``by`` (a fraction)."""
    rng = random.Random(22)
    needs = []
    for need in instance.needs:
        if rng.random() < share:
            places = Decimal(1).scaleb(need.quantity.as_tuple().exponent)
            up_to = (need.quantity * Decimal(1 + by)).quantize(places, rounding="ROUND_FLOOR")
            need = dataclasses.replace(need, up_to=max(up_to, need.quantity))
        needs.append(need)
    return dataclasses.replace(instance, needs=needs)


def flexible_figures(instance: Instance, result: WindowResult, solve: HighsSolver) -> dict:
    """What flexibility saved the cooperative: the strict optimum's C (the same needs,
    strict, closed in the domain alone) against C less the extra the members pay for."""
    strict_needs = [dataclasses.replace(n, up_to=None) for n in instance.needs]
    started = time.perf_counter()
    strict = close_window(strict_needs, instance.offers, instance.suppliers, solve)
    strict_s = time.perf_counter() - started
    extra_value = sum(
        (
            cost_of(sum((a.extra_quantity for a in line.allocations), ZERO), line.unit_price)
            for order in result.orders
            for line in order.lines
        ),
        ZERO,
    )
    raised = sum(
        1 for o in result.orders for line in o.lines for a in line.allocations if a.extra_quantity
    )
    net = result.total_cost - extra_value
    return {
        "flexible_needs": sum(1 for n in instance.needs if n.up_to and n.up_to > n.quantity),
        "needs_raised": raised,
        "strict_total_cost": str(strict.total_cost),
        "extra_paid_by_members": str(extra_value),
        "total_less_extra": str(net),
        "saved_over_strict_eur": str(strict.total_cost - net),
        "saved_over_strict_pct": round(
            float(100 * (strict.total_cost - net) / strict.total_cost), 3
        ),
        "members_flexibility_saved": str(
            sum((m.flexibility_saved for m in result.members.values()), ZERO)
        ),
        "strict_close_in_domain_s": round(strict_s, 3),
    }


def run(size: str, database: str, broker: str, flexible: tuple[float, float] | None) -> dict:
    instance = cooperative(**SIZES[size])
    if flexible is not None:
        instance = with_flexible_needs(instance, *flexible)
    with ExitStack() as stack:
        env = {"ZIRKEL_SECRET_KEY": "b" * 32, "ZIRKEL_VAR_DIR": tempfile.mkdtemp()}
        if database == "postgres":
            env["ZIRKEL_DATABASE_URL"] = stack.enter_context(throwaway_database())
        if broker == "rabbitmq":
            env["ZIRKEL_BROKER_URL"] = stack.enter_context(throwaway_vhost())
        settings = Settings.from_env(env)
        runtime = build_runtime(settings)
        runtime.migrate()
        load(runtime, instance)
        solve = HighsSolver(time_limit=120)
        started = time.perf_counter()
        solve.warm()  # as the scheduler does when it starts
        figures = {"size": size, "database": database, "needs": len(instance.needs)}
        figures["members"] = instance.members
        figures["pool_start_s"] = round(time.perf_counter() - started, 3)
        figures |= {"products": len(instance.offers), "suppliers": len(instance.suppliers)}
        before = optimisation_alone(instance, solve)
        figures["rss_before_close_mb"] = round(psutil.Process().memory_info().rss / 2**20, 1)
        workers = [psutil.Process(pid) for pid in solver_pool.worker_pids(solve.workers)]
        workers_cpu = sum(sum(w.cpu_times()[:2]) for w in workers)
        started, cpu = time.perf_counter(), time.process_time()
        schedule = bootstrap.schedule(settings)
        with transaction(runtime.sessions) as session:
            uow = SqlAlchemyUnitOfWork(session, runtime.outbox, schedule)
            closed = close_pool(ClosePool(), uow, solve=solve, today=schedule.today)
        figures["close_s"] = round(time.perf_counter() - started, 3)
        figures["close_cpu_s"] = round(time.process_time() - cpu, 3)
        figures["workers_cpu_s"] = round(
            sum(sum(w.cpu_times()[:2]) for w in workers) - workers_cpu, 3
        )
        figures |= side_by_side(before, optimisation_alone(instance, solve))
        figures["close_over_optimisation"] = round(
            figures["close_s"] / figures["optimisation_s"], 2
        )
        figures["close_over_optimisation_cpu"] = round(
            figures["close_cpu_s"] / figures["optimisation_cpu_s"], 2
        )
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        figures["workers_peak_rss_mb"] = workers_peak_rss_mb(solve)
        figures["orders"] = len(closed.orders)
        figures["optimal"] = closed.result.optimal
        figures["total_cost"] = str(closed.result.total_cost)
        figures["members_saved"] = str(closed.result.members_saved)
        if broker == "rabbitmq":
            figures["publish_s"] = publish(runtime, settings)
            figures["close_and_publish_s"] = round(figures["close_s"] + figures["publish_s"], 3)
        result = closed.result
        if flexible is not None:
            figures |= flexible_figures(instance, result, solve)
        else:
            figures |= greedy_figures(instance, result.total_cost, result.members_baseline)
        runtime.engine.dispose()
    return figures


def workers_peak_rss_mb(solve: HighsSolver) -> list[float]:
    """The peak resident memory of each of the solver's worker processes (VmHWM)."""
    if solve.workers == 1:
        return []
    peaks = []
    for pid in solver_pool.worker_pids(solve.workers):
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    peaks.append(round(int(line.split()[1]) / 1024, 1))
    return peaks


def side_by_side(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """The optimisation alone as the close is compared with: the mean of its runs just
    before and just after the close (a machine's speed drifts within seconds)."""
    mean = {key: round((before[key] + after[key]) / 2, 3) for key in before}
    return (
        mean
        | {"optimisation_before_s": before["optimisation_s"]}
        | {"optimisation_after_s": after["optimisation_s"]}
    )


@collection_paused()  # as in the close: the collector's passes are not the solver's time
def optimisation_alone(instance: Instance, solve: HighsSolver) -> dict[str, float]:
    started = time.perf_counter()
    problem = build_problem(pooled_demand(instance.needs), instance.offers, instance.suppliers)
    priced, cpu = time.perf_counter(), time.process_time()
    solution = solve(problem)
    done = time.perf_counter()
    assert solution.optimal
    return {
        "pricing_s": round(priced - started, 3),
        "optimisation_s": round(done - priced, 3),
        "optimisation_cpu_s": round(time.process_time() - cpu, 3),
    }


def publish(runtime: Runtime, settings: Settings) -> float:
    relay = OutboxRelay(
        runtime.engine, runtime.tables["outbox"], lambda: connect(settings), confirm_timeout=30
    )
    relay.connection.ensure_connection(max_retries=3)
    declare_topology(relay.connection)
    started = time.perf_counter()
    while relay.relay_once():
        pass
    elapsed = time.perf_counter() - started
    relay.connection.release()
    return round(elapsed, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="issue")
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--broker", choices=("rabbitmq", "none"), default="rabbitmq")
    parser.add_argument(
        "--flexible", metavar="SHARE:BY", help="a share of needs flexible by a fraction"
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="closes, each on a database of its own"
    )
    args = parser.parse_args()
    flexible = None
    if args.flexible:
        share, by = args.flexible.split(":")
        flexible = (float(share), float(by))
    rounds = []
    for _ in range(args.rounds):
        rounds.append(run(args.size, args.database, args.broker, flexible))
        print(json.dumps(rounds[-1]), flush=True)
    if args.rounds > 1:
        print(json.dumps(summary(rounds)))


def summary(rounds: list[dict]) -> dict:
    """The rounds' ratios, and their median (the figure bench/README.md reports)."""
    ratios = [r["close_over_optimisation"] for r in rounds]
    return {
        "size": rounds[0]["size"],
        "database": rounds[0]["database"],
        "rounds": len(rounds),
        "close_over_optimisation": statistics.median(ratios),
        "close_over_optimisation_each": ratios,
        "close_s_each": [r["close_s"] for r in rounds],
        "optimisation_s_each": [r["optimisation_s"] for r in rounds],
    }


if __name__ == "__main__":
    main()
