"""Worker processes for the solver, and rule 7's baselines computed in them.

The members' baselines do not depend on the pool's optimum: a close hands them to the
workers before it optimises, and collects them once its orders are stored, so the two
cores work at once: the closing process on one, the baselines on the others. The workers
are started once per process from a clean fork server, at its first large close (about a
second on free cores) or before it (``warm``).
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from decimal import Decimal
from functools import cache

from pooling.domain.baselines import Baselines, member_baselines
from pooling.domain.model import Offer, SupplierTerms, Tier
from shared.heap import collection_paused


@cache
def pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes for this process, started once from a clean fork server."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pooling.adapters.highs"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def warm(workers: int) -> None:
    """Start the workers now (each has answered once) rather than at the first close."""
    executor = pool(workers)
    for answered in [executor.submit(_ready) for _ in range(workers)]:
        answered.result()


def worker_pids(workers: int) -> list[int]:
    """The process ids of the workers started so far (for measuring them)."""
    return sorted(pool(workers)._processes or ())


def _ready() -> bool:
    return True


def baselines_beside(
    demand: Mapping[int, Mapping[str, Decimal]],
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
    time_limit: float,
    workers: int,
) -> Callable[[], Baselines]:
    """Start every member's baseline in the workers, the members dealt out in one share
    per worker but one: that core is the closing process's, whose optimisation and writes
    the close waits for (on two cores one worker computes them all beside it, 5-8 % sooner
    at both sizes than two sharing its core). The offers are pickled once for all of
    them; the returned call waits for them all."""
    skus = {sku for wanted in demand.values() for sku in wanted}
    offered = pickle.dumps(_packed({sku: offers[sku] for sku in skus if sku in offers}))
    count = max(1, workers - 1)
    shares: list[dict[int, Mapping[str, Decimal]]] = [{} for _ in range(count)]
    sizes = [0] * count
    for member, wanted in sorted(demand.items(), key=lambda item: -len(item[1])):
        least = sizes.index(min(sizes))
        shares[least][member] = wanted
        sizes[least] += len(wanted)
    executor = pool(workers)
    futures = [
        executor.submit(_baselines, share, offered, suppliers, time_limit)
        for share in shares
        if share
    ]
    return lambda: _gathered(futures)


Packed = dict[str, tuple[tuple[int, str, tuple[tuple[str, str], ...]], ...]]


def _packed(offers: Mapping[str, Sequence[Offer]]) -> Packed:
    """Offers as plain tuples of text: pickled in a fifth of the time of the objects."""
    return {sku: tuple(_packed_offer(o) for o in per_sku) for sku, per_sku in offers.items()}


def _packed_offer(o: Offer) -> tuple[int, str, tuple[tuple[str, str], ...]]:
    return (
        o.supplier_id,
        str(o.pack_size),
        tuple((str(t.min_quantity), str(t.unit_price)) for t in o.tiers),
    )


def _unpacked(offers: Packed) -> dict[str, list[Offer]]:
    return {
        sku: [
            Offer(sid, sku, Decimal(pack), tuple(Tier(Decimal(q), Decimal(p)) for q, p in tiers))
            for sid, pack, tiers in per_sku
        ]
        for sku, per_sku in offers.items()
    }


@collection_paused()
def _baselines(
    demand: Mapping[int, Mapping[str, Decimal]],
    offers: bytes,
    suppliers: Mapping[int, SupplierTerms],
    time_limit: float,
) -> Baselines:
    """In a worker: the share's baselines (``offers``: pickled ``Packed``), solved here
    one by one."""
    from pooling.adapters.highs import HighsSolver  # the worker's own, in this process

    solve = HighsSolver(time_limit, workers=1)
    return member_baselines(demand, _unpacked(pickle.loads(offers)), suppliers, solve)


def _gathered(futures: list[Future[Baselines]]) -> Baselines:
    baselines: dict[int, Decimal] = {}
    optimal = True
    for future in futures:
        share, proven = future.result()
        baselines |= share
        optimal = optimal and proven
    return baselines, optimal
