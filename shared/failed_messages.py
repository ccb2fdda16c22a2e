"""A message a consumer could not handle: sent back to its queue a bounded number of times
(counted in a header), then moved to the dead-letter queue with the reason, the queue and
the time; an invalid one goes there at once. Nothing is dropped silently."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from kombu import Message
from marshmallow import ValidationError

from shared import metrics
from shared.messaging import DEAD_LETTERS
from shared.publishing import Publisher

log = logging.getLogger(__name__)

RETRIES_HEADER = "x-zirkel-retries"


def retry_or_dead_letter(
    publisher: Publisher, queue: str, message: Message, exc: Exception, max_retries: int
) -> None:
    retries = int((message.headers or {}).get(RETRIES_HEADER, 0))
    if retries >= max_retries:
        dead_letter(publisher, queue, message, f"failed {retries + 1} times: {describe(exc)}")
        return
    publisher.publish(
        body_text(message.body),
        exchange="",
        routing_key=queue,
        headers={**(message.headers or {}), RETRIES_HEADER: retries + 1},
        message_id=message.properties.get("message_id"),
        correlation_id=message.properties.get("correlation_id"),
    )
    message.ack()
    metrics.consumed(queue, "retried")


def dead_letter(publisher: Publisher, queue: str, message: Message, reason: str) -> None:
    """Move the message to ``queue``'s dead-letter queue, saying why."""
    log.error("dead-lettering a message from %s: %s", queue, reason)
    headers = {
        **(message.headers or {}),
        "x-zirkel-death-reason": reason[:1000],
        "x-zirkel-death-queue": queue,
        "x-zirkel-original-routing-key": message.delivery_info.get("routing_key", ""),
        "x-zirkel-died-at": datetime.now(UTC).isoformat(),
    }
    publisher.publish(
        body_text(message.body),
        exchange=DEAD_LETTERS,
        routing_key=queue,
        headers=headers,
        message_id=message.properties.get("message_id"),
    )
    message.ack()
    metrics.consumed(queue, "dead_lettered")


def body_text(body: bytes | str) -> str:
    """A message body as text (invalid UTF-8 replaced, so a poison message can be kept)."""
    return body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body


def describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return json.dumps(exc.messages, sort_keys=True, default=str)
    return f"{type(exc).__name__}: {exc}"
