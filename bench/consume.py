"""Pooling's consumer alone: posted needs handled in batches, in one process, on PostgreSQL.

    python -m bench.consume [--events 4000] [--batch N ...]   (batches of 1, 4 and 50 by default)

Each batch goes the way ``EventConsumer.process_batch`` takes it after the broker
delivered it: the JSON bodies loaded and validated, then the inbox rows and the pooled
needs written in one transaction and committed. No broker is involved, so what is
measured is the consumer's own work and the database's: the CPU milliseconds per event
of this process (``time.process_time``) and of the database's PostgreSQL backends
(psutil), and the wall time per event. In the stack the batch is whatever has arrived
(a few events at a few hundred needs a second, up to the prefetch in a backlog), so
each batch size is a point on that range.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from bench.loadgen import CpuMeter, load_average, postgres_backends
from pooling.adapters.orm import PooledNeed
from pooling.bootstrap import build_runtime, handlers
from shared import events
from shared.consumer import EventConsumer
from shared.db import transaction
from shared.messaging import subscriptions_of
from shared.settings import Settings
from tests.support.servers import throwaway_database

WARM_UP = 200


def bodies(first: int, count: int) -> list[bytes]:
    """``count`` message bodies of ``catalog.need.posted``, need ids from ``first``."""
    posted = datetime.now(UTC)
    return [
        json.dumps(
            events.dump(
                events.Event.of(
                    "catalog.need.posted",
                    {
                        "need_id": need_id,
                        "member_id": 1 + need_id % 40,
                        "sku": f"SKU-{need_id % 25}",
                        "quantity": Decimal("6.5"),
                        "needed_by": None,
                        "delivery_site": None,
                        "posted_at": posted,
                    },
                )
            )
        ).encode()
        for need_id in range(first, first + count)
    ]


def consume(consumer: EventConsumer, batches: list[list[bytes]]) -> None:
    for batch in batches:
        loaded = [events.load(json.loads(body)) for body in batch]
        with transaction(consumer.sessions) as session:
            consumer._handle_batch(session, loaded)


def measure(consumer: EventConsumer, database: str, first: int, count: int, size: int) -> Any:
    messages = bodies(first, count)
    batches = [messages[i : i + size] for i in range(0, count, size)]
    backends = CpuMeter(lambda: postgres_backends(database)).start()
    cpu, wall = time.process_time(), time.perf_counter()
    consume(consumer, batches)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    database_cpu = backends.stop()
    return {
        "batch": size,
        "consumer_cpu_ms": round(cpu * 1000 / count, 3),
        "database_cpu_ms": round(database_cpu * 1000 / count, 3),
        "wall_ms": round(wall * 1000 / count, 3),
    }


def run(count: int, sizes: list[int]) -> dict[str, Any]:
    with throwaway_database() as url, tempfile.TemporaryDirectory() as var:
        settings = Settings.from_env(
            {"ZIRKEL_DATABASE_URL": url, "ZIRKEL_VAR_DIR": var, "ZIRKEL_SECRET_KEY": "bench" * 8}
        )
        runtime = build_runtime(settings)
        runtime.migrate()
        consumer = EventConsumer(
            subscriptions_of("pooling")[0],
            handlers(runtime.settings, runtime.outbox),
            runtime.sessions,
            runtime.tables["inbox"],
            lambda: None,  # never connects: the batches are handed over directly
            max_retries=0,
            prefetch=max(sizes),
            confirm_timeout=settings.confirm_timeout,
        )
        database = url.rsplit("/", 1)[1]
        consume(consumer, [bodies(1, WARM_UP)])
        results, first = [], WARM_UP + 1
        for size in sizes:
            results.append(measure(consumer, database, first, count, size))
            first += count
        with runtime.engine.connect() as db:
            pooled = db.scalar(select(func.count()).select_from(PooledNeed))
        runtime.engine.dispose()
    return {"events": count, "pooled": pooled, "results": results, "load_average": load_average()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=4000)
    parser.add_argument("--batch", type=int, action="append", help="batch size (repeatable)")
    args = parser.parse_args()
    print(json.dumps(run(args.events, args.batch or [1, 4, 50])))


if __name__ == "__main__":
    main()
