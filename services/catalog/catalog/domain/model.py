"""The catalog's domain: trades, need states and the rules of an offer."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from shared.errors import Conflict, DomainError


class Trade(StrEnum):
    PAINTER = "painter"
    MASON = "mason"
    CARPENTER = "carpenter"
    ELECTRICIAN = "electrician"
    LOCKSMITH = "locksmith"
    ROOFER = "roofer"
    TILER = "tiler"
    PLUMBER = "plumber"


class NeedStatus(StrEnum):
    OPEN = "open"
    ORDERED = "ordered"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class NeedNotOpen(Conflict):
    """Only an open need can be cancelled."""

    def __init__(self, status: str) -> None:
        super().__init__("status", f"The need is {status} and can no longer be cancelled.")


def tier_problems(tiers: Sequence[tuple[Decimal, Decimal]]) -> list[str]:
    """What is wrong with a tier list (all-units tiers from 0, strictly increasing)."""
    if not tiers:
        return ["At least one tier is required."]
    problems = []
    if tiers[0][0] != 0:
        problems.append("The first tier must start at min_quantity 0.")
    starts = [start for start, _price in tiers]
    if any(later <= earlier for earlier, later in pairwise(starts)):
        problems.append("Tiers must be listed by strictly increasing min_quantity.")
    return problems


class DeliveryChannel(StrEnum):
    """How a supplier receives its orders."""

    EMAIL = "email"
    WEBHOOK = "webhook"
    AMQP = "amqp"


WEBHOOK_SECRET_MIN = 16


class WebhookIncomplete(DomainError):
    """A webhook needs its URL and a secret to sign with."""


def webhook_problem(channel: str, url: str | None, secret: str | None) -> WebhookIncomplete | None:
    """What keeps this channel from working, if anything (the secret is the stored or new one)."""
    if channel != DeliveryChannel.WEBHOOK:
        return None
    if not url:
        return WebhookIncomplete("webhook_url", "A webhook needs the URL to post orders to.")
    if not secret or len(secret) < WEBHOOK_SECRET_MIN:
        return WebhookIncomplete(
            "webhook_secret",
            f"A webhook needs a secret of at least {WEBHOOK_SECRET_MIN} characters.",
        )
    return None
