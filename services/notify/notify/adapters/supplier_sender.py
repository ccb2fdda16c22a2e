"""Sends pending supplier deliveries on their channel and logs every attempt.

Each delivery is tried in its own transaction, under a row lock on PostgreSQL, and
marked sent only after the supplier's mail server, webhook or broker accepted it; a
crash in between sends it again at worst (the webhook's delivery id and the queue
message's id let the supplier drop the repeat). A failed attempt waits with
exponential backoff up to a cap and is given up after the policy's last attempt:
the delivery is then ``failed`` for the admins to see. A webhook whose URL leads to an
internal address is refused before any connection (``webhook_transport``) and fails at
once: waiting does not change where the URL leads, so the admins see it straight away,
and the admin's retry tries again once the URL or the allowed networks changed.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy.orm import Session, sessionmaker

from notify.adapters.deliveries import due_ids, take_pending
from notify.adapters.supplier_mail import SupplierMailer
from notify.adapters.supplier_orm import DeliveryAttempt, SupplierDelivery, SupplierEntry
from notify.adapters.supplier_queue import SupplierQueues
from notify.adapters.webhook import DeliveryFailed, post_signed
from notify.adapters.webhook_transport import WebhookRefused, webhook_session
from notify.domain.supplier_delivery import RetryPolicy
from shared.db import transaction
from shared.messaging import connect
from shared.settings import Settings
from shared.worker import drain_until_stopped

log = logging.getLogger(__name__)


class SupplierSender:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        *,
        policy: RetryPolicy | None = None,
        poll_interval: float = 1.0,
        batch_size: int = 50,
        webhooks: requests.Session | None = None,
    ) -> None:
        self.sessions = sessions
        self.policy = policy or RetryPolicy()
        self.poll_interval = poll_interval
        self.batch_size = batch_size
        self.http = requests.Session()  # pooling's document API, on the internal network
        self.webhooks = webhooks or webhook_session(settings.webhook_allowed_networks)
        self.mailer = SupplierMailer(settings, self.http)
        self.queues = SupplierQueues(
            lambda: connect(settings, heartbeat=0), settings.confirm_timeout
        )

    def send_due(self, now: datetime | None = None) -> int:
        """Try every pending delivery that is due; returns how many went out."""
        now = now or datetime.now(UTC)
        due = due_ids(self.sessions, SupplierDelivery, now, self.batch_size)
        return sum(self._send_one(delivery_id, now) for delivery_id in due)

    def _send_one(self, delivery_id: int, now: datetime) -> bool:
        with transaction(self.sessions) as session:
            delivery = take_pending(session, SupplierDelivery, delivery_id)
            if delivery is None:
                return False
            delivery.attempts += 1
            at = datetime.now(UTC)
            try:
                status_code = self._deliver(session, delivery)
            except Exception as exc:  # pooling, SMTP, HTTP or the broker: each its own kinds
                delivery.attempt_log.append(self._failed(delivery, at, exc, now))
                return False
            delivery.attempt_log.append(
                DeliveryAttempt(
                    number=len(delivery.attempt_log) + 1,
                    at=at,
                    outcome="sent",
                    status_code=status_code,
                )
            )
            delivery.status, delivery.sent_at = "sent", datetime.now(UTC)
            delivery.last_error = delivery.next_attempt_at = None
            return True

    def _deliver(self, session: Session, delivery: SupplierDelivery) -> int | None:
        """Hand the order over on the delivery's channel; a webhook's status code."""
        supplier = session.get(SupplierEntry, delivery.supplier_id)
        if delivery.channel == "webhook":
            if supplier is None or not supplier.webhook_url or not supplier.webhook_secret:
                raise DeliveryFailed("the supplier's webhook is no longer configured")
            delivery.to = supplier.webhook_url
            body = delivery.message.encode("utf-8")
            return post_signed(
                self.webhooks, supplier.webhook_url, supplier.webhook_secret, body, delivery.id
            )
        if delivery.channel == "amqp":
            message_id = f"order-{delivery.order_id}"
            delivery.to = self.queues.publish(delivery.supplier_id, delivery.message, message_id)
            return None
        if supplier is not None and supplier.email:
            delivery.to = supplier.email
        self.mailer.send(
            delivery.to, delivery.subject, delivery.body, delivery.supplier_id, delivery.order_id
        )
        return None

    def _failed(
        self, delivery: SupplierDelivery, at: datetime, exc: Exception, now: datetime
    ) -> DeliveryAttempt:
        error = str(exc) if isinstance(exc, DeliveryFailed) else f"{type(exc).__name__}: {exc}"
        delivery.last_error = error[:1000]
        attempt = DeliveryAttempt(
            number=len(delivery.attempt_log) + 1,
            at=at,
            status_code=getattr(exc, "status_code", None),
            error=delivery.last_error,
        )
        delay = (
            None if isinstance(exc, WebhookRefused) else self.policy.delay_after(delivery.attempts)
        )
        if delay is None:
            attempt.outcome, delivery.status = "failed", "failed"
            delivery.next_attempt_at = None
            log.error(
                "giving up delivery %s of order %s to supplier %s by %s: %s",
                delivery.id,
                delivery.order_id,
                delivery.supplier_id,
                delivery.channel,
                error,
            )
            return attempt
        attempt.outcome = "retry"
        attempt.next_attempt_at = delivery.next_attempt_at = now + timedelta(seconds=delay)
        log.warning("supplier delivery %s failed (%s); retry in %.0fs", delivery.id, error, delay)
        return attempt

    def run(self, stop: threading.Event) -> None:
        """Send until ``stop`` is set; a database failure waits and goes on."""
        drain_until_stopped(
            "supplier sender", self.send_due, stop, self.batch_size, self.poll_interval
        )
        self.queues.close()
