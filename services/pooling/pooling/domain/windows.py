"""Pool windows close at a weekly cutoff in Europe/Berlin."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
CUTOFF_WEEKDAY = 3  # Thursday
CUTOFF_TIME = time(12, 0)


def next_cutoff(after: datetime, weekday: int = CUTOFF_WEEKDAY, at: time = CUTOFF_TIME) -> datetime:
    """The first weekly cutoff (Berlin wall-clock time) strictly after ``after``, in UTC."""
    local = after.astimezone(BERLIN)
    days = (weekday - local.weekday()) % 7
    candidate = datetime.combine(local.date() + timedelta(days=days), at, tzinfo=BERLIN)
    if candidate <= local:
        candidate = datetime.combine(candidate.date() + timedelta(days=7), at, tzinfo=BERLIN)
    return candidate.astimezone(UTC)
