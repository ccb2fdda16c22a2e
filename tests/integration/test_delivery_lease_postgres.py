"""Taking a delivery for an attempt on PostgreSQL, as in production: of several senders
taking one due delivery at the same moment exactly one gets it, its attempt counted
once; the others find it leased."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete

from notify.adapters.deliveries import SEND_LEASE, take_due
from notify.adapters.orm import Delivery
from notify.bootstrap import build_runtime
from shared.db import transaction
from shared.runtime import Runtime
from tests.support.servers import settings_on

SENDERS = 8


@pytest.fixture
def notify(tmp_path: Path, postgres_url: str) -> Iterator[Runtime]:
    runtime = build_runtime(settings_on(postgres_url, tmp_path))
    runtime.migrate()
    with transaction(runtime.sessions) as db:  # the database lasts the whole test run
        db.execute(delete(Delivery))
    yield runtime
    runtime.engine.dispose()


def test_of_senders_taking_one_delivery_at_once_one_gets_it(notify: Runtime) -> None:
    with transaction(notify.sessions) as db:
        mail = Delivery(member_id=1, kind="order_placed", to="a@b.example", subject="s", body="b")
        db.add(mail)
    now, start = datetime.now(UTC), threading.Barrier(SENDERS)
    taken: list[Delivery | None] = []

    def take() -> None:
        start.wait()
        taken.append(take_due(notify.sessions, Delivery, mail.id, now, SEND_LEASE))

    senders = [threading.Thread(target=take) for _ in range(SENDERS)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(30)

    [got] = [t for t in taken if t is not None]
    assert len(taken) == SENDERS
    assert (got.attempts, got.next_attempt_at) == (1, now + SEND_LEASE)
