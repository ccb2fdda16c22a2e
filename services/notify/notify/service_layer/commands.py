"""What notify's API asks it to do: the office's and the members' commands, read from
the request by the views and handled in one unit of work each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ResendInvoice:
    """The office has an invoice's e-mail sent once more."""

    invoice_id: int


@dataclass(frozen=True)
class ChangePreferences:
    """A member's preferences change; only the parts in ``changes`` (a preference's name:
    its new value), the rest stays. ``by_office``: the office asks (it alone sets the
    membership fee)."""

    member_id: int
    changes: dict[str, Any] = field(default_factory=dict)
    by_office: bool = False


@dataclass(frozen=True)
class Unsubscribe:
    """A member's e-mails stop (the link in every e-mail)."""

    member_id: int


@dataclass(frozen=True)
class RetrySupplierDelivery:
    """A given-up delivery to a supplier (an order, a dispute) goes out again."""

    delivery_id: int
