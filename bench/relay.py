"""Relay throughput: N outbox rows published by the relay against raw publishing of N
messages, one confirm at a time and with a window of confirms, same run, on a throwaway
RabbitMQ vhost (and a throwaway PostgreSQL database, or SQLite, for the outbox).

    python -m bench.relay [--messages 10000] [--batch 200] [--database postgres|sqlite]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal

from kombu import Producer

from pooling.bootstrap import build_runtime
from shared.events import Event, dump
from shared.messaging import EXCHANGE, connect, declare_topology, subscriptions_of
from shared.outbox import OutboxRelay
from shared.publishing import ConfirmWindow, Outgoing
from shared.runtime import Runtime
from shared.settings import Settings
from tests.support.servers import throwaway_database, throwaway_vhost

QUEUE = subscriptions_of("pooling")[0].queue_name
ROUTING_KEY = "catalog.need.posted.v1"


def messages(count: int) -> list[Outgoing]:
    """``count`` need-posted events as the outbox would carry them."""
    made = []
    for need_id in range(1, count + 1):
        event = Event.of(
            "catalog.need.posted",
            {
                "need_id": need_id,
                "member_id": 1 + need_id % 500,
                "sku": f"SKU-{need_id % 2000:05d}",
                "quantity": Decimal("6.5"),
                "posted_at": datetime.now(UTC),
            },
            correlation_id="bench",
        )
        made.append(Outgoing(json.dumps(dump(event)), ROUTING_KEY, str(event.event_id), "bench"))
    return made


def rate(count: int, seconds: float) -> dict[str, float]:
    return {"seconds": round(seconds, 3), "msg_per_s": round(count / seconds)}


def one_confirm_at_a_time(settings: Settings, batch: list[Outgoing]) -> dict[str, float]:
    """kombu's Producer on a confirm_publish connection: each publish waits for its ack."""
    with connect(settings) as connection:
        producer = Producer(connection.default_channel)
        started = time.perf_counter()
        for message in batch:
            producer.publish(
                message.body,
                exchange=EXCHANGE,
                routing_key=message.routing_key,
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=2,
                message_id=message.message_id,
                correlation_id=message.correlation_id,
                confirm_timeout=settings.confirm_timeout,
            )
        return rate(len(batch), time.perf_counter() - started)


def confirm_window(settings: Settings, batch: list[Outgoing], size: int) -> dict[str, float]:
    """The relay's ConfirmWindow without the database: ``size`` confirms in flight."""
    with connect(settings) as connection:
        window = ConfirmWindow(connection.channel())
        started = time.perf_counter()
        for first in range(0, len(batch), size):
            chunk = batch[first : first + size]
            outcome = window.publish(chunk, settings.confirm_timeout)
            assert outcome.failure is None and len(outcome.confirmed) == len(chunk)
        return rate(len(batch), time.perf_counter() - started)


def relay(runtime: Runtime, batch: list[Outgoing], size: int) -> dict[str, float]:
    """The outbox relay moving ``batch`` from the outbox table to the broker."""
    outbox = runtime.tables["outbox"]
    rows = [
        {
            "event_id": m.message_id,
            "routing_key": m.routing_key,
            "correlation_id": m.correlation_id,
            "body": m.body,
            "created_at": datetime.now(UTC),
        }
        for m in batch
    ]
    with runtime.engine.begin() as db:
        db.execute(outbox.delete())
        db.execute(outbox.insert(), rows)
    settings = runtime.settings
    worker = OutboxRelay(
        runtime.engine,
        outbox,
        lambda: connect(settings),
        confirm_timeout=settings.confirm_timeout,
        batch_size=size,
    )
    worker.connection.ensure_connection(max_retries=3)
    declare_topology(worker.connection)
    started = time.perf_counter()
    sent = 0
    while done := worker.relay_once():
        sent += done
    elapsed = time.perf_counter() - started
    worker.connection.release()
    assert sent == len(batch), (sent, len(batch))
    return rate(len(batch), elapsed)


@contextmanager
def outbox_database(kind: str) -> Iterator[str | None]:
    if kind == "postgres":
        with throwaway_database() as url:
            yield url
    else:
        yield None


def purge(settings: Settings) -> None:
    with connect(settings) as connection:
        declare_topology(connection)
        connection.default_channel.queue_purge(QUEUE)


def run(count: int, size: int, database: str) -> dict[str, object]:
    with (
        throwaway_vhost() as broker,
        outbox_database(database) as url,
        tempfile.TemporaryDirectory() as var,
    ):
        env = {"ZIRKEL_SECRET_KEY": "bench-secret-0123456789abcdef", "ZIRKEL_VAR_DIR": var}
        env["ZIRKEL_BROKER_URL"] = broker
        if url:
            env["ZIRKEL_DATABASE_URL"] = url
        settings = Settings.from_env(env)
        runtime = build_runtime(settings)
        runtime.migrate()
        batch = messages(count)
        figures: dict[str, object] = {"messages": count, "window": size, "database": database}
        purge(settings)
        figures["kombu_one_confirm_at_a_time"] = one_confirm_at_a_time(settings, batch)
        purge(settings)
        figures["kombu_confirm_window"] = confirm_window(settings, batch, size)
        purge(settings)
        figures["relay"] = relay(runtime, messages(count), size)
        purge(settings)
        runtime.engine.dispose()
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=200, help="rows per relay round = window")
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    args = parser.parse_args()
    print(json.dumps(run(args.messages, args.batch, args.database)))


if __name__ == "__main__":
    main()
