"""A consumer's inbox: ``(consumer, event_id)`` of every event it has handled, written in
the handler's transaction, so that an event delivered again is known and does nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from shared import events
from shared.db import insert_new_only


class DuplicateEvent(Exception):
    """This consumer has already processed the event."""


def record_new(
    session: Session, inbox: Table, consumer: str, batch: Sequence[events.Event]
) -> set[Any]:
    """Note ``(consumer, event_id)`` for every event of ``batch`` in one statement;
    the ids that were not noted before."""
    db = session.connection()
    now = datetime.now(UTC)
    rows = [
        {"consumer": consumer, "event_id": str(e.event_id), "processed_at": now}
        for e in {e.event_id: e for e in batch}.values()
    ]
    statement = insert_new_only(inbox, db.dialect.name, returning="event_id")
    recorded = db.execute(statement, rows)
    new = {str(event_id) for event_id in recorded.scalars()}
    return {e.event_id for e in batch if str(e.event_id) in new}


def remember(session: Session, inbox: Table, consumer: str, event: events.Event) -> None:
    """Note the event; ``DuplicateEvent`` if it was noted before."""
    if not record_new(session, inbox, consumer, [event]):
        raise DuplicateEvent
