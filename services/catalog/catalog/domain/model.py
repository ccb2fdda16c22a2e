"""The catalog's domain: trades, need states and the rules of an offer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from urllib.parse import urlsplit

from shared.errors import Conflict, Invalid
from shared.webhook_addresses import Network, literal_address, refusal


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
    """Where a need stands. ``cancel_requested``: the member cancelled it and pooling, which
    owns the close, has not yet said whether that came before a close ordered it; it ends
    ``cancelled`` (never to be ordered) or ``ordered``."""

    OPEN = "open"
    CANCEL_REQUESTED = "cancel_requested"
    ORDERED = "ordered"
    CONFIRMED = "confirmed"
    RECEIVED = "received"  # the office booked the delivery: ``received_quantity`` arrived
    SERVED = "served"  # the depot served it whole at a close (rule 11): in no order
    CANCELLED = "cancelled"


class NeedNotOpen(Conflict):
    """Only an open need can be cancelled (a cancelled one, or one whose cancellation is
    requested, is no conflict: asking again changes nothing)."""

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


class WebhookIncomplete(Invalid):
    """A webhook needs its URL and a secret to sign with."""


def webhook_problem(channel: str, url: str | None, secret: str | None) -> WebhookIncomplete | None:
    """What keeps this channel from working, if anything (the secret is the stored or new one)."""
    if channel != DeliveryChannel.WEBHOOK:
        return None
    if not url:
        return WebhookIncomplete("webhook_url", "A webhook needs the URL to post orders to.")
    if (problem := webhook_url_problem(url)) is not None:
        return WebhookIncomplete("webhook_url", problem)
    if not secret or len(secret) < WEBHOOK_SECRET_MIN:
        return WebhookIncomplete(
            "webhook_secret",
            f"A webhook needs a secret of at least {WEBHOOK_SECRET_MIN} characters.",
        )
    return None


def webhook_url_problem(url: str) -> str | None:
    """Why orders cannot be posted to ``url`` whatever the network: not http(s), or a
    user name or password in it (the secret is what vouches for Zirkel)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "A webhook URL starts with http:// or https:// and names a host."
    if parts.username is not None or parts.password is not None:
        return "A webhook URL may not contain a user name or password."
    return None


def webhook_address_problem(url: str, allowed_networks: Iterable[Network] = ()) -> str | None:
    """Why orders are not posted to ``url``'s host when it is written as an address:
    loopback, private, link-local and other internal ranges are refused unless the
    operator allowed their network. A host name is checked by notify at each delivery,
    since what it resolves to can change."""
    host = urlsplit(url).hostname
    address = literal_address(host) if host else None
    refused = None if address is None else refusal(address, allowed_networks)
    return None if refused is None else f"Orders are not sent to {refused.kind}."


FLEXIBLE_PERCENT_MAX = 50  # a member's default flexibility: at most half as much again
# A user's password, checked by catalog and told by the web forms:
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024


def default_up_to(quantity: Decimal, percent: int | None) -> Decimal | None:
    """The ``up_to`` of a need posted without one by a member whose preference makes
    needs flexible by ``percent``: the quantity that much larger, rounded down to the
    quantity's own places (30 at 20 % -> 36; 2.5 at 10 % -> 2.7); None if nothing more."""
    if not percent:
        return None
    places = Decimal(1).scaleb(min(0, quantity.as_tuple().exponent))  # type: ignore[operator]
    raised = (quantity * (100 + percent) / 100).quantize(places, rounding="ROUND_FLOOR")
    return raised if raised > quantity else None
