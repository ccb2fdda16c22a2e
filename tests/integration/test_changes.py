"""``shared.changes``: a look says whether another connection committed to the SQLite file
since the last look, or whether too long has passed without a query."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from shared.changes import Changes


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "service.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE outbox (id INTEGER PRIMARY KEY, body TEXT)")
    return path


def commit_a_row(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO outbox (body) VALUES ('x')")


def test_a_commit_by_another_connection_shows_at_the_next_look_once(database: Path) -> None:
    changes = Changes(f"sqlite:///{database}", longest_quiet=60, clock=Clock())
    assert changes.since_last_look()  # the first look always queries
    assert not changes.since_last_look()
    commit_a_row(database)
    assert changes.since_last_look()
    assert not changes.since_last_look()
    changes.close()


def test_a_read_by_another_connection_is_no_change(database: Path) -> None:
    changes = Changes(f"sqlite:///{database}", longest_quiet=60, clock=Clock())
    changes.since_last_look()
    with sqlite3.connect(database) as db:
        db.execute("SELECT count(*) FROM outbox").fetchone()
    assert not changes.since_last_look()
    changes.close()


def test_after_the_longest_quiet_a_look_queries_without_a_change(database: Path) -> None:
    clock = Clock()
    changes = Changes(f"sqlite:///{database}", longest_quiet=5, clock=clock)
    changes.since_last_look()
    clock.now += 4.9
    assert not changes.since_last_look()
    clock.now += 0.1
    assert changes.since_last_look()
    assert not changes.since_last_look()
    changes.close()


def test_without_the_figure_every_look_queries(tmp_path: Path) -> None:
    postgres = Changes("postgresql+psycopg://zirkel@localhost/zirkel", longest_quiet=60)
    assert postgres.since_last_look() and postgres.since_last_look()
    missing = Changes(f"sqlite:///{tmp_path / 'not-there.db'}", longest_quiet=60)
    assert missing.since_last_look() and missing.since_last_look()
    assert not (tmp_path / "not-there.db").exists()  # a look never creates the file
