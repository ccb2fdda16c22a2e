"""Whether a database has changed since the last look: what lets an idle poller skip its query.

A poller that reads a table every fraction of a second (the outbox relay, the embedded
broker's consumers, the senders, the scheduler's progress) costs CPU all day on a stack
where nothing happens. On SQLite, ``PRAGMA data_version`` on a connection of its own
answers from the WAL index in shared memory whether any other connection has committed
since the last call: a few microseconds, no table read, no lock a writer waits for. The
poller asks it first and runs its query only when something was committed (its own
commits count too: they come through other connections), or when ``longest_quiet``
seconds have passed without a query, for what becomes due by the clock alone (a lease
running out, a retry's time coming).

Elsewhere (PostgreSQL) there is no such figure: every look counts as a change and the
poller queries as it always did.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from urllib.parse import quote

from sqlalchemy import URL, make_url
from sqlalchemy.orm import Session, sessionmaker


class Changes:
    """Looks at one database for commits since the last look (see the module's docstring)."""

    def __init__(
        self,
        url: URL | str,
        longest_quiet: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        url = make_url(url)
        file = url.database if url.get_backend_name() == "sqlite" else None
        self.path = file if file and file != ":memory:" and "mode=memory" not in file else None
        self.longest_quiet = longest_quiet
        self.clock = clock
        self._connection: sqlite3.Connection | None = None
        self._seen: int | None = None
        self._queried_at: float | None = None
        self._lock = threading.Lock()

    def since_last_look(self) -> bool:
        """True when the poller should query now: a commit since the last look, the first
        look, ``longest_quiet`` seconds without a query, or a database without the figure.
        The figure is read before the poller's query, so a commit during that query shows
        at the next look."""
        with self._lock:
            version = self._version()
            now = self.clock()
            quiet_too_long = (
                self._queried_at is None or now - self._queried_at >= self.longest_quiet
            )
            changed = version is None or version != self._seen or quiet_too_long
            self._seen = version
            if changed:
                self._queried_at = now
            return changed

    def _version(self) -> int | None:
        if self.path is None:
            return None
        try:
            if self._connection is None:
                self._connection = sqlite3.connect(
                    f"file:{quote(self.path)}?mode=rw",  # never creates the file
                    uri=True,
                    isolation_level=None,
                    check_same_thread=False,
                )
            return int(self._connection.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            self.close()  # the next look opens it again; meanwhile the poller queries
            return None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def changes_behind(sessions: sessionmaker[Session], longest_quiet: float) -> Changes:
    """The changes of the database a session factory is bound to."""
    return Changes(sessions.kw["bind"].url, longest_quiet)
