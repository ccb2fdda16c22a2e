"""Pooling's event consumer running in a thread, as its worker would run it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pooling.adapters.calendar import CutoffSchedule
from pooling.service_layer.reactions import handlers
from shared.consumer import EventConsumer
from shared.messaging import connect, subscriptions_of
from shared.runtime import Runtime

POOLING_QUEUE = subscriptions_of("pooling")[0]


@contextmanager
def pooling_consumer(runtime: Runtime, *, max_retries: int) -> Iterator[EventConsumer]:
    settings = runtime.settings
    consumer = EventConsumer(
        POOLING_QUEUE,
        handlers(CutoffSchedule.from_settings(settings)),
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
