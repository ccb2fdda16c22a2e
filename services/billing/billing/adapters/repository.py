"""Billing's repositories on a SQLAlchemy session (``service_layer.unit_of_work``)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from billing.adapters.invoice_content import content_of, invoice_of
from billing.adapters.orm import (
    InvoiceCounter,
    InvoiceRow,
    MemberResultRow,
    MemberRow,
    OrderNeedRow,
    OrderRow,
    ProductRow,
    WindowRow,
)
from billing.domain.model import Buyer, Invoice, Kind, Product, ReceivedNeed
from billing.domain.windows import OrderStanding, OrderStatus
from billing.service_layer.commands import MemberResult, RecordOrder
from billing.service_layer.unit_of_work import Documents
from shared.db import insert_new_only

BUYER_FIELDS = [f.name for f in dataclasses.fields(Buyer)]


class SqlMembers:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, member_id: int) -> Buyer | None:
        row = self.session.get(MemberRow, member_id)
        return None if row is None else Buyer(**{k: getattr(row, k) for k in BUYER_FIELDS})

    def save(self, buyer: Buyer) -> None:
        self.session.merge(MemberRow(**dataclasses.asdict(buyer)))


class SqlProducts:
    def __init__(self, session: Session) -> None:
        self.session = session

    def save(self, product: Product) -> None:
        self.session.merge(ProductRow(**dataclasses.asdict(product)))

    def by_sku(self, skus: set[str]) -> dict[str, Product]:
        rows = self.session.scalars(select(ProductRow).where(ProductRow.sku.in_(sorted(skus))))
        return {r.sku: Product(r.sku, r.name, r.unit, r.vat_rate) for r in rows}


class SqlOrders:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.locked: set[int] = set()

    def lock_window(self, window_id: int) -> None:
        """The window's row, locked until the transaction ends (FOR UPDATE on PostgreSQL;
        SQLite's writers take the whole file at BEGIN)."""
        if window_id in self.locked:
            return
        table = WindowRow.__table__
        dialect = self.session.get_bind().dialect.name
        self.session.execute(insert_new_only(table, dialect), {"window_id": window_id})
        self.session.execute(
            select(WindowRow.window_id).where(WindowRow.window_id == window_id).with_for_update()
        )
        self.locked.add(window_id)

    def status(self, order_id: int) -> tuple[OrderStatus, int] | None:
        row = self.session.get(OrderRow, order_id)
        return None if row is None else (OrderStatus(row.status), row.revision)

    def add(self, order: RecordOrder) -> None:
        self.session.add(
            OrderRow(
                order_id=order.order_id,
                window_id=order.window_id,
                supplier_id=order.supplier_id,
                status=OrderStatus.PLACED.value,
                revision=-1,
            )
        )
        self.session.add_all(
            OrderNeedRow(order_id=order.order_id, window_id=order.window_id, **vars(need))
            for need in order.needs
        )
        self.session.flush()

    def hold_only(self, order_id: int, need_ids: frozenset[int]) -> None:
        self.session.execute(
            update(OrderNeedRow)
            .where(OrderNeedRow.order_id == order_id)
            .values(held=OrderNeedRow.need_id.in_(sorted(need_ids)) if need_ids else False)
        )

    def set_status(self, order_id: int, status: OrderStatus) -> None:
        self.session.execute(
            update(OrderRow).where(OrderRow.order_id == order_id).values(status=status.value)
        )

    def receive(
        self,
        order_id: int,
        revision: int,
        received_on: date,
        needs: tuple[tuple[int, ReceivedNeed], ...],
    ) -> None:
        order = self.session.get(OrderRow, order_id)
        assert order is not None
        order.status, order.revision = OrderStatus.RECEIVED.value, revision
        order.received_on = order.received_on or received_on
        rows = {
            row.need_id: row
            for row in self.session.scalars(
                select(OrderNeedRow).where(OrderNeedRow.order_id == order_id)
            )
        }
        for row in rows.values():
            row.held = False
        for _member_id, need in needs:
            row = rows[need.need_id]
            row.held, row.received = True, need.received
            row.goods, row.shipping_share = need.goods, need.shipping_share
        self.session.flush()

    def standing(self, window_id: int) -> list[OrderStanding]:
        found = self.session.execute(
            select(OrderRow.order_id, OrderRow.status, OrderNeedRow.member_id)
            .outerjoin(
                OrderNeedRow,
                and_(OrderNeedRow.order_id == OrderRow.order_id, OrderNeedRow.held),
            )
            .where(OrderRow.window_id == window_id)
        ).all()
        members: dict[tuple[int, str], set[int]] = {}
        for order_id, status, member_id in found:
            held = members.setdefault((order_id, status), set())
            if member_id is not None:
                held.add(member_id)
        return [
            OrderStanding(order_id, OrderStatus(status), frozenset(held))
            for (order_id, status), held in sorted(members.items())
        ]

    def _received(self, window_id: int, member_id: int):  # type: ignore[no-untyped-def]
        return (
            select(OrderNeedRow, OrderRow.received_on)
            .join(OrderRow, OrderRow.order_id == OrderNeedRow.order_id)
            .where(
                OrderNeedRow.window_id == window_id,
                OrderNeedRow.member_id == member_id,
                OrderNeedRow.held,
                OrderRow.status == OrderStatus.RECEIVED.value,
            )
        )

    def received_needs(self, window_id: int, member_id: int) -> list[ReceivedNeed]:
        rows = self.session.execute(self._received(window_id, member_id)).all()
        return [
            ReceivedNeed(
                need_id=n.need_id,
                order_id=n.order_id,
                sku=n.sku,
                received=n.received,
                unit_price=n.unit_price,
                goods=n.goods,
                shipping_share=n.shipping_share,
            )
            for n, _received_on in rows
        ]

    def delivered_on(self, window_id: int, member_id: int) -> date | None:
        days = [day for _n, day in self.session.execute(self._received(window_id, member_id))]
        return max((d for d in days if d is not None), default=None)

    def record_results(self, window_id: int, results: tuple[MemberResult, ...]) -> None:
        for result in results:
            self.session.merge(MemberResultRow(window_id=window_id, **vars(result)))

    def saved(self, window_id: int, member_id: int) -> Decimal | None:
        row = self.session.get(MemberResultRow, (window_id, member_id))
        return None if row is None else row.saved

    def windows_of(self, member_id: int) -> list[int]:
        query = select(OrderNeedRow.window_id).where(OrderNeedRow.member_id == member_id)
        return sorted(set(self.session.scalars(query.distinct())))


