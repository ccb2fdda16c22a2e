"""Savings statements of a member (a month or a year, set against the membership fee, with
what its windows were invoiced beside) and the cooperative's savings by month, supplier and
trade; every sum exact to the cent.

A read side (cosmicpython's views): these only read, straight from the session, and
change nothing; the handlers that write go through the unit of work."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from notify.adapters.orm import MemberEntry, SavingsEntry
from notify.adapters.orm_invoices import InvoiceEntry
from notify.adapters.orm_savings import Preferences, SavingsLine
from notify.domain.invoiced import Invoiced, by_window
from notify.domain.savings import Line, Statement, Totals, fee_for, report_lines
from notify.service_layer.periods import BERLIN, windows_in


def _totals(entries: list[SavingsEntry]) -> Totals:
    return sum((Totals(e.baseline, e.paid, e.saved) for e in entries), Totals())


def _figures(t: Totals) -> dict[str, Decimal]:
    return {"baseline": t.baseline, "paid": t.paid, "saved": t.saved}


def _invoiced_figures(i: Invoiced) -> dict[str, Decimal]:
    return {"invoiced_gross": i.gross, "invoiced_vat": i.vat}


def invoiced_windows(session: Session, member_id: int, window_ids: set[int]) -> dict[int, Invoiced]:
    """What each of the member's windows was invoiced, credit notes taken off."""
    if not window_ids:
        return {}
    rows = session.execute(
        select(
            InvoiceEntry.window_id,
            InvoiceEntry.kind,
            InvoiceEntry.gross_total,
            InvoiceEntry.vat_total,
        ).where(InvoiceEntry.member_id == member_id, InvoiceEntry.window_id.in_(window_ids))
    )
    return by_window((w, Invoiced.of(kind, gross, vat)) for w, kind, gross, vat in rows)


def member_statement(
    session: Session, member_id: int, year: int, month: int | None, default_fee: Decimal
) -> dict[str, Any]:
    """A member's statement: its windows in the period, their sum, the fee for the period
    (the yearly fee, or a twelfth of it) and what remains after it; a year per month too."""
    entries = windows_in(session, year, month, member_id)
    preferences = session.get(Preferences, member_id)
    yearly_fee = preferences.membership_fee if preferences is not None else None
    yearly_fee = default_fee if yearly_fee is None else yearly_fee
    statement = Statement(year, month, _totals(entries), len(entries), fee_for(yearly_fee, month))
    member = session.get(MemberEntry, member_id)
    invoiced = invoiced_windows(session, member_id, {e.window_id for e in entries})
    body: dict[str, Any] = {
        "member_id": member_id,
        "member_name": member.name if member else None,
        "year": year,
        "month": month,
        **_figures(statement.totals),
        **_invoiced_figures(sum(invoiced.values(), Invoiced())),
        "membership_fee": statement.fee,
        "yearly_membership_fee": yearly_fee,
        "net": statement.net,
        "covers_fee": statement.covers_fee,
        "windows": [
            {
                "window_id": e.window_id,
                "closed_at": e.recorded_at,
                **_figures(Totals(e.baseline, e.paid, e.saved)),
                **_invoiced_figures(invoiced.get(e.window_id, Invoiced())),
            }
            for e in entries
        ],
    }
    if month is None:
        body["months"] = _by_month(entries, yearly_fee, invoiced)
    return body


def _by_month(
    entries: list[SavingsEntry],
    yearly_fee: Decimal | None = None,
    invoiced: dict[int, Invoiced] | None = None,
) -> list[dict]:
    months: dict[int, list[SavingsEntry]] = defaultdict(list)
    for entry in entries:
        months[entry.recorded_at.astimezone(BERLIN).month].append(entry)
    rows = []
    for month in range(1, 13):
        row: dict[str, Any] = {"month": month, "windows": len(months[month])}
        row |= _figures(_totals(months[month]))
        if yearly_fee is not None:
            row["membership_fee"] = fee_for(yearly_fee, month)
        if invoiced is not None:
            windows = (invoiced.get(e.window_id, Invoiced()) for e in months[month])
            row |= _invoiced_figures(sum(windows, Invoiced()))
        rows.append(row)
    return rows


def cooperative_savings(session: Session, year: int) -> dict[str, Any]:
    """The cooperative's year: savings per month, per supplier and per trade."""
    entries = windows_in(session, year)
    total = _totals(entries)
    return {
        "year": year,
        **_figures(total),
        "members": len({e.member_id for e in entries}),
        "months": _by_month(entries),
        "suppliers": _by_supplier(session, entries),
        "trades": _by_trade(session, entries),
    }


def _by_supplier(session: Session, entries: list[SavingsEntry]) -> list[dict[str, Any]]:
    """Each window's saving split over its lines (see ``report_lines``), summed by supplier;
    a window whose orders were all rejected has no lines and counts under no supplier."""
    windows = {(e.member_id, e.window_id): e for e in entries}
    lines: dict[tuple[int, int], list[Line]] = defaultdict(list)
    if windows:
        rows = session.scalars(
            select(SavingsLine)
            .where(SavingsLine.window_id.in_({w for _, w in windows}))
            .order_by(SavingsLine.order_id, SavingsLine.need_id)
        )
        for r in rows:
            if (r.member_id, r.window_id) in windows:
                line = Line(r.sku, r.quantity, r.unit_price, r.paid, r.supplier_id, r.order_id)
                lines[(r.member_id, r.window_id)].append(line)
    by_supplier: dict[int | None, Totals] = defaultdict(Totals)
    for key, entry in windows.items():
        if not lines[key]:
            by_supplier[None] += Totals(entry.baseline, entry.paid, entry.saved)
            continue
        for line in report_lines(lines[key], entry.baseline):
            by_supplier[line.supplier_id] += Totals(line.alone, line.paid, line.saved)
    ordered = sorted(by_supplier.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
    return [{"supplier_id": s, **_figures(t)} for s, t in ordered]


def _by_trade(session: Session, entries: list[SavingsEntry]) -> list[dict[str, Any]]:
    trades = dict(session.execute(select(MemberEntry.member_id, MemberEntry.trade)).all())
    by_trade: dict[str, Totals] = defaultdict(Totals)
    members: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        trade = trades.get(entry.member_id, "unknown")
        by_trade[trade] += Totals(entry.baseline, entry.paid, entry.saved)
        members[trade].add(entry.member_id)
    return [
        {"trade": trade, "members": len(members[trade]), **_figures(t)}
        for trade, t in sorted(by_trade.items())
    ]
