"""Each member's savings report after a close, in the app and by e-mail (text and HTML, in
the member's language, euros by locale), and e-mails for confirmed and rejected orders."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from email.message import EmailMessage
from typing import TYPE_CHECKING

import pytest

from notify.adapters.mail import MailSender
from shared.events import Event
from tests.support.notify_events import (
    CLOSED,
    after,
    placed_at,
    reactions,
    register_members,
    two_orders,
)
from tests.support.smtp import SmtpServer

if TYPE_CHECKING:
    from tests.api.conftest import Service

D = Decimal
SAVED = {1: "31.00", 2: "50.20", 3: "57.80", 4: "67.00"}


@pytest.fixture
def sender(notify: Service, smtp: SmtpServer) -> MailSender:
    settings = dataclasses.replace(notify.runtime.settings, smtp_port=smtp.port)
    return MailSender(notify.runtime.sessions, settings)


@pytest.fixture
def react(notify: Service) -> dict:
    handlers = reactions(notify)
    register_members(notify, handlers)
    return handlers


def text_of(message: EmailMessage) -> str:
    """The plain text part; euros keep a no-break space before the sign, read here as a space."""
    return message.get_body(("plain",)).get_content().replace("\xa0", " ")


def report(notify: Service, member_id: int, window_id: int = 1) -> dict:
    response = notify.client.get(
        f"/api/v1/members/{member_id}/reports/{window_id}",
        headers=notify.token("member", member_id),
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_every_member_has_its_report_with_lines_that_add_up(notify: Service, react: dict) -> None:
    notify.deliver(react, placed_at(CLOSED))

    for member_id, saved in SAVED.items():
        body = report(notify, member_id)
        assert D(body["window"]["saved"]) == D(saved)
        assert sum(D(line["saved"]) for line in body["lines"]) == D(saved)
        assert sum(D(line["alone"]) for line in body["lines"]) == D(body["window"]["baseline"])
    lines = report(notify, 3)["lines"]
    assert [(x["sku"], x["quantity"], x["unit_price"], x["paid"]) for x in lines] == [
        ("DISP-10L", "8", "38.00", "304.00"),
        ("SIL-300", "20", "4.20", "84.00"),
    ]
    assert [(x["alone"], x["saved"]) for x in lines] == [("349.29", "45.29"), ("96.51", "12.51")]


def test_the_report_is_in_the_app(notify: Service, react: dict) -> None:
    notify.deliver(react, placed_at(CLOSED))

    listed = notify.client.get("/api/v1/notifications", headers=notify.token("member", 2))
    [note] = [n for n in listed.get_json() if n["kind"] == "savings_report"]
    assert note["details"]["window"] == {"baseline": "176.20", "paid": "126.00", "saved": "50.20"}
    assert note["subject"] == "Ihre Ersparnis in Runde 1: 50,20 €"


def test_the_report_mail_in_german_and_english(
    notify: Service, react: dict, smtp: SmtpServer, sender: MailSender
) -> None:
    notify.deliver(react, placed_at(CLOSED))
    assert sender.send_due(now=after(CLOSED, seconds=30)) == 4  # the order mails only
    assert sender.send_due(now=after(CLOSED, seconds=61)) == 4  # then the reports

    [_, german] = smtp.mailbox.to("office1@betrieb.example")
    assert german["Subject"] == "Ihre Ersparnis in Runde 1: 31,00 €"
    text = text_of(german)
    assert "DISP-10L: 6 zu 38,00 € je Einheit" in text
    assert "im Pool bezahlt 228,00 €, allein (anteilig) 259,00 €, gespart 31,00 €" in text
    assert "Seit Jahresbeginn 2026 gespart: 31,00 €" in text
    html = german.get_body(("html",)).get_content()
    assert "<td>DISP-10L</td>" in html and "31,00\xa0€" in html

    [_, english] = smtp.mailbox.to("office3@betrieb.example")
    assert english["Subject"] == "Your savings in round 1: €57.80"
    text = text_of(english)
    assert "SIL-300: 20 at €4.20 per unit" in text
    assert "paid in the pool €84.00, alone (share) €96.51, saved €12.51" in text
    assert "saved:                     €57.80" in text


def test_every_mail_has_a_one_click_unsubscribe_link(
    notify: Service, react: dict, smtp: SmtpServer, sender: MailSender
) -> None:
    notify.deliver(react, placed_at(CLOSED))
    sender.send_due(now=after(CLOSED, minutes=5))

    assert len(smtp.mailbox.messages) == 8
    for message in smtp.mailbox.messages:
        link = message["List-Unsubscribe"].strip("<>")
        assert link.startswith("http://127.0.0.1:8000/unsubscribe/")  # the web service
        assert link in text_of(message)


def test_the_report_waits_for_all_orders_of_the_window(
    notify: Service, react: dict, smtp: SmtpServer, sender: MailSender
) -> None:
    for order in two_orders(CLOSED):
        notify.deliver(react, order)
    sender.send_due(now=after(CLOSED, minutes=5))

    [report_mail] = [
        m for m in smtp.mailbox.to("office1@betrieb.example") if "Ersparnis" in m["Subject"]
    ]
    text = text_of(report_mail)
    assert "DISP-10L: 6" in text and "ROLLE-25: 5" in text
    assert "gespart:                   41,00 €" in text
    body = report(notify, 1)
    assert sum(D(line["saved"]) for line in body["lines"]) == D("41.00")


def test_the_year_to_date_counts_this_years_windows(notify: Service, react: dict) -> None:
    notify.deliver(react, placed_at(CLOSED.replace(year=2025), order_id=1, window_id=1))
    notify.deliver(react, placed_at(CLOSED, order_id=2, window_id=2))
    notify.deliver(react, placed_at(after(CLOSED, days=7), order_id=3, window_id=3))

    assert report(notify, 4, 2)["year_to_date"]["saved"] == "67.00"
    third = report(notify, 4, 3)
    assert (third["year"], third["year_to_date"]["saved"]) == (2026, "134.00")


def test_a_redelivered_close_reports_once(
    notify: Service, react: dict, smtp: SmtpServer, sender: MailSender
) -> None:
    event = placed_at(CLOSED)
    notify.deliver(react, event)
    notify.deliver(react, event)
    sender.send_due(now=after(CLOSED, minutes=5))

    assert len(smtp.mailbox.messages) == 8
    assert report(notify, 1)["window"]["saved"] == "31.00"
    assert len(report(notify, 1)["lines"]) == 1


def decided(kind: str, **fields: object) -> Event:
    payload = {"order_id": 1, "window_id": 1, "supplier_id": 1, "need_ids": [1, 2, 3, 4, 5]}
    return Event.of(f"pooling.order.{kind}", payload | fields)


def test_a_confirmed_order_is_mailed_once_with_its_delivery_date(
    notify: Service, react: dict, smtp: SmtpServer, sender: MailSender
) -> None:
    notify.deliver(react, placed_at(CLOSED))
    sender.send_due(now=after(CLOSED, minutes=5))
    before = len(smtp.mailbox.messages)
    confirmed = decided("confirmed", expected_delivery=date(2026, 3, 19))

    notify.deliver(react, confirmed)
    notify.deliver(react, confirmed)  # redelivered
    sender.send_due(now=after(CLOSED, minutes=10))

    mails = smtp.mailbox.messages[before:]
    assert sorted(m["To"] for m in mails) == [f"office{n}@betrieb.example" for n in (1, 2, 3, 4)]
    [german] = [m for m in mails if m["To"] == "office1@betrieb.example"]
    assert german["Subject"] == "Sammelbestellung 1 ist bestätigt: Lieferung am 19. März 2026"
    [english] = [m for m in mails if m["To"] == "office3@betrieb.example"]
    assert "Expected delivery: 19 March 2026." in text_of(english)


def test_a_rejected_order_is_mailed_once_with_its_reason(
    notify: Service, react: dict, smtp: SmtpServer, sender: MailSender
) -> None:
    notify.deliver(react, placed_at(CLOSED))
    sender.send_due(now=after(CLOSED, minutes=5))
    before = len(smtp.mailbox.messages)
    zero = {"baseline": D(0), "paid": D(0), "saved": D(0)}
    rejected = decided(
        "rejected",
        reason="Silikon ist ausverkauft",
        member_savings=[{"member_id": m} | zero for m in (1, 2, 3, 4)],
    )

    notify.deliver(react, rejected)
    notify.deliver(react, rejected)
    sender.send_due(now=after(CLOSED, minutes=10))

    mails = smtp.mailbox.messages[before:]
    assert len(mails) == 4
    [german] = [m for m in mails if m["To"] == "office2@betrieb.example"]
    assert german["Subject"] == "Sammelbestellung 1 wurde abgelehnt"
    assert "Grund: Silikon ist ausverkauft" in text_of(german)
    assert (
        notify.client.get(
            "/api/v1/members/2/reports/1", headers=notify.token("member", 2)
        ).get_json()["lines"]
        == []
    )
    listed = notify.client.get("/api/v1/notifications", headers=notify.token("member", 2))
    [note] = [n for n in listed.get_json() if n["kind"] == "savings_report"]
    assert note["details"]["window"]["saved"] == "0.00"
    assert note["details"]["lines"] == []


def test_a_member_without_email_gets_none_and_without_app_nothing_there(
    notify: Service, react: dict, smtp: SmtpServer, sender: MailSender
) -> None:
    for member_id, channels in (
        (1, {"app": True, "email": False}),
        (2, {"app": False, "email": True}),
    ):
        response = notify.client.put(
            f"/api/v1/members/{member_id}/preferences",
            json={"channels": channels},
            headers=notify.token("member", member_id),
        )
        assert response.status_code == 200
    notify.deliver(react, placed_at(CLOSED))
    sender.send_due(now=after(CLOSED, minutes=5))

    assert smtp.mailbox.to("office1@betrieb.example") == []
    assert len(smtp.mailbox.to("office2@betrieb.example")) == 2
    notify.deliver(react, decided("confirmed", expected_delivery=date(2026, 3, 19)))
    shown = notify.client.get("/api/v1/notifications", headers=notify.token("member", 2))
    assert shown.get_json() == []  # neither the order, its confirmation nor the report


def test_every_notification_is_in_the_members_language(notify: Service, react: dict) -> None:
    notify.deliver(react, placed_at(CLOSED))
    notify.deliver(react, decided("confirmed", expected_delivery=date(2026, 3, 19)))

    def subjects(member_id: int) -> dict[str, str]:
        headers = notify.token("member", member_id)
        listed = notify.client.get("/api/v1/notifications", headers=headers).get_json()
        return {n["kind"]: n["subject"] for n in listed}

    assert subjects(1) == {
        "order_placed": "Sammelbestellung 1: Sie zahlen 228,00 €",
        "order_confirmed": "Sammelbestellung 1 ist bestätigt: Lieferung am 19. März 2026",
        "savings_report": "Ihre Ersparnis in Runde 1: 31,00 €",
    }
    assert subjects(3) == {
        "order_placed": "Pooled order 1: you pay €388.00",
        "order_confirmed": "Pooled order 1 is confirmed: delivery on 19 March 2026",
        "savings_report": "Your savings in round 1: €57.80",
    }
