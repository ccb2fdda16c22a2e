"""What both outgoing queues (members' e-mails, suppliers' orders) do alike: find the
pending deliveries that are due, take one for an attempt, and record how it went.

No transaction stays open while a mail server, a webhook or the broker works: a
delivery is taken in one short transaction, sent outside any, and its outcome recorded
in another (on SQLite a transaction holds notify's write lock, so a slow peer would
stall every request and consumer of notify). Taking a delivery counts the attempt and
leases it: its ``next_attempt_at`` moves to the end of the lease, so no other sender
takes it meanwhile, and a sender that dies mid-attempt leaves it to be tried again when
the lease runs out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from shared.db import transaction

D = TypeVar("D")

# Longer than any attempt takes (a few timeouts of 10 s): a live sender never loses its lease.
SEND_LEASE = timedelta(minutes=10)


def _due(model: Any, now: datetime) -> ColumnElement[bool]:
    return and_(
        model.status == "pending",
        or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now),
    )


def due_ids(sessions: sessionmaker[Session], model: Any, now: datetime, limit: int) -> list[int]:
    """The ids of up to ``limit`` pending deliveries due by ``now``, oldest first."""
    with transaction(sessions) as session:
        return list(
            session.scalars(
                select(model.id).where(_due(model, now)).order_by(model.id).limit(limit)
            )
        )


def take_due(
    sessions: sessionmaker[Session],
    model: type[D],
    delivery_id: int,
    now: datetime,
    lease: timedelta,
) -> D | None:
    """The delivery, taken for one attempt leased until ``now + lease`` and committed at
    once (read it, never change it: it belongs to no session); None when it was sent,
    given up or taken by another sender meanwhile. The conditional update decides: on
    PostgreSQL a second sender's update waits for the first and then finds it not due."""
    with transaction(sessions) as session:
        taken = session.execute(
            update(model)
            .where(model.id == delivery_id, _due(model, now))  # type: ignore[attr-defined]
            .values(attempts=model.attempts + 1, next_attempt_at=now + lease)  # type: ignore[attr-defined]
            .execution_options(synchronize_session=False)
        )
        return session.get(model, delivery_id) if taken.rowcount == 1 else None  # type: ignore[attr-defined]


def record(
    sessions: sessionmaker[Session], model: type[D], delivery_id: int, outcome: Callable[[D], Any]
) -> None:
    """Write how an attempt went (``outcome`` changes the delivery) in a short transaction."""
    with transaction(sessions) as session:
        outcome(session.get_one(model, delivery_id))


def mark_sent(delivery: Any) -> None:
    """The peer accepted it: sent, nothing more to try."""
    delivery.status, delivery.sent_at = "sent", datetime.now(UTC)
    delivery.last_error = delivery.next_attempt_at = None
