"""The pool before its close, as a member would weigh it: where a close now would order
each product, what each offer's next tier and each supplier's free shipping would take
(``reach``), and what the pool saves so far against every member buying alone (rule 7,
from a close computed now and not stored)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pooling.domain.model import Offer, SupplierTerms, Tier, WindowResult
from pooling.domain.pricing import ZERO, money
from pooling.domain.progress import ProductProgress
from pooling.domain.reach import (
    TierReach,
    free_shipping_reach,
    line_value,
    next_tier_reach,
    packs_at,
)


@dataclass(frozen=True)
class OfferOutlook:
    supplier_id: int
    pack_size: Decimal
    tiers: tuple[Tier, ...]
    line_total: Decimal  # the line's value at the demand now (rules 2-4)
    next_tier: TierReach | None
    free_shipping_more: Decimal | None  # more of this product that ships its supplier free


@dataclass(frozen=True)
class ProductOutlook:
    sku: str
    supplier_id: int | None  # where a close now would order it (None: the depot serves all)
    offers: tuple[OfferOutlook, ...]


@dataclass(frozen=True)
class SupplierOutlook:
    supplier_id: int
    shipping_fee: Decimal
    free_shipping_from: Decimal | None
    lines_total: Decimal  # what a close now would order from it
    fee: Decimal  # the fee it would charge on that (its full fee where it gets nothing)


@dataclass(frozen=True)
class PoolOutlook:
    products: tuple[ProductOutlook, ...]
    suppliers: tuple[SupplierOutlook, ...]
    result: WindowResult  # the close as it would be now


def pool_outlook(
    progress: Sequence[ProductProgress],
    offers: Mapping[str, Sequence[Offer]],
    terms: Mapping[int, SupplierTerms],
    result: WindowResult,
) -> PoolOutlook:
    """The outlook of every product in ``progress`` (each offer priced on what the depot
    leaves to order), given the close ``result`` of the same needs."""
    chosen: dict[str, tuple[int, Decimal]] = {}
    loads: dict[int, Decimal] = {}
    fees: dict[int, Decimal] = {}
    for order in result.orders:
        fees[order.supplier_id] = order.shipping_fee
        for line in order.lines:
            chosen[line.sku] = (order.supplier_id, line.line_total)
            loads[order.supplier_id] = loads.get(order.supplier_id, ZERO) + line.line_total
    products = []
    for product in progress:
        rest = product.quantity - product.depot_quantity
        supplier, chosen_total = chosen.get(product.sku, (None, ZERO))
        outlooks = []
        for offer in sorted(offers.get(product.sku, ()), key=lambda o: o.supplier_id):
            elsewhere = loads.get(offer.supplier_id, ZERO)
            if offer.supplier_id == supplier:
                elsewhere -= chosen_total
            outlooks.append(_offer_outlook(offer, rest, elsewhere, terms[offer.supplier_id]))
        products.append(ProductOutlook(product.sku, supplier, tuple(outlooks)))
    offering = sorted({o.supplier_id for p in products for o in p.offers})
    suppliers = tuple(
        SupplierOutlook(
            sid,
            money(terms[sid].shipping_fee),
            terms[sid].free_shipping_from,
            loads.get(sid, ZERO),
            fees.get(sid, money(terms[sid].shipping_fee)),
        )
        for sid in offering
    )
    return PoolOutlook(tuple(products), suppliers, result)


def _offer_outlook(
    offer: Offer, demand: Decimal, elsewhere: Decimal, terms: SupplierTerms
) -> OfferOutlook:
    return OfferOutlook(
        offer.supplier_id,
        offer.pack_size,
        offer.tiers,
        line_value(offer, packs_at(offer, demand)),
        next_tier_reach(offer, demand),
        free_shipping_reach(offer, demand, elsewhere, terms),
    )
