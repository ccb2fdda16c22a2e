"""Replaying or discarding a dead letter, recorded in the audit log in the same transaction.

This acts on the broker as much as on the database, so it takes the broker's dead letters
and the request's session rather than a unit of work; ``audit_log`` is the log's read side.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.adapters.orm import OpsAudit
from shared.ops import DeadLetters

Action = Literal["replay", "discard"]


def act_on_dead_letter(
    session: Session, letters: DeadLetters, action: Action, message_id: str, actor: str
) -> tuple[dict[str, Any], OpsAudit]:
    """Do ``action`` on the broker, then record who did it; raises ``DeadLetterNotFound``."""
    if action == "replay":
        letter = letters.replay(message_id, actor)
    else:
        letter = letters.discard(message_id)
    entry = OpsAudit(
        actor=actor,
        action=action,
        queue=letters.queue,
        message_id=letter["message_id"],
        routing_key=letter["routing_key"],
        reason=letter["reason"],
    )
    session.add(entry)
    session.flush()
    return letter, entry


def audit_log(session: Session, limit: int, queue: str | None = None) -> list[OpsAudit]:
    """The latest replays and discards, newest first (of one queue if given)."""
    query = select(OpsAudit).order_by(OpsAudit.id.desc()).limit(limit)
    if queue is not None:
        query = query.where(OpsAudit.queue == queue)
    return list(session.scalars(query))
