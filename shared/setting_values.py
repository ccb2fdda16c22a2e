"""How a setting's text becomes its value: each reader takes the variable's text and
returns the value, or raises ``ValueError`` saying what the variable must be."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from shared.webhook_addresses import Network, parse_networks

Reader = Callable[[str], object]

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


def text(value: str) -> str:
    return value


def whole(minimum: int = 0, maximum: int | None = None) -> Reader:
    """A whole number from ``minimum`` (to ``maximum``)."""
    bounds = f"of at least {minimum}" if maximum is None else f"from {minimum} to {maximum}"

    def read(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = minimum - 1
        if number < minimum or (maximum is not None and number > maximum):
            raise ValueError(f"must be a whole number {bounds}")
        return number

    return read


def seconds(value: str) -> float:
    """A number of seconds, zero or more."""
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not math.isfinite(number) or number < 0:
        raise ValueError("must be a number of seconds, zero or more")
    return number


def positive_seconds(value: str) -> float:
    number = seconds(value)
    if number == 0:
        raise ValueError("must be a number of seconds above zero")
    return number


def flag(value: str) -> bool:
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ValueError(f"must be one of {', '.join(TRUE + FALSE)}")


def log_format(value: str) -> bool:
    """True for one JSON object per log line, False for plain text."""
    if value not in ("text", "json"):
        raise ValueError("must be text or json")
    return value == "json"


def euros(value: str) -> Decimal:
    """An amount in euros: zero or more, at most two places."""
    try:
        amount = Decimal(value)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0 or int(amount.as_tuple().exponent) < -2:
        raise ValueError("must be an amount in euros, e.g. 240.00")
    return amount


def addresses(value: str) -> tuple[str, ...]:
    """Comma-separated e-mail addresses."""
    found = tuple(part.strip() for part in value.split(",") if part.strip())
    if any("@" not in address for address in found):
        raise ValueError("must be comma-separated e-mail addresses")
    return found


def networks(value: str) -> tuple[Network, ...]:
    try:
        return parse_networks(value)
    except ValueError as exc:
        raise ValueError(f"must be comma-separated networks: {exc}") from exc
