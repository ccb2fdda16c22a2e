"""Amounts, quantities and days as a member reads them, in German or English (Babel):
``1.234,56 €`` and ``€1,234.56``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

LANGUAGES = ("de", "en")
LOCALES = {"de": "de_DE", "en": "en_GB"}


def euro(amount: Decimal | str, language: str) -> str:
    """``1.234,56 €`` in German, ``€1,234.56`` in English."""
    return format_currency(Decimal(amount), "EUR", locale=LOCALES[language])


def unit_price(amount: Decimal | str, language: str) -> str:
    """A unit price with its own places (two to four)."""
    value = Decimal(amount)
    places = min(4, max(2, -int(value.normalize().as_tuple().exponent)))
    pattern = "#,##0." + "0" * places + "\xa0¤" if language == "de" else "¤#,##0." + "0" * places
    return format_currency(
        value, "EUR", format=pattern, locale=LOCALES[language], currency_digits=False
    )


def quantity(value: Decimal | str, language: str) -> str:
    return format_decimal(Decimal(value), format="#,##0.###", locale=LOCALES[language])


def day(value: date, language: str) -> str:
    return format_date(value, format="long", locale=LOCALES[language])
