"""Notify follows the orders: a savings ledger, what each member is told of its orders
(``messages``) and the window's savings reports; it keeps a directory of members from
catalog."""

from __future__ import annotations

import logging

from notify.adapters.orm import MemberEntry, SavingsEntry
from notify.domain.savings import Totals
from notify.service_layer import savings_reports
from notify.service_layer.messages import tell_order_decided, tell_order_placed
from notify.service_layer.outgoing import Outgoing, address_waiting_emails
from notify.service_layer.unit_of_work import UnitOfWork
from shared.events import (
    DepotServed,
    MemberRegistered,
    OrderConfirmed,
    OrderPlaced,
    OrderReceived,
    OrderRejected,
    SavingsReported,
)
from shared.logging import correlated

log = logging.getLogger(__name__)
WINDOW = ("baseline", "paid", "saved")


def on_order_placed(event: OrderPlaced, uow: UnitOfWork, outgoing: Outgoing) -> None:
    """Each member of the order: its window's savings, the order, the window's report."""
    data = event.payload
    uow.members.load([s["member_id"] for s in event.member_savings])
    for savings in event.member_savings:
        _record_savings(uow, event.window_id, savings)
        tell_order_placed(uow, outgoing, savings["member_id"], data, savings)
    savings_reports.report_order(uow, event, outgoing)
    _trace_needs(data)


def on_depot_served(event: DepotServed, uow: UnitOfWork, outgoing: Outgoing) -> None:
    """The depot served members at a close (rule 11): their window's savings (the same
    figures as in the window's orders) and the parts in the window's report."""
    uow.members.load([s["member_id"] for s in event.member_savings])
    for savings in event.member_savings:
        _record_savings(uow, event.window_id, savings)
    savings_reports.report_depot(uow, event, outgoing)


def on_order_decided(
    event: OrderConfirmed | OrderRejected, uow: UnitOfWork, outgoing: Outgoing
) -> None:
    """A confirmed or rejected order is told to each member with a need in it, once; a
    rejection takes the order out of the window's savings and reports, declined lines
    (rule 8) take their needs out and the order's new fee shares in; a member whose
    window result changed gets its report e-mail rewritten, or one correction."""
    data = event.payload
    confirmed = event.event_type == "pooling.order.confirmed"
    members = savings_reports.members_of(uow, event.order_id)
    changed = {}
    for savings in event.member_savings:  # after a rejection, or lines declined
        was = _correct_savings(uow, event.window_id, savings)
        if was is not None:
            changed[savings["member_id"]] = was
    members |= {s["member_id"] for s in event.member_savings}
    if not confirmed:
        savings_reports.forget_order(uow, event.order_id, event.window_id, members)
    elif event.returned_needs:
        savings_reports.revise_order(uow, data, members)
    for member_id in sorted(members):
        tell_order_decided(uow, outgoing, member_id, data, confirmed=confirmed)
    for member_id, was in sorted(changed.items()):  # one corrected report, never two
        savings_reports.tell_corrected(uow, outgoing, member_id, event.window_id, was)


def on_order_received(event: OrderReceived, uow: UnitOfWork, outgoing: Outgoing) -> None:
    """The office booked what arrived (rule 10, or a correction of it): the members'
    savings and reports follow the received quantities; a member whose window result
    changed gets its waiting report e-mail rewritten, or one correction e-mail."""
    data = event.payload
    window_id = event.window_id
    changed = {}
    for savings in event.member_savings:
        was = _correct_savings(uow, window_id, savings)
        if was is not None:
            changed[savings["member_id"]] = was
    savings_reports.revise_received(uow, data)
    for member_id, was in sorted(changed.items()):
        savings_reports.tell_corrected(uow, outgoing, member_id, window_id, was)


def on_member_registered(event: MemberRegistered, uow: UnitOfWork) -> None:
    """Keep the directory current: the newest registration of a member wins."""
    member = uow.members.get(event.member_id)
    if member is None:
        member = MemberEntry(member_id=event.member_id)
        uow.members.add(member)
    for key in ("name", "trade", "email", "postcode", "language"):
        setattr(member, key, getattr(event, key))
    if member.email:
        address_waiting_emails(uow, member.member_id, member.email)


def _trace_needs(order: dict) -> None:
    """A log line per need under the id it was posted with: a need's story, from the form
    to its member's savings report, can be followed by that id alone."""
    for line in order["lines"]:
        for allocation in line["allocations"]:
            if not allocation.get("correlation_id"):
                continue  # posted before pooling kept the id
            with correlated(allocation["correlation_id"]):
                log.info(
                    "need %s of member %s in order %s: %s paid, in the savings report of window %s",
                    allocation["need_id"],
                    allocation["member_id"],
                    order["order_id"],
                    allocation["paid"],
                    order["window_id"],
                )


def _record_savings(uow: UnitOfWork, window_id: int, savings: dict) -> None:
    """Once per member and window, whichever of the window's orders arrives first."""
    key = (savings["member_id"], window_id)
    if uow.ledger.get(*key) is not None:
        return
    entry = SavingsEntry(
        member_id=key[0],
        window_id=window_id,
        baseline=savings["baseline"],
        paid=savings["paid"],
        saved=savings["saved"],
        flexibility_saved=savings["flexibility_saved"],
    )
    uow.ledger.add(entry)
    payload = {"member_id": key[0], "window_id": window_id} | {
        k: savings[k] for k in ("baseline", "paid", "saved")
    }
    uow.publish(SavingsReported(**payload))


def _correct_savings(uow: UnitOfWork, window_id: int, savings: dict) -> Totals | None:
    """A rejected order, a declined line or a receipt changes the window's result: the
    newer figures replace the older; the older, when they differ (None otherwise)."""
    entry = uow.ledger.get(savings["member_id"], window_id)
    was = None
    if entry is None:
        entry = SavingsEntry(member_id=savings["member_id"], window_id=window_id)
        uow.ledger.add(entry)
    elif (entry.baseline, entry.paid, entry.saved) != tuple(savings[k] for k in WINDOW):
        was = Totals(entry.baseline, entry.paid, entry.saved)
    entry.baseline, entry.paid, entry.saved = (savings[k] for k in WINDOW)
    entry.flexibility_saved = savings["flexibility_saved"]
    return was
