"""Notify follows the orders: a savings ledger, one notification per member and order and
one e-mail queued per member and order; it keeps a directory of members from catalog."""

from __future__ import annotations

import dataclasses
import logging
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from notify.adapters.orm import Delivery, MemberEntry, Notification, SavingsEntry
from notify.domain.mail import order_placed_mail
from notify.domain.reports import member_lines, order_subject
from notify.service_layer import nudging, savings_reports
from notify.service_layer.outgoing import Outgoing, preload, recipient
from shared.events import Event
from shared.logging import correlated
from shared.outbox import Outbox
from shared.settings import Settings

log = logging.getLogger(__name__)


def on_order_placed(
    session: Session, event: Event, outbox: Outbox, outgoing: Outgoing | None = None
) -> None:
    data = event.payload
    for savings in data["member_savings"]:
        member_id = savings["member_id"]
        _record_savings(session, outbox, data["window_id"], savings)
        lines = member_lines(data["lines"], member_id)
        paid = sum((Decimal(line["paid"]) for line in lines), Decimal("0.00"))
        _notify(
            session,
            member_id,
            data,
            "order_placed",
            order_subject(data["order_id"], paid, savings["saved"]),
            {"lines": lines, "paid": format(paid, "f"), "window": _window_text(savings)},
        )
        _queue_mail(
            session, member_id, data, lines, savings, outgoing or Outgoing.from_settings(None)
        )
    _trace_needs(data)


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


def _queue_mail(
    session: Session,
    member_id: int,
    order: dict,
    lines: list[dict],
    savings: dict,
    outgoing: Outgoing,
) -> None:
    """One e-mail per member and order, sent later by the mail sender; a member without a
    known address gets a failed delivery the admin can see."""
    exists = session.scalar(
        select(Delivery.id).where(
            Delivery.member_id == member_id,
            Delivery.order_id == order["order_id"],
            Delivery.kind == "order_placed",
            Delivery.channel == "email",
        )
    )
    if exists is not None:
        return
    to = recipient(session, member_id)
    if not to.preferences.email:
        return
    unsubscribe = outgoing.unsubscribe_url(member_id)
    mail = order_placed_mail(to.language, to.name, order, lines, savings, unsubscribe)
    delivery = Delivery(
        member_id=member_id,
        order_id=order["order_id"],
        kind="order_placed",
        channel="email",
        to=to.email or "",
        subject=mail.subject[:200],
        body=mail.body,
        unsubscribe_url=unsubscribe,
        status="pending",
        attempts=0,
    )
    if not to.email:
        delivery.status = "failed"
        delivery.last_error = f"no e-mail address known for member {member_id}"
    session.add(delivery)


def on_member_registered(session: Session, event: Event) -> None:
    """Keep the directory current: the newest registration of a member wins."""
    data = event.payload
    member = session.get(MemberEntry, data["member_id"])
    if member is None:
        member = MemberEntry(member_id=data["member_id"])
        session.add(member)
    for key in ("name", "trade", "email", "postcode", "language"):
        setattr(member, key, data[key])


def _record_savings(session: Session, outbox: Outbox, window_id: int, savings: dict) -> None:
    """Once per member and window, whichever of the window's orders arrives first."""
    key = (savings["member_id"], window_id)
    if session.get(SavingsEntry, key) is not None:
        return
    entry = SavingsEntry(
        member_id=key[0],
        window_id=window_id,
        baseline=savings["baseline"],
        paid=savings["paid"],
        saved=savings["saved"],
    )
    session.add(entry)
    payload = {"member_id": key[0], "window_id": window_id} | {
        k: savings[k] for k in ("baseline", "paid", "saved")
    }
    outbox.add(session, Event("notify.savings.reported", payload))


def _correct_savings(session: Session, window_id: int, savings: dict) -> None:
    """A rejected order changes the window's result: the newer figures replace the older."""
    entry = session.get(SavingsEntry, (savings["member_id"], window_id))
    if entry is None:
        entry = SavingsEntry(member_id=savings["member_id"], window_id=window_id)
        session.add(entry)
    entry.baseline, entry.paid, entry.saved = savings["baseline"], savings["paid"], savings["saved"]


def on_order_decided(session: Session, event: Event) -> None:
    data = event.payload
    confirmed = event.event_type == "pooling.order.confirmed"
    kind = "order_confirmed" if confirmed else "order_rejected"
    members = session.scalars(
        select(Notification.member_id).where(
            Notification.order_id == data["order_id"], Notification.kind == "order_placed"
        )
    ).all()
    if confirmed:
        when = data["expected_delivery"]
        subject = f"Order {data['order_id']} is confirmed" + (f"; delivery {when}" if when else "")
        details = {"expected_delivery": when.isoformat() if when else None}
    else:
        subject = f"Order {data['order_id']} was rejected; your needs go into the next pool"
        details = {"reason": data["reason"]}
        for savings in data["member_savings"]:
            _correct_savings(session, data["window_id"], savings)
    for member_id in members:
        _notify(session, member_id, data, kind, subject, details)


def _notify(
    session: Session, member_id: int, order: dict, kind: str, subject: str, details: dict
) -> None:
    exists = session.scalar(
        select(Notification.id).where(
            Notification.member_id == member_id,
            Notification.order_id == order["order_id"],
            Notification.kind == kind,
        )
    )
    if exists is None:
        session.add(
            Notification(
                member_id=member_id,
                order_id=order["order_id"],
                window_id=order["window_id"],
                kind=kind,
                subject=subject,
                details=details,
            )
        )


def _window_text(savings: dict) -> dict[str, str]:
    return {k: format(savings[k], "f") for k in ("baseline", "paid", "saved")}


def handlers(outbox: Outbox, settings: Settings | None = None, **options: Any) -> dict:
    """The reaction to each event; ``settings`` give the e-mails their unsubscribe links,
    ``options`` override parts of how notify writes (see ``Outgoing``)."""
    outgoing = dataclasses.replace(Outgoing.from_settings(settings), **options)

    def placed(session: Session, event: Event) -> None:
        preload(session, [s["member_id"] for s in event.payload["member_savings"]])
        on_order_placed(session, event, outbox, outgoing)
        savings_reports.on_order_placed(session, event, outgoing)

    def decided(session: Session, event: Event) -> None:
        on_order_decided(session, event)
        savings_reports.on_order_decided(session, event, outgoing)

    return {
        "pooling.order.placed": placed,
        "pooling.order.confirmed": decided,
        "pooling.order.rejected": decided,
        "pooling.pool.progressed": lambda s, e: nudging.on_pool_progressed(s, e, outgoing),
        "catalog.member.registered": on_member_registered,
    }
