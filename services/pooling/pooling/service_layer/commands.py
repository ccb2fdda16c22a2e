"""What can be asked of pooling: a close, its progress, and after the close a supplier's
answer, a receipt (and its correction), a site's receipt, a write-off."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ClosePool:
    """Close the current window (``window_id``: only if it is still the current one)."""

    window_id: int | None = None


@dataclass(frozen=True)
class ReportProgress:
    """Announce the open window's progress, if it changed since the last announcement."""


@dataclass(frozen=True)
class ConfirmOrder:
    """Rule 8: the supplier (``supplier_id``; None for the office) confirms a placed order,
    perhaps declining single lines."""

    order_id: int
    supplier_id: int | None
    expected_delivery: date | None = None
    declined: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RejectOrder:
    """The supplier (``supplier_id``; None for the office) rejects the whole order."""

    order_id: int
    supplier_id: int | None
    reason: str


@dataclass(frozen=True)
class BookReceipt:
    """Rule 10: what arrived of each line (by sku); ``extra_to_depot`` names the lines
    whose over-delivery the office takes into the depot."""

    order_id: int
    received: Mapping[str, Decimal]
    extra_to_depot: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class CorrectReceipt(BookReceipt):
    """The office corrects a booked receipt: what arrived of each line, as it should
    have been booked."""


@dataclass(frozen=True)
class WriteOffStock:
    """Rule 11: the office writes part of a lot (an order's stock of a product) off."""

    sku: str
    order_id: int
    quantity: Decimal
    reason: str


@dataclass(frozen=True)
class BookSiteReceipt:
    """The member (``member_id``) books what arrived at its ``delivery_site`` (None: its
    own address) of each line it has a need of there."""

    order_id: int
    member_id: int
    delivery_site: str | None
    received: Mapping[str, Decimal]
