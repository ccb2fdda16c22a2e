"""Marshmallow fields for the cooperative's exact numbers.

On the wire a quantity or a price is a JSON string holding a decimal
(``"12.50"``); a JSON number is accepted too when it is exact. The bounds are
part of the contract (design: Public HTTP API).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import ValidationError, fields

LIMIT = Decimal("1000000")
PLAIN_DECIMAL = re.compile(r"-?[0-9]{1,30}(\.[0-9]{1,30})?", re.ASCII)


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
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise ValidationError('Must be a decimal number written as a string, e.g. "12.50".')
        if isinstance(value, str) and not PLAIN_DECIMAL.fullmatch(value):
            raise ValidationError('Not a valid decimal number: write it like "12.5".')
        try:
            number = Decimal(value)
        except (InvalidOperation, ValueError) as exc:
            raise ValidationError("Not a valid decimal number.") from exc
        if not number.is_finite():
            raise ValidationError("Must be a finite number.")
        return number


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
