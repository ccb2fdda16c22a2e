"""The mail sender: sends pending deliveries over SMTP and records how each went.

Each delivery is taken for an attempt in a short transaction, sent outside any
transaction, and marked sent in another only after the server accepted it, so a
slow mail server holds up no request and a crash between the two sends it again at
worst (when its lease runs out); a redelivered event never queues a second one (see
the reactions). A refused or failed send (also an invoice whose PDF billing does not
hand over) is retried with exponential backoff, up to ``max_attempts``, then the
delivery is marked failed.
"""

from __future__ import annotations

import functools
import logging
import smtplib
import threading
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import requests
from sqlalchemy.orm import Session, sessionmaker

from notify.adapters.deliveries import SEND_LEASE, due_ids, mark_sent, record, take_due
from notify.adapters.invoice_documents import InvoicePdfs
from notify.adapters.orm import Delivery
from notify.adapters.webhook import DeliveryFailed
from shared.changes import changes_behind
from shared.settings import Settings
from shared.worker import SENDER_LONGEST_QUIET, drain_until_stopped

log = logging.getLogger(__name__)


def headed(sender: str, to: str, subject: str, about: str) -> EmailMessage:
    """A new e-mail with its envelope headers: sender, recipient, subject, the time of
    sending and a unique Message-ID that names what it is ``about``."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(about, "zirkel")
    return message


class MailSender:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        *,
        max_attempts: int = 6,
        first_delay: float = 30.0,
        poll_interval: float = 2.0,
        batch_size: int = 50,
        timeout: float = 10.0,
        lease: timedelta = SEND_LEASE,
        invoices: InvoicePdfs | None = None,
    ) -> None:
        self.sessions = sessions
        self.invoices = invoices or InvoicePdfs(settings, requests.Session(), timeout)
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.sender = settings.smtp_from
        self.max_attempts = max_attempts
        self.first_delay = first_delay
        self.poll_interval = poll_interval
        self.batch_size = batch_size
        self.timeout = timeout
        self.lease = lease

    def send_due(self, now: datetime | None = None) -> int:
        """Try every pending delivery that is due; returns how many were sent."""
        now = now or datetime.now(UTC)
        due = due_ids(self.sessions, Delivery, now, self.batch_size)
        return sum(self._send_one(delivery_id, now) for delivery_id in due)

    def _send_one(self, delivery_id: int, now: datetime) -> bool:
        delivery = take_due(self.sessions, Delivery, delivery_id, now, self.lease)
        if delivery is None:
            return False
        try:
            self._deliver(delivery)
        except (smtplib.SMTPException, OSError, DeliveryFailed) as exc:
            failed = functools.partial(self._failed, exc=exc, now=now)
            record(self.sessions, Delivery, delivery_id, failed)
            return False
        record(self.sessions, Delivery, delivery_id, mark_sent)
        return True

    def _deliver(self, delivery: Delivery) -> None:
        message = headed(self.sender, delivery.to, delivery.subject, f"delivery-{delivery.id}")
        message.set_content(delivery.body)
        if delivery.html:
            message.add_alternative(delivery.html, subtype="html")
        if delivery.unsubscribe_url:  # mail programs show it as an "unsubscribe" button
            message["List-Unsubscribe"] = f"<{delivery.unsubscribe_url}>"
        if delivery.invoice_id is not None:  # fetched first: billing down sends nothing
            pdf = self.invoices.pdf(delivery.member_id, delivery.invoice_id)
            message.add_attachment(
                pdf.content, maintype="application", subtype="pdf", filename=pdf.filename
            )
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(message)

    def _failed(self, delivery: Delivery, exc: Exception, now: datetime) -> None:
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        if delivery.attempts >= self.max_attempts:
            delivery.status = "failed"
            log.error("giving up e-mail delivery %s: %s", delivery.id, delivery.last_error)
            return
        delay = self.first_delay * 2 ** (delivery.attempts - 1)
        delivery.next_attempt_at = now + timedelta(seconds=delay)
        log.warning("e-mail delivery %s failed (%s); retry in %.0fs", delivery.id, exc, delay)

    def run(self, stop: threading.Event) -> None:
        """Send until ``stop`` is set; a database failure waits and goes on."""
        drain_until_stopped(
            "mail sender",
            self.send_due,
            stop,
            self.batch_size,
            self.poll_interval,
            changes_behind(self.sessions, SENDER_LONGEST_QUIET),
        )
