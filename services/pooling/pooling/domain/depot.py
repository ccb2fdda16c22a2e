"""Rule 11: the depot, the cooperative's own stock, as one ledger of movements.

A lot is one order's stock of one product, at the book value per unit of that order's
confirmed unit price. Movements are the only record: stock in from a receipt's pack
surplus or from an over-delivery the office accepted (rule 10), stock out to a need at a
later close, write-offs with a reason, and the cent residue of a received line (rule 6,
a value without a quantity). Lots, their values and the depot's value are folded from
the movements, never kept as a loose number.

Values are exact cents: a lot is always worth round_half_up(quantity x book value), so a
movement is worth the change of its lot's value, and a need served from the depot pays
exactly what the lot loses (no fee). At a close the depot serves a product's open needs
first, earlier need (lower id) first, each from the oldest lot first (received on, then
order id); only the rest is pooled by rules 1-5. A need the depot holds too little for is
served in part: the depot's part at book value, the rest (its quantity less the part) is
pooled with the other needs and allocated in the order like any need. A product no
supplier offers is served only in whole needs: a need the depot cannot serve whole waits,
whole, in the next window, so that no need is ever left half served and half waiting.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pooling.domain.confirmation import LineError
from pooling.domain.model import Need
from pooling.domain.pricing import ZERO, cost_of, paid_by_member
from pooling.domain.receipt import ReceivedOrder, check_quantity


class MovementKind(StrEnum):
    SURPLUS = "surplus"  # in: a received line's R - D up to the ordered quantity
    OVER_DELIVERY = "over_delivery"  # in: R - Q that the office took into the depot
    ROUNDING = "rounding"  # the cent residue of a received line: value, no quantity
    TO_NEED = "to_need"  # out: served to a need at a close
    WRITE_OFF = "write_off"  # out: written off by the office, with a reason


@dataclass(frozen=True)
class Movement:
    """One entry of the depot's ledger; quantity and value are negative going out."""

    kind: MovementKind
    sku: str
    order_id: int  # the lot's order
    on: date
    quantity: Decimal
    value: Decimal
    book_value: Decimal  # per unit: the order's confirmed unit price
    need_id: int | None = None
    reason: str = ""
    member_id: int | None = None  # out to a need: the need's member


@dataclass(frozen=True)
class Lot:
    """What is left of one order's stock of one product."""

    sku: str
    order_id: int
    received_on: date
    quantity: Decimal
    book_value: Decimal  # per unit

    @property
    def value(self) -> Decimal:
        return cost_of(self.quantity, self.book_value)


@dataclass(frozen=True)
class DepotAllocation:
    """Part of a need served from one lot at a close, at book value, without fee."""

    need_id: int
    member_id: int
    sku: str
    order_id: int  # the lot's order
    quantity: Decimal
    goods: Decimal
    book_value: Decimal  # per unit: the lot's

    @property
    def paid(self) -> Decimal:
        """Goods at book value; the depot charges no fee."""
        return self.goods


@dataclass(frozen=True)
class DepotService:
    """What the depot serves at a close, its ledger entries, and the needs left to pool."""

    served: tuple[DepotAllocation, ...]
    movements: tuple[Movement, ...]
    rest: tuple[Need, ...]

    @property
    def paid_by_member(self) -> dict[int, Decimal]:
        """What each member pays the depot at this close (book value, no fee)."""
        return paid_by_member(self.served)

    @property
    def by_product(self) -> dict[str, tuple[Decimal, Decimal]]:
        """What the depot serves of each product at this close: quantity and value."""
        totals: dict[str, tuple[Decimal, Decimal]] = {}
        for part in self.served:
            quantity, value = totals.get(part.sku, (Decimal(0), ZERO))
            totals[part.sku] = (quantity + part.quantity, value + part.goods)
        return dict(sorted(totals.items()))


def receipt_movements(order_id: int, on: date, order: ReceivedOrder) -> tuple[Movement, ...]:
    """Rule 10 into the depot: each line's surplus, accepted extra and cent residue."""
    movements = []
    for line in order.lines:
        lot = Lot(line.sku, order_id, on, Decimal(0), line.unit_price)
        surplus = line.depot_quantity - line.over_delivery
        for kind, quantity in (
            (MovementKind.SURPLUS, surplus),
            (MovementKind.OVER_DELIVERY, line.over_delivery),
        ):
            if quantity > 0:
                movements.append(_move(kind, lot, quantity, on))
                lot = replace(lot, quantity=lot.quantity + quantity)
        if line.residue:
            residue = _move(MovementKind.ROUNDING, lot, Decimal(0), on)
            movements.append(replace(residue, value=line.residue))
    return tuple(movements)


