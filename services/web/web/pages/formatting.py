"""Euros, quantities and dates written the way the reader's language writes them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.dates import format_skeleton
from flask_babel import (
    format_currency,
    format_date,
    format_decimal,
    format_percent,
    format_time,
    get_locale,
    gettext,
    to_user_timezone,
)

NOTHING = "\u2013"  # an en dash where there is no value


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None


def euro(value: Any) -> str:
    """``1.234,56 €`` in German, ``€1,234.56`` in English."""
    amount = _decimal(value)
    return NOTHING if amount is None else format_currency(amount, "EUR")


def number(value: Any) -> str:
    """A quantity with up to three decimal places, grouped by locale."""
    amount = _decimal(value)
    return NOTHING if amount is None else format_decimal(amount, format="#,##0.###")


def percent(value: Any) -> str:
    """A VAT rate given in percent: ``19 %`` in German, ``19%`` in English."""
    rate = _decimal(value)
    return NOTHING if rate is None else format_percent(rate / 100)


def day(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return NOTHING if value is None else format_date(value, format="medium")


def short_day(value: Any) -> str:
    """Day and month only, for the labels of a chart: ``6. Nov.`` or ``Nov 6``."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return NOTHING if value is None else format_skeleton("MMMd", value, locale=get_locale())


def weekday_and_time(value: datetime | None) -> str:
    """A moment with its weekday, in Berlin time: ``Freitag, 11. Dezember 2026 um 18:00 Uhr``
    in German, ``Friday, December 11, 2026 at 6:00 PM`` in English."""
    if value is None:
        return NOTHING
    local = to_user_timezone(value)
    on = f"{format_date(local, format='EEEE')}, {format_date(local, format='long')}"
    return gettext("%(day)s at %(time)s", day=on, time=format_time(value, format="short"))
