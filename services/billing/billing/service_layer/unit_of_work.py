"""The unit of work: billing's repositories over one transaction, and the outbox the
events of that transaction go to. Handlers see only this (fakes in unit tests)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from sqlalchemy.orm import Session

from billing.domain.accounts import Entry
from billing.domain.model import Buyer, Invoice, Product, ReceivedNeed
from billing.domain.settlement import (
    Collection,
    Mandate,
    PayableSupplierInvoice,
    Taken,
    Transfer,
)
from billing.domain.settlement_runs import RunState
from billing.domain.windows import OrderStanding, OrderStatus
from billing.service_layer.commands import DepotPart, MemberResult, RecordOrder
from shared.events import Event
from shared.outbox import Outbox
from shared.unit_of_work import SessionUnitOfWork


@dataclass(frozen=True)
class Documents:
    """An invoice's two documents: the Factur-X PDF and the CII XML alone."""

    pdf: bytes
    xml: bytes


class Members(Protocol):
    def get(self, member_id: int) -> Buyer | None: ...
    def get_many(self, member_ids: Sequence[int]) -> dict[int, Buyer]:
        """The members billing knows of ``member_ids``, by id."""

    def save(self, buyer: Buyer) -> None: ...


class Products(Protocol):
    def save(self, product: Product) -> None: ...
    def by_sku(self, skus: set[str]) -> dict[str, Product]: ...


class Orders(Protocol):
    """The window's orders as billing learnt them from pooling."""

    def lock_window(self, window_id: int) -> None: ...
    def status(self, order_id: int) -> tuple[OrderStatus, int] | None:
        """The order's status and the revision of its receipt (-1 before any)."""

    def add(self, order: RecordOrder) -> None: ...
    def hold_only(self, order_id: int, need_ids: frozenset[int]) -> None: ...
    def set_status(self, order_id: int, status: OrderStatus) -> None: ...
    def receive(
        self,
        order_id: int,
        revision: int,
        received_on: date,
        needs: tuple[tuple[int, ReceivedNeed], ...],
    ) -> None: ...
    def standing(self, window_id: int) -> list[OrderStanding]: ...
    def add_depot_parts(self, window_id: int, parts: tuple[DepotPart, ...]) -> None: ...
    def served_whole(self, window_id: int) -> set[int]:
        """Members the depot served at the window's close with nothing left to order."""
        ...

    def received_needs(self, window_id: int, member_id: int) -> list[ReceivedNeed]: ...
    def delivered_on(self, window_id: int, member_id: int) -> date | None: ...
    def record_results(self, window_id: int, results: tuple[MemberResult, ...]) -> None: ...
    def saved(self, window_id: int, member_id: int) -> Decimal | None: ...
    def windows_of(self, member_id: int) -> list[int]: ...


class Invoices(Protocol):
    def current(self, member_id: int, window_id: int) -> Invoice | None: ...
    def last_generation(self, member_id: int, window_id: int) -> int: ...
    def next_numbers(self, year: int, count: int) -> int:
        """The first of ``count`` numbers of the year taken in a row (the next ones follow
        it); a transaction that does not commit gives them back."""

    def add_all(self, issued: Sequence[tuple[Invoice, Documents]]) -> list[int]:
        """The invoices with their documents; their ids, in their order."""


class Mandates(Protocol):
    def save(self, member_id: int, mandate: Mandate | None) -> None:
        """The member's mandate; None: it has none (any earlier one is forgotten)."""

    def all(self) -> list[Mandate]: ...


@dataclass(frozen=True)
class Payment:
    """A payment booked on a member's account (by hand, or collected by a run)."""

    member_id: int
    booked_on: date
    amount: Decimal
    reference: str
    settlement_id: int | None = None
    mandate_reference: str | None = None


class Accounts(Protocol):
    """The members' accounts: issued invoices and credit notes, and payments."""

    def entries(self, member_ids: set[int]) -> dict[int, list[Entry]]: ...
    def book(self, payment: Payment) -> int: ...


@dataclass(frozen=True)
class SettlementFigures:
    period_start: date
    period_end: date
    run_on: date
    collect_on: date
    collected: Decimal
    paid: Decimal
    skonto: Decimal


@dataclass(frozen=True)
class Collected:
    """A collection as a run keeps it."""

    member_id: int
    mandate_reference: str
    amount: Decimal


@dataclass(frozen=True)
class StoredRun:
    """A run as the office's steps on it need it."""

    id: int
    state: RunState
    collect_on: date
    collections: tuple[Collected, ...]


class Settlements(Protocol):
    def lock(self) -> None:
        """One run, or one step on a run, at a time: held until the transaction ends."""

    def add(self, figures: SettlementFigures) -> int:
        """A new run, pending."""

    def attach_files(
        self, settlement_id: int, debits: bytes | None, transfers: bytes | None
    ) -> None: ...
    def record(
        self,
        settlement_id: int,
        collections: Sequence[Collection],
        transfers: Sequence[Transfer],
    ) -> None:
        """What the run collects and pays, kept with it."""

    def taken(self) -> Taken:
        """What the runs not cancelled hold (``domain.settlement.Taken``)."""

    def get(self, settlement_id: int) -> StoredRun | None: ...
    def set_state(self, settlement_id: int, state: RunState, on: date) -> None: ...


class SupplierInvoices(Protocol):
    """The supplier invoices the office may pay (matched, or accepted with a reason), each
    with its supplier's IBAN and payment terms."""

    def payable(self, until: date) -> list[PayableSupplierInvoice]: ...


class UnitOfWork(Protocol):
    members: Members
    products: Products
    orders: Orders
    invoices: Invoices
    mandates: Mandates
    accounts: Accounts
    settlements: Settlements
    supplier_invoices: SupplierInvoices

    def publish(self, event: Event) -> None: ...
    def publish_all(self, events: Sequence[Event]) -> None: ...


class SqlAlchemyUnitOfWork(SessionUnitOfWork):
    """Billing's repositories on ``session`` (``SessionUnitOfWork``: who commits)."""

    def __init__(self, session: Session, outbox: Outbox) -> None:
        from billing.adapters import invoice_repository, ledger, repository
        from billing.adapters.billable_orders import SqlBillableOrders, SqlSuppliers
        from billing.adapters.supplier_invoice_repository import SqlSupplierInvoices

        super().__init__(session, outbox)
        self.members = repository.SqlMembers(session)
        self.products = repository.SqlProducts(session)
        self.orders = repository.SqlOrders(session)
        self.invoices = invoice_repository.SqlInvoices(session)
        self.mandates = ledger.SqlMandates(session)
        self.accounts = ledger.SqlAccounts(session)
        self.settlements = ledger.SqlSettlements(session)
        self.supplier_invoices = SqlSupplierInvoices(session)
        self.billable_orders = SqlBillableOrders(session)
        self.suppliers = SqlSuppliers(session)
