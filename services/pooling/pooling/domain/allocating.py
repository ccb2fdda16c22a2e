"""Rule 6: each supplier's order from the cheapest assignment, its goods and fee shared
over the order's needs as allocations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from pooling.domain.model import (
    Allocation,
    Assignment,
    Need,
    OrderLine,
    PricedLine,
    SupplierOrder,
)
from pooling.domain.pricing import ZERO, cost_of, fee_shares


def supplier_orders(
    assignment: Assignment,
    by_sku: Mapping[str, Sequence[Need]],
    extra: Mapping[int, Decimal] | None = None,
) -> tuple[SupplierOrder, ...]:
    """Rule 6 for every supplier the assignment uses, in supplier order (``_order``)."""
    lines: dict[int, list[PricedLine]] = {sid: [] for sid in assignment.used_suppliers}
    for line in assignment.lines.values():
        if line.supplier_id in lines:
            lines[line.supplier_id].append(line)
    return tuple(
        _order(sid, lines[sid], assignment.fees[sid], by_sku, extra or {})
        for sid in assignment.used_suppliers
    )


_NO_EXTRA = Decimal(0)


def _order(
    supplier_id: int,
    lines: Sequence[PricedLine],
    fee: Decimal,
    by_sku: Mapping[str, Sequence[Need]],
    extra: Mapping[int, Decimal],
) -> SupplierOrder:
    """Rule 6 for one supplier's ``lines``: goods per need, ``fee`` split over all the
    order's needs (in need order; ``by_sku``: the placed needs per sku, each list in need
    order). A need raised by ``extra`` pays the extra's goods too, its fee share stays on
    its own quantity's goods."""
    prices = {line.sku: line.unit_price for line in lines}
    served = [need for sku in prices for need in by_sku[sku]]
    allocated = _allocations(served, prices, fee, extra)
    order_lines = tuple(
        OrderLine(
            sku=line.sku,
            packs=line.packs,
            ordered_quantity=line.ordered_quantity,
            unit_price=line.unit_price,
            line_total=line.line_total,
            surplus_quantity=line.surplus_quantity,
            allocations=tuple(allocated[line.sku]),
        )
        for line in sorted(lines, key=lambda line: line.sku)
    )
    total = sum((line.line_total for line in lines), ZERO) + fee
    return SupplierOrder(supplier_id, order_lines, fee, total)


def _allocations(
    served: Sequence[Need],
    prices: Mapping[str, Decimal],
    fee: Decimal,
    extra: Mapping[int, Decimal],
) -> dict[str, list[Allocation]]:
    """Each ``served`` need's allocation, by sku: its goods at its line's price, its share
    of ``fee`` (by its own quantity's goods), the ``extra`` it takes paid at that price."""
    goods = {need.need_id: cost_of(need.quantity, prices[need.sku]) for need in served}
    shares = fee_shares(fee, goods)
    allocated: dict[str, list[Allocation]] = {}
    for n in served:
        more = extra.get(n.need_id) or _NO_EXTRA
        g = goods[n.need_id] + cost_of(more, prices[n.sku]) if more else goods[n.need_id]
        quantity, share = n.quantity + more if more else n.quantity, shares[n.need_id]
        paid = g + share
        allocation = Allocation(
            n.need_id, n.member_id, quantity, g, share, paid, n.delivery_site, more, n.needed_by
        )
        allocated.setdefault(n.sku, []).append(allocation)
    return allocated
