"""The embedded broker's leases (see ``shared.embedded_broker``): the columns a message's
lease lives in, and the rows a channel holds, renewed by a thread of it while it holds any."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import Boolean, Float, Integer, Text, column, inspect, table, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

LEASE_COLUMNS = {
    "lease_until": "FLOAT",
    "deliveries": "INTEGER NOT NULL DEFAULT 0",
}


def messages_table(name: str) -> Any:
    return table(
        name,
        column("id", Integer),
        column("queue_id", Integer),
        column("visible", Boolean),
        column("payload", Text),
        column("version", Integer),
        column("lease_until", Float),
        column("deliveries", Integer),
    )


def add_lease_columns(engine: Engine, tablename: str) -> None:
    """Bring a broker file made by kombu's transport up to this one (idempotent, and safe
    when several processes do it at once)."""
    for name, kind in LEASE_COLUMNS.items():
        if name in {c["name"] for c in inspect(engine).get_columns(tablename)}:
            continue
        try:
            with engine.begin() as db:
                db.execute(text(f"ALTER TABLE {tablename} ADD COLUMN {name} {kind}"))
        except OperationalError as exc:
            if "duplicate column" not in str(exc):
                raise
    with engine.begin() as db:
        db.execute(
            text(f"CREATE INDEX IF NOT EXISTS ix_{tablename}_lease ON {tablename} (lease_until)")
        )


class Leases:
    """The rows a channel holds, by delivery tag; a thread renews their leases while any
    are held."""

    def __init__(self, engine: Engine, tablename: str, timeout: float) -> None:
        self.engine, self.timeout = engine, timeout
        self.messages = messages_table(tablename)
        self._rows: dict[str, int] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._renewer: threading.Thread | None = None

    def hold(self, delivery_tag: str, row_id: int) -> None:
        with self._lock:
            self._rows[delivery_tag] = row_id
            if self._renewer is None:
                self._renewer = threading.Thread(
                    target=self._keep_renewing, name="broker-leases", daemon=True
                )
                self._renewer.start()

    def release(self, delivery_tag: str) -> int | None:
        with self._lock:
            return self._rows.pop(delivery_tag, None)

    def close(self) -> None:
        self._closed.set()

    def _keep_renewing(self) -> None:
        while not self._closed.wait(self.timeout / 3):
            with self._lock:
                held = list(self._rows.values())
            if held:
                try:
                    self.renew(held)
                except Exception as exc:  # the next round tries again; at worst a duplicate
                    log.warning("renewing %d broker leases failed: %s", len(held), exc)

    def renew(self, row_ids: list[int]) -> None:
        m = self.messages
        with self.engine.begin() as db:
            db.execute(
                m.update()
                .where(m.c.id.in_(row_ids), m.c.visible == False)  # noqa: E712 - SQL
                .values(lease_until=time.time() + self.timeout)
            )
