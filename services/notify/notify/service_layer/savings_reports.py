"""After a close: each member's savings report for the window, from the lines the
member was allocated in the window's orders.

A window's orders arrive as separate events; the report collects the member's
lines from all of them, and its e-mail waits ``report_delay`` after the close so
that it goes out once, complete. A rejected order's lines leave the report. A
redelivered event changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from notify.adapters.orm_savings import SavingsLine
from notify.domain.reports import report_details
from notify.domain.savings import Line, Totals, report_lines
from notify.service_layer.messages import tell_savings_corrected, tell_savings_report
from notify.service_layer.outgoing import Outgoing
from notify.service_layer.periods import berlin_year, year_to_date
from notify.service_layer.unit_of_work import UnitOfWork
from shared.events import DepotServed, Event, OrderPlaced


def report_order(uow: UnitOfWork, event: OrderPlaced, outgoing: Outgoing) -> None:
    """Keep each member's lines of a placed order and tell the window's report again."""
    data = event.payload
    shares: dict[int, list[dict]] = defaultdict(list)
    for line in event.lines:
        for allocation in line["allocations"]:
            shares[allocation["member_id"]].append(
                allocation
                | {k: data[k] for k in ("order_id", "supplier_id")}
                | {k: line[k] for k in ("sku", "unit_price")}
            )
    _report(uow, event, outgoing, shares)


def report_depot(uow: UnitOfWork, event: DepotServed, outgoing: Outgoing) -> None:
    """Keep each member's parts the depot served at the close (rule 11: at book value,
    no fee share; a part names the lot's order and supplier) and tell the report again."""
    shares: dict[int, list[dict]] = defaultdict(list)
    for part in event.allocations:
        shares[part["member_id"]].append(part | {"shipping_share": Decimal("0.00")})
    _report(uow, event, outgoing, shares)


def _report(
    uow: UnitOfWork, event: Event, outgoing: Outgoing, shares: dict[int, list[dict]]
) -> None:
    for savings in event.member_savings:
        member_id = savings["member_id"]
        window_id = event.window_id
        if not _keep_lines(uow, window_id, member_id, shares[member_id], event.occurred_at):
            continue  # seen before
        report = window_report(uow, member_id, window_id)
        if report is not None:
            tell_savings_report(uow, outgoing, member_id, report, event.occurred_at)


def _keep_lines(
    uow: UnitOfWork,
    window_id: int,
    member_id: int,
    shares: list[dict],
    closed_at: datetime,
) -> bool:
    """The member's new lines of the window (each share names its order, supplier, sku
    and unit price); False when they were kept before."""
    known = {(r.order_id, r.need_id) for r in uow.lines.of_window(member_id, window_id)}
    new = [a for a in shares if (a["order_id"], a["need_id"]) not in known]
    fields = ("order_id", "need_id", "supplier_id", "sku", "unit_price", "quantity", "goods")
    for a in new:
        uow.lines.add(
            SavingsLine(
                member_id=member_id,
                window_id=window_id,
                closed_at=closed_at,
                **{k: a[k] for k in (*fields, "shipping_share", "paid")},
            )
        )
    entry = uow.ledger.get(member_id, window_id)
    if new and not known and entry is not None:
        entry.recorded_at = closed_at  # the window counts in the month and year it closed
    return bool(new)


def window_report(uow: UnitOfWork, member_id: int, window_id: int) -> dict[str, Any] | None:
    """The member's report of one window: lines with their share of the price alone, the
    window's figures and the year to date."""
    entry = uow.ledger.get(member_id, window_id)
    if entry is None:
        return None
    rows = uow.lines.of_window(member_id, window_id)
    lines = report_lines(
        [Line(r.sku, r.quantity, r.unit_price, r.paid, r.supplier_id, r.order_id) for r in rows],
        entry.baseline,
    )
    ytd, windows = year_to_date(uow.ledger, member_id, entry.recorded_at)
    return {
        "window_id": window_id,
        "lines": lines,
        "window": Totals(entry.baseline, entry.paid, entry.saved),
        "ytd": ytd,
        "ytd_windows": windows,
        "year": berlin_year(entry.recorded_at),
    }


def _correct_report(uow: UnitOfWork, member_id: int, window_id: int) -> None:
    """After a rejection or a decline the report in the app shows the window as it stands."""
    note = uow.notifications.first(member_id, "savings_report", order_id=None, window_id=window_id)
    report = window_report(uow, member_id, window_id)
    if note is not None and report is not None:
        note.details = report_details(report)


def tell_corrected(
    uow: UnitOfWork, outgoing: Outgoing, member_id: int, window_id: int, was: Totals
) -> None:
    """The member's report of the window, told again by e-mail after its result changed."""
    report = window_report(uow, member_id, window_id)
    if report is not None:
        tell_savings_corrected(uow, outgoing, member_id, report, was)


def forget_order(uow: UnitOfWork, order_id: int, window_id: int, members: set[int]) -> None:
    """A rejected order's lines leave the members' reports."""
    uow.lines.remove(order_id)
    for member_id in sorted(members):
        _correct_report(uow, member_id, window_id)


def revise_order(uow: UnitOfWork, confirmed: dict, members: set[int]) -> None:
    """Lines declined at confirmation (rule 8) leave the reports; the order's other lines
    take the fee shares split again."""
    order_id, window_id = confirmed["order_id"], confirmed["window_id"]
    returned = [need["need_id"] for need in confirmed["returned_needs"]]
    uow.lines.remove(order_id, returned)
    shares = {a["need_id"]: a for line in confirmed["lines"] or () for a in line["allocations"]}
    _revise_lines(uow, order_id, shares)
    for member_id in sorted(members):
        _correct_report(uow, member_id, window_id)


def revise_received(uow: UnitOfWork, received: dict) -> None:
    """The order's lines in the reports take the received quantities and what is paid
    for them; the reports in the app show the window as it stands."""
    shares = {a["need_id"]: a for line in received["lines"] for a in line["allocations"]}
    _revise_lines(uow, received["order_id"], shares, quantity="received")
    members = {a["member_id"] for a in shares.values()}
    for member_id in sorted(members):
        _correct_report(uow, member_id, received["window_id"])


def _revise_lines(uow: UnitOfWork, order_id: int, shares: dict, quantity: str = "") -> None:
    """The order's report lines take each need's new figures (and its ``quantity`` field
    as the quantity, if given)."""
    for row in uow.lines.of_order(order_id):
        share = shares.get(row.need_id)
        if share is None:
            continue
        row.goods, row.shipping_share, row.paid = (
            share[k] for k in ("goods", "shipping_share", "paid")
        )
        if quantity:
            row.quantity = share[quantity]


def members_of(uow: UnitOfWork, order_id: int) -> set[int]:
    """The members with a need in the order: from its lines, or its notifications."""
    told = uow.notifications.members_told(order_id, "order_placed")
    return uow.lines.members_of(order_id) | told
