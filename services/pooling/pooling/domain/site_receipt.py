"""Rule 10 at a delivery site: the member there books what arrived there, for that site.

A site is one member's delivery site (a need that names none goes to the member's own
address, "Firmensitz"). Its share of a line is the quantity of the member's needs there.
The member books, per line it has a need of at the site, what arrived there; every such
line once, nothing else. The site's booking is its part of the order's receipt: rule 10
is applied to the whole line once the order's receipt is booked, so a shortfall is cut as
the rule says, whoever counted the goods. The office books the whole order as before (its
quantities rule); when the sites' parts account for every unit of the order (every site
booked and no line has goods for the depot's address, Q = D), their sums are the order's
receipt and it is booked at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from pooling.domain.confirmation import LineError
from pooling.domain.model import HEAD_OFFICE, SupplierOrder
from pooling.domain.receipt import check_quantity


@dataclass(frozen=True, order=True)
class Site:
    """A member's delivery site (``HEAD_OFFICE``: the member's own address)."""

    member_id: int
    name: str

    @classmethod
    def of(cls, member_id: int, delivery_site: str | None) -> Site:
        return cls(member_id, delivery_site or HEAD_OFFICE)


def sites_of(order: SupplierOrder) -> dict[Site, dict[str, Decimal]]:
    """Every site of the order with its share of each line (by sku)."""
    shares: dict[Site, dict[str, Decimal]] = {}
    for line in order.lines:
        for a in line.allocations:
            share = shares.setdefault(Site.of(a.member_id, a.delivery_site), {})
            share[line.sku] = share.get(line.sku, Decimal(0)) + a.quantity
    return shares


def check_site_receipt(
    order: SupplierOrder, site: Site, received: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    """The site's booking as the rule takes it (by sku), or refused naming the field."""
    share = sites_of(order).get(site)
    if share is None:
        raise LineError("delivery_site", None, f"the order has no need of yours at {site.name}")
    ordered = {line.sku: line.ordered_quantity for line in order.lines}
    for sku in sorted(received):
        if sku not in share:
            raise LineError("lines", sku, f"no need of yours at {site.name} is on line {sku}")
        check_quantity("received_quantity", sku, received[sku])
        if received[sku] > ordered[sku]:
            raise LineError(
                "received_quantity", sku, f"more than the {ordered[sku]} ordered of {sku}"
            )
    for sku in sorted(share):
        if sku not in received:
            raise LineError("lines", sku, f"no received quantity for {sku}")
    return dict(received)


def receipt_from_sites(
    order: SupplierOrder, booked: Iterable[tuple[Site, Mapping[str, Decimal]]]
) -> dict[str, Decimal] | None:
    """R of every line when the sites' parts account for the whole order (every site
    booked, no goods for the depot's address); None while the office must still book."""
    parts = dict(booked)
    if set(parts) != set(sites_of(order)):
        return None
    if any(line.surplus_quantity != 0 for line in order.lines):
        return None  # the pack surplus goes to the depot's address: the office counts it
    received = {line.sku: Decimal(0) for line in order.lines}
    for part in parts.values():
        for sku, quantity in part.items():
            received[sku] += quantity
    return received
