"""Rule 11 at a close: what the depot served first, on record and announced.

The close books each part it served as a movement out of its lot (``to_need``, with the
window and the need's member), marks a need served whole ``served`` (it is in no order),
and leaves a need served in part with the rest of its quantity: that rest is what the
close pooled and ordered, and what goes back into the pool if its order line is declined
or the order rejected. ``pooling.depot.served`` tells catalog which needs the depot
served (whole: ``rest_quantity`` 0) and notify what the members paid for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from pooling.domain.depot import DepotService
from pooling.domain.model import WindowResult
from pooling.service_layer.decisions import savings_fields
from pooling.service_layer.unit_of_work import UnitOfWork
from shared.events import DepotServed


def store_served(uow: UnitOfWork, window_id: int, service: DepotService) -> None:
    """The depot's movements out to the needs; the needs served whole or in part."""
    uow.depot.book(service.movements, window_id=window_id)
    rest = {need.need_id: need.quantity for need in service.rest}
    served = sorted({part.need_id for part in service.served})
    whole = [need_id for need_id in served if need_id not in rest]
    uow.needs.mark_served(whole, {n: rest[n] for n in served if n in rest})


def depot_served(
    uow: UnitOfWork,
    window_id: int,
    result: WindowResult,
    posted_under: Mapping[int, str],
) -> DepotServed:
    """What the depot served at the window's close, part by part (a need may be served
    from two lots), per product, and each served member's window result."""
    service = result.depot
    assert service is not None
    rest = {need.need_id: need.quantity for need in service.rest}
    lots = sorted({part.order_id for part in service.served})
    supplier_of = uow.orders.suppliers_of(lots)
    members = sorted({part.member_id for part in service.served})
    allocations = [
        {
            "need_id": part.need_id,
            "member_id": part.member_id,
            "sku": part.sku,
            "order_id": part.order_id,
            "supplier_id": supplier_of[part.order_id],
            "quantity": part.quantity,
            "unit_price": part.book_value,
            "goods": part.goods,
            "paid": part.paid,
            "rest_quantity": rest.get(part.need_id, Decimal(0)),
            "correlation_id": posted_under.get(part.need_id),
        }
        for part in service.served
    ]
    products = [
        {"sku": sku, "quantity": quantity, "value": value}
        for sku, (quantity, value) in service.by_product.items()
    ]
    return DepotServed(
        window_id=window_id,
        allocations=allocations,
        products=products,
        member_savings=[savings_fields(result.members[m]) for m in members],
    )
