"""What billing is asked to do, each from one event: learn a member, a product, an order's
course; issue what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.domain.model import Buyer, Product, ReceivedNeed


@dataclass(frozen=True)
class RecordMember:
    buyer: Buyer


@dataclass(frozen=True)
class RecordProduct:
    product: Product


@dataclass(frozen=True)
class PlacedNeed:
    need_id: int
    member_id: int
    sku: str
    quantity: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class RecordOrder:
    """An order placed at the close, with the needs it holds."""

    order_id: int
    window_id: int
    supplier_id: int
    needs: tuple[PlacedNeed, ...]


@dataclass(frozen=True)
class ConfirmOrder:
    """The supplier confirmed; the needs of declined lines are no longer the order's."""

    order_id: int
    window_id: int
    held_need_ids: frozenset[int]


@dataclass(frozen=True)
class RejectOrder:
    order_id: int
    window_id: int


@dataclass(frozen=True)
class MemberResult:
    """A member's window result on what arrived (baseline, paid, saved; rule 7)."""

    member_id: int
    baseline: Decimal
    paid: Decimal
    saved: Decimal


@dataclass(frozen=True)
class RecordReceipt:
    """What arrived of an order, booked or corrected (a higher ``revision``)."""

    order_id: int
    window_id: int
    revision: int
    received_on: date
    needs: tuple[tuple[int, ReceivedNeed], ...]  # (member_id, what the need received)
    results: tuple[MemberResult, ...]


@dataclass(frozen=True)
class DepotPart:
    """Part of a need the depot served at a close (rule 11): ``need`` holds it at book
    value without a fee share, from the lot of an earlier order; ``rest`` is what of the
    need the close pooled and ordered (0: served whole)."""

    member_id: int
    need: ReceivedNeed
    rest: Decimal


@dataclass(frozen=True)
class ServeFromDepot:
    window_id: int
    parts: tuple[DepotPart, ...]
    results: tuple[MemberResult, ...]


@dataclass(frozen=True)
class IssueDueInvoices:
    """Issue every invoice (and correction) of the window that is due and not issued."""

    window_id: int
