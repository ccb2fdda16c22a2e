"""Sends pending supplier deliveries on their channel and logs every attempt.

Each delivery is taken for an attempt in a short transaction (leased, so no other
sender takes it meanwhile), sent outside any transaction, and marked sent in another
only after the supplier's mail server, webhook or broker accepted it: a slow peer holds
up no request of notify, and a crash in between sends it again at worst, when the
lease runs out (the webhook's delivery id and the queue
message's id let the supplier drop the repeat). A failed attempt waits with
exponential backoff up to a cap and is given up after the policy's last attempt:
the delivery is then ``failed`` for the admins to see. A webhook whose URL leads to an
internal address is refused before any connection (``webhook_transport``) and fails at
once: waiting does not change where the URL leads, so the admins see it straight away,
and the admin's retry tries again once the URL or the allowed networks changed.
"""

from __future__ import annotations

import functools
import logging
import threading
from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy.orm import Session, sessionmaker

from notify.adapters.deliveries import SEND_LEASE, due_ids, mark_sent, record, take_due
from notify.adapters.supplier_mail import SupplierMailer
from notify.adapters.supplier_orm import DeliveryAttempt, SupplierDelivery, SupplierEntry
from notify.adapters.supplier_queue import SupplierQueues
from notify.adapters.webhook import DeliveryFailed, post_signed
from notify.adapters.webhook_transport import WebhookRefused, webhook_session
from notify.domain.supplier_delivery import RetryPolicy
from shared.changes import changes_behind
from shared.messaging import connect
from shared.settings import Settings
from shared.worker import SENDER_LONGEST_QUIET, drain_until_stopped

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
        lease: timedelta = SEND_LEASE,
    ) -> None:
        self.sessions = sessions
        self.policy = policy or RetryPolicy()
        self.poll_interval = poll_interval
        self.batch_size = batch_size
        self.lease = lease
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
        delivery = take_due(self.sessions, SupplierDelivery, delivery_id, now, self.lease)
        if delivery is None:
            return False
        at = datetime.now(UTC)
        try:
            status_code = self._deliver(delivery, self._supplier(delivery.supplier_id))
        except Exception as exc:  # pooling, SMTP, HTTP or the broker: each its own kinds
            failed = functools.partial(self._failed, to=delivery.to, at=at, exc=exc, now=now)
            record(self.sessions, SupplierDelivery, delivery_id, failed)
            return False
        sent = functools.partial(self._sent, to=delivery.to, at=at, status_code=status_code)
        record(self.sessions, SupplierDelivery, delivery_id, sent)
        return True

    def _supplier(self, supplier_id: int) -> SupplierEntry | None:
        with self.sessions() as session:
            return session.get(SupplierEntry, supplier_id)

    @staticmethod
    def _sent(delivery: SupplierDelivery, to: str, at: datetime, status_code: int | None) -> None:
        delivery.to = to
        attempt = DeliveryAttempt(
            number=len(delivery.attempt_log) + 1, at=at, outcome="sent", status_code=status_code
        )
        delivery.attempt_log.append(attempt)
        mark_sent(delivery)

    def _deliver(self, delivery: SupplierDelivery, supplier: SupplierEntry | None) -> int | None:
        """Hand the order or dispute over on the delivery's channel (``delivery`` is
        taken: its ``to`` says where it went, nothing else changes); a webhook's status
        code."""
        if delivery.channel == "webhook":
            if supplier is None or not supplier.webhook_url or not supplier.webhook_secret:
                raise DeliveryFailed("the supplier's webhook is no longer configured")
            delivery.to = supplier.webhook_url
            body = delivery.message.encode("utf-8")
            return post_signed(
                self.webhooks, supplier.webhook_url, supplier.webhook_secret, body, delivery.id
            )
        if delivery.channel == "amqp":
            delivery.to = self.queues.publish(
                delivery.supplier_id, delivery.message, delivery.about
            )
            return None
        if supplier is not None and supplier.email:
            delivery.to = supplier.email
        self.mailer.send(
            delivery.to,
            delivery.subject,
            delivery.body,
            delivery.supplier_id,
            delivery.order_id,
            delivery.about,
        )
        return None

    def _failed(
        self, delivery: SupplierDelivery, to: str, at: datetime, exc: Exception, now: datetime
    ) -> None:
        delivery.to = to
        delivery.attempt_log.append(self._attempt_failed(delivery, at, exc, now))

    def _attempt_failed(
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
                "giving up delivery %s of %s %s to supplier %s by %s: %s",
                delivery.id,
                delivery.kind,
                delivery.subject_id,
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
            "supplier sender",
            self.send_due,
            stop,
            self.batch_size,
            self.poll_interval,
            changes_behind(self.sessions, SENDER_LONGEST_QUIET),
        )
        self.queues.close()
