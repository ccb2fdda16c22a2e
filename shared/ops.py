"""Operating the messaging: queue depths and rates, dead letters listed, replayed, discarded.

The queue monitor reads RabbitMQ's management HTTP API when
``ZIRKEL_RABBITMQ_MANAGEMENT_URL`` is set and answers (ready and unacked
messages, consumers, publish/deliver/ack rates); otherwise (plugin off,
unreachable, or the embedded transport) it declares each queue passively,
which gives message and consumer counts only. The answer says which it used.

Dead letters are read over AMQP on both brokers: every message of the
dead-letter queue is taken without an ack and, unless it is the one being
replayed or discarded, rejected back onto the queue, so listing loses nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import requests
from kombu import Connection, Message

from shared import events
from shared.failed_messages import body_text
from shared.messaging import SUBSCRIPTIONS, connect, declare_topology, on_rabbitmq, queue_named
from shared.publishing import Publisher
from shared.settings import Settings

log = logging.getLogger(__name__)

# Headers of the letter's death and of its deliveries, not carried over by a replay.
DEATH_HEADERS = (
    "x-zirkel-death-",
    "x-zirkel-died-at",
    "x-zirkel-original-routing-key",
    "x-zirkel-retries",
    "x-delivery-count",
    "x-death",
    "x-first-death-",
    "x-last-death-",
)
MANAGEMENT_TIMEOUT = 3.0
MAX_LISTED = 1000


class DeadLetterNotFound(LookupError):
    """No dead letter with that id is on the queue (any more)."""


def topology_queues() -> list[str]:
    """Every queue of the topology, each followed by its dead-letter queue."""
    return [n for s in SUBSCRIPTIONS for n in (s.queue_name, s.dead_letter_queue_name)]


def dead_letter_queues() -> dict[str, str]:
    """Dead-letter queue -> the queue its letters came from."""
    return {s.dead_letter_queue_name: s.queue_name for s in SUBSCRIPTIONS}


@dataclass(frozen=True)
class QueueMonitor:
    settings: Settings
    session: Callable[[], requests.Session] = requests.Session

    def snapshot(self) -> dict[str, Any]:
        """``{"source": "management" | "passive", "queues": [...]}`` (and why passive)."""
        problem = "ZIRKEL_RABBITMQ_MANAGEMENT_URL is not set"
        if self.settings.embedded_broker:
            problem = "the embedded broker has no management API"
        elif self.settings.rabbitmq_management_url:
            try:
                return {"source": "management", "queues": self._from_management()}
            except (requests.RequestException, ValueError) as exc:
                problem = f"management API unavailable: {type(exc).__name__}: {exc}"
                log.warning("queue monitor falls back to passive declarations: %s", problem)
        return {"source": "passive", "reason": problem, "queues": self._from_declarations()}

    def _from_management(self) -> list[dict[str, Any]]:
        base = str(self.settings.rabbitmq_management_url).rstrip("/")
        vhost = Connection(self.settings.broker_url).virtual_host or "/"
        with self.session() as http:
            response = http.get(
                f"{base}/api/queues/{quote(vhost, safe='')}", timeout=MANAGEMENT_TIMEOUT
            )
            response.raise_for_status()
            found = {q["name"]: q for q in response.json()}
        return [_management_row(name, found.get(name, {})) for name in topology_queues()]

    def _from_declarations(self) -> list[dict[str, Any]]:
        with _broker(self.settings) as connection:
            channel = connection.default_channel
            rows = []
            for name in topology_queues():
                _, messages, consumers = channel.queue_declare(name, passive=True)
                if self.settings.embedded_broker:
                    consumers = None  # a transport without a server cannot count them
                rows.append({"name": name, "messages": messages, "consumers": consumers})
            return rows


def _management_row(name: str, queue: dict[str, Any]) -> dict[str, Any]:
    stats = queue.get("message_stats", {})

    def rate(key: str) -> float:
        return float(stats.get(f"{key}_details", {}).get("rate", 0.0))

    return {
        "name": name,
        "messages": queue.get("messages", 0),
        "ready": queue.get("messages_ready", 0),
        "unacknowledged": queue.get("messages_unacknowledged", 0),
        "consumers": queue.get("consumers", 0),
        "publish_rate": rate("publish"),
        "deliver_rate": rate("deliver_get"),
        "ack_rate": rate("ack"),
    }


@contextmanager
def _broker(settings: Settings) -> Iterator[Connection]:
    with connect(settings) as connection:
        connection.ensure_connection(max_retries=2, timeout=5)
        declare_topology(connection)
        yield connection


class DeadLetters:
    """The dead letters of one dead-letter queue of the topology."""

    def __init__(self, settings: Settings, queue: str) -> None:
        if queue not in dead_letter_queues():
            raise DeadLetterNotFound(f"{queue} is not a dead-letter queue of Zirkel")
        self.settings, self.queue = settings, queue
        self.origin = dead_letter_queues()[queue]

    def list(self, limit: int = 100) -> list[dict[str, Any]]:
        with self._taken(min(limit, MAX_LISTED)) as (_, messages):
            return [describe(m) for m in messages]

    def replay(self, letter_id: str, replayed_by: str) -> dict[str, Any]:
        """Publish the letter to its original queue again (with a confirm), then ack it here."""
        with self._taken(MAX_LISTED) as (connection, messages):
            message = _pick(messages, letter_id)
            headers = {
                k: v for k, v in (message.headers or {}).items() if not k.startswith(DEATH_HEADERS)
            }
            headers["x-zirkel-replayed-by"] = replayed_by
            headers["x-zirkel-replayed-at"] = datetime.now(UTC).isoformat()
            Publisher(connection, self.settings.confirm_timeout).publish(
                body_text(message.body),
                exchange="",
                routing_key=self.origin,
                headers=headers,
                message_id=message.properties.get("message_id"),
                correlation_id=message.properties.get("correlation_id"),
            )
            letter = describe(message)
            message.ack()
            return letter

    def discard(self, letter_id: str) -> dict[str, Any]:
        with self._taken(MAX_LISTED) as (_, messages):
            message = _pick(messages, letter_id)
            letter = describe(message)
            message.ack()
            return letter

    @contextmanager
    def _taken(self, limit: int) -> Iterator[tuple[Connection, list[Message]]]:
        """Up to ``limit`` letters held unacked; whatever is not acked goes back."""
        with _broker(self.settings) as connection:
            channel = connection.channel()
            queue = queue_named(self.queue, on_rabbitmq=on_rabbitmq(connection))(channel)
            messages: list[Message] = []
            try:
                while len(messages) < limit and (message := queue.get(no_ack=False)):
                    messages.append(message)
                yield connection, messages
            finally:
                for message in messages:
                    if not message.acknowledged:
                        message.requeue()
                channel.close()


def letter_id(message: Message) -> str:
    """The event's message id; a message without one is named by its body's hash."""
    message_id = message.properties.get("message_id")
    if message_id:
        return str(message_id)
    body = message.body if isinstance(message.body, bytes) else message.body.encode()
    return "sha256-" + hashlib.sha256(body).hexdigest()[:32]


def describe(message: Message) -> dict[str, Any]:
    headers = {k: _plain(v) for k, v in (message.headers or {}).items()}
    return {
        "message_id": letter_id(message),
        "reason": headers.get("x-zirkel-death-reason") or _broker_reason(headers),
        "queue": headers.get("x-zirkel-death-queue") or headers.get("x-first-death-queue"),
        "routing_key": headers.get("x-zirkel-original-routing-key"),
        "died_at": headers.get("x-zirkel-died-at"),
        "headers": headers,
        "body": events.shown(body_text(message.body)),
    }


def _broker_reason(headers: dict[str, Any]) -> str | None:
    """Why RabbitMQ itself dead-lettered a message (``delivery_limit``, ``rejected``, ...)."""
    reason = headers.get("x-first-death-reason")
    return f"dead-lettered by the broker: {reason}" if reason else None


def _pick(messages: list[Message], wanted: str) -> Message:
    for message in messages:
        if letter_id(message) == wanted:
            return message
    raise DeadLetterNotFound(f"no dead letter {wanted}")


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


OUTBOX_AGE_ALERT = 60.0  # seconds an outbox row may wait before admins are told


def service_health(
    settings: Settings, here: str, local: Callable[[], dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each service's readiness (database, broker) and outbox backlog, from its own
    ``/health/ready``; a service that does not answer is reported unreachable. The
    asking service (``here``) answers for itself with ``local``, not over HTTP: a web
    worker waiting on its own port could wait for itself."""
    found = []
    for service, url in settings.service_urls.items():
        if service == here:
            found.append({"service": service, "url": url} | local())
            continue
        try:
            response = requests.get(f"{url}/health/ready", timeout=MANAGEMENT_TIMEOUT)
            body = response.json()
        except (requests.RequestException, ValueError) as exc:
            body = {"status": "unreachable", "error": f"{type(exc).__name__}"}
        found.append({"service": service, "url": url} | body)
    return found


