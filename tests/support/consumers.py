"""Pooling's event consumer running in a thread, as its worker would run it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pooling.bootstrap import build_runtime, handlers
from shared.consumer import EventConsumer
from shared.messaging import connect, declare_topology, subscriptions_of
from shared.runtime import Runtime
from shared.settings import Settings

POOLING_QUEUE = subscriptions_of("pooling")[0]


def fresh_pooling(settings: Settings) -> Runtime:
    """Pooling's runtime on ``settings``: its schema migrated, its queue and dead-letter
    queue declared and empty."""
    runtime = build_runtime(settings)
    runtime.migrate()
    with connect(settings) as connection:
        declare_topology(connection)
        for name in (POOLING_QUEUE.queue_name, POOLING_QUEUE.dead_letter_queue_name):
            connection.default_channel.queue_purge(name)
    return runtime


@contextmanager
def pooling_consumer(runtime: Runtime, *, max_retries: int) -> Iterator[EventConsumer]:
    settings = runtime.settings
    consumer = EventConsumer(
        POOLING_QUEUE,
        handlers(runtime.settings, runtime.outbox),
        runtime.sessions,
        runtime.tables["inbox"],
        lambda: connect(settings),
        max_retries=max_retries,
        prefetch=10,
        confirm_timeout=settings.confirm_timeout,
    )
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    try:
        yield consumer
    finally:
        consumer.should_stop = True
        thread.join(timeout=10)
