"""Shrinking a member's baseline problem before any optimiser sees it, exactly.

Three facts about rule 5's cost keep the cheapest cost C while removing choices:

- A supplier's fee is *settled* when every remaining choice pays the same fee at it:
  it charges nothing, or it is used for sure (a product has no other offer left) and
  its lines either cannot reach free shipping or reach it for sure, or every line it
  could carry reaches free shipping alone. A settled fee is a constant: it links no
  products, so the problem falls into smaller independent parts.
- An offer is *dominated* when moving its product to the product's cheapest offer
  never costs more in any remaining choice: the cheaper line, plus the fee that the
  move may newly cause at the cheapest offer's supplier (if unsettled and not free
  with that line alone), plus the fee it may cause at the supplier left (if unsettled
  and able to reach free shipping), is still at most the offer's line. Moving every
  product off its dominated offers, one by one, turns any cheapest choice into one
  that uses none of them, so they can all go.
- A supplier is *not worth its fee* when its fee is due whenever it is used (unsettled,
  its lines cannot reach free shipping), no product needs it, and moving everything it
  could carry elsewhere costs at most that fee: each product's rise in line (if any),
  plus at each supplier moved to the largest fee one of the moves may newly cause there
  (each product moved where its line and that fee are least). Moving the products of
  a cheapest choice off it costs at most as much and saves its fee, so all its offers
  can go.

All are applied until nothing changes; a product's last offer is never removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cache

from pooling.domain.model import LineValue, SupplierTerms
from pooling.domain.pricing import ZERO, money

Candidates = dict[str, tuple[LineValue, ...]]
FEE_FREE = ZERO


def settle_fees(
    candidates: Mapping[str, tuple[LineValue, ...]], suppliers: Mapping[int, SupplierTerms]
) -> tuple[Candidates, set[int]]:
    """The candidates without dominated offers nor suppliers not worth their fee, and
    the suppliers whose fee is settled (among those offering them)."""
    remaining = dict(candidates)
    fees = {sid: money(suppliers[sid].shipping_fee) for sid in _offering(remaining)}
    settled = {sid for sid, fee in fees.items() if fee == 0 or _never_due(suppliers[sid])}
    while len(settled) < len(fees):
        loads = _Loads(remaining)
        settled |= loads.settled(suppliers, settled)
        reachable = loads.may_reach_free_shipping(suppliers, settled)
        always_due = fees.keys() - settled - reachable
        changed = _drop_dominated(remaining, suppliers, settled, fees, reachable)
        changed |= _drop_not_worth_fee(remaining, suppliers, settled, fees, always_due)
        if not changed:
            break
    return remaining, settled


def _drop_dominated(
    remaining: Candidates,
    suppliers: Mapping[int, SupplierTerms],
    settled: set[int],
    fees: Mapping[int, Decimal],
    reachable: set[int],
) -> bool:
    """Remove the dominated offers from ``remaining``; whether there were any."""
    changed = False
    for sku, lines in remaining.items():
        if len(lines) == 1:
            continue
        best = _cheapest(lines)
        ceiling = best.line_total + _fee_caused(best, suppliers, settled, fees)
        kept = tuple(
            line
            for line in lines
            if line is best
            or ceiling + (fees[line.supplier_id] if line.supplier_id in reachable else ZERO)
            > line.line_total
        )
        if len(kept) < len(lines):
            remaining[sku], changed = kept, True
    return changed


def _drop_not_worth_fee(
    remaining: Candidates,
    suppliers: Mapping[int, SupplierTerms],
    settled: set[int],
    fees: Mapping[int, Decimal],
    always_due: set[int],
) -> bool:
    """Remove the offers of the suppliers not worth their fee (of ``always_due``, those
    whose fee is due whenever used), one by one; whether there were any."""
    served: dict[int, list[str]] = {}
    for sku, lines in remaining.items():
        for line in lines:
            if line.supplier_id in always_due:
                served.setdefault(line.supplier_id, []).append(sku)
    changed = False
    for sid in sorted(served):
        skus = served[sid]
        if any(len(remaining[sku]) == 1 for sku in skus):
            continue  # a product needs it
        rise, caused = ZERO, {}
        for sku in skus:
            here = next(line for line in remaining[sku] if line.supplier_id == sid)
            there, fee = _move_off(remaining[sku], here, suppliers, settled, fees)
            rise += max(ZERO, there.line_total - here.line_total)
            # the most any of the moves there adds (any one of them alone may add it)
            caused[there.supplier_id] = max(fee, caused.get(there.supplier_id, ZERO))
        if rise + sum(caused.values(), ZERO) <= fees[sid]:
            for sku in skus:
                remaining[sku] = tuple(line for line in remaining[sku] if line.supplier_id != sid)
            changed = True
    return changed


def _move_off(
    lines: tuple[LineValue, ...],
    here: LineValue,
    suppliers: Mapping[int, SupplierTerms],
    settled: set[int],
    fees: Mapping[int, Decimal],
) -> tuple[LineValue, Decimal]:
    """Where a product moves off ``here`` for the least line and fee caused there: the
    line, and that fee."""
    moves = [(line, _fee_caused(line, suppliers, settled, fees)) for line in lines]
    return min(
        (move for move in moves if move[0] is not here),
        key=lambda move: (move[0].line_total + move[1], move[0].supplier_id),
    )


def _cheapest(lines: Iterable[LineValue]) -> LineValue:
    """A product's cheapest line: the lowest total, then the lower supplier id."""
    return min(lines, key=lambda line: (line.line_total, line.supplier_id))


