"""Notify's repositories for suppliers: the directory kept from catalog's events and the
deliveries (orders, disputes) on each supplier's channel. Rows are the mapped classes of
``supplier_orm``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from notify.adapters.supplier_orm import SupplierDelivery, SupplierEntry


class SqlSuppliers:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, supplier_id: int) -> SupplierEntry | None:
        return self.session.get(SupplierEntry, supplier_id)

    def add(self, supplier: SupplierEntry) -> None:
        self.session.add(supplier)


class SqlSupplierDeliveries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, delivery: SupplierDelivery) -> None:
        self.session.add(delivery)

    def get(self, delivery_id: int) -> SupplierDelivery | None:
        return self.session.get(SupplierDelivery, delivery_id)

    def queued(
        self, supplier_id: int, kind: str, subject_id: int, channel: str, dispute_number: int = 0
    ) -> bool:
        """Whether the order, or that dispute of the invoice, was queued to the supplier
        on that channel."""
        query = select(SupplierDelivery.id).where(
            SupplierDelivery.supplier_id == supplier_id,
            SupplierDelivery.kind == kind,
            SupplierDelivery.subject_id == subject_id,
            SupplierDelivery.dispute_number == dispute_number,
            SupplierDelivery.channel == channel,
        )
        return self.session.scalar(query) is not None

    def without_address(self, supplier_id: int) -> list[SupplierDelivery]:
        """The supplier's deliveries that failed because no address was known on a channel."""
        query = select(SupplierDelivery).where(
            SupplierDelivery.supplier_id == supplier_id,
            SupplierDelivery.status == "failed",
            SupplierDelivery.to == "",
        )
        return list(self.session.scalars(query))
