"""What a member notices of notify's handlers, on a unit of work in memory: a window's
report queued once, in the member's language and on the channels it chose; an order
e-mail that waits for the member's address; a corrected report; a nudge told once."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from notify.service_layer import nudging, reactions
from shared.events import Event
from tests.support.notify_events import CLOSED, after
from tests.unit.notify.fakes import FakeUnitOfWork
from tests.unit.notify.scenes import (
    NIGHT_HOURS,
    REPORT_DELAY,
    arrived,
    member_registered,
    outgoing,
    placed_at,
    prefer,
    progressed,
    received_short,
    with_members,
)


def mails(uow: FakeUnitOfWork, member_id: int, kind: str) -> list:
    return [d for d in uow.deliveries.rows if (d.member_id, d.kind) == (member_id, kind)]


def test_a_report_is_queued_once_in_each_members_language() -> None:
    uow = with_members((1, "de"), (2, "de"), (3, "en"), (4, "de"))
    placed = placed_at(CLOSED)

    reactions.on_order_placed(placed, uow, outgoing())
    reactions.on_order_placed(placed, uow, outgoing())  # redelivered

    [german] = mails(uow, 1, "savings_report")
    [english] = mails(uow, 3, "savings_report")
    assert german.subject == "Ihre Ersparnis in Runde 1: 31,00 €"
    assert english.subject == "Your savings in round 1: €57.80"
    assert german.next_attempt_at == CLOSED + REPORT_DELAY  # every order of the close in it
    assert (german.to, german.status) == ("office1@betrieb.example", "pending")
    assert len(mails(uow, 1, "order_placed")) == 1
    reported = [e for e in uow.published if e.event_type == "notify.savings.reported"]
    assert sorted(e.member_id for e in reported) == [1, 2, 3, 4]


def test_a_member_who_turned_emails_off_reads_the_report_in_the_app_only() -> None:
    uow = with_members((1, "de"))
    prefer(uow, 1, email=False)

    reactions.on_order_placed(placed_at(CLOSED), uow, outgoing())

    assert mails(uow, 1, "savings_report") == []
    [note] = uow.notifications.where(member_id=1, kind="savings_report")
    assert note.details["window"]["saved"] == "31.00"


def test_a_members_language_in_its_preferences_wins() -> None:
    uow = with_members((1, "de"))
    prefer(uow, 1, language="en")

    reactions.on_order_placed(placed_at(CLOSED), uow, outgoing())

    [report] = mails(uow, 1, "savings_report")
    assert report.subject == "Your savings in round 1: €31.00"


def test_an_order_email_waits_for_the_address_and_goes_when_it_comes() -> None:
    uow = FakeUnitOfWork()  # the order reaches notify before the members' registrations
    reactions.on_order_placed(placed_at(CLOSED), uow, outgoing())
    [waiting] = mails(uow, 1, "order_placed")
    assert (waiting.status, waiting.to) == ("failed", "")

    reactions.on_member_registered(member_registered(1), uow)

    assert (waiting.status, waiting.to) == ("pending", "office1@betrieb.example")
    assert waiting.last_error is None
    assert {d.status for d in mails(uow, 2, "order_placed")} == {"failed"}  # still unknown


def test_a_correction_rewrites_the_report_that_still_waits() -> None:
    uow = with_members((1, "de"), (3, "en"))
    reactions.on_order_placed(placed_at(CLOSED), uow, outgoing())

    reactions.on_order_received(received_short(), uow, outgoing(after(CLOSED, minutes=2)))

    [report] = mails(uow, 1, "savings_report")
    assert report.subject == "Ihre Ersparnis in Runde 1: 29,00 €"
    assert mails(uow, 1, "savings_corrected") == []
    assert uow.ledger.get(1, 1).saved == 29  # the ledger holds the final figures


def test_a_sent_report_gets_one_correction_which_a_later_change_rewrites() -> None:
    uow = with_members((1, "de"))
    reactions.on_order_placed(placed_at(CLOSED), uow, outgoing())
    [report] = mails(uow, 1, "savings_report")
    report.status, report.attempts = "sent", 1
    received = received_short()

    reactions.on_order_received(received, uow, outgoing(after(CLOSED, hours=1)))
    reactions.on_order_received(received, uow, outgoing(after(CLOSED, hours=1)))

    [correction] = mails(uow, 1, "savings_corrected")
    assert correction.subject == "Berichtigt: Ihre Ersparnis in Runde 1: 29,00 €"
    assert "(bisher 31,00\xa0€)" in correction.body
    less = dataclasses.replace(
        received,
        member_savings=[{**received.member_savings[0], "paid": Decimal(200), "saved": Decimal(19)}],
    )
    reactions.on_order_received(less, uow, outgoing(after(CLOSED, hours=2)))
    assert [m.subject for m in mails(uow, 1, "savings_corrected")] == [
        "Berichtigt: Ihre Ersparnis in Runde 1: 19,00 €"
    ]


def rejected(order_id: int = 1) -> Event:
    """Supplier 1 rejects the worked example's order: member 1's window saved nothing."""
    nothing = {"member_id": 1, "baseline": "0.00", "paid": "0.00", "saved": "0.00"}
    return arrived(
        Event.of(
            "pooling.order.rejected",
            {
                "order_id": order_id,
                "window_id": 1,
                "supplier_id": 1,
                "need_ids": [1],
                "reason": "Lager leer",
                "member_savings": [nothing],
            },
        )
    )


def test_a_rejected_order_is_told_and_leaves_the_report() -> None:
    uow = with_members((1, "de"))
    reactions.on_order_placed(placed_at(CLOSED), uow, outgoing())

    reactions.on_order_decided(rejected(), uow, outgoing(after(CLOSED, hours=1)))
    reactions.on_order_decided(rejected(), uow, outgoing(after(CLOSED, hours=1)))

    [told] = mails(uow, 1, "order_rejected")
    assert "Lager leer" in told.body
    assert uow.lines.of_order(1) == []
    [report] = mails(uow, 1, "savings_report")  # still waiting: rewritten, not corrected
    assert report.subject == "Ihre Ersparnis in Runde 1: 0,00 €"
    [note] = uow.notifications.where(member_id=1, kind="savings_report")
    assert note.details["lines"] == []


def test_a_nudge_is_told_once_to_a_member_who_asked() -> None:
    uow = with_members((1, "de"), (2, "de"))
    reactions.on_order_placed(placed_at(CLOSED), uow, outgoing())  # member 1 bought DISP-10L
    prefer(uow, 1, nudge_bought=True)
    later = outgoing(after(CLOSED, days=7, hours=-2))  # a Thursday, 10:00 in Berlin

    nudging.on_pool_progressed(progressed(), uow, later)
    nudging.on_pool_progressed(progressed(missing="2"), uow, later)

    [nudge] = mails(uow, 1, "nudge")
    assert nudge.subject == "DISP-10L: noch 3 bis zur nächsten Preisstaffel"
    assert [n.member_id for n in uow.nudges.rows] == [1]
    assert mails(uow, 2, "nudge") == []  # did not ask


def test_a_nudge_in_quiet_hours_waits_until_they_end() -> None:
    uow = with_members((1, "de"))
    reactions.on_order_placed(placed_at(CLOSED), uow, outgoing())
    prefer(uow, 1, nudge_bought=True, **NIGHT_HOURS)
    evening = after(CLOSED, days=7, hours=11)  # 23:00 in Berlin

    nudging.on_pool_progressed(progressed(), uow, outgoing(evening))

    [nudge] = mails(uow, 1, "nudge")
    assert nudge.next_attempt_at == after(CLOSED, days=8, hours=-5)  # 07:00 in Berlin
