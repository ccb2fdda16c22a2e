"""A write that holds a database's write lock for a while, as a big price list does."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Executable
from sqlalchemy.orm import Session, sessionmaker

from shared.db import transaction


@contextmanager
def writing_slowly(
    sessions: sessionmaker[Session], statement: Executable, seconds: float
) -> Iterator[None]:
    """Run ``statement`` in a transaction that commits ``seconds`` later; the block runs
    while it holds the lock, and the write is committed when the block ends."""
    locked = threading.Event()

    def write() -> None:
        with transaction(sessions) as session:
            session.execute(statement)
            locked.set()
            time.sleep(seconds)

    writer = threading.Thread(target=write)
    writer.start()
    assert locked.wait(5), "the writer never got the lock"
    try:
        yield
    finally:
        writer.join(seconds + 30)
