"""A unit of work in memory, for billing's handlers without a database."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from billing.domain.accounts import Entry, EntryKind
from billing.domain.model import ZERO, Buyer, Invoice, Kind, Product, ReceivedNeed
from billing.domain.settlement import (
    Collection,
    Mandate,
    PayableSupplierInvoice,
    Taken,
    Transfer,
)
from billing.domain.settlement_runs import RunState
from billing.domain.windows import OrderStanding, OrderStatus
from billing.service_layer.commands import DepotPart, MemberResult, PlacedNeed, RecordOrder
from billing.service_layer.unit_of_work import (
    Collected,
    Documents,
    Payment,
    SettlementFigures,
    StoredRun,
)
from shared.events import Event


class FakeMembers:
    def __init__(self) -> None:
        self.rows: dict[int, Buyer] = {}

    def get(self, member_id: int) -> Buyer | None:
        return self.rows.get(member_id)

    def get_many(self, member_ids: Sequence[int]) -> dict[int, Buyer]:
        return {m: self.rows[m] for m in member_ids if m in self.rows}

    def save(self, buyer: Buyer) -> None:
        self.rows[buyer.member_id] = buyer


class FakeProducts:
    def __init__(self) -> None:
        self.rows: dict[str, Product] = {}

    def save(self, product: Product) -> None:
        self.rows[product.sku] = product

    def by_sku(self, skus: set[str]) -> dict[str, Product]:
        return {sku: self.rows[sku] for sku in skus if sku in self.rows}


@dataclasses.dataclass
class FakeOrder:
    window_id: int
    status: OrderStatus
    revision: int
    needs: dict[int, tuple[PlacedNeed, ReceivedNeed | None]]
    held: set[int]
    received_on: date | None = None


class FakeOrders:
    def __init__(self) -> None:
        self.rows: dict[int, FakeOrder] = {}
        self.results: dict[tuple[int, int], MemberResult] = {}
        self.locked: list[int] = []
        self.depot: dict[int, list[DepotPart]] = {}

    def lock_window(self, window_id: int) -> None:
        self.locked.append(window_id)

    def status(self, order_id: int) -> tuple[OrderStatus, int] | None:
        order = self.rows.get(order_id)
        return None if order is None else (order.status, order.revision)

    def add(self, order: RecordOrder) -> None:
        needs = {n.need_id: (n, None) for n in order.needs}
        self.rows[order.order_id] = FakeOrder(
            order.window_id, OrderStatus.PLACED, -1, needs, set(needs)
        )

    def hold_only(self, order_id: int, need_ids: frozenset[int]) -> None:
        self.rows[order_id].held = set(need_ids)

    def set_status(self, order_id: int, status: OrderStatus) -> None:
        self.rows[order_id].status = status

    def receive(self, order_id, revision, received_on, needs) -> None:  # type: ignore[no-untyped-def]
        order = self.rows[order_id]
        order.status, order.revision = OrderStatus.RECEIVED, revision
        order.received_on = order.received_on or received_on
        order.held = {need.need_id for _m, need in needs}
        for _member, need in needs:
            order.needs[need.need_id] = (order.needs[need.need_id][0], need)

    def standing(self, window_id: int) -> list[OrderStanding]:
        return [
            OrderStanding(
                order_id,
                o.status,
                frozenset(o.needs[n][0].member_id for n in o.held),
            )
            for order_id, o in self.rows.items()
            if o.window_id == window_id
        ]

    def add_depot_parts(self, window_id: int, parts: tuple[DepotPart, ...]) -> None:
        self.depot.setdefault(window_id, []).extend(parts)

    def served_whole(self, window_id: int) -> set[int]:
        parts = self.depot.get(window_id, [])
        return {p.member_id for p in parts} - {p.member_id for p in parts if p.rest > 0}

    def _mine(self, window_id: int, member_id: int) -> list[tuple[FakeOrder, ReceivedNeed]]:
        return [
            (o, o.needs[n][1])  # type: ignore[misc]
            for o in self.rows.values()
            if o.window_id == window_id and o.status is OrderStatus.RECEIVED
            for n in sorted(o.held)
            if o.needs[n][0].member_id == member_id
        ]

    def received_needs(self, window_id: int, member_id: int) -> list[ReceivedNeed]:
        served = [p.need for p in self.depot.get(window_id, []) if p.member_id == member_id]
        return [need for _o, need in self._mine(window_id, member_id)] + served

    def delivered_on(self, window_id: int, member_id: int) -> date | None:
        days = [o.received_on for o, _n in self._mine(window_id, member_id) if o.received_on]
        return max(days, default=None)

    def record_results(self, window_id: int, results: tuple[MemberResult, ...]) -> None:
        for result in results:
            self.results[(window_id, result.member_id)] = result

    def saved(self, window_id: int, member_id: int) -> Decimal | None:
        result = self.results.get((window_id, member_id))
        return None if result is None else result.saved

    def windows_of(self, member_id: int) -> list[int]:
        ordered = {
            o.window_id
            for o in self.rows.values()
            for placed, _r in o.needs.values()
            if placed.member_id == member_id
        }
        served = {
            w for w, parts in self.depot.items() if any(p.member_id == member_id for p in parts)
        }
        return sorted(ordered | served)


class FakeInvoices:
    def __init__(self) -> None:
        self.rows: list[Invoice] = []
        self.counters: dict[int, int] = {}

    def current(self, member_id: int, window_id: int) -> Invoice | None:
        credited = {i.corrects.invoice_id for i in self.rows if i.corrects is not None}
        mine = [
            i
            for i in self.rows
            if (i.member_id, i.window_id, i.kind) == (member_id, window_id, Kind.INVOICE)
            and i.id not in credited
        ]
        return mine[-1] if mine else None

    def last_generation(self, member_id: int, window_id: int) -> int:
        mine = [
            i.generation for i in self.rows if (i.member_id, i.window_id) == (member_id, window_id)
        ]
        return max(mine, default=0)

    def next_numbers(self, year: int, count: int) -> int:
        first = self.counters.get(year, 0) + 1
        self.counters[year] = first + count - 1
        return first

    def add_all(self, issued: Sequence[tuple[Invoice, Documents]]) -> list[int]:
        ids = []
        for invoice, _documents in issued:
            self.rows.append(dataclasses.replace(invoice, id=len(self.rows) + 1))
            ids.append(len(self.rows))
        return ids


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.members = FakeMembers()
        self.products = FakeProducts()
        self.orders = FakeOrders()
        self.invoices = FakeInvoices()
        self.mandates = FakeMandates()
        self.accounts = FakeAccounts(self.invoices)
        self.settlements = FakeSettlements()
        self.supplier_invoices = FakeSupplierInvoices()
        self.published: list[Event] = []

    def publish(self, event: Event) -> None:
        self.published.append(event)

    def publish_all(self, events: Sequence[Event]) -> None:
        self.published.extend(events)


class FakeMandates:
    def __init__(self) -> None:
        self.rows: dict[int, Mandate] = {}

    def save(self, member_id: int, mandate: Mandate | None) -> None:
        if mandate is None:
            self.rows.pop(member_id, None)
        else:
            self.rows[member_id] = mandate

    def all(self) -> list[Mandate]:
        return [self.rows[m] for m in sorted(self.rows)]


class FakeAccounts:
    """Entries are the fake invoices' plus the payments booked here."""

    def __init__(self, invoices: FakeInvoices) -> None:
        self.invoices = invoices
        self.payments: list[Payment] = []

    def entries(self, member_ids: set[int]) -> dict[int, list[Entry]]:
        found: dict[int, list[Entry]] = {m: [] for m in member_ids}
        for invoice in self.invoices.rows:
            if invoice.member_id in found:
                kind = EntryKind(invoice.kind.value)
                amount = invoice.charges.gross_total
                found[invoice.member_id].append(
                    Entry(invoice.member_id, invoice.issued_on, kind, invoice.number, amount)
                )
        for p in self.payments:
            if p.member_id in found:
                entry = Entry(p.member_id, p.booked_on, EntryKind.PAYMENT, p.reference, p.amount)
                found[p.member_id].append(entry)
        return found

    def book(self, payment: Payment) -> int:
        self.payments.append(payment)
        return len(self.payments)


