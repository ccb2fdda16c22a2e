"""Months and years as the cooperative counts them: in Europe/Berlin."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from notify.adapters.orm import SavingsEntry
from notify.domain.savings import Totals
from notify.service_layer.unit_of_work import SavingsLedger

BERLIN = ZoneInfo("Europe/Berlin")


def berlin_year(moment: datetime) -> int:
    return moment.astimezone(BERLIN).year


def period_bounds(year: int, month: int | None) -> tuple[datetime, datetime]:
    """The start (inclusive) and end (exclusive) of a month or a year in Berlin."""
    if month is None:
        start, end = datetime(year, 1, 1, tzinfo=BERLIN), datetime(year + 1, 1, 1, tzinfo=BERLIN)
    else:
        start = datetime(year, month, 1, tzinfo=BERLIN)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=BERLIN)
    return start, end


def windows_in(
    session: Session, year: int, month: int | None = None, member_id: int | None = None
) -> list[SavingsEntry]:
    """The windows recorded in the period (of one member, if given): read side, for the
    statements and the cooperative's savings, straight from the session."""
    start, end = period_bounds(year, month)
    query = select(SavingsEntry).where(
        SavingsEntry.recorded_at >= start, SavingsEntry.recorded_at < end
    )
    if member_id is not None:
        query = query.where(SavingsEntry.member_id == member_id)
    return list(session.scalars(query.order_by(SavingsEntry.recorded_at, SavingsEntry.window_id)))


def year_to_date(ledger: SavingsLedger, member_id: int, until: datetime) -> tuple[Totals, int]:
    """The member's savings from 1 January (Berlin) up to and including ``until``."""
    start, _ = period_bounds(berlin_year(until), None)
    entries = ledger.between(member_id, start, until)
    totals = sum((Totals(e.baseline, e.paid, e.saved) for e in entries), Totals())
    return totals, len(entries)