def alerts(queues: list[dict[str, Any]], services: list[dict[str, Any]]) -> list[dict[str, str]]:
    """What an admin should look at now: dead letters, queues nobody consumes, services
    not ready, outbox rows older than a minute, orders given up on the way to a supplier."""
    found = []
    dead = dead_letter_queues()
    for queue in queues:
        name, messages = queue["name"], queue.get("messages") or 0
        if name in dead and messages:
            found.append(_alert("dead-letters", name, f"{messages} dead letters in {name}"))
        elif name not in dead and queue.get("consumers") == 0:
            found.append(_alert("no-consumer", name, f"nobody consumes {name}"))
    for service in services:
        name = service["service"]
        if service.get("status") != "ready":
            found.append(_alert("not-ready", name, f"{name} is {service.get('status')}"))
        age = (service.get("outbox") or {}).get("oldest_unsent_age_seconds", 0)
        if age > OUTBOX_AGE_ALERT:
            found.append(_alert("outbox-lag", name, f"{name}'s outbox waits {age:.0f} s"))
        failed = (service.get("deliveries") or {}).get("failed_to_suppliers", 0)
        if failed:
            message = (
                f"{failed} orders or invoice disputes did not reach their supplier"
                " (deliveries?status=failed)"
            )
            found.append(_alert("supplier-delivery-failed", name, message))
    return found


def _alert(kind: str, subject: str, message: str) -> dict[str, str]:
    return {"kind": kind, "subject": subject, "message": message}
