"""The pool page's figures, put together from pooling's answers: the pooled prices now
(``/pools/current``), what the next tier and free shipping would take and the savings so
far (``/pools/current/outlook``), with catalog's names and the member's own needs.

Nothing is priced here: every amount is pooling's, computed by its pricing rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class TierStep:
    min_quantity: Decimal
    unit_price: Decimal
    more: Decimal  # more demand that brings everyone there
    saves_per_unit: Decimal | None  # None: pooling's outlook could not be read
    percent: int  # of the way there
    more_flexible: Decimal | None  # of ``more``, what the flexible needs do not offer yet


@dataclass(frozen=True)
class OfferCard:
    supplier_id: int
    supplier: str
    chosen: bool  # a close now would order the product here
    ordered_quantity: Decimal
    unit_price: Decimal
    pack_size: Decimal | None
    tiers: tuple[tuple[Decimal, Decimal], ...]
    next_tier: TierStep | None
    free_shipping_more: Decimal | None  # more of the product that ships the supplier free


@dataclass(frozen=True)
class ProductCard:
    sku: str
    name: str
    unit: str
    quantity: Decimal
    own: Decimal | None  # what the member's own open needs ask of it
    depot_quantity: Decimal
    flexible: Decimal
    offers: tuple[OfferCard, ...]


@dataclass(frozen=True)
class SupplierCard:
    supplier_id: int
    name: str
    lines_total: Decimal
    shipping_fee: Decimal
    free_shipping_from: Decimal | None
    fee: Decimal

    @property
    def missing(self) -> Decimal:
        """Euros of goods still missing for free shipping (0 once it ships free)."""
        if self.free_shipping_from is None:
            return Decimal(0)
        return max(Decimal(0), self.free_shipping_from - self.lines_total)

    @property
    def percent(self) -> int:
        if not self.free_shipping_from:
            return 100
        return _percent(self.lines_total, self.free_shipping_from)


@dataclass(frozen=True)
class ShopWindow:
    window_id: int | None
    closes_at: datetime | None
    needs: int = 0
    members: int = 0
    products: tuple[ProductCard, ...] = ()
    suppliers: tuple[SupplierCard, ...] = ()
    pool_savings: Mapping[str, Decimal] | None = None
    own_savings: Mapping[str, Decimal] | None = None
    proven: bool = True  # the savings come from a proven optimum
    names: Mapping[int, str] = field(default_factory=dict)

    def shipping(self, supplier_id: int) -> SupplierCard | None:
        """The supplier's way to free shipping, if pooling's outlook said."""
        return next((s for s in self.suppliers if s.supplier_id == supplier_id), None)


def shop_window(
    pool: Mapping[str, Any],
    outlook: Mapping[str, Any] | None,
    products: Mapping[str, tuple[str, str]],
    suppliers: Mapping[int, str],
    own: Mapping[str, Decimal],
) -> ShopWindow:
    """The page's figures: ``products`` names each SKU (name, unit), ``suppliers`` each
    supplier, ``own`` the member's open quantity per SKU; own products come first."""
    outlook = outlook or {}
    outlooks = {p["sku"]: p for p in outlook.get("products", ())}
    cards = [
        _product(p, outlooks.get(p["sku"], {}), products, suppliers, own)
        for p in pool.get("products", ())
    ]
    cards.sort(key=lambda card: (card.own is None, card.name.casefold(), card.sku))
    supplier_cards = tuple(
        SupplierCard(
            s["supplier_id"],
            suppliers.get(s["supplier_id"], ""),
            Decimal(s["lines_total"]),
            Decimal(s["shipping_fee"]),
            _decimal(s.get("free_shipping_from")),
            Decimal(s["fee"]),
        )
        for s in outlook.get("suppliers", ())
    )
    return ShopWindow(
        window_id=pool.get("window_id"),
        closes_at=_moment(pool.get("closes_at")),
        needs=pool.get("needs", 0),
        members=pool.get("members", 0),
        products=tuple(cards),
        suppliers=supplier_cards,
        pool_savings=_savings(outlook.get("pool")),
        own_savings=_savings(outlook.get("own")),
        proven=outlook.get("optimal", True),
        names=suppliers,
    )


def _product(
    product: Mapping[str, Any],
    outlook: Mapping[str, Any],
    products: Mapping[str, tuple[str, str]],
    suppliers: Mapping[int, str],
    own: Mapping[str, Decimal],
) -> ProductCard:
    sku = product["sku"]
    name, unit = products.get(sku, (sku, ""))
    rest = Decimal(product["quantity"]) - Decimal(product.get("depot_quantity") or 0)
    flexible = Decimal(product.get("flexible") or 0)
    weighed = {o["supplier_id"]: o for o in outlook.get("offers", ())}
    offers = tuple(
        _offer(offer, weighed.get(offer["supplier_id"], {}), (rest, flexible), suppliers, outlook)
        for offer in product.get("offers", ())
    )
    return ProductCard(
        sku=sku,
        name=name,
        unit=unit,
        quantity=Decimal(product["quantity"]),
        own=own.get(sku),
        depot_quantity=Decimal(product.get("depot_quantity") or 0),
        flexible=flexible,
        offers=offers,
    )


def _offer(
    offer: Mapping[str, Any],
    weighed: Mapping[str, Any],
    demand: tuple[Decimal, Decimal],
    suppliers: Mapping[int, str],
    outlook: Mapping[str, Any],
) -> OfferCard:
    """One offer; ``demand``: what is left to order of the product, and how much more its
    flexible needs would take."""
    supplier_id = offer["supplier_id"]
    tiers = tuple(
        (Decimal(t["min_quantity"]), Decimal(t["unit_price"])) for t in weighed.get("tiers", ())
    )
    return OfferCard(
        supplier_id=supplier_id,
        supplier=suppliers.get(supplier_id, ""),
        chosen=outlook.get("supplier_id") == supplier_id,
        ordered_quantity=Decimal(offer["ordered_quantity"]),
        unit_price=Decimal(offer["unit_price"]),
        pack_size=_decimal(weighed.get("pack_size")),
        tiers=tiers,
        next_tier=_tier_step(offer.get("next_tier"), weighed.get("next_tier"), *demand),
        free_shipping_more=_decimal(weighed.get("free_shipping_more")),
    )


def _tier_step(
    progress: Mapping[str, Any] | None,
    weighed: Mapping[str, Any] | None,
    rest: Decimal,
    flexible: Decimal,
) -> TierStep | None:
    """The next tier: how much more it takes as pooling's outlook counts it (in whole
    packs), else as its progress does."""
    if progress is None:
        return None
    more = Decimal((weighed or progress).get("more", progress["missing"]))
    return TierStep(
        min_quantity=Decimal(progress["min_quantity"]),
        unit_price=Decimal(progress["unit_price"]),
        more=more,
        saves_per_unit=_decimal((weighed or {}).get("saves_per_unit")),
        percent=_percent(rest, rest + more),
        more_flexible=max(Decimal(0), more - flexible) if flexible else None,
    )


def _percent(part: Decimal, whole: Decimal) -> int:
    if whole <= 0:
        return 100
    return max(0, min(100, int(part * HUNDRED / whole)))


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _savings(figures: Mapping[str, str] | None) -> dict[str, Decimal] | None:
    return None if figures is None else {key: Decimal(value) for key, value in figures.items()}


def _moment(value: str | None) -> datetime | None:
    return None if not value else datetime.fromisoformat(value)
