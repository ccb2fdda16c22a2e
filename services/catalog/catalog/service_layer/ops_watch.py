"""The ops watch's use case: one look at the queues and services, in one transaction.

Each look stores a sample per queue (the history behind the dashboard's sparklines
and the "queue growing" rule), works out the alerts, and writes into the outbox
``catalog.ops.alert.raised`` for each new one seen at two looks in a row and
``catalog.ops.alert.resolved`` for each that cleared; notify e-mails the admins.
Samples older than a day are dropped.

Why a table of our own rather than the management API's ``message_stats`` samples:
those exist only with the management plugin (not with passive declarations or the
embedded broker), are kept for minutes at five-second resolution, and are lost when
the broker restarts; ours cost a row per queue and look, and the alert they drive
can be replayed from the table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from catalog.adapters.orm import QueueSample, RaisedAlert
from shared.alerting import AlertKey, OpsSettings, Sample, changes, growth_alerts
from shared.events import OpsAlertRaised, OpsAlertResolved
from shared.ops import alerts, dead_letter_queues
from shared.outbox import Outbox

WATCH_LOCK = 0x5A1A7  # one watcher at a time on PostgreSQL (any number of catalog workers)


def watch(
    session: Session,
    outbox: Outbox,
    snapshot: Mapping[str, Any] | None,
    services: Sequence[Mapping[str, Any]],
    ops: OpsSettings,
    now: datetime,
    seen_before: Collection[AlertKey],
) -> list[dict[str, str]] | None:
    """Record the look and raise or resolve alerts; the alerts now (None: another watcher)."""
    if not _only_watcher(session):
        return None
    _record(session, snapshot, now)
    current = alerts_now(session, snapshot, services, ops, now)
    _raise_and_resolve(session, outbox, current, now, seen_before)
    session.execute(delete(QueueSample).where(QueueSample.at < now - ops.keep_samples))
    return current


def alerts_now(
    session: Session,
    snapshot: Mapping[str, Any] | None,
    services: Sequence[Mapping[str, Any]],
    ops: OpsSettings,
    now: datetime,
) -> list[dict[str, str]]:
    """What needs attention now: the queue and service alerts, the queues that keep
    growing by the stored samples, and the broker if it gave no figures (``None``)."""
    queues = list(snapshot["queues"]) if snapshot else []
    current = alerts(queues, list(services))
    if snapshot is None:
        current.append(
            {"kind": "broker-unreachable", "subject": "broker", "message": "no queue figures"}
        )
    history = depths(session, now - _history_span(ops), now)
    return current + growth_alerts(history, ops.growth, now)


def depths(session: Session, since: datetime, until: datetime) -> dict[str, list[Sample]]:
    """Each working queue's sampled depths since ``since``, oldest first."""
    rows = session.execute(
        select(QueueSample.queue, QueueSample.at, QueueSample.messages)
        .where(QueueSample.at >= since, QueueSample.at <= until)
        .order_by(QueueSample.at, QueueSample.id)
    )
    dead = dead_letter_queues()
    found: dict[str, list[Sample]] = defaultdict(list)
    for queue, at, messages in rows:
        if queue not in dead:
            found[queue].append(Sample(at, messages))
    return dict(found)


def open_alerts(session: Session) -> list[RaisedAlert]:
    return list(
        session.scalars(
            select(RaisedAlert).where(RaisedAlert.resolved_at.is_(None)).order_by(RaisedAlert.id)
        )
    )


def _history_span(ops: OpsSettings) -> timedelta:
    looks = timedelta(seconds=ops.sample_interval * (ops.growth.rises + 2))
    return ops.growth.span + looks


def _only_watcher(session: Session) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True  # SQLite lets one writer at a time anyway
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": WATCH_LOCK}))


def _record(session: Session, snapshot: Mapping[str, Any] | None, now: datetime) -> None:
    if snapshot is None:
        return
    for queue in snapshot["queues"]:
        session.add(
            QueueSample(
                at=now,
                queue=queue["name"],
                messages=queue.get("messages") or 0,
                ready=queue.get("ready"),
                unacknowledged=queue.get("unacknowledged"),
                consumers=queue.get("consumers"),
                publish_rate=queue.get("publish_rate"),
                deliver_rate=queue.get("deliver_rate"),
                ack_rate=queue.get("ack_rate"),
                source=snapshot["source"],
            )
        )


def _raise_and_resolve(
    session: Session,
    outbox: Outbox,
    current: list[dict[str, str]],
    now: datetime,
    seen_before: Collection[AlertKey],
) -> None:
    still_open = {(a.kind, a.subject): a for a in open_alerts(session)}
    raised, resolved = changes(still_open, current, seen_before)
    for alert in raised:
        row = RaisedAlert(
            kind=alert["kind"], subject=alert["subject"], message=alert["message"], raised_at=now
        )
        session.add(row)
        session.flush()
        outbox.add(session, OpsAlertRaised(**_payload(row)))
    for key in resolved:
        row = still_open[key]
        row.resolved_at = now
        outbox.add(session, OpsAlertResolved(**_payload(row)))


def _payload(row: RaisedAlert) -> dict[str, Any]:
    return {
        "alert_id": row.id,
        "kind": row.kind,
        "subject": row.subject,
        "message": row.message,
        "raised_at": row.raised_at,
        "resolved_at": row.resolved_at,
    }
