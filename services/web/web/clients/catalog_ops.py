"""Catalog's operations API as the office's pages use it: the dashboard in one answer,
a queue's dead letters, replaying or discarding one, and the audit log of those acts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from web.clients.service import Caller, ServiceClient, read


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


@dataclass(frozen=True)
class Overview:
    """The broker's snapshot of the queues (None while it cannot be reached), services,
    alerts (each with the time it was raised, ``since``), and each working queue's depths,
    oldest first."""

    snapshot: dict[str, Any] | None
    services: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    history: dict[str, list[int]]

    @classmethod
    def read(cls, body: dict[str, Any]) -> Overview:
        alerts = [a | {"since": _moment(a.get("since"))} for a in body["alerts"]]
        history = {queue: [int(n) for n in levels] for queue, levels in body["history"].items()}
        return cls(body["queues"], list(body["services"]), alerts, history)


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    queue: str
    message_id: str
    routing_key: str | None
    reason: str | None

    @classmethod
    def read(cls, body: dict[str, Any]) -> AuditEntry:
        return cls(
            datetime.fromisoformat(body["at"]),
            body["actor"],
            body["action"],
            body["queue"],
            body["message_id"],
            body.get("routing_key"),
            body.get("reason"),
        )


@dataclass(frozen=True)
class OpsClient:
    service: ServiceClient

    def overview(self, caller: Caller, minutes: int = 60) -> Overview:
        body = self.service.get(caller, "/ops/overview", {"minutes": minutes})
        return read("catalog", lambda: Overview.read(body))

    def dead_letters(self, caller: Caller, queue: str, limit: int) -> list[dict[str, Any]]:
        """The queue's dead letters as the broker holds them (``NotFound``: no such queue)."""
        body = self.service.get(
            caller, f"/ops/dead-letters/{quote(queue, safe='')}", {"limit": limit}
        )
        return read("catalog", lambda: list(body["dead_letters"]))

    def audit(self, caller: Caller, queue: str, limit: int) -> list[AuditEntry]:
        body = self.service.get(caller, "/ops/audit", {"queue": queue, "limit": limit})
        return read("catalog", lambda: [AuditEntry.read(entry) for entry in body])

    def act(self, caller: Caller, queue: str, message_id: str, action: str) -> None:
        """Replay or discard a dead letter; the audit log names the caller's ``by``."""
        path = f"/ops/dead-letters/{quote(queue, safe='')}/{quote(message_id, safe='')}"
        self.service.send(caller, "POST", f"{path}/{action}")
