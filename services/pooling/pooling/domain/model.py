"""Pooling domain values: offers and terms in, priced lines, orders and savings out.

Money and quantities are ``Decimal`` throughout; floats are refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from pooling.domain.depot import DepotService

HEAD_OFFICE = "Firmensitz"  # where goods go when a need names no delivery site


def _check_decimal(name: str, value: object, *, positive: bool = False) -> None:
    """Refuse anything but a finite, non-negative (or positive) Decimal."""
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{name} must be finite, got {value}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'positive' if positive else 'non-negative'}: {value}")


def _check_cents(name: str, value: Decimal) -> None:
    """Refuse an amount that is not a whole number of cents."""
    _check_decimal(name, value)
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{name} must be a whole number of cents: {value}")


@dataclass(frozen=True)
class Tier:
    """All-units price tier: from ``min_quantity`` on, every unit costs ``unit_price``."""

    min_quantity: Decimal
    unit_price: Decimal

    def __post_init__(self) -> None:
        _check_decimal("min_quantity", self.min_quantity)
        _check_decimal("unit_price", self.unit_price)


@dataclass(frozen=True)
class Offer:
    """A supplier's offer for one product: pack size and tiers (sorted, first at 0)."""

    supplier_id: int
    sku: str
    pack_size: Decimal
    tiers: tuple[Tier, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "tiers", tuple(self.tiers))
        _check_decimal("pack_size", self.pack_size, positive=True)
        if not self.tiers or self.tiers[0].min_quantity != 0:
            raise ValueError(f"offer {self.supplier_id}/{self.sku}: first tier must start at 0")
        for lower, upper in pairwise(self.tiers):
            if upper.min_quantity <= lower.min_quantity:
                raise ValueError(
                    f"offer {self.supplier_id}/{self.sku}: tiers must rise in min_quantity"
                )


@dataclass(frozen=True)
class SupplierTerms:
    """Shipping terms: ``shipping_fee`` unless lines reach ``free_shipping_from`` (None: never)."""

    supplier_id: int
    shipping_fee: Decimal
    free_shipping_from: Decimal | None

    def __post_init__(self) -> None:
        _check_cents("shipping_fee", self.shipping_fee)
        if self.free_shipping_from is not None:
            _check_decimal("free_shipping_from", self.free_shipping_from)


@dataclass(frozen=True)
class Need:
    """One member's open need for a product."""

    need_id: int
    member_id: int
    sku: str
    quantity: Decimal
    delivery_site: str | None = None  # None: the member's own address (its "Firmensitz")
    up_to: Decimal | None = None  # flexible: the member would also take up to this much
    needed_by: date | None = None  # when the member needs it ("benötigt bis"), if it said

    def __post_init__(self) -> None:
        _check_decimal("quantity", self.quantity, positive=True)
        if self.up_to is not None and not (
            isinstance(self.up_to, Decimal) and self.up_to >= self.quantity
        ):
            raise ValueError(f"need {self.need_id}: up_to must be at least the quantity")

    @property
    def flexibility(self) -> Decimal:
        """How much more than its quantity the need would take (0: a strict need)."""
        return Decimal(0) if self.up_to is None else self.up_to - self.quantity


class LineValue(NamedTuple):
    """What rule 5 compares of a product's line under one offer: whose it is and its
    value (a member's baseline needs no more of its lines)."""

    supplier_id: int
    line_total: Decimal


@dataclass(frozen=True)
class PricedLine:
    """Rules 2-4: a product's pooled demand priced under one offer."""

    supplier_id: int
    sku: str
    demand: Decimal
    packs: int
    ordered_quantity: Decimal
    unit_price: Decimal
    line_total: Decimal

    @property
    def surplus_quantity(self) -> Decimal:
        """Pack surplus Q - D, the depot's stock from this line."""
        return self.ordered_quantity - self.demand


@dataclass(frozen=True)
class Assignment:
    """Rule 5 result: one supplier per offered sku, at the exact minimum total cost."""

    supplier_by_sku: Mapping[str, int]
    lines: Mapping[str, PricedLine]
    fees: Mapping[int, Decimal]
    total_cost: Decimal
    unoffered: tuple[str, ...]
    optimal: bool = True  # False: the solver ran out of time before proving the minimum
    gap: Decimal = Decimal("0.00")  # then: how much cheaper the best bound says it might be

    @property
    def used_suppliers(self) -> tuple[int, ...]:
        """Supplier ids that receive at least one line, ascending."""
        return tuple(sorted(self.fees))


@dataclass(frozen=True)
class Allocation:
    """Rule 6: one need's share of an order line."""

    need_id: int
    member_id: int
    quantity: Decimal
    goods: Decimal
    shipping_share: Decimal
    paid: Decimal
    delivery_site: str | None = None
    extra_quantity: Decimal = Decimal(0)  # of ``quantity``, taken on the need's flexibility
    needed_by: date | None = None  # the need's "benötigt bis", if the member gave one


def earliest_needed_by(allocations: Iterable[Any]) -> date | None:
    """The earliest "benötigt bis" of a line's allocations (anything with ``needed_by``):
    what its supplier plans by; None when no need gave one."""
    return min((a.needed_by for a in allocations if a.needed_by is not None), default=None)


@dataclass(frozen=True)
class OrderLine:
    """One product in a supplier order, with the needs it serves (by need id)."""

    sku: str
    packs: int
    ordered_quantity: Decimal
    unit_price: Decimal
    line_total: Decimal
    surplus_quantity: Decimal
    allocations: tuple[Allocation, ...]


@dataclass(frozen=True)
class SupplierOrder:
    """The bundled order one supplier receives when a window closes."""

    supplier_id: int
    lines: tuple[OrderLine, ...]
    shipping_fee: Decimal
    total: Decimal

    @property
    def depot_value(self) -> Decimal:
        """Order total not paid by members: pack surplus plus cent residue (may be < 0)."""
        paid = sum((a.paid for line in self.lines for a in line.allocations), Decimal("0.00"))
        return self.total - paid


@dataclass(frozen=True)
class MemberSavings:
    """Rule 7: what a member would have paid alone, paid in the pool, and saved."""

    member_id: int
    baseline: Decimal
    paid: Decimal
    saved: Decimal
    # what its flexible needs earned it: its strict quantities' price in the window's
    # strict optimum less what it paid for them (the extra's goods aside)
    flexibility_saved: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class WindowResult:
    """Everything a closed pool window decides."""

    orders: tuple[SupplierOrder, ...]
    members: Mapping[int, MemberSavings]
    unoffered_needs: tuple[Need, ...]
    total_cost: Decimal
    members_baseline: Decimal
    members_paid: Decimal
    members_saved: Decimal
    optimal: bool = True
    gap: Decimal = Decimal("0.00")
    depot: DepotService | None = None  # rule 11: what the depot served first, if anything

    @property
    def depot_paid(self) -> Decimal:
        """What members pay the depot for what it served (book value, no fee)."""
        served = () if self.depot is None else self.depot.served
        return sum((part.goods for part in served), Decimal("0.00"))

    @property
    def depot_value(self) -> Decimal:
        """Total cost of the orders not paid by members (pack surplus plus cent residue)."""
        return self.total_cost - (self.members_paid - self.depot_paid)
