"""Faults for the fault suite: processes killed, sent events published again, poison
published, and a supervisor that restarts what died. The broker and the database are the
suite's private servers (``tests.support.private_servers``), which restart themselves.

Everything here is limited to the test's own processes and its own servers.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kombu import Connection
from sqlalchemy import create_engine, text

from shared import embedded_broker
from shared.messaging import EXCHANGE, declare_topology
from tests.support.private_servers import PrivatePostgres, PrivateRabbitMQ
from tests.support.stack import Stack


@dataclass
class Servers:
    """The suite's own broker and database, which it may crash and restart."""

    rabbitmq: PrivateRabbitMQ
    postgres: PrivatePostgres


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers under its arbiter)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found.append(int(entry.name))
    return found


def kill_web_worker(stack: Stack, service: str) -> int:
    """kill -9 one gunicorn worker of ``service``; its arbiter forks a new one."""
    [worker] = children_of(stack.processes[f"{service}-web"].pid)
    os.kill(worker, signal.SIGKILL)
    return worker


def kill_process(stack: Stack, name: str) -> None:
    """kill -9 one of the stack's processes (a service's worker); the supervisor restarts it."""
    stack.processes[name].send_signal(signal.SIGKILL)


class Supervisor:
    """Restarts a dead worker process within a second, as compose's ``restart:
    unless-stopped`` does in production; counts the restarts per process. A process on
    hold stays dead until it is released (a worker down while the broker restarts)."""

    def __init__(self, stack: Stack, names: list[str]) -> None:
        self.stack, self.names = stack, names
        self.restarts: Counter[str] = Counter()
        self.held: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)

    def __enter__(self) -> Supervisor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def hold(self, name: str) -> None:
        self.held.add(name)

    def release(self, name: str) -> None:
        self.held.discard(name)

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            for name in self.names:
                if name not in self.held and self.stack.processes[name].poll() is not None:
                    command = self.stack.processes[name].args[1:]
                    self.stack.start_process(name, *command)
                    self.restarts[name] += 1


def publish_raw(broker_url: str, body: str, routing_key: str, message_id: str = "") -> None:
    """Publish ``body`` as it is onto Zirkel's exchange (confirmed by RabbitMQ; the embedded
    broker keeps its bindings in the process that declares them, so they are declared)."""
    embedded = broker_url.startswith(f"{embedded_broker.ALIAS}+")
    options = {} if embedded else {"confirm_publish": True}
    with Connection(broker_url, transport_options=options) as connection:
        if embedded:
            declare_topology(connection)
        connection.Producer().publish(
            body,
            exchange=EXCHANGE,
            routing_key=routing_key,
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=2,
            message_id=message_id or None,
        )


def queue_depth(broker_url: str, queue: str) -> int:
    """How many messages wait in ``queue`` now (a passive declare, no stats delay)."""
    with Connection(broker_url) as connection:
        return connection.default_channel.queue_declare(queue, passive=True).message_count


def wait_for(condition, seconds: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + seconds
    last: object = None
    while time.monotonic() < deadline:
        try:
            result = last = condition()
        except Exception as exc:
            result, last = None, exc
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {seconds}s waiting for {what} (last: {last!r})")


def redeliver_sent(broker_url: str, database: str, event_type: str, limit: int = 20) -> int:
    """Publish again events that were sent already, with their own ids (duplicates). On
    PostgreSQL each service has its schema; on SQLite its own file."""
    engine = create_engine(database)
    schema = event_type.split(".")[0]
    outbox = f"{schema}.outbox" if engine.dialect.name == "postgresql" else "outbox"
    with engine.connect() as db:
        rows = db.execute(
            text(
                f"SELECT event_id, routing_key, body FROM {outbox} "
                "WHERE sent_at IS NOT NULL AND routing_key LIKE :kind ORDER BY id DESC LIMIT :n"
            ),
            {"kind": f"{event_type}%", "n": limit},
        ).all()
    engine.dispose()
    for row in rows:
        publish_raw(broker_url, row.body, row.routing_key, row.event_id)
    return len(rows)


POISON = [
    "{this is not json",
    json.dumps({"event_type": "catalog.need.posted", "version": 1, "payload": {"qty": "x"}}),
]


def deliver_poison(broker: str) -> int:
    for body in POISON:
        publish_raw(broker, body, "catalog.need.posted.v1")
    return len(POISON)