class SqlInvoices:
    def __init__(self, session: Session) -> None:
        self.session = session

    def current(self, member_id: int, window_id: int) -> Invoice | None:
        """The member's invoice for the window that no credit note has taken back."""
        credited = select(InvoiceRow.corrects_id).where(InvoiceRow.corrects_id.is_not(None))
        row = self.session.scalars(
            select(InvoiceRow)
            .where(
                InvoiceRow.member_id == member_id,
                InvoiceRow.window_id == window_id,
                InvoiceRow.kind == Kind.INVOICE.value,
                InvoiceRow.id.not_in(credited),
            )
            .order_by(InvoiceRow.generation.desc())
        ).first()
        return None if row is None else invoice_of(row)

    def last_generation(self, member_id: int, window_id: int) -> int:
        query = select(func.max(InvoiceRow.generation)).where(
            InvoiceRow.member_id == member_id, InvoiceRow.window_id == window_id
        )
        return self.session.scalar(query) or 0

    def next_numbers(self, year: int, count: int) -> int:
        """The first of the year's next ``count`` numbers: its counter row is locked (FOR
        UPDATE) until this transaction ends, so numbers are taken one transaction after
        another, and a transaction that does not commit gives its numbers back."""
        table = InvoiceCounter.__table__
        dialect = self.session.get_bind().dialect.name
        self.session.execute(insert_new_only(table, dialect), {"year": year, "last_number": 0})
        last = self.session.scalar(
            select(InvoiceCounter.last_number).where(InvoiceCounter.year == year).with_for_update()
        )
        assert last is not None
        self.session.execute(
            update(InvoiceCounter)
            .where(InvoiceCounter.year == year)
            .values(last_number=last + count)
        )
        return last + 1

    def add(self, invoice: Invoice, documents: Documents) -> int:
        charges = invoice.charges
        row = InvoiceRow(
            number=invoice.number,
            kind=invoice.kind.value,
            member_id=invoice.member_id,
            window_id=invoice.window_id,
            generation=invoice.generation,
            issued_on=invoice.issued_on,
            language=invoice.language,
            net_total=charges.net_total,
            vat_total=charges.vat_total,
            gross_total=charges.gross_total,
            corrects_id=None if invoice.corrects is None else invoice.corrects.invoice_id,
            content=content_of(invoice),
            pdf=documents.pdf,
            xml=documents.xml,
        )
        self.session.add(row)
        self.session.flush()
        return row.id


class InvoiceReader:
    """The issued invoices as the API shows them, newest first."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, member_id: int | None, window_id: int | None, limit: int) -> list[Invoice]:
        query = select(InvoiceRow).order_by(InvoiceRow.id.desc()).limit(limit)
        if member_id is not None:
            query = query.where(InvoiceRow.member_id == member_id)
        if window_id is not None:
            query = query.where(InvoiceRow.window_id == window_id)
        return [invoice_of(row) for row in self.session.scalars(query)]

    def get(self, invoice_id: int) -> Invoice | None:
        row = self.session.get(InvoiceRow, invoice_id)
        return None if row is None else invoice_of(row)

    def document(self, invoice_id: int, form: str) -> bytes:
        column = {"pdf": InvoiceRow.pdf, "xml": InvoiceRow.xml}[form]
        found = self.session.scalar(select(column).where(InvoiceRow.id == invoice_id))
        assert found is not None
        return found
