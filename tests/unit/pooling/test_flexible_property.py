"""Flexible quantities at the close against brute force, on small random windows.

The reference enumerates every plan (per product: an offer and any number of packs
from the strict ones to the ones that hold every offered unit), prices it by the rules,
keeps the plans within the close's constraints (no unit price above the product's
strict one; a supplier that charges its fee keeps exactly its strict lines) and takes
the least cost to the cooperative: C less the extra's value. The result must also keep
the promise those constraints stand for: no member pays more for its strict
quantities than in the strict optimum.
"""

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from itertools import product
from math import ceil

from hypothesis import given, settings
from hypothesis import strategies as st
from test_optimise_property import SOLVE, ref_cents, ref_split

from pooling.domain.closing import close_window
from pooling.domain.model import Need, Offer, SupplierTerms, Tier


def ref_price(offer: Offer, ordered: Fraction) -> Fraction:
    return Fraction(
        max(
            (t for t in offer.tiers if t.min_quantity <= ordered), key=lambda t: t.min_quantity
        ).unit_price
    )


def ref_plans(
    needs: list[Need], offers: dict, suppliers: dict, strict: dict[str, int]
) -> list[dict]:
    """Every plan within the constraints (``strict``: the strict optimum's supplier per
    SKU), each with its cost to the cooperative and each member's strict paid."""
    by_sku: dict[str, list[Need]] = defaultdict(list)
    for need in sorted(needs, key=lambda n: n.need_id):
        by_sku[need.sku].append(need)
    skus = sorted(by_sku)
    choices = []
    for sku in skus:
        demand = sum(Fraction(n.quantity) for n in by_sku[sku])
        offered = sum(Fraction(n.flexibility) for n in by_sku[sku])
        per_sku = []
        at = next(o for o in offers[sku] if o.supplier_id == strict[sku])
        fewest = ceil(demand / Fraction(at.pack_size))
        strict_line = (strict[sku], fewest * Fraction(at.pack_size))
        strict_price = ref_price(at, strict_line[1])
        for offer in offers[sku]:
            pack = Fraction(offer.pack_size)
            for packs in range(ceil(demand / pack), ceil((demand + offered) / pack) + 1):
                ordered = packs * pack
                price = ref_price(offer, ordered)
                extra = min(ordered - demand, offered)
                if price <= strict_price:
                    kept = (offer.supplier_id, ordered) == strict_line
                    per_sku.append((offer.supplier_id, ordered, price, extra, kept))
        choices.append(per_sku)
    plans = []
    strict_at: dict[int, set[str]] = defaultdict(set)
    for sku in skus:
        strict_at[strict[sku]].add(sku)
    for combo in product(*choices):
        loads: dict[int, Fraction] = defaultdict(Fraction)
        cost = Fraction(0)
        for sid, ordered, price, extra, _kept in combo:
            loads[sid] += ref_cents(ordered * price)
            cost += ref_cents(ordered * price) - ref_cents(extra * price)
        paid: dict[int, Fraction] = defaultdict(Fraction)
        for sid, load in loads.items():
            terms = suppliers[sid]
            free = terms.free_shipping_from is not None and load >= terms.free_shipping_from
            fee = Fraction(0 if free else terms.shipping_fee)
            cost += fee
            here = [(c, sku) for c, sku in zip(combo, skus, strict=True) if c[0] == sid]
            unchanged = {sku for c, sku in here if c[4]} == strict_at[sid] == {s for _c, s in here}
            if fee and not unchanged:
                break  # a supplier charging its fee must keep its strict lines
            served = sorted(
                (n.need_id, n.member_id, ref_cents(Fraction(n.quantity) * c[2]))
                for c, sku in here
                for n in by_sku[sku]
            )
            shares = ref_split(fee, [goods for _i, _m, goods in served])
            for (_i, member, goods), share in zip(served, shares, strict=True):
                paid[member] += goods + share
        else:
            plans.append({"combo": combo, "cost": cost, "paid": paid})
    return plans


