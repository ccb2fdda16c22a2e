"""A cooperative of any size for benchmarks: members, suppliers, offers with tiers, needs.

Deterministic for a seed. Prices and pack sizes look like a building-material
wholesaler's: pack sizes 1 to 25 (and 1.44 m² tile packs), unit prices from a
few cents to a few hundred euros, 2-5 all-units tiers falling 3-15 % each,
shipping fees of 0-249 euros (parcel to pallet freight) with a free-shipping threshold
of 500 to 250,000 euros or none.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from pooling.domain.model import Need, Offer, SupplierTerms, Tier

PACK_SIZES = ("1", "1", "1", "5", "10", "12", "25", "1.44", "0.5")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Instance:
    needs: list[Need]
    offers: dict[str, list[Offer]]
    suppliers: dict[int, SupplierTerms]

    @property
    def members(self) -> int:
        return len({need.member_id for need in self.needs})


def cooperative(
    *, needs: int, members: int, products: int, suppliers: int, seed: int = 2026
) -> Instance:
    rng = random.Random(seed)
    terms = {sid: _supplier(rng, sid) for sid in range(1, suppliers + 1)}
    skus = [f"P{n:06d}" for n in range(products)]
    offers = {sku: _offers(rng, sku, suppliers) for sku in skus}
    weights = [1 / (rank + 1) ** 0.8 for rank in range(products)]  # some products are popular
    chosen = rng.choices(skus, weights=weights, k=needs)
    return Instance(
        needs=[
            Need(need_id, rng.randint(1, members), sku, _quantity(rng))
            for need_id, sku in enumerate(chosen, start=1)
        ],
        offers=offers,
        suppliers=terms,
    )


def _supplier(rng: random.Random, supplier_id: int) -> SupplierTerms:
    fee = Decimal(rng.choice((0, 19, 29, 49, 89, 149, 249))).quantize(CENT)
    free_from = rng.choice((None, 500, 2_500, 25_000, 100_000, 250_000))
    free_from = None if free_from is None else Decimal(free_from)
    return SupplierTerms(supplier_id, fee, free_from)


def _offers(rng: random.Random, sku: str, suppliers: int) -> list[Offer]:
    base = Decimal(str(round(rng.lognormvariate(2.5, 1.2), 2))).max(Decimal("0.05"))
    chosen = rng.sample(range(1, suppliers + 1), k=min(suppliers, rng.randint(1, 5)))
    return [_offer(rng, sku, sid, base) for sid in sorted(chosen)]


def _offer(rng: random.Random, sku: str, supplier_id: int, base: Decimal) -> Offer:
    price = (base * Decimal(str(rng.uniform(0.85, 1.2)))).quantize(Decimal("0.0001"))
    tiers = [Tier(Decimal(0), price.max(CENT))]
    start = Decimal(rng.choice((5, 10, 20, 25, 50)))
    for _ in range(rng.randint(1, 4)):
        price = (price * Decimal(str(rng.uniform(0.85, 0.97)))).quantize(Decimal("0.0001"))
        tiers.append(Tier(start, price.max(CENT)))
        start *= rng.choice((2, 3, 4))
    return Offer(supplier_id, sku, Decimal(rng.choice(PACK_SIZES)), tuple(tiers))


def _quantity(rng: random.Random) -> Decimal:
    whole = Decimal(rng.choice((1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50)))
    if rng.random() < 0.2:
        return whole + Decimal(rng.randint(1, 999)) / 1000
    return whole


SIZES = {
    "small": dict(needs=2_000, members=50, products=200, suppliers=10),
    "issue": dict(needs=20_000, members=500, products=2_000, suppliers=30),
    "large": dict(needs=200_000, members=5_000, products=20_000, suppliers=100),
}
