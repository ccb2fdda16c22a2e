"""A mail server or a supplier's webhook that hangs holds up nothing else in notify.

The senders take a delivery in one short transaction, send outside any and record the
outcome in another: on SQLite a transaction holds notify's write lock, so a send inside
one would stall every request and consumer of notify for the whole send timeout. The
peers here take the connection and never answer, until the test hangs up.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from notify.adapters.deliveries import take_due
from notify.adapters.mail import MailSender
from notify.adapters.orm import Delivery
from notify.bootstrap import handlers
from tests.api.test_notify_api import order_placed
from tests.api.test_supplier_deliveries import (
    deliver,
    sender,
    supplier_deliveries,
    supplier_updated,
)
from tests.support.notify_events import member_registered
from tests.support.silent_peer import SilentPeer, silent_peer
from tests.support.smtp import SmtpServer

if TYPE_CHECKING:
    from tests.api.conftest import Service

MEMBERS = (1, 2, 3, 4)  # the worked example's order writes to each of them
QUICKLY = 1.0  # seconds: a write that waits for no send


def queue_order_mails(notify: Service) -> None:
    react = handlers(notify.runtime.settings, notify.runtime.outbox)
    for member_id in MEMBERS:
        notify.deliver(react, member_registered(member_id))
    notify.deliver(react, order_placed())


def mail_sender(notify: Service, smtp_port: int, timeout: float = 4.0) -> MailSender:
    settings = dataclasses.replace(notify.runtime.settings, smtp_port=smtp_port)
    return MailSender(notify.runtime.sessions, settings, first_delay=10, timeout=timeout)


def seconds_for_a_consumer_write(notify: Service) -> float:
    """How long notify's consumer takes to record a newly registered member."""
    started = time.monotonic()
    notify.deliver(handlers(notify.runtime.settings, notify.runtime.outbox), member_registered(9))
    return time.monotonic() - started


def mails(notify: Service) -> list[Delivery]:
    """The order's e-mails (the savings reports wait a minute longer)."""
    with notify.runtime.sessions() as session:
        query = select(Delivery).where(Delivery.kind == "order_placed").order_by(Delivery.id)
        return list(session.scalars(query))


@contextmanager
def hanging(peer: SilentPeer, send_due: Callable[[], int]) -> Iterator[None]:
    """Run ``send_due`` in a thread; the block runs while its first send waits for
    ``peer``, which hangs up when the block ends."""
    sending = threading.Thread(target=send_due)
    sending.start()
    assert peer.reached.wait(5), "the sender never reached its peer"
    try:
        yield
    finally:
        peer.hang_up()
        sending.join(30)


def test_a_hanging_mail_server_does_not_hold_up_notifys_database(notify: Service) -> None:
    queue_order_mails(notify)
    with silent_peer() as peer, hanging(peer, mail_sender(notify, peer.port).send_due):
        took = seconds_for_a_consumer_write(notify)

    assert took < QUICKLY
    outcomes = [(m.status, m.attempts, m.last_error is not None) for m in mails(notify)]
    assert outcomes == [("pending", 1, True)] * len(MEMBERS)  # each retried later


def test_a_mail_being_sent_is_not_sent_by_a_second_sender(
    notify: Service, smtp: SmtpServer
) -> None:
    queue_order_mails(notify)
    with silent_peer() as peer, hanging(peer, mail_sender(notify, peer.port).send_due):
        assert mail_sender(notify, smtp.port).send_due() == len(MEMBERS) - 1

    first, *others = mails(notify)
    assert (first.status, first.attempts) == ("pending", 1)
    assert [(m.status, m.attempts) for m in others] == [("sent", 1)] * (len(MEMBERS) - 1)
    later = datetime.now(UTC) + timedelta(seconds=15)  # the retry, not the reports
    assert mail_sender(notify, smtp.port).send_due(later) == 1
    assert sorted(len(smtp.mailbox.to(m.to)) for m in mails(notify)) == [1] * len(MEMBERS)


def test_a_mail_whose_sender_died_is_sent_when_its_lease_runs_out(
    notify: Service, smtp: SmtpServer
) -> None:
    queue_order_mails(notify)
    now, lease = datetime.now(UTC), timedelta(seconds=20)  # before the reports are due
    [first, *_] = mails(notify)
    assert take_due(notify.runtime.sessions, Delivery, first.id, now, lease) is not None
    out = mail_sender(notify, smtp.port)  # the sender that took it is gone

    assert out.send_due(now) == len(MEMBERS) - 1
    assert out.send_due(now + lease - timedelta(seconds=1)) == 0
    assert out.send_due(now + lease) == 1
    [again, *_] = mails(notify)
    assert (again.status, again.attempts) == ("sent", 2)
    assert len(smtp.mailbox.to(first.to)) == 1


def test_a_hanging_webhook_does_not_hold_up_notifys_database(notify: Service) -> None:
    with silent_peer() as peer:
        deliver(notify, supplier_updated("webhook", f"http://127.0.0.1:{peer.port}/orders"))
        deliver(notify, order_placed())
        with hanging(peer, sender(notify).send_due):
            took = seconds_for_a_consumer_write(notify)

    assert took < QUICKLY
    [delivery] = supplier_deliveries(notify)
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.next_attempt_at is not None and delivery.last_error