@st.composite
def flexible_windows(draw: st.DrawFn) -> tuple[list[Need], dict, dict]:
    ids = draw(st.lists(st.integers(1, 5), min_size=1, max_size=3, unique=True))
    fee = st.sampled_from([Decimal("0.00"), Decimal("5.00"), Decimal("19.00")])
    free_from = st.sampled_from([None, Decimal("20"), Decimal("50"), Decimal("120")])
    suppliers = {sid: SupplierTerms(sid, draw(fee), draw(free_from)) for sid in ids}
    offers: dict[str, list[Offer]] = {}
    needs: list[Need] = []
    for p in range(draw(st.integers(1, 3))):
        sku = f"SKU-{p}"
        sellers = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        offers[sku] = []
        for sid in sorted(sellers):
            pack = draw(st.sampled_from([Decimal(1), Decimal(3), Decimal(5), Decimal("2.5")]))
            base = draw(st.integers(100, 400))
            step = draw(st.sampled_from([None, 4, 8, 12]))
            tiers = [Tier(Decimal(0), Decimal(base).scaleb(-2))]
            if step is not None:
                tiers.append(Tier(Decimal(step), Decimal(base * 8 // 10).scaleb(-2)))
            offers[sku].append(Offer(sid, sku, pack, tuple(tiers)))
        for _ in range(draw(st.integers(1, 3))):
            quantity = Decimal(draw(st.integers(1, 6)))
            more = draw(st.sampled_from([None, 0, 1, 2, 3, 4, Decimal("1.5")]))
            up_to = None if more is None else quantity + Decimal(more)
            member = draw(st.integers(1, 3))
            needs.append(Need(len(needs) + 1, member, sku, quantity, up_to=up_to))
    return needs, offers, suppliers


@settings(max_examples=250, deadline=None)
@given(window=flexible_windows())
def test_flexible_close_is_the_cheapest_fair_plan(window: tuple) -> None:
    needs, offers, suppliers = window
    strict = close_window(
        [Need(n.need_id, n.member_id, n.sku, n.quantity) for n in needs], offers, suppliers, SOLVE
    )
    result = close_window(needs, offers, suppliers, SOLVE)
    assert result.optimal
    before = {m: s.paid for m, s in strict.members.items()}
    chosen = {line.sku: o.supplier_id for o in strict.orders for line in o.lines}
    best = min(plan["cost"] for plan in ref_plans(needs, offers, suppliers, chosen))

    by_id = {n.need_id: n for n in needs}
    extra_value = Fraction(0)
    strict_paid: dict[int, Fraction] = defaultdict(Fraction)
    for order in result.orders:
        for line in order.lines:
            extra = sum(Fraction(a.extra_quantity) for a in line.allocations)
            extra_value += ref_cents(extra * Fraction(line.unit_price))
            demand = sum(Fraction(by_id[a.need_id].quantity) for a in line.allocations)
            offered = sum(Fraction(by_id[a.need_id].flexibility) for a in line.allocations)
            assert extra == min(Fraction(line.ordered_quantity) - demand, offered)
            for a in line.allocations:
                need = by_id[a.need_id]
                assert 0 <= a.extra_quantity <= need.flexibility
                assert a.quantity == need.quantity + a.extra_quantity
                own = ref_cents(Fraction(need.quantity) * Fraction(line.unit_price))
                more = ref_cents(Fraction(a.extra_quantity) * Fraction(line.unit_price))
                assert a.goods == own + more
                strict_paid[a.member_id] += Fraction(a.paid) - more
    cost = Fraction(result.total_cost) - extra_value
    assert cost == best  # the cheapest fair plan
    assert cost <= Fraction(strict.total_cost)  # the cooperative's total falls or stays
    for member, paid in strict_paid.items():  # nobody pays more for its strict quantities
        assert paid <= before[member]
        assert result.members[member].flexibility_saved == Fraction(before[member]) - paid
    assert result.depot_value == result.total_cost - result.members_paid


def test_without_flexible_needs_the_close_is_the_strict_one() -> None:
    one = (Tier(Decimal(0), Decimal("2.00")), Tier(Decimal(10), Decimal("1.50")))
    offers = {"X": [Offer(1, "X", Decimal(4), one)]}
    suppliers = {1: SupplierTerms(1, Decimal("5.00"), None)}
    needs = [Need(1, 1, "X", Decimal(5)), Need(2, 2, "X", Decimal(2), up_to=Decimal(2))]
    result = close_window(needs, offers, suppliers, SOLVE)
    (line,) = result.orders[0].lines
    assert (line.ordered_quantity, line.surplus_quantity) == (Decimal(8), Decimal(1))
    assert all(a.extra_quantity == 0 for a in line.allocations)


def test_a_flexible_need_reaches_the_tier_for_everyone() -> None:
    """10 units in packs of 4 are 12 at 2.00; one member would take 4 more: 16 reach the
    1.50 tier, and both members pay less per unit for what they need."""
    tiers = (Tier(Decimal(0), Decimal("2.00")), Tier(Decimal(16), Decimal("1.50")))
    offers = {"X": [Offer(1, "X", Decimal(4), tiers)]}
    suppliers = {1: SupplierTerms(1, Decimal("0.00"), None)}
    needs = [Need(1, 1, "X", Decimal(6)), Need(2, 2, "X", Decimal(4), up_to=Decimal(8))]
    result = close_window(needs, offers, suppliers, SOLVE)
    (line,) = result.orders[0].lines
    assert (line.ordered_quantity, line.unit_price) == (Decimal(16), Decimal("1.50"))
    first, second = line.allocations
    assert (first.quantity, first.paid) == (Decimal(6), Decimal("9.00"))
    assert (second.quantity, second.extra_quantity, second.paid) == (
        Decimal(8),
        Decimal(4),
        Decimal("12.00"),
    )
    assert result.members[1].flexibility_saved == Decimal("3.00")  # 12.00 strict
    assert result.members[2].flexibility_saved == Decimal("2.00")  # 8.00 for its 4
    assert result.total_cost == Decimal("24.00") and result.depot_value == Decimal("3.00")


def test_confirming_keeps_the_fee_on_the_needs_own_goods() -> None:
    """The fee stays charged and a flexible need fills the pack's surplus: its extra pays
    goods only, at the close and again when the supplier confirms (rule 8's new split)."""
    from pooling.domain.confirmation import confirm_order

    offers = {"X": [Offer(1, "X", Decimal(10), (Tier(Decimal(0), Decimal("2.00")),))]}
    terms = SupplierTerms(1, Decimal("5.00"), None)
    needs = [Need(1, 1, "X", Decimal(4)), Need(2, 2, "X", Decimal(4), up_to=Decimal(10))]
    result = close_window(needs, offers, {1: terms}, SOLVE)
    (order,) = result.orders
    first, second = order.lines[0].allocations
    assert (second.quantity, second.extra_quantity) == (Decimal(6), Decimal(2))
    assert (first.shipping_share, second.shipping_share) == (Decimal("2.50"), Decimal("2.50"))
    assert (first.paid, second.paid) == (Decimal("10.50"), Decimal("14.50"))
    confirmed = confirm_order(order, terms).order
    assert confirmed.lines[0].allocations == order.lines[0].allocations


def test_a_flexible_need_partly_served_by_the_depot_keeps_what_more_it_offered() -> None:
    """The depot serves 8 of a need of 10 up to 12; its rest of 2 may still take 2 more,
    not 10: a pack of 4 holds them."""
    from datetime import date

    from pooling.domain.depot import Lot

    tiers = (Tier(Decimal(0), Decimal("2.00")), Tier(Decimal(12), Decimal("1.00")))
    offers = {"X": [Offer(1, "X", Decimal(4), tiers)]}
    suppliers = {1: SupplierTerms(1, Decimal("0.00"), None)}
    needs = [Need(1, 1, "X", Decimal(10), up_to=Decimal(12))]
    lots = [Lot("X", 7, date(2026, 12, 1), Decimal(8), Decimal("1.50"))]
    result = close_window(needs, offers, suppliers, SOLVE, lots, date(2026, 12, 7))
    (line,) = result.orders[0].lines
    (allocation,) = line.allocations
    assert (line.ordered_quantity, allocation.quantity) == (Decimal(4), Decimal(4))
    assert allocation.extra_quantity == Decimal(2) and line.surplus_quantity == 0
