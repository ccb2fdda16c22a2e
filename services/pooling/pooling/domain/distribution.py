"""Rule 11, last paragraph: where an order is delivered and who collects what, where.

Packs are rounded on the pooled total (rule 2), so a supplier cannot be asked to split a
pack between addresses. Each line goes to the depot's address (the cooperative's), except
a delivery site's share that is a whole number of packs: that goes to the site directly.
The site's share is the quantity of the line's needs that name it (a need that names none
goes to its member's own address, one address per member). So every pack has an address,
the surplus (Q - D) is always the depot's, and the packs per address add up to the line's.
Each need is collected where its goods arrive: at its site when the site's share came
directly, else at the depot.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pooling.domain.model import HEAD_OFFICE, SupplierOrder


@dataclass(frozen=True)
class Drop:
    """What one address receives of one line: whole packs."""

    sku: str
    address: str
    packs: int
    quantity: Decimal
    to_depot: bool


@dataclass(frozen=True)
class Pickup:
    """Where a need's member collects its goods of the order."""

    need_id: int
    member_id: int
    sku: str
    quantity: Decimal
    address: str
    at_depot: bool


@dataclass(frozen=True)
class Distribution:
    drops: tuple[Drop, ...]
    pickups: tuple[Pickup, ...]

    def drops_of(self, sku: str) -> tuple[Drop, ...]:
        return tuple(drop for drop in self.drops if drop.sku == sku)


def site_address(member_id: int, delivery_site: str | None) -> str:
    """The address a need names; a need without one goes to its member's own address."""
    return delivery_site or f"{HEAD_OFFICE} (Mitglied {member_id})"


def distribute(order: SupplierOrder, depot_address: str) -> Distribution:
    """The packs of every line per address, and where each need is collected."""
    drops: list[Drop] = []
    pickups: list[Pickup] = []
    for line in order.lines:
        if line.packs == 0:
            continue
        pack = line.ordered_quantity / line.packs
        shares: dict[str, Decimal] = {}
        for a in line.allocations:
            address = site_address(a.member_id, a.delivery_site)
            shares[address] = shares.get(address, Decimal(0)) + a.quantity
        direct = {address for address, share in shares.items() if share % pack == 0}
        for address in (address for address in shares if address in direct):
            drops.append(
                Drop(line.sku, address, int(shares[address] / pack), shares[address], False)
            )
        left = line.packs - sum(drop.packs for drop in drops if drop.sku == line.sku)
        if left:
            drops.append(Drop(line.sku, depot_address, left, left * pack, True))
        for a in line.allocations:
            address = site_address(a.member_id, a.delivery_site)
            at_depot = address not in direct
            where = depot_address if at_depot else address
            pickups.append(Pickup(a.need_id, a.member_id, line.sku, a.quantity, where, at_depot))
    return Distribution(tuple(drops), tuple(pickups))
