"""What the operations page shows: sparklines of queue depths and alerts in the reader's
language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

WIDTH, HEIGHT, PAD = 160, 32, 2


def sparkline(depths: Sequence[int], width: int = WIDTH, height: int = HEIGHT) -> dict[str, Any]:
    """``points`` for an SVG polyline (oldest left, the deepest at the top), with the
    lowest, highest and last depth for the text beside it; no points under two samples."""
    if not depths:
        return {"points": "", "low": None, "high": None, "last": None}
    low, high = min(depths), max(depths)
    found: dict[str, Any] = {"points": "", "low": low, "high": high, "last": depths[-1]}
    if len(depths) < 2:
        return found
    step = (width - 2 * PAD) / (len(depths) - 1)
    spread = (high - low) or 1
    bottom = height - PAD
    points = [
        f"{PAD + i * step:.1f},{bottom - (d - low) / spread * (height - 2 * PAD):.1f}"
        for i, d in enumerate(depths)
    ]
    return found | {"points": " ".join(points)}


def alert_text(alert: Mapping[str, str], facts: Mapping[str, Any]) -> str:
    """One alert as a sentence; ``facts`` holds the figures by queue or service name."""
    kind, subject = alert["kind"], alert["subject"]
    fact = facts.get(subject, {})
    if kind == "dead-letters":
        return _("Dead letters waiting in %(queue)s: %(count)s.", count=fact, queue=subject)
    if kind == "no-consumer":
        return _("Nobody consumes %(queue)s.", queue=subject)
    if kind == "not-ready":
        return _("%(service)s is not ready (%(status)s).", service=subject, status=fact)
    if kind == "outbox-lag":
        return _(
            "%(service)s has outbox events waiting for %(seconds)s s.",
            service=subject,
            seconds=fact,
        )
    if kind == "queue-growing":
        return _(
            "%(queue)s keeps growing: %(first)s to %(last)s messages.",
            queue=subject,
            first=fact[0] if fact else "?",
            last=fact[-1] if fact else "?",
        )
    if kind == "broker-unreachable":
        return _("The broker does not answer: no queue figures.")
    if kind == "supplier-delivery-failed":
        return _(
            "Orders or invoice disputes did not reach their supplier: see the failed ones"
            " in the e-mail log."
        )
    return alert["message"]


def alert_facts(
    queues: Sequence[Mapping[str, Any]],
    services: Sequence[Mapping[str, Any]],
    history: Mapping[str, Sequence[int]],
    rises: int,
) -> dict[str, Any]:
    """The figures the alert sentences name, by queue or service (a growing queue: its
    depths over the samples the growth rule looked at)."""
    facts: dict[str, Any] = {q["name"]: q.get("messages") or 0 for q in queues}
    facts |= {name: list(depths[-(rises + 1) :]) for name, depths in history.items() if depths}
    for service in services:
        status = service.get("status")
        if status == "ready":
            age = (service.get("outbox") or {}).get("oldest_unsent_age_seconds", 0)
            facts[service["service"]] = f"{age:.0f}"
        elif status == "unreachable":
            facts[service["service"]] = _("does not answer")
        else:
            facts[service["service"]] = _("not ready")
    return facts


def moment(value: str | None) -> datetime | None:
    """An ISO 8601 time from another service's JSON."""
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
