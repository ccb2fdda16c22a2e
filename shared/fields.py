"""Marshmallow fields for the cooperative's exact numbers and the text people type.

On the wire a quantity or a price is a JSON string holding a decimal
(``"12.50"``); a JSON number is refused, exact or not, so no client learns to
send floats. The bounds are part of the contract (design: Public HTTP API).

Text a person types is ``VisibleText``: something one can see, no control or
invisible characters. Digits are ASCII digits ``0``-``9`` only (``ascii_int``,
``[0-9]`` in patterns), never ``\\d`` or ``str.isdigit``, which also take
other scripts' digits and superscripts.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import ValidationError, fields
from marshmallow.validate import Length, Validator

LIMIT = Decimal("1000000")
PLAIN_DECIMAL = re.compile(r"-?[0-9]{1,30}(\.[0-9]{1,30})?", re.ASCII)
ASCII_DIGITS = re.compile(r"[0-9]+")
DECIMAL_AS_STRING = 'A JSON number is refused here: send decimals as strings, e.g. "12.50".'


class BoundedDecimal(fields.Field):
    """A finite decimal within ``[minimum, LIMIT)`` with at most ``places`` decimal places."""

    def __init__(self, *, places: int, minimum: Decimal, inclusive: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.places, self.minimum, self.inclusive = places, minimum, inclusive

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format(Decimal(value), "f")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        number = self._parse(value)
        too_small = number < self.minimum if self.inclusive else number <= self.minimum
        if too_small:
            relation = "at least" if self.inclusive else "greater than"
            raise ValidationError(f"Must be {relation} {self.minimum}.")
        if number >= LIMIT:
            raise ValidationError(f"Must be less than {LIMIT}.")
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.places:
            raise ValidationError(f"Must have at most {self.places} decimal places.")
        return number

    @staticmethod
    def _parse(value: Any) -> Decimal:
        if not isinstance(value, str):
            raise ValidationError(DECIMAL_AS_STRING)
        if not PLAIN_DECIMAL.fullmatch(value):
            raise ValidationError('Not a valid decimal number: write it like "12.5".')
        try:
            number = Decimal(value)
        except (InvalidOperation, ValueError) as exc:
            raise ValidationError("Not a valid decimal number.") from exc
        if not number.is_finite():
            raise ValidationError("Must be a finite number.")
        return number


class DecimalText(fields.Decimal):
    """An exact decimal as the events carry it, unbounded: a JSON string (``"12.50"``),
    never a JSON number."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(as_string=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str):
            raise ValidationError(DECIMAL_AS_STRING)
        return super()._deserialize(value, attr, data, **kwargs)


class Quantity(BoundedDecimal):
    """A quantity or pack size: positive, below 1,000,000, at most 3 decimal places."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=3, minimum=Decimal(0), inclusive=False, **kwargs)


class Price(BoundedDecimal):
    """A price: at least 0.01, below 1,000,000, at most 4 decimal places."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=4, minimum=Decimal("0.01"), inclusive=True, **kwargs)


class Money(BoundedDecimal):
    """A fee or threshold in euros: zero or more, below 1,000,000, at most 2 decimal places."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=2, minimum=Decimal(0), inclusive=True, **kwargs)


class Percent(BoundedDecimal):
    """A percentage such as a Skonto: greater than 0, below 100, at most 2 decimal places."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=2, minimum=Decimal(0), inclusive=False, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        percent = super()._deserialize(value, attr, data, **kwargs)
        if percent >= 100:
            raise ValidationError("Must be less than 100.")
        return percent


VAT_RATES = (Decimal("19"), Decimal("7"), Decimal("0"))


class VatRate(BoundedDecimal):
    """A product's VAT rate in percent (rule 12): 19, 7 or 0, written like ``"19"``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=2, minimum=Decimal(0), inclusive=True, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format(Decimal(value).normalize(), "f")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        rate = super()._deserialize(value, attr, data, **kwargs)
        if rate not in VAT_RATES:
            raise ValidationError("Must be one of the VAT rates 19, 7 or 0.")
        return rate


def ascii_int(text: str) -> int:
    """``text`` as a whole number when it is ASCII digits alone; else ``ValueError``.

    ``int()`` and ``str.isdigit`` take ``"٤٤"`` and ``"²"`` too; usable as
    ``request.args.get(name, type=ascii_int)``.
    """
    if not ASCII_DIGITS.fullmatch(text):
        raise ValueError(f"not a whole number in ASCII digits: {text!r}")
    return int(text)


# Letters that draw nothing (fillers, the blank Braille pattern): text of these alone is blank.
BLANK_LETTERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")
LINE_BREAKS = frozenset("\n\r\t")


class VisibleText(fields.String):
    """Text a person can see: at least one visible character, at most ``maximum``, and no
    control, format (zero-width, bidi), private or unassigned character; ``lines`` lets
    line breaks and tabs through (notes, reasons); ``also`` checks the shape (e-mails)."""

    default_error_messages = {
        "blank": "Must contain visible text.",
        "invisible": "Must not contain control or invisible characters.",
    }

    def __init__(
        self, maximum: int, *, lines: bool = False, also: Validator | None = None, **kwargs: Any
    ) -> None:
        checks = [Length(max=maximum)] + ([also] if also is not None else [])
        super().__init__(validate=checks, **kwargs)
        self.allowed = LINE_BREAKS if lines else frozenset()

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if any(_invisible(c) and c not in self.allowed for c in text):
            raise self.make_error("invisible")
        if all(c.isspace() or c in BLANK_LETTERS for c in text):
            raise self.make_error("blank")
        return text


def _invisible(character: str) -> bool:
    """A control (Cc), format (Cf), surrogate, private-use or unassigned character."""
    return unicodedata.category(character)[0] == "C"
