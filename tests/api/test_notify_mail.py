"""Notify's e-mail about a placed order, sent to a real SMTP server on loopback.

Members are registered through catalog's API; the ``catalog.member.registered``
events from its outbox and a ``pooling.order.placed`` event are handed to
notify's handlers as the consumer would. The mail sender's ``send_due`` is
called directly instead of waiting for its loop.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from notify.adapters.mail import MailSender
from notify.adapters.orm import Delivery, MemberEntry
from notify.bootstrap import handlers
from shared.events import load
from tests.api.test_notify_api import order_placed
from tests.support.smtp import SmtpServer

if TYPE_CHECKING:
    from tests.api.conftest import Created, Headers, Service


@pytest.fixture
def sender(notify: Service, smtp: SmtpServer) -> MailSender:
    settings = dataclasses.replace(notify.runtime.settings, smtp_port=smtp.port)
    return MailSender(notify.runtime.sessions, settings, max_attempts=3, first_delay=60)


@pytest.fixture
def members(catalog: Service, notify: Service, make_member: Callable[..., Created]) -> list[str]:
    """Members 1 to 4 of the worked example, member 3 reading English; notify knows them."""
    made = [make_member(language="en") if n == 3 else make_member() for n in range(1, 5)]
    for event in catalog.outbox("catalog.member.registered"):
        notify.deliver(handlers(notify.runtime.settings, notify.runtime.outbox), load(event))
    return [m.body["email"] for m in made]


def deliveries(notify: Service, kind: str = "order_placed") -> list[Delivery]:
    with notify.runtime.sessions() as session:
        query = select(Delivery).where(Delivery.kind == kind).order_by(Delivery.member_id)
        return list(session.scalars(query).all())


def test_catalog_tells_notify_each_members_address_and_language(
    catalog: Service, notify: Service, members: list[str]
) -> None:
    [first, *_] = catalog.outbox("catalog.member.registered")
    assert first["payload"] == {
        "member_id": 1,
        "name": "Malerbetrieb 1",
        "trade": "painter",
        "email": members[0],
        "postcode": "44135",
        "language": "de",
        "active": True,
        # what an invoice and a direct debit need, none given here
        "legal_name": None,
        "street": None,
        "city": None,
        "country": "DE",
        "vat_id": None,
        "iban": None,
        "mandate_reference": None,
        "mandate_signed_on": None,
    }
    with notify.runtime.sessions() as session:
        directory = session.scalars(select(MemberEntry).order_by(MemberEntry.member_id)).all()
        assert [(m.email, m.language) for m in directory] == [
            (members[0], "de"),
            (members[1], "de"),
            (members[2], "en"),
            (members[3], "de"),
        ]


def test_each_member_gets_one_email_with_its_figures(
    notify: Service, members: list[str], smtp: SmtpServer, sender: MailSender
) -> None:
    notify.deliver(handlers(notify.runtime.settings, notify.runtime.outbox), order_placed())

    assert sender.send_due() == 4

    assert sorted(m["To"] for m in smtp.mailbox.messages) == sorted(members)
    [german] = smtp.mailbox.to(members[0])
    assert german["From"] == "Zirkel <zirkel@localhost>"
    assert german["Date"].datetime.tzinfo is not None
    assert german["Message-ID"].endswith("@zirkel>")
    assert german["Subject"] == "Sammelbestellung 1: Sie zahlen 228,00 €"
    text = german.get_content()
    assert "Guten Tag Malerbetrieb 1," in text
    assert "DISP-10L: 6 zum Sammelpreis von 38,00\xa0€ je Einheit" in text
    assert "Ware 228,00\xa0€ + Versandanteil 0,00\xa0€ = bezahlt 228,00\xa0€" in text
    assert _figure(text, "allein hätten Sie bezahlt:") == "259,00\xa0€"
    assert _figure(text, "im Pool bezahlt:") == "228,00\xa0€"
    assert _figure(text, "gespart:") == "31,00\xa0€"

    [english] = smtp.mailbox.to(members[2])
    assert english["Subject"] == "Pooled order 1: you pay €388.00"
    text = english.get_content()
    assert "DISP-10L: 8 at the pooled price of €38.00 per unit" in text
    assert "SIL-300: 20 at the pooled price of €4.20 per unit" in text
    assert "goods €84.00 + shipping share €0.00 = paid €84.00" in text
    assert "For this order you pay €388.00." in text
    assert _figure(text, "alone you would have paid:") == "€445.80"
    assert _figure(text, "saved:") == "€57.80"
    assert all(d.status == "sent" and d.attempts == 1 for d in deliveries(notify))


def test_a_redelivered_order_sends_nothing_more(
    notify: Service, members: list[str], smtp: SmtpServer, sender: MailSender
) -> None:
    event = order_placed()
    notify.deliver(handlers(notify.runtime.settings, notify.runtime.outbox), event)
    sender.send_due()

    notify.deliver(handlers(notify.runtime.settings, notify.runtime.outbox), event)

    assert sender.send_due() == 0
    assert len(smtp.mailbox.messages) == 4
    assert len(deliveries(notify)) == 4


def test_a_refusing_server_leaves_the_mail_pending_until_it_is_back(
    notify: Service, members: list[str], smtp: SmtpServer, sender: MailSender
) -> None:
    smtp.stop()
    notify.deliver(handlers(notify.runtime.settings, notify.runtime.outbox), order_placed())

    assert sender.send_due() == 0

    [first, *_] = deliveries(notify)
    assert (first.status, first.attempts) == ("pending", 1)
    assert first.last_error and "Refused" in first.last_error
    assert first.next_attempt_at is not None and first.next_attempt_at > datetime.now(UTC)
    smtp.start()
    assert sender.send_due() == 0  # not due yet: it backs off
    # the four order mails again, and the window's four savings reports, due by now
    assert sender.send_due(now=datetime.now(UTC) + timedelta(minutes=2)) == 8
    assert len(smtp.mailbox.messages) == 8
    [first, *_] = deliveries(notify)
    assert (first.status, first.attempts, first.last_error) == ("sent", 2, None)


def test_a_mail_that_keeps_failing_is_given_up_and_shown_to_the_admin(
    notify: Service, members: list[str], smtp: SmtpServer, sender: MailSender, admin: Headers
) -> None:
    smtp.stop()
    notify.deliver(handlers(notify.runtime.settings, notify.runtime.outbox), order_placed())
    later = datetime.now(UTC)
    for _ in range(3):
        sender.send_due(now=later)
        later += timedelta(hours=1)

    response = notify.client.get("/api/v1/deliveries?kind=order_placed", headers=admin)

    assert response.status_code == 200
    log = [d for d in response.get_json() if d["audience"] == "member"]
    assert [d["id"] for d in log] == [4, 3, 2, 1]  # newest first
    assert all(d["status"] == "failed" and d["attempts"] == 3 for d in log)
    assert all("ConnectionRefusedError" in d["last_error"] for d in log)
    assert sender.send_due(now=later) == 0


def test_a_member_notify_does_not_know_gets_a_failed_delivery(
    notify: Service, admin: Headers, sender: MailSender
) -> None:
    notify.deliver(handlers(notify.runtime.settings, notify.runtime.outbox), order_placed())

    log = notify.client.get(
        "/api/v1/deliveries?status=failed&kind=order_placed", headers=admin
    ).get_json()
    log = [d for d in log if d["audience"] == "member"]  # not the supplier's order

    assert sorted(d["member_id"] for d in log) == [1, 2, 3, 4]
    assert "no e-mail address known" in log[0]["last_error"]
    assert sender.send_due() == 0


def test_a_members_registration_arriving_after_its_order_still_gets_it_its_email(
    catalog: Service,
    notify: Service,
    make_member: Callable[..., Created],
    sender: MailSender,
    smtp: SmtpServer,
) -> None:
    notify.deliver(handlers(notify.runtime.settings, notify.runtime.outbox), order_placed())
    made = [make_member() for _ in range(4)]
    for event in catalog.outbox("catalog.member.registered"):
        notify.deliver(handlers(notify.runtime.settings, notify.runtime.outbox), load(event))

    assert {(d.status, d.to) for d in deliveries(notify)} == {
        ("pending", m.body["email"]) for m in made
    }
    sender.send_due()
    assert {d.status for d in deliveries(notify)} == {"sent"}
    told = [m["To"] for m in smtp.mailbox.messages if m["Subject"].startswith("Sammelbestellung")]
    assert sorted(told) == sorted(m.body["email"] for m in made)


def test_only_an_admin_reads_the_delivery_log(notify: Service, admin: Headers) -> None:
    member = notify.client.get("/api/v1/deliveries", headers=notify.token("member", 1))
    assert member.status_code == 403
    bad = notify.client.get("/api/v1/deliveries?status=lost", headers=admin)
    assert bad.status_code == 400
    assert set(bad.get_json()) == {"error", "details"}


def _figure(text: str, label: str) -> str:
    line = next(line for line in text.splitlines() if line.strip().startswith(label))
    return line.split(":", 1)[1].strip()
