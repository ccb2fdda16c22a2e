"""Flexible quantities at the close: needs that would also take more (``up_to``).

The strict optimum comes first (rules 1-7 on the needs' quantities). Then each product
may be ordered in more packs, at any of its offers, and its flexible needs take the
extra the packs hold, up to what they offered. A plan is one option (offer and packs)
per product; what it costs the cooperative is C less what the members pay for the
extra, at the line's unit price. The solver picks the cheapest plan (exactly) under two
constraints that keep every member at or below what it pays for its strict quantities
in the strict optimum (goods and fee share):

- no product's unit price rises above its strict one (so no need's goods rise);
- a supplier whose lines differ from the strict ones ships free (no fee is charged
  where the fee's split could shift onto someone; unchanged lines split it as before).

Every plan found is checked against that promise member by member, to the cent. The
strict choice with its packs filled meets both and is never dearer, so the
cooperative's total falls or stays.

The extra of a product goes to its flexible needs in proportion to what each offered,
by largest remainder (whole units when every offer and the extra are whole, else steps
of 0.001; ties to the earlier need). The shipping fee is split over the strict goods
only (rule 6): the extra is paid at the unit price, nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pooling.domain.model import Need, Offer, PricedLine, SupplierTerms
from pooling.domain.pricing import (
    ZERO,
    cost_of,
    fee_shares,
    largest_remainder,
    packs_needed,
    price_line,
    shipping_fee_due,
    tier_price,
)

MORE_PACKS = 200  # packs tried one by one past the strict ones (beyond: tier steps only)
THOUSANDTH = Decimal("0.001")

Plan = Mapping[str, int]  # per SKU: the index of its chosen option


@dataclass(frozen=True)
class FlexOption:
    """A product ordered at one offer in ``line.packs`` packs, its flexible needs taking
    ``extra`` of the surplus (``line.demand`` includes it)."""

    line: PricedLine
    extra: Decimal

    @property
    def extra_value(self) -> Decimal:
        """What the members who take the extra pay for it, in all."""
        return cost_of(self.extra, self.line.unit_price)

    @property
    def net(self) -> Decimal:
        """The line's value less the extra's: what the strict quantities cost."""
        return self.line.line_total - self.extra_value


@dataclass(frozen=True)
class FlexProblem:
    """Every option per SKU (in supplier, then pack order) and the strict plan filled."""

    options: Mapping[str, tuple[FlexOption, ...]]
    suppliers: Mapping[int, SupplierTerms]
    strict: Plan

    def fees(self, plan: Plan) -> dict[int, Decimal]:
        """Each used supplier's fee on the plan's lines (rule 5's waiver)."""
        loads: dict[int, Decimal] = {}
        for sku, index in plan.items():
            line = self.options[sku][index].line
            loads[line.supplier_id] = loads.get(line.supplier_id, ZERO) + line.line_total
        return {sid: shipping_fee_due(self.suppliers[sid], load) for sid, load in loads.items()}

    def cost(self, plan: Plan) -> Decimal:
        """The cooperative's total under ``plan``: C less what the extra is paid."""
        nets = sum((self.options[sku][i].net for sku, i in plan.items()), ZERO)
        return nets + sum(self.fees(plan).values(), ZERO)


@dataclass(frozen=True)
class FlexSolution:
    plan: Plan
    optimal: bool = True  # False: the solver ran out of time; the plan is fair, not proven


# A plan's unfairness: for each member that would pay more, the suppliers that serve it
# under the plan (what it pays depends only on those suppliers' lines); empty: fair.
Fairness = Callable[[Plan], list[frozenset[int]]]


def flexible_problem(
    demand: Mapping[str, Decimal],
    offered: Mapping[str, Decimal],
    offers: Mapping[str, Sequence[Offer]],
    suppliers: Mapping[int, SupplierTerms],
    strict: Mapping[str, int],
) -> FlexProblem:
    """The options of every product with strict ``demand``, ``offered`` more by its
    flexible needs, at each of its offers; ``strict`` is the strict optimum's supplier
    per SKU."""
    options, plan = {}, {}
    for sku in sorted(strict):
        by_supplier = {o.supplier_id: o for o in offers[sku]}
        strict_price = price_line(by_supplier[strict[sku]], demand[sku]).unit_price
        per_sku: list[FlexOption] = []
        for sid, offer in sorted(by_supplier.items()):
            if sid == strict[sku]:
                plan[sku] = len(per_sku)
            per_sku += [
                option
                for option in offer_options(offer, demand[sku], offered.get(sku, ZERO))
                if option.line.unit_price <= strict_price
            ]
        options[sku] = tuple(per_sku)
    return FlexProblem(options, suppliers, plan)


def offer_options(offer: Offer, demand: Decimal, offered: Decimal) -> list[FlexOption]:
    """The strict packs, then each pack more while the extra fits in what was offered
    (one by one up to ``MORE_PACKS``, past that the first packs of each higher tier)."""
    fewest = packs_needed(demand, offer.pack_size)
    most = packs_needed(demand + offered, offer.pack_size)
    counts = set(range(fewest, min(most, fewest + MORE_PACKS) + 1)) | {most}
    for tier in offer.tiers:
        reach = packs_needed(max(tier.min_quantity, offer.pack_size), offer.pack_size)
        if fewest < reach <= most:
            counts |= {reach - 1, reach}
    return [_option(offer, demand, offered, packs) for packs in sorted(counts)]


def _option(offer: Offer, demand: Decimal, offered: Decimal, packs: int) -> FlexOption:
    ordered = packs * offer.pack_size
    price = tier_price(offer.tiers, ordered)
    extra = min(ordered - demand, offered)
    line = PricedLine(
        offer.supplier_id, offer.sku, demand + extra, packs, ordered, price, cost_of(ordered, price)
    )
    return FlexOption(line, extra)


def strict_paid(
    problem: FlexProblem,
    plan: Plan,
    by_sku: Mapping[str, Sequence[Need]],
    serving: dict[int, set[int]] | None = None,
) -> dict[int, Decimal]:
    """What each member pays for its strict quantities under ``plan``: goods at the
    plan's unit prices and its share of the fees, split over the strict goods (and, in
    ``serving``, which suppliers serve each member)."""
    goods: dict[int, dict[int, Decimal]] = {}
    member_of: dict[int, int] = {}
    serving = {} if serving is None else serving
    for sku, index in plan.items():
        line = problem.options[sku][index].line
        at_supplier = goods.setdefault(line.supplier_id, {})
        for need in by_sku[sku]:
            at_supplier[need.need_id] = cost_of(need.quantity, line.unit_price)
            member_of[need.need_id] = need.member_id
            serving.setdefault(need.member_id, set()).add(line.supplier_id)
    paid: dict[int, Decimal] = {}
    for sid, fee in problem.fees(plan).items():
        shares = fee_shares(fee, goods[sid])
        for need_id, value in goods[sid].items():
            member = member_of[need_id]
            paid[member] = paid.get(member, ZERO) + value + shares[need_id]
    return paid


def fairness(
    problem: FlexProblem, by_sku: Mapping[str, Sequence[Need]], strict: Mapping[int, Decimal]
) -> Fairness:
    """A plan's unfairness (see ``Fairness``): the members that would pay more for their
    strict quantities than in the strict optimum (``strict``)."""

    def unfair(plan: Plan) -> list[frozenset[int]]:
        serving: dict[int, set[int]] = {}
        paid = strict_paid(problem, plan, by_sku, serving)
        return sorted(
            {frozenset(serving[m]) for m, amount in paid.items() if amount > strict[m]},
            key=sorted,
        )

    return unfair


def share_extra(extra: Decimal, needs: Sequence[Need]) -> dict[int, Decimal]:
    """The extra of one product over its needs (in need order) in proportion to their
    flexibility, by largest remainder; whole units where everything is whole."""
    offered = [need.flexibility for need in needs]
    whole = extra == extra.to_integral_value() and all(f == f.to_integral_value() for f in offered)
    step = Decimal(1) if whole else THOUSANDTH
    if extra == 0:
        return {}
    units = largest_remainder(int(extra / step), [int(f / step) for f in offered])
    return {need.need_id: u * step for need, u in zip(needs, units, strict=True) if u}
