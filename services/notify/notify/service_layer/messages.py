"""What notify tells a member, one function per kind of message: an order placed, an
order confirmed or rejected, a window's savings report, a tier in reach.

Each renders its message from the kind's template in the member's language and
writes it on the channels the member chose (``outgoing``: in the app, by e-mail);
a message already told is not told again when its event comes a second time.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from notify.adapters.orm import Delivery
from notify.adapters.rendering import RenderedMail
from notify.domain.nudges import TierInReach
from notify.domain.reports import member_lines, report_details
from notify.domain.savings import Totals
from notify.service_layer.outgoing import (
    Outgoing,
    Recipient,
    in_app,
    queue_email,
    recipient,
)
from notify.service_layer.unit_of_work import UnitOfWork

WINDOW = ("baseline", "paid", "saved")


def tell_order_placed(
    uow: UnitOfWork, outgoing: Outgoing, member_id: int, order: dict, savings: dict
) -> None:
    """The member's lines of a placed order, what it pays and what the window saved it."""
    order_id, window_id = order["order_id"], order["window_id"]
    if _told(uow, member_id, "order_placed", order_id):
        return
    lines = member_lines(order["lines"], member_id)
    paid = sum((Decimal(line["paid"]) for line in lines), Decimal("0.00"))
    window = {k: savings[k] for k in WINDOW}
    to = recipient(uow, member_id)
    mail = outgoing.render(
        "order_placed",
        to,
        order_id=order_id,
        window_id=window_id,
        lines=lines,
        paid=paid,
        window=window,
    )
    details = {
        "lines": lines,
        "paid": format(paid, "f"),
        "window": {k: format(v, "f") for k, v in window.items()},
    }
    _tell(uow, outgoing, to, "order_placed", mail, details, window_id, order_id)


def tell_order_decided(
    uow: UnitOfWork, outgoing: Outgoing, member_id: int, order: dict, *, confirmed: bool
) -> None:
    """The supplier's answer to an order with the member's needs: confirmed with the
    expected delivery (and the member's lines it cannot deliver, back in the pool), or
    rejected with its reason."""
    kind = "order_confirmed" if confirmed else "order_rejected"
    order_id, window_id = order["order_id"], order["window_id"]
    if _told(uow, member_id, kind, order_id):
        return
    when: date | None = order.get("expected_delivery")
    reason = order.get("reason", "")
    to = recipient(uow, member_id)
    declined = sorted(
        {n["sku"] for n in order.get("returned_needs", ()) if n["member_id"] == member_id}
    )
    mail = outgoing.render(
        kind,
        to,
        order_id=order_id,
        window_id=window_id,
        expected_delivery=when,
        reason=reason,
        declined=declined,
    )
    details: dict[str, Any] = {"reason": reason}
    if confirmed:
        details = {"expected_delivery": when.isoformat() if when else None, "declined": declined}
    _tell(uow, outgoing, to, kind, mail, details, window_id, order_id)


def tell_savings_report(
    uow: UnitOfWork, outgoing: Outgoing, member_id: int, report: dict, closed_at: datetime
) -> None:
    """The window's report: a later order of the same window brings its lines into the
    report in the app and into the e-mail while that still waits to be sent."""
    to = recipient(uow, member_id)
    mail = outgoing.render("savings_report", to, **report)
    window_id, details = report["window_id"], report_details(report)
    kind = "savings_report"
    note = uow.notifications.first(member_id, kind, order_id=None, window_id=window_id)
    if note is not None:
        note.subject, note.details = mail.subject, details
    else:
        in_app(uow, to, kind, mail.subject, details, window_id=window_id)
    queued = uow.deliveries.first(member_id, kind, order_id=None, window_id=window_id)
    if queued is None:
        due = closed_at + outgoing.report_delay
        queue_email(uow, outgoing, to, kind, mail, window_id=window_id, due=due)
    elif _waiting(queued):
        _rewrite(queued, mail)


def tell_savings_corrected(
    uow: UnitOfWork, outgoing: Outgoing, member_id: int, report: dict, was: Totals
) -> None:
    """The member's window result changed after its report (a short receipt, a decline,
    a rejection; ``was``: the result before): a report e-mail still waiting is rendered
    again with the final figures; one already sent gets one correction e-mail, which is
    itself rendered again while it waits (a burst of changes makes one e-mail)."""
    window_id = report["window_id"]
    to = recipient(uow, member_id)
    sent = uow.deliveries.first(member_id, "savings_report", order_id=None, window_id=window_id)
    if sent is None:
        return  # no report by e-mail: the app's report shows the window as it stands
    if _waiting(sent):
        _rewrite(sent, outgoing.render("savings_report", to, **report))
        return
    mail = outgoing.render("savings_corrected", to, was=was, **report)
    waiting = uow.deliveries.waiting(member_id, "savings_corrected", window_id)
    if waiting is not None:
        _rewrite(waiting, mail)
        return
    due = outgoing.clock() + outgoing.report_delay
    queue_email(uow, outgoing, to, "savings_corrected", mail, window_id=window_id, due=due)


def _waiting(delivery: Delivery) -> bool:
    """An e-mail not tried yet: it can still say something else."""
    return delivery.status == "pending" and delivery.attempts == 0


def _rewrite(delivery: Delivery, mail: RenderedMail) -> None:
    delivery.subject, delivery.body, delivery.html = mail.subject, mail.text, mail.html


def tell_nudge(
    uow: UnitOfWork, outgoing: Outgoing, member_id: int, tier: TierInReach, when: datetime
) -> None:
    """A product close to its next tier: how much is missing and what everyone would save;
    shown and sent at ``when`` (after the member's quiet hours)."""
    context = {
        "sku": tier.sku,
        "missing": tier.missing,
        "unit_price": tier.unit_price,
        "next_unit_price": tier.next_unit_price,
        "everyone_saves": tier.everyone_saves,
    }
    to = recipient(uow, member_id)
    mail = outgoing.render("nudge", to, **context)
    details = {k: str(v) for k, v in context.items()}
    _tell(uow, outgoing, to, "nudge", mail, details, tier.window_id, when=when)


def _told(uow: UnitOfWork, member_id: int, kind: str, order_id: int) -> bool:
    """Whether the member was told of the order on either channel already."""
    found = uow.notifications.first(
        member_id, kind, order_id=order_id, window_id=None
    ) or uow.deliveries.first(member_id, kind, order_id=order_id, window_id=None)
    return found is not None


def _tell(
    uow: UnitOfWork,
    outgoing: Outgoing,
    to: Recipient,
    kind: str,
    mail: RenderedMail,
    details: dict[str, Any],
    window_id: int,
    order_id: int | None = None,
    when: datetime | None = None,
) -> None:
    """In the app (the mail's subject, ``details`` to show) and by e-mail."""
    in_app(
        uow,
        to,
        kind,
        mail.subject,
        details,
        window_id=window_id,
        order_id=order_id,
        shown_from=when,
    )
    queue_email(uow, outgoing, to, kind, mail, order_id=order_id, window_id=window_id, due=when)
