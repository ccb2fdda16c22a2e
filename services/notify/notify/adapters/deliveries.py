"""What both outgoing queues (members' e-mails, suppliers' orders) do alike: find the
pending deliveries that are due, and take one for sending."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from shared.db import transaction

D = TypeVar("D")


def due_ids(sessions: sessionmaker[Session], model: Any, now: datetime, limit: int) -> list[int]:
    """The ids of up to ``limit`` pending deliveries due by ``now``, oldest first."""
    with transaction(sessions) as session:
        return list(
            session.scalars(
                select(model.id)
                .where(
                    model.status == "pending",
                    or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now),
                )
                .order_by(model.id)
                .limit(limit)
            )
        )


def take_pending(session: Session, model: type[D], delivery_id: int) -> D | None:
    """The delivery, still pending, locked for this transaction on PostgreSQL; None when
    it was sent meanwhile or another worker holds it."""
    query = select(model).where(model.id == delivery_id, model.status == "pending")  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalar(query)
