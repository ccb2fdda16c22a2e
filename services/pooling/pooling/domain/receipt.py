"""Rule 10: the receipt of a confirmed order, line by line.

A line with pooled demand D and ordered quantity Q receives R:
- R >= D: every need gets its quantity, R - D goes to the depot (rule 11);
- R < D: nothing goes to the depot, the shortfall D - R is cut from the line's needs in
  proportion to their quantities by largest remainder (ties to the earlier need), in whole
  units when every need and the shortfall are whole numbers, else in steps of 0.001;
- R > Q is refused unless the office takes the extra into the depot.
Confirmed prices and the fee hold (rule 9): goods = round_half_up(received x unit price),
the fee is split again over the received goods (rule 6). The cent residue of a line
(received value - members' goods - depot stock value) is the depot's as well (rule 6), so
members' goods + depot value = the order's received value, to the cent. Baselines and
savings on the received quantities: ``closing.window_savings`` over ``received_needs``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pooling.domain.confirmation import LineError, reshare_fee
from pooling.domain.model import Need, OrderLine, SupplierOrder
from pooling.domain.pricing import ZERO, cost_of, largest_remainder, paid_by_member

WHOLE = Decimal(1)
FINE = Decimal("0.001")  # the finest quantity: three decimal places


@dataclass(frozen=True)
class ReceivedAllocation:
    """One need's share of a received line: what it asked for, got and pays."""

    need_id: int
    member_id: int
    quantity: Decimal  # the need's quantity
    received: Decimal
    goods: Decimal
    shipping_share: Decimal
    paid: Decimal
    delivery_site: str | None = None
    extra_quantity: Decimal = Decimal(0)  # of ``quantity``, taken on its flexibility
    needed_by: date | None = None  # the need's "benötigt bis", if the member gave one


@dataclass(frozen=True)
class ReceivedLine:
    """A line as received: R, the depot's part and the needs' shares."""

    sku: str
    ordered_quantity: Decimal
    received_quantity: Decimal
    unit_price: Decimal
    received_value: Decimal  # round_half_up(R x unit price)
    depot_quantity: Decimal  # R - D when R >= D, else 0 (with any accepted extra)
    over_delivery: Decimal  # R - Q when the office took the extra, else 0
    allocations: tuple[ReceivedAllocation, ...]

    @property
    def demand(self) -> Decimal:
        """D: the line's needs' quantities."""
        return sum((a.quantity for a in self.allocations), Decimal(0))

    @property
    def depot_value(self) -> Decimal:
        """Book value of the stock the depot receives (at the confirmed unit price)."""
        return cost_of(self.depot_quantity, self.unit_price)

    @property
    def residue(self) -> Decimal:
        """Received value not in members' goods nor in the depot's stock (may be < 0)."""
        goods = sum((a.goods for a in self.allocations), ZERO)
        return self.received_value - goods - self.depot_value

    @property
    def short(self) -> bool:
        """Fewer arrived than were ordered."""
        return self.received_quantity < self.ordered_quantity


@dataclass(frozen=True)
class ReceivedOrder:
    """A confirmed order as received: its lines, the fee (unchanged) and the total due."""

    supplier_id: int
    lines: tuple[ReceivedLine, ...]
    shipping_fee: Decimal

    @property
    def total(self) -> Decimal:
        """What the supplier is owed: the received values plus the confirmed fee."""
        return sum((line.received_value for line in self.lines), ZERO) + self.shipping_fee

    @property
    def short(self) -> bool:
        return any(line.short for line in self.lines)

    @property
    def received_needs(self) -> tuple[Need, ...]:
        """The needs with their received quantities (those that got anything): the
        input of the members' baselines (rule 7 on received quantities)."""
        return tuple(
            Need(a.need_id, a.member_id, line.sku, a.received, a.delivery_site)
            for line in self.lines
            for a in line.allocations
            if a.received > 0
        )

    @property
    def paid_by_member(self) -> dict[int, Decimal]:
        """What each member pays for this order after the receipt."""
        return paid_by_member(a for line in self.lines for a in line.allocations)


