"""A unit of work in memory, for notify's handlers without a database: each repository
keeps the adapters' mapped rows in a list, as the tables would (with their ids and
the times the database would fill in)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

from notify.adapters.orm import Delivery, MemberEntry, Notification, SavingsEntry
from notify.adapters.orm_invoices import InvoiceEntry
from notify.adapters.orm_savings import Preferences, SavingsLine
from notify.adapters.supplier_orm import SupplierDelivery, SupplierEntry
from shared.events import Event

STORED_AT = datetime(2026, 1, 1, tzinfo=UTC)  # what the database's clock says of new rows


class Rows:
    """Rows of one table; ``add`` gives each an id and its default times."""

    def __init__(self) -> None:
        self.rows: list[Any] = []

    def add(self, row: Any) -> None:
        if hasattr(type(row), "id") and row.id is None:
            row.id = len(self.rows) + 1
        for name in ("created_at", "recorded_at"):
            if hasattr(type(row), name) and getattr(row, name) is None:
                setattr(row, name, STORED_AT)
        self.rows.append(row)

    def where(self, **values: Any) -> list[Any]:
        return [r for r in self.rows if all(getattr(r, k) == v for k, v in values.items())]


class FakeMembers(Rows):
    def get(self, member_id: int) -> MemberEntry | None:
        return next(iter(self.where(member_id=member_id)), None)

    def trades(self) -> dict[int, str]:
        return {m.member_id: m.trade for m in self.rows}

    def load(self, member_ids: Sequence[int]) -> None:
        pass  # nothing to load ahead: every row is at hand


class FakePreferences(Rows):
    def get(self, member_id: int) -> Preferences | None:
        return next(iter(self.where(member_id=member_id)), None)

    def wishing_nudges(self) -> list[Preferences]:
        return [p for p in self.rows if p.nudge_bought or p.nudge_trade]


def _first(
    rows: Rows, member_id: int, kind: str, order_id: int | None, window_id: int | None
) -> Any:
    about = {"order_id": order_id, "window_id": window_id}
    wanted = {k: v for k, v in about.items() if v is not None}
    return next(iter(rows.where(member_id=member_id, kind=kind, **wanted)), None)


class FakeDeliveries(Rows):
    def first(
        self, member_id: int, kind: str, *, order_id: int | None, window_id: int | None
    ) -> Delivery | None:
        found: Delivery | None = _first(self, member_id, kind, order_id, window_id)
        return found

    def waiting(self, member_id: int, kind: str, window_id: int) -> Delivery | None:
        found = self.where(
            member_id=member_id, kind=kind, window_id=window_id, status="pending", attempts=0
        )
        return next(iter(found), None)

    def without_address(self, member_id: int) -> list[Delivery]:
        return self.where(member_id=member_id, channel="email", status="failed", to="")

    def exists(self, member_id: int, order_id: int, kind: str) -> bool:
        return bool(self.where(member_id=member_id, order_id=order_id, kind=kind, channel="email"))

    def of_invoice(self, invoice_id: int) -> list[Delivery]:
        return self.where(invoice_id=invoice_id)


class FakeNotifications(Rows):
    def first(
        self, member_id: int, kind: str, *, order_id: int | None, window_id: int | None
    ) -> Notification | None:
        found: Notification | None = _first(self, member_id, kind, order_id, window_id)
        return found

    def members_told(self, order_id: int, kind: str) -> set[int]:
        return {n.member_id for n in self.where(order_id=order_id, kind=kind)}


class FakeLedger(Rows):
    def get(self, member_id: int, window_id: int) -> SavingsEntry | None:
        return next(iter(self.where(member_id=member_id, window_id=window_id)), None)

    def between(self, member_id: int, start: datetime, until: datetime) -> list[SavingsEntry]:
        mine = self.where(member_id=member_id)
        return [e for e in mine if start <= e.recorded_at <= until]


class FakeLines(Rows):
    def of_window(self, member_id: int, window_id: int) -> list[SavingsLine]:
        found = self.where(member_id=member_id, window_id=window_id)
        return sorted(found, key=lambda r: (r.order_id, r.need_id))

    def of_order(self, order_id: int) -> list[SavingsLine]:
        return self.where(order_id=order_id)

    def remove(self, order_id: int, need_ids: Collection[int] | None = None) -> None:
        self.rows = [
            r
            for r in self.rows
            if not (r.order_id == order_id and (need_ids is None or r.need_id in need_ids))
        ]

    def buyers(self, sku: str) -> set[int]:
        return {r.member_id for r in self.where(sku=sku)}

    def members_of(self, order_id: int) -> set[int]:
        return {r.member_id for r in self.where(order_id=order_id)}


class FakeNudges(Rows):
    def nudged(self, window_id: int, sku: str) -> set[int]:
        return {n.member_id for n in self.where(window_id=window_id, sku=sku)}


class FakeInvoices(Rows):
    def get(self, invoice_id: int) -> InvoiceEntry | None:
        return next(iter(self.where(invoice_id=invoice_id)), None)


class FakeSuppliers(Rows):
    def get(self, supplier_id: int) -> SupplierEntry | None:
        return next(iter(self.where(supplier_id=supplier_id)), None)


class FakeSupplierDeliveries(Rows):
    def get(self, delivery_id: int) -> SupplierDelivery | None:
        return next(iter(self.where(id=delivery_id)), None)

    def queued(
        self, supplier_id: int, kind: str, subject_id: int, channel: str, dispute_number: int = 0
    ) -> bool:
        keys = {"kind": kind, "subject_id": subject_id, "channel": channel}
        keys |= {"dispute_number": dispute_number}
        return bool(self.where(supplier_id=supplier_id, **keys))

    def without_address(self, supplier_id: int) -> list[SupplierDelivery]:
        return self.where(supplier_id=supplier_id, status="failed", to="")


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.members = FakeMembers()
        self.preferences = FakePreferences()
        self.deliveries = FakeDeliveries()
        self.notifications = FakeNotifications()
        self.ledger = FakeLedger()
        self.lines = FakeLines()
        self.nudges = FakeNudges()
        self.invoices = FakeInvoices()
        self.suppliers = FakeSuppliers()
        self.supplier_deliveries = FakeSupplierDeliveries()
        self.published: list[Event] = []

    def publish(self, event: Event) -> None:
        self.published.append(event)
