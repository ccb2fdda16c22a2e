"""How long the outbox relay waits between batches (``OutboxRelay.next_wait``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pooling.bootstrap import build_runtime
from shared.outbox import OutboxRelay
from shared.settings import Settings
from shared.worker import Worker


def relay(busy: float = 0.025, idle: float = 0.1) -> OutboxRelay:
    # nothing is connected or read: only the wait between batches is asked for
    return OutboxRelay(
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        lambda: None,  # type: ignore[arg-type,return-value]
        confirm_timeout=5.0,
        batch_size=200,
        poll_interval=idle,
        busy_interval=busy,
    )


def test_a_backlog_is_relayed_without_a_pause() -> None:
    assert relay().next_wait(200, 0.1) == 0.0


def test_while_events_keep_coming_it_waits_the_busy_interval() -> None:
    assert relay(busy=0.025).next_wait(3, 0.1) == 0.025
    assert relay(busy=0.025).next_wait(199, 0.0) == 0.025


def test_when_none_come_it_waits_twice_as_long_each_time_up_to_the_poll_interval() -> None:
    waits, wait = [], 0.0
    for _ in range(5):
        wait = relay(busy=0.01, idle=0.1).next_wait(0, wait)
        waits.append(wait)
    assert waits == pytest.approx([0.02, 0.04, 0.08, 0.1, 0.1])


def test_the_busy_interval_is_never_longer_than_the_poll_interval() -> None:
    assert relay(busy=0.5, idle=0.1).next_wait(1, 0.0) == 0.1


def test_a_workers_relay_takes_its_intervals_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "ZIRKEL_SECRET_KEY": "relay-wait-secret-0123456789",
            "ZIRKEL_VAR_DIR": str(tmp_path),
            "ZIRKEL_OUTBOX_POLL_INTERVAL": "0.5",
            "ZIRKEL_OUTBOX_BUSY_INTERVAL": "0.04",
        }
    )
    runtime = build_runtime(settings)  # nothing connects until the worker runs
    worker = Worker("pooling", settings, runtime.engine, runtime.sessions, runtime.tables, {})
    assert worker.relay.next_wait(1, 0.0) == 0.04
    assert worker.relay.next_wait(0, 0.4) == 0.5
