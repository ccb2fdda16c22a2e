"""The unit of work: notify's repositories over one transaction, and the outbox the
events of that transaction go to. Handlers see only this (fakes in unit tests); the
rows they read and change are the adapters' mapped classes, used as plain records.
Whoever opened the session commits it (the consumer after its handler, a request)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from notify.adapters import member_repository as m
from notify.adapters import savings_repository as s
from notify.adapters import supplier_repository as sup
from notify.adapters.orm import Delivery, MemberEntry, Notification, SavingsEntry
from notify.adapters.orm_invoices import InvoiceEntry
from notify.adapters.orm_savings import Nudge, Preferences, SavingsLine
from notify.adapters.supplier_orm import SupplierDelivery, SupplierEntry
from shared.events import Event
from shared.outbox import Outbox
from shared.unit_of_work import SessionUnitOfWork


class Members(Protocol):
    """The member directory, from catalog's registrations."""

    def get(self, member_id: int) -> MemberEntry | None: ...
    def add(self, member: MemberEntry) -> None: ...
    def trades(self) -> dict[int, str]: ...
    def load(self, member_ids: Sequence[int]) -> None:
        """Make the members' entries and preferences quick to look up one by one."""


class MemberPreferences(Protocol):
    def get(self, member_id: int) -> Preferences | None: ...
    def add(self, preferences: Preferences) -> None: ...
    def wishing_nudges(self) -> list[Preferences]: ...


class Deliveries(Protocol):
    """The e-mails queued for the mail sender, and how each went."""

    def add(self, delivery: Delivery) -> None: ...
    def first(
        self, member_id: int, kind: str, *, order_id: int | None, window_id: int | None
    ) -> Delivery | None: ...
    def waiting(self, member_id: int, kind: str, window_id: int) -> Delivery | None:
        """An e-mail of this kind about the window, not tried yet."""

    def without_address(self, member_id: int) -> list[Delivery]: ...
    def exists(self, member_id: int, order_id: int, kind: str) -> bool: ...
    def of_invoice(self, invoice_id: int) -> list[Delivery]: ...


class Notifications(Protocol):
    """What members see in the app."""

    def add(self, note: Notification) -> None: ...
    def first(
        self, member_id: int, kind: str, *, order_id: int | None, window_id: int | None
    ) -> Notification | None: ...
    def members_told(self, order_id: int, kind: str) -> set[int]: ...


class SavingsLedger(Protocol):
    def get(self, member_id: int, window_id: int) -> SavingsEntry | None: ...
    def add(self, entry: SavingsEntry) -> None: ...
    def between(self, member_id: int, start: datetime, until: datetime) -> list[SavingsEntry]: ...


class SavingsLines(Protocol):
    """The members' lines of the savings reports, one per need in an order."""

    def add(self, line: SavingsLine) -> None: ...
    def of_window(self, member_id: int, window_id: int) -> list[SavingsLine]: ...
    def of_order(self, order_id: int) -> list[SavingsLine]: ...
    def remove(self, order_id: int, need_ids: Collection[int] | None = None) -> None: ...
    def buyers(self, sku: str) -> set[int]: ...
    def members_of(self, order_id: int) -> set[int]: ...


class Nudges(Protocol):
    def add(self, nudge: Nudge) -> None: ...
    def nudged(self, window_id: int, sku: str) -> set[int]: ...


class Invoices(Protocol):
    """The members' invoices and credit notes as billing announced them."""

    def get(self, invoice_id: int) -> InvoiceEntry | None: ...
    def add(self, invoice: InvoiceEntry) -> None: ...


class Suppliers(Protocol):
    """The supplier directory, from catalog's events."""

    def get(self, supplier_id: int) -> SupplierEntry | None: ...
    def add(self, supplier: SupplierEntry) -> None: ...


class SupplierDeliveries(Protocol):
    def add(self, delivery: SupplierDelivery) -> None: ...
    def get(self, delivery_id: int) -> SupplierDelivery | None: ...
    def queued(self, supplier_id: int, kind: str, subject_id: int, channel: str) -> bool: ...
    def without_address(self, supplier_id: int) -> list[SupplierDelivery]: ...


class UnitOfWork(Protocol):
    members: Members
    preferences: MemberPreferences
    deliveries: Deliveries
    notifications: Notifications
    ledger: SavingsLedger
    lines: SavingsLines
    nudges: Nudges
    invoices: Invoices
    suppliers: Suppliers
    supplier_deliveries: SupplierDeliveries

    def publish(self, event: Event) -> None: ...


class SqlAlchemyUnitOfWork(SessionUnitOfWork):
    """Notify's repositories on ``session`` (``SessionUnitOfWork``: who commits)."""

    def __init__(self, session: Session, outbox: Outbox) -> None:
        super().__init__(session, outbox)
        self.members = m.SqlMembers(session)
        self.preferences = m.SqlPreferences(session)
        self.deliveries = m.SqlDeliveries(session)
        self.notifications = m.SqlNotifications(session)
        self.ledger = s.SqlSavingsLedger(session)
        self.lines = s.SqlSavingsLines(session)
        self.nudges = s.SqlNudges(session)
        self.invoices = s.SqlInvoices(session)
        self.suppliers = sup.SqlSuppliers(session)
        self.supplier_deliveries = sup.SqlSupplierDeliveries(session)
