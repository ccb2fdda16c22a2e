"""The orders as their suppliers may bill them, and the suppliers' terms, as billing keeps
them from pooling's and catalog's events."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.adapters.orm import ProductRow
from billing.adapters.supplier_invoice_orm import BillableOrderRow, SupplierRow
from billing.domain.invoice_matching import ExpectedLine, ExpectedOrder
from billing.domain.model import STANDARD_RATE
from billing.domain.supplier_invoices import SupplierTerms


class SqlBillableOrders:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, order_ids: tuple[int, ...]) -> list[ExpectedOrder]:
        rows = list(
            self.session.scalars(
                select(BillableOrderRow)
                .where(BillableOrderRow.order_id.in_(order_ids))
                .order_by(BillableOrderRow.order_id)
            )
        )
        skus = {line["sku"] for row in rows for line in row.lines}
        found = self.session.execute(
            select(ProductRow.sku, ProductRow.vat_rate).where(ProductRow.sku.in_(sorted(skus)))
        )
        rates = {sku: rate for sku, rate in found}
        return [_expected(row, rates) for row in rows]

    def revision(self, order_id: int) -> int | None:
        row = self.session.get(BillableOrderRow, order_id)
        return None if row is None else row.revision

    def save(self, order: ExpectedOrder, revision: int) -> None:
        lines = [
            {"sku": ln.sku, "quantity": str(ln.quantity), "unit_price": str(ln.unit_price)}
            for ln in order.lines
        ]
        self.session.merge(
            BillableOrderRow(
                order_id=order.order_id,
                supplier_id=order.supplier_id,
                status=order.status,
                revision=revision,
                shipping_fee=order.fee,
                lines=lines,
            )
        )
        self.session.flush()

    def set_status(self, order_id: int, status: str) -> None:
        row = self.session.get(BillableOrderRow, order_id)
        if row is not None:
            row.status = status


def _expected(row: BillableOrderRow, rates: dict[str, Decimal]) -> ExpectedOrder:
    return ExpectedOrder(
        order_id=row.order_id,
        supplier_id=row.supplier_id,
        status=row.status,
        lines=tuple(
            ExpectedLine(
                ln["sku"],
                Decimal(ln["quantity"]),
                Decimal(ln["unit_price"]),
                rates.get(ln["sku"], STANDARD_RATE),
            )
            for ln in row.lines
        ),
        fee=row.shipping_fee,
    )


class SqlSuppliers:
    def __init__(self, session: Session) -> None:
        self.session = session

    def save(self, terms: SupplierTerms) -> None:
        self.session.merge(SupplierRow(**asdict(terms)))

    def get(self, supplier_id: int) -> SupplierTerms | None:
        row = self.session.get(SupplierRow, supplier_id)
        if row is None:
            return None
        return SupplierTerms(
            row.supplier_id,
            row.name,
            row.email,
            row.skonto_percent,
            row.skonto_days,
            row.net_days,
            row.iban,
            row.bic,
        )
