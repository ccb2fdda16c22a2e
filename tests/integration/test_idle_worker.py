"""A worker on the embedded default that has nothing to do reads nothing: its outbox relay
and its consumers count as idle pollers only if they send no statement to SQLite (theirs
or the broker's) for seconds on end, and an event still goes through at once when one
comes."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from notify.adapters.mail import MailSender
from notify.bootstrap import build_runtime as notify_runtime
from pooling.bootstrap import build_runtime
from shared.db import transaction
from shared.events import dump
from shared.messaging import connect, declare_topology
from shared.publishing import Publisher
from shared.runtime import Runtime
from shared.settings import Settings
from shared.worker import Worker
from tests.integration.test_messaging import need_posted
from tests.support.stack import wait_until

IDLE_SECONDS = 3.0


class Statements:
    """Every statement any engine of this process sends, with the thread that sent it."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.sent.append((threading.current_thread().name, statement.split()[0]))


@pytest.fixture
def statements() -> Iterator[Statements]:
    counted = Statements()
    event.listen(Engine, "before_cursor_execute", counted)
    yield counted
    event.remove(Engine, "before_cursor_execute", counted)


@pytest.fixture
def runtime(tmp_path: Path) -> Runtime:
    settings = Settings.from_env({"ZIRKEL_SECRET_KEY": "i" * 32, "ZIRKEL_VAR_DIR": str(tmp_path)})
    runtime = build_runtime(settings)
    runtime.migrate()
    with connect(settings) as connection:
        declare_topology(connection)
    return runtime


@pytest.fixture
def worker(runtime: Runtime) -> Iterator[Worker]:
    worker = Worker(
        "pooling", runtime.settings, runtime.engine, runtime.sessions, runtime.tables, {}
    )
    threads = worker.start()
    wait_until(lambda: all(c._consuming for c in worker.consumers), 10, "consumers ready")
    yield worker
    worker.finish(threads)


def publish_need_posted(settings: Settings) -> str:
    body = dump(need_posted(1))
    with connect(settings) as connection:
        declare_topology(connection)  # the embedded transport keeps bindings per process
        Publisher(connection, settings.confirm_timeout).publish(
            json.dumps(body), routing_key="catalog.need.posted.v1", message_id=body["event_id"]
        )
    return body["event_id"]


def handled(runtime: Runtime, event_id: str) -> bool:
    inbox = runtime.tables["inbox"]
    with runtime.engine.connect() as db:
        return db.scalar(select(inbox.c.event_id).where(inbox.c.event_id == event_id)) is not None


def sent(runtime: Runtime) -> bool:
    outbox = runtime.tables["outbox"]
    with runtime.engine.connect() as db:
        return db.scalar(select(outbox.c.sent_at)) is not None


def test_an_idle_worker_sends_no_statement_and_still_relays_and_consumes_at_once(
    runtime: Runtime, worker: Worker, statements: Statements
) -> None:
    time.sleep(1.0)  # the first looks of the relay and the consumers
    statements.sent.clear()
    time.sleep(IDLE_SECONDS)
    assert statements.sent == []  # before: the relay 10 and each consumer 2-3 reads a second

    with transaction(runtime.sessions) as session:
        runtime.outbox.add(session, need_posted(2))
    written = time.monotonic()
    wait_until(lambda: sent(runtime), 5, "the outbox row sent")
    assert time.monotonic() - written < 0.5  # the relay's poll interval, 0.1 s, and a bit

    event_id = publish_need_posted(runtime.settings)
    published = time.monotonic()
    wait_until(lambda: handled(runtime, event_id), 5, "the event handled")
    assert time.monotonic() - published < 2.0  # the consumer's idle poll, 1 s, and a bit


def test_an_idle_sender_reads_its_deliveries_only_after_a_commit(
    tmp_path: Path, statements: Statements
) -> None:
    settings = Settings.from_env({"ZIRKEL_SECRET_KEY": "i" * 32, "ZIRKEL_VAR_DIR": str(tmp_path)})
    runtime = notify_runtime(settings)
    runtime.migrate()
    sender = MailSender(runtime.sessions, settings, poll_interval=0.05)
    stop = threading.Event()
    thread = threading.Thread(target=sender.run, args=(stop,), name="mail-sender")
    thread.start()

    def senders_reads() -> list[tuple[str, str]]:
        return [s for s in statements.sent if s[0] == "mail-sender"]

    try:
        time.sleep(0.5)
        statements.sent.clear()
        time.sleep(IDLE_SECONDS)
        assert senders_reads() == []  # before: one read every 0.05 s
        with transaction(runtime.sessions) as session:
            runtime.outbox.add(session, need_posted(3))
        wait_until(senders_reads, 1.0, "the sender reading after a commit")
    finally:
        stop.set()
        thread.join(5)
