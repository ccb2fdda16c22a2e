"""TARGET2 business days, on which SEPA payments are settled: every Monday to Friday but
the TARGET closing days, 1 January, Good Friday, Easter Monday, 1 May, 25 and 26 December
(the ECB's calendar since 2000). Pure; Easter by the anonymous Gregorian algorithm
(Meeus/Jones/Butcher), so no calendar library is needed for six days a year."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

ONE_DAY = timedelta(days=1)


def easter_sunday(year: int) -> date:
    """Easter Sunday of a Gregorian year."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def closing_days(year: int) -> frozenset[date]:
    """The weekdays and weekend days TARGET2 is closed on in ``year``, besides weekends."""
    easter = easter_sunday(year)
    fixed = (date(year, 1, 1), date(year, 5, 1), date(year, 12, 25), date(year, 12, 26))
    return frozenset((*fixed, easter - 2 * ONE_DAY, easter + ONE_DAY))


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in closing_days(day.year)


def on_or_before(day: date) -> date:
    """The last business day not after ``day``: a payment due on a closing day is made
    before it, never after."""
    while not is_business_day(day):
        day -= ONE_DAY
    return day


def on_or_after(day: date) -> date:
    """The first business day not before ``day``."""
    while not is_business_day(day):
        day += ONE_DAY
    return day


def business_days_after(day: date, count: int) -> date:
    """The ``count``-th business day after ``day`` (``day`` itself not counted)."""
    left = count
    while left:
        day += ONE_DAY
        if is_business_day(day):
            left -= 1
    return day