def receive_order(
    order: SupplierOrder,
    received: Mapping[str, Decimal],
    *,
    extra_to_depot: Collection[str] = (),
) -> ReceivedOrder:
    """Rule 10 for a confirmed order: ``received`` holds R for every line (by sku);
    ``extra_to_depot`` names the lines whose over-delivery the office takes in."""
    skus = [line.sku for line in order.lines]
    for sku in sorted(received):
        if sku not in skus:
            raise LineError("lines", sku, f"the order has no line {sku}")
    for sku in sorted(extra_to_depot):
        if sku not in skus:
            raise LineError("extra_to_depot", sku, f"the order has no line {sku}")
    for sku in skus:
        if sku not in received:
            raise LineError("lines", sku, f"no received quantity for {sku}")
    lines = [
        receive_line(line, received[line.sku], take_extra=line.sku in extra_to_depot)
        for line in order.lines
    ]
    return ReceivedOrder(
        order.supplier_id, tuple(reshare_fee(lines, order.shipping_fee)), order.shipping_fee
    )


def receive_line(line: OrderLine, received: Decimal, *, take_extra: bool = False) -> ReceivedLine:
    """Rule 10 for one line: who gets what of R, the depot's part, goods (fee shares 0)."""
    check_quantity("received_quantity", line.sku, received)
    if received > line.ordered_quantity and not take_extra:
        raise LineError(
            "received_quantity",
            line.sku,
            f"{received} of {line.sku} arrived but {line.ordered_quantity} were ordered:"
            " the office must take the extra into the depot",
        )
    allocations = sorted(line.allocations, key=lambda a: a.need_id)
    demand = sum((a.quantity for a in allocations), Decimal(0))
    got = cut_shortfall([a.quantity for a in allocations], received)
    shares = tuple(
        ReceivedAllocation(
            a.need_id,
            a.member_id,
            a.quantity,
            r,
            g,
            ZERO,
            g,
            a.delivery_site,
            a.extra_quantity,
            needed_by=a.needed_by,
        )
        for a, r in zip(allocations, got, strict=True)
        for g in [cost_of(r, line.unit_price)]
    )
    return ReceivedLine(
        sku=line.sku,
        ordered_quantity=line.ordered_quantity,
        received_quantity=received,
        unit_price=line.unit_price,
        received_value=cost_of(received, line.unit_price),
        depot_quantity=max(received - demand, Decimal(0)),
        over_delivery=max(received - line.ordered_quantity, Decimal(0)),
        allocations=shares,
    )


def cut_shortfall(quantities: Sequence[Decimal], received: Decimal) -> list[Decimal]:
    """What each need (in order, earlier first) receives of ``received``: all of its
    quantity when enough arrived, else its quantity less its pro-rata cut (see above)."""
    demand = sum(quantities, Decimal(0))
    if received >= demand:
        return list(quantities)
    shortfall = demand - received
    whole = all(q == q.to_integral_value() for q in (*quantities, shortfall))
    step = WHOLE if whole else FINE
    cuts = largest_remainder(_steps(shortfall, step), [_steps(q, step) for q in quantities])
    return [q - cut * step for q, cut in zip(quantities, cuts, strict=True)]


def _steps(quantity: Decimal, step: Decimal) -> int:
    """A quantity as a whole number of steps (it has at most three decimals)."""
    return int(quantity / step)


def check_quantity(field: str, sku: str, quantity: Decimal) -> None:
    """Refuse (on ``field``) a quantity that is not a finite, non-negative Decimal in 0.001s."""
    if not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity < 0:
        raise LineError(field, sku, f"not a quantity: {quantity!r}")
    if quantity != quantity.quantize(FINE):
        raise LineError(field, sku, f"more than three decimals: {quantity}")