def _offering(candidates: Mapping[str, tuple[LineValue, ...]]) -> set[int]:
    return {line.supplier_id for lines in candidates.values() for line in lines}


def _never_due(terms: SupplierTerms) -> bool:
    """Free shipping from nothing: the fee is never charged."""
    return terms.free_shipping_from is not None and terms.free_shipping_from <= 0


class _Loads:
    """What each supplier's lines could add up to among the remaining choices: at most,
    for sure (the products it alone offers now), and its smallest line."""

    def __init__(self, candidates: Candidates) -> None:
        most: dict[int, Decimal] = {}
        surely: dict[int, Decimal] = {}
        least: dict[int, Decimal] = {}
        for lines in candidates.values():
            for line in lines:
                sid, total = line.supplier_id, line.line_total
                if sid in most:
                    most[sid] += total
                    if total < least[sid]:
                        least[sid] = total
                else:
                    most[sid] = least[sid] = total
            if len(lines) == 1:
                sid = lines[0].supplier_id
                surely[sid] = surely.get(sid, ZERO) + lines[0].line_total
        self.most, self.surely, self.least = most, surely, least

    def settled(self, suppliers: Mapping[int, SupplierTerms], settled: set[int]) -> set[int]:
        """Suppliers whose fee the remaining choices decide alike: used for sure with lines
        that never or always reach free shipping, or lines each free alone."""
        found = set()
        for sid in self.most.keys() - settled:
            threshold = suppliers[sid].free_shipping_from
            if threshold is not None and self.least[sid] >= threshold:
                found.add(sid)  # any line of it reaches free shipping alone
            elif sid in self.surely and (threshold is None or self.most[sid] < threshold):
                found.add(sid)  # used, and its fee always due
            elif sid in self.surely and self.surely[sid] >= threshold:
                found.add(sid)  # used, and free shipping reached for sure
        return found

    def may_reach_free_shipping(
        self, suppliers: Mapping[int, SupplierTerms], settled: set[int]
    ) -> set[int]:
        """Unsettled suppliers whose lines could together reach free shipping: taking a
        line away from one may make its fee due again."""
        reach = set()
        for sid, load in self.most.items():
            threshold = suppliers[sid].free_shipping_from
            if sid not in settled and threshold is not None and load >= threshold:
                reach.add(sid)
        return reach


def _fee_caused(
    line: LineValue,
    suppliers: Mapping[int, SupplierTerms],
    settled: set[int],
    fees: Mapping[int, Decimal],
) -> Decimal:
    """The most that putting ``line`` at its supplier adds in fees."""
    sid = line.supplier_id
    threshold = suppliers[sid].free_shipping_from
    if sid in settled or (threshold is not None and line.line_total >= threshold):
        return ZERO
    return fees[sid]


def fee_free(
    candidates: Candidates, suppliers: Mapping[int, SupplierTerms], settled: set[int]
) -> dict[int, SupplierTerms]:
    """The terms of the suppliers offering ``candidates``, the settled ones charging
    nothing (their fee is a constant of every choice)."""
    return {
        sid: _charging_nothing(sid) if sid in settled else suppliers[sid]
        for sid in _offering(candidates)
    }


@cache
def _charging_nothing(supplier_id: int) -> SupplierTerms:
    return SupplierTerms(supplier_id, FEE_FREE, None)
