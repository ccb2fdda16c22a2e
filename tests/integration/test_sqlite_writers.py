"""SQLite under the stack's load: writers on connections of their own (as the stack's
processes have), each reading before it writes in one transaction as a handler does, never
fail with "database is locked". Every writing transaction takes the file's write lock at
its start (``BEGIN IMMEDIATE``) and waits its turn (the busy timeout), while readers keep
reading the last commit without waiting (WAL)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text

from shared.db import make_engine, reading, session_factory, transaction

WRITERS = 8
TRANSACTIONS = 30  # each writer's


def test_writers_that_read_before_they_write_queue_and_none_fails(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'load.db'}"
    setup = make_engine(url, "catalog")
    with setup.begin() as db:
        db.execute(text("CREATE TABLE lines (id INTEGER PRIMARY KEY, writer INTEGER NOT NULL)"))
        db.execute(text("CREATE TABLE counter (total INTEGER NOT NULL)"))
        db.execute(text("INSERT INTO counter VALUES (0)"))
    start = threading.Barrier(WRITERS + 1)
    writing = threading.Event()
    errors: list[BaseException] = []
    reads = [0]

    def write(writer: int) -> None:
        engine = make_engine(url, "catalog")
        sessions = session_factory(engine)
        start.wait()
        try:
            for _ in range(TRANSACTIONS):
                with transaction(sessions) as session:
                    total = session.execute(text("SELECT total FROM counter")).scalar_one()
                    time.sleep(0.001)  # the handler's work between its read and its write
                    session.execute(text("INSERT INTO lines (writer) VALUES (:w)"), {"w": writer})
                    session.execute(text("UPDATE counter SET total = :t"), {"t": total + 1})
        except BaseException as exc:
            errors.append(exc)
        finally:
            engine.dispose()

    def read() -> None:
        engine = make_engine(url, "catalog")
        sessions = session_factory(reading(engine))
        start.wait()
        try:
            while writing.is_set():
                with transaction(sessions) as session:
                    session.execute(text("SELECT count(*) FROM lines")).scalar_one()
                reads[0] += 1
        except BaseException as exc:
            errors.append(exc)
        finally:
            engine.dispose()

    writing.set()
    writers = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    reader = threading.Thread(target=read)
    for thread in [*writers, reader]:
        thread.start()
    for thread in writers:
        thread.join(120)
    writing.clear()
    reader.join(30)

    assert errors == [], errors[:3]
    with setup.connect() as db:
        assert db.execute(text("SELECT count(*) FROM lines")).scalar_one() == WRITERS * TRANSACTIONS
        # each read-then-write saw the one before it: no update lost
        assert db.execute(text("SELECT total FROM counter")).scalar_one() == WRITERS * TRANSACTIONS
    assert reads[0] > 0
    setup.dispose()
