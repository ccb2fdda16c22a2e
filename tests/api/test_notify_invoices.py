"""Each member's invoice by e-mail, with its PDF attached: billing's real app on loopback
holds the worked example's invoices (received: m1 226.10, m2 149.94 in English, m3 416.50,
m4 69.97); its ``billing.invoice.issued`` events are handed to notify as the consumer
would, and notify's mail sender sends to a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from sqlalchemy import select

from notify.adapters.mail import MailSender
from notify.adapters.orm import Delivery
from notify.bootstrap import handlers
from shared import events
from tests.api.conftest import Headers, Service
from tests.api.test_billing_api import GROSS, member_registered, received
from tests.api.test_pooling_api import worked_example
from tests.support.http import serving
from tests.support.smtp import SmtpServer

__all__ = ["received", "worked_example"]  # the fixtures, used by name


@pytest.fixture
def billing_url(billing: Service) -> Iterator[str]:
    with serving(billing.app) as url:
        yield url


@pytest.fixture
def issued(received: int, billing: Service, notify: Service) -> list[dict[str, Any]]:
    """Notify knows the members (member 2 reads English) and has heard of every invoice."""
    react = handlers(notify.runtime.settings, notify.runtime.outbox)
    notify.deliver(react, member_registered(2, language="en"))
    for member_id in (1, 3, 4):
        notify.deliver(react, member_registered(member_id))
    bodies = billing.outbox("billing.invoice.issued")
    for body in bodies:
        notify.deliver(react, events.load(body))
    return bodies


def sender_for(notify: Service, smtp: SmtpServer, billing_url: str) -> MailSender:
    settings = dataclasses.replace(
        notify.runtime.settings,
        smtp_port=smtp.port,
        service_urls={**notify.runtime.settings.service_urls, "billing": billing_url},
    )
    return MailSender(notify.runtime.sessions, settings, max_attempts=3, first_delay=60)


@pytest.fixture
def sender(notify: Service, smtp: SmtpServer, billing_url: str) -> MailSender:
    return sender_for(notify, smtp, billing_url)


def invoice_mails(notify: Service) -> list[Delivery]:
    with notify.runtime.sessions() as session:
        query = select(Delivery).where(Delivery.invoice_id.is_not(None)).order_by(Delivery.id)
        return list(session.scalars(query))


def attachment(message: EmailMessage) -> tuple[str | None, bytes]:
    [pdf] = list(message.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    return pdf.get_filename(), pdf.get_content()


def test_each_member_gets_its_invoice_once_with_the_pdf(
    issued: list[dict[str, Any]],
    billing: Service,
    notify: Service,
    smtp: SmtpServer,
    sender: MailSender,
    admin: Headers,
) -> None:
    assert sender.send_due() == 4

    for body in issued:
        invoice = body["payload"]
        [mail] = smtp.mailbox.to(f"m{invoice['member_id']}@maler.example")
        name, pdf = attachment(mail)
        assert name == f"{invoice['number']}.pdf"
        url = f"/api/v1/invoices/{invoice['invoice_id']}/document.pdf"
        assert pdf == billing.client.get(url, headers=admin).data  # the PDF as issued
        assert invoice["gross_total"] == GROSS[invoice["member_id"]]
    [german] = smtp.mailbox.to("m1@maler.example")
    number = next(b["payload"]["number"] for b in issued if b["payload"]["member_id"] == 1)
    assert german["Subject"] == f"Rechnung {number} über 226,10 €"
    text = german.get_body(("plain",)).get_content()
    assert f"die Rechnung {number} vom 16. März 2026" in text
    assert "Netto: 190,00\xa0€" in text and "Umsatzsteuer: 36,10\xa0€" in text
    [english] = smtp.mailbox.to("m2@maler.example")
    assert english["Subject"].startswith("Invoice ZK-2026-")
    assert english["Subject"].endswith("for €149.94")
    assert "VAT: €23.94" in english.get_body(("plain",)).get_content()
    assert [(d.kind, d.status, d.attempts) for d in invoice_mails(notify)] == [
        ("invoice", "sent", 1)
    ] * 4


def test_an_invoice_announced_twice_is_sent_once(
    issued: list[dict[str, Any]], notify: Service, smtp: SmtpServer, sender: MailSender
) -> None:
    react = handlers(notify.runtime.settings, notify.runtime.outbox)
    sender.send_due()
    again = events.load(issued[0])
    notify.deliver(react, again)  # the same event redelivered
    notify.deliver(react, dataclasses.replace(again, event_id=uuid.uuid4()))

    assert sender.send_due() == 0
    assert len(smtp.mailbox.messages) == 4
    assert len(invoice_mails(notify)) == 4


def test_billing_down_keeps_the_invoice_mail_pending_until_it_answers(
    issued: list[dict[str, Any]], notify: Service, smtp: SmtpServer, billing_url: str
) -> None:
    silent = sender_for(notify, smtp, "http://127.0.0.1:9")  # nothing listens

    assert silent.send_due() == 0

    assert smtp.mailbox.messages == []  # never an invoice e-mail without its invoice
    [first, *_] = invoice_mails(notify)
    assert (first.status, first.attempts) == ("pending", 1)
    assert first.last_error and "invoice PDF" in first.last_error


def test_the_office_has_an_invoice_sent_again(
    issued: list[dict[str, Any]],
    notify: Service,
    smtp: SmtpServer,
    sender: MailSender,
    admin: Headers,
) -> None:
    sender.send_due()
    invoice_id = next(b["payload"]["invoice_id"] for b in issued if b["payload"]["member_id"] == 3)
    path = f"/api/v1/invoices/{invoice_id}/resend"

    refused = notify.client.post(path, headers=notify.token("member", 3))
    resent = notify.client.post(path, headers=admin)

    assert refused.status_code == 403
    assert resent.status_code == 201, resent.get_json()
    body = resent.get_json()
    assert (body["kind"], body["status"], body["invoice_id"]) == (
        "invoice_resent",
        "pending",
        invoice_id,
    )
    assert sender.send_due() == 1
    mails = smtp.mailbox.to("m3@maler.example")
    assert len(mails) == 2 and mails[0]["Subject"] == mails[1]["Subject"]
    assert attachment(mails[1])[1] == attachment(mails[0])[1]
    log = notify.client.get("/api/v1/deliveries?member_id=3", headers=admin).get_json()
    assert [(d["kind"], d["status"], d["invoice_id"]) for d in log] == [
        ("invoice_resent", "sent", invoice_id),
        ("invoice", "sent", invoice_id),
    ]
    both = notify.client.get(f"/api/v1/invoices/{invoice_id}/deliveries", headers=admin)
    assert [d["kind"] for d in both.get_json()] == ["invoice", "invoice_resent"]
    unknown = notify.client.post("/api/v1/invoices/999/resend", headers=admin)
    assert unknown.status_code == 404 and set(unknown.get_json()) == {"error", "details"}


def test_a_member_who_turned_emails_off_gets_its_invoice_only_when_the_office_asks(
    received: int,
    billing: Service,
    notify: Service,
    smtp: SmtpServer,
    sender: MailSender,
    admin: Headers,
) -> None:
    react = handlers(notify.runtime.settings, notify.runtime.outbox)
    notify.deliver(react, member_registered(4))
    off = {"channels": {"email": False}}
    put = notify.client.put("/api/v1/members/4/preferences", json=off, headers=admin)
    assert put.status_code == 200
    [body] = [b for b in billing.outbox("billing.invoice.issued") if b["payload"]["member_id"] == 4]
    notify.deliver(react, events.load(body))
    assert sender.send_due() == 0

    invoice_id = body["payload"]["invoice_id"]
    assert (
        notify.client.post(f"/api/v1/invoices/{invoice_id}/resend", headers=admin).status_code
        == 201
    )

    assert sender.send_due() == 1
    [mail] = smtp.mailbox.to("m4@maler.example")
    assert mail["Subject"].endswith("über 69,97 €")
