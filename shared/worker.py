"""A service's worker process: the outbox relay beside the event consumers, and any
background loops the service adds (each a function that runs until its stop event is set)."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kombu import Connection
from sqlalchemy import Engine, Table
from sqlalchemy.orm import Session, sessionmaker

from shared import metrics
from shared.changes import Changes
from shared.consumer import EventConsumer, Handler
from shared.messaging import connect, subscriptions_of
from shared.outbox import OutboxRelay
from shared.settings import Settings

log = logging.getLogger(__name__)

Loop = tuple[str, Callable[[threading.Event], None]]
# A sender with nothing to send on SQLite reads its table again after a commit to the
# database, and at least this often (seconds), for a retry's time or a lease running out.
SENDER_LONGEST_QUIET = 10.0


def drain_until_stopped(
    name: str,
    send_due: Callable[[], int],
    stop: threading.Event,
    batch_size: int,
    poll_interval: float,
    changes: Changes | None = None,
) -> None:
    """Call ``send_due`` until ``stop`` is set: again at once while it sends full batches,
    after ``poll_interval`` otherwise; after a round that sent nothing, only when
    ``changes`` (of the database ``send_due`` reads) says so. A failure (the database
    gone, say) is logged and the loop goes on, and the next round looks again."""
    sent = 1
    while not stop.is_set():
        if sent == 0 and changes is not None and not changes.since_last_look():
            stop.wait(poll_interval)
            continue
        try:
            sent = send_due()
        except Exception:
            log.exception("%s failed; trying again", name)
            sent = -1
        if sent < batch_size:
            stop.wait(poll_interval)


class Worker:
    """Runs until SIGTERM or SIGINT; each part reconnects on its own."""

    def __init__(
        self,
        service: str,
        settings: Settings,
        engine: Engine,
        sessions: sessionmaker[Session],
        tables: Mapping[str, Table],
        handlers: Mapping[str, Handler],
        loops: Sequence[Loop] = (),
    ) -> None:
        def broker() -> Connection:
            return connect(settings)

        self.stop = threading.Event()
        self.failed = False
        self.loops = list(loops)
        self.relay = OutboxRelay(
            engine,
            tables["outbox"],
            lambda: connect(settings, heartbeat=0),
            confirm_timeout=settings.confirm_timeout,
            batch_size=settings.outbox_batch_size,
            poll_interval=settings.outbox_poll_interval,
            busy_interval=settings.outbox_busy_interval,
        )
        self.consumers = [
            EventConsumer(
                subscription,
                handlers,
                sessions,
                tables["inbox"],
                broker,
                max_retries=settings.consumer_max_retries,
                prefetch=settings.consumer_prefetch,
                confirm_timeout=settings.confirm_timeout,
            )
            for subscription in subscriptions_of(service)
        ]

    def run(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._request_stop)
        threads = self.start()
        while not self.stop.wait(1.0):
            if not all(thread.is_alive() for thread in threads):
                log.error("a worker thread died; stopping so the supervisor restarts the worker")
                self.failed = True
                self.stop.set()
        self.finish(threads)

    def start(self) -> list[threading.Thread]:
        """The relay, the loops and the consumers, each in a thread of its own, started."""
        threads = [_thread("outbox-relay", self.relay.run, self.stop)]
        threads += [_thread(name, loop, self.stop) for name, loop in self.loops]
        threads += [
            _thread(f"consumer-{c.subscription.queue_name}", self._keep_consuming, c)
            for c in self.consumers
        ]
        for thread in threads:
            thread.start()
        return threads

    def finish(self, threads: list[threading.Thread]) -> None:
        """Stop every part and wait for its thread (10 s at most each)."""
        self.stop.set()
        for consumer in self.consumers:
            consumer.should_stop = True
        for thread in threads:
            thread.join(timeout=10)
        log.info("worker stopped")

    def _keep_consuming(self, consumer: EventConsumer) -> None:
        """kombu reconnects after connection errors; anything else restarts the consumer."""
        while not self.stop.is_set():
            try:
                consumer.run()
            except Exception:
                log.exception("consumer %s failed; restarting", consumer.subscription.queue_name)
                self.stop.wait(1.0)
            if consumer.should_stop:
                return

    def _request_stop(self, signum: int, _frame: Any) -> None:
        log.info("signal %s: stopping", signum)
        self.stop.set()


def _thread(name: str, target: Callable[..., None], *args: Any) -> threading.Thread:
    return threading.Thread(target=target, args=args, name=name, daemon=True)


def run_worker(runtime: Any, handlers: Mapping[str, Handler], loops: Sequence[Loop] = ()) -> int:
    """Run a service's worker until it is stopped; 1 if a part of it died."""
    metrics.share_across_processes(runtime.settings.metrics_directory(runtime.service))
    worker = Worker(
        runtime.service,
        runtime.settings,
        runtime.engine,
        runtime.sessions,
        runtime.tables,
        handlers,
        loops,
    )
    worker.run()
    return 1 if worker.failed else 0