class FakeSettlements:
    def __init__(self) -> None:
        self.rows: list[SettlementFigures] = []
        self.states: dict[int, tuple[RunState, date | None]] = {}
        self.files: dict[int, tuple[bytes | None, bytes | None]] = {}
        self.collections: dict[int, list[Collection]] = {}
        self.transfers: dict[int, list[Transfer]] = {}
        self.locks = 0

    def lock(self) -> None:
        self.locks += 1

    def add(self, figures: SettlementFigures) -> int:
        self.rows.append(figures)
        self.states[len(self.rows)] = (RunState.PENDING, None)
        return len(self.rows)

    def attach_files(
        self, settlement_id: int, debits: bytes | None, transfers: bytes | None
    ) -> None:
        self.files[settlement_id] = (debits, transfers)

    def record(
        self,
        settlement_id: int,
        collections: Sequence[Collection],
        transfers: Sequence[Transfer],
    ) -> None:
        self.collections[settlement_id] = list(collections)
        self.transfers[settlement_id] = list(transfers)

    def taken(self) -> Taken:
        held = [i for i, (state, _on) in self.states.items() if state is not RunState.CANCELLED]
        pending: dict[int, Decimal] = {}
        for run in held:
            if self.states[run][0] is RunState.PENDING:
                for c in self.collections.get(run, []):
                    pending[c.mandate.member_id] = pending.get(c.mandate.member_id, ZERO) + c.amount
        return Taken(
            pending=pending,
            mandates=frozenset(
                c.mandate.reference for run in held for c in self.collections.get(run, [])
            ),
            supplier_invoices=frozenset(
                t.invoice.supplier_invoice_id for run in held for t in self.transfers.get(run, [])
            ),
        )

    def get(self, settlement_id: int) -> StoredRun | None:
        if settlement_id not in self.states:
            return None
        collections = tuple(
            Collected(c.mandate.member_id, c.mandate.reference, c.amount)
            for c in self.collections.get(settlement_id, [])
        )
        state = self.states[settlement_id][0]
        return StoredRun(settlement_id, state, self.rows[settlement_id - 1].collect_on, collections)

    def set_state(self, settlement_id: int, state: RunState, on: date) -> None:
        self.states[settlement_id] = (state, on)


class FakeSupplierInvoices:
    def __init__(self) -> None:
        self.rows: list[PayableSupplierInvoice] = []

    def payable(self, until: date) -> list[PayableSupplierInvoice]:
        return [i for i in self.rows if i.issued_on <= until]