def correction_movements(
    order_id: int,
    on: date,
    ledger: Iterable[Movement],
    booked: ReceivedOrder,
    corrected: ReceivedOrder,
) -> tuple[Movement, ...]:
    """The office corrects a receipt: what moves so that the depot holds the corrected
    receipt's stock of the order instead of the booked one's. Refused (on
    ``received_quantity``) where the stock to take back has left the depot already."""
    lots = {(lot.sku, lot.order_id): lot for lot in stock(ledger)}
    before, after = (receipt_movements(order_id, on, r) for r in (booked, corrected))
    movements = []
    for line in corrected.lines:
        lot = lots.get((line.sku, order_id)) or Lot(line.sku, order_id, on, ZERO, line.unit_price)
        for kind in (MovementKind.SURPLUS, MovementKind.OVER_DELIVERY, MovementKind.ROUNDING):
            change = _sum(after, kind, line.sku, "quantity") - _sum(
                before, kind, line.sku, "quantity"
            )
            if lot.quantity + change < 0:
                raise LineError(
                    "received_quantity",
                    line.sku,
                    f"only {lot.quantity} {line.sku} of this order are left in the depot",
                )
            move = _move(kind, lot, change, on, reason="receipt corrected")
            if kind is MovementKind.ROUNDING:
                value = _sum(after, kind, line.sku, "value") - _sum(before, kind, line.sku, "value")
                move = replace(move, value=value)
            if move.quantity or move.value:
                movements.append(move)
            lot = replace(lot, quantity=lot.quantity + change)
    return tuple(movements)


def _sum(movements: Iterable[Movement], kind: MovementKind, sku: str, field: str) -> Decimal:
    """The total quantity or value of one kind of movement of one product."""
    return sum((getattr(m, field) for m in movements if (m.kind, m.sku) == (kind, sku)), ZERO)


def stock(movements: Iterable[Movement]) -> tuple[Lot, ...]:
    """The lots with stock left, oldest first (received on, then order id). A lot dates
    from its first movement: a lot a receipt's correction first creates counts from the
    correction's day."""
    lots: dict[tuple[str, int], Lot] = {}
    for m in movements:
        if m.kind is MovementKind.ROUNDING:
            continue
        key = (m.sku, m.order_id)
        lot = lots.get(key) or Lot(m.sku, m.order_id, m.on, Decimal(0), m.book_value)
        lots[key] = replace(lot, quantity=lot.quantity + m.quantity)
    left = (lot for lot in lots.values() if lot.quantity > 0)
    return tuple(sorted(left, key=lambda lot: (lot.received_on, lot.order_id, lot.sku)))


def depot_value(movements: Iterable[Movement]) -> Decimal:
    """The depot's value: the sum of its ledger (its lots' values and cent residues)."""
    return sum((m.value for m in movements), ZERO)


def write_off(lot: Lot, quantity: Decimal, reason: str, on: date) -> Movement:
    """The office writes ``quantity`` of a lot off, saying why."""
    check_quantity("quantity", lot.sku, quantity)
    if not quantity > 0 or quantity > lot.quantity:
        raise LineError(
            "quantity", lot.sku, f"between 0 and {lot.quantity} of this lot: {quantity}"
        )
    if not reason.strip():
        raise LineError("reason", lot.sku, "a write-off needs a reason")
    return _move(MovementKind.WRITE_OFF, lot, -quantity, on, reason=reason.strip())


def serve_from_depot(
    needs: Sequence[Need], lots: Sequence[Lot], on: date, whole_only: Collection[str] = ()
) -> DepotService:
    """Rule 11 at a close: serve the needs from the lots, and what is left to pool; the
    needs of the products in ``whole_only`` (those no one offers) only whole."""
    lots_left = {(lot.sku, lot.order_id): lot for lot in lots}
    served: list[DepotAllocation] = []
    movements: list[Movement] = []
    rest: list[Need] = []
    for need in sorted(needs, key=lambda need: need.need_id):
        keys = sorted(
            (key for key, lot in lots_left.items() if lot.sku == need.sku and lot.quantity > 0),
            key=lambda key: (lots_left[key].received_on, key[1]),
        )
        held = sum((lots_left[key].quantity for key in keys), Decimal(0))
        if need.sku in whole_only and held < need.quantity:
            keys = []
        wanted = need.quantity
        for key in keys:
            lot = lots_left[key]
            take = min(wanted, lot.quantity)
            out = _move(MovementKind.TO_NEED, lot, -take, on, need=need)
            movements.append(out)
            served.append(
                DepotAllocation(
                    need.need_id,
                    need.member_id,
                    need.sku,
                    lot.order_id,
                    take,
                    -out.value,
                    lot.book_value,
                )
            )
            lots_left[key] = replace(lot, quantity=lot.quantity - take)
            wanted -= take
            if wanted == 0:
                break
        if wanted > 0:
            rest.append(replace(need, quantity=wanted))
    return DepotService(tuple(served), tuple(movements), tuple(rest))


def _move(
    kind: MovementKind,
    lot: Lot,
    change: Decimal,
    on: date,
    *,
    need: Need | None = None,
    reason: str = "",
) -> Movement:
    """A movement of ``change`` units in (> 0) or out (< 0) of a lot (out to ``need``),
    worth exactly the change of the lot's value."""
    value = cost_of(lot.quantity + change, lot.book_value) - lot.value
    need_id, member_id = (None, None) if need is None else (need.need_id, need.member_id)
    return Movement(
        kind, lot.sku, lot.order_id, on, change, value, lot.book_value, need_id, reason, member_id
    )
