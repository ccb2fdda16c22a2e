"""Suppliers' invoices, the orders they bill and the suppliers' terms, on a SQLAlchemy
session. ``payable_supplier_invoices`` is the one query that says what may be paid."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from billing.adapters.supplier_invoice_orm import (
    SupplierInvoiceOrderRow,
    SupplierInvoiceRow,
    SupplierRow,
)
from billing.domain.settlement import PayableSupplierInvoice, PaymentTerms
from billing.domain.supplier_invoices import (
    Decision,
    Difference,
    Match,
    MatchStatus,
    Party,
    PayableInvoice,
    StoredSupplierInvoice,
    SupplierInvoice,
    SupplierInvoiceLine,
    VatSubtotal,
)
from shared.db import utcnow

log = logging.getLogger(__name__)

DECIMALS = ("net_total", "vat_total", "gross_total", "due_payable", "charge_total")


def content_of(invoice: SupplierInvoice) -> dict[str, Any]:
    """The invoice as JSON: decimals as strings, the date in ISO form."""
    raw = asdict(invoice)
    return _strings(raw) | {"issued_on": invoice.issued_on.isoformat()}


def _strings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strings(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strings(v) for v in value]
    return str(value) if isinstance(value, Decimal) else value


def invoice_of(content: dict[str, Any]) -> SupplierInvoice:
    c = content

    def dec(x: str | None) -> Decimal | None:
        return None if x is None else Decimal(x)

    lines = tuple(
        SupplierInvoiceLine(
            dec(ln["quantity"]),  # type: ignore[arg-type]
            dec(ln["unit_price"]),  # type: ignore[arg-type]
            dec(ln["net_amount"]),  # type: ignore[arg-type]
            dec(ln["vat_rate"]),  # type: ignore[arg-type]
            ln["sku"],
            ln["order_reference"],
        )
        for ln in c["lines"]
    )
    vat = tuple(
        VatSubtotal(Decimal(v["rate"]), Decimal(v["taxable"]), Decimal(v["vat"]))
        for v in c["vat_breakdown"]
    )
    return SupplierInvoice(
        number=c["number"],
        type_code=c["type_code"],
        issued_on=date.fromisoformat(c["issued_on"]),
        seller=Party(c["seller"]["name"], c["seller"]["vat_id"]),
        currency=c["currency"],
        order_reference=c["order_reference"],
        lines=lines,
        vat_breakdown=vat,
        allowance_total=Decimal(c["allowance_total"]),
        syntax=c["syntax"],
        **{k: Decimal(c[k]) for k in DECIMALS},
    )


# A supplier whose terms name no days: no Skonto, the whole amount within 30 days.
NO_TERMS = PaymentTerms(Decimal(0), 0, 30)


class SqlSupplierInvoices:
    def __init__(self, session: Session) -> None:
        self.session = session

    def payable(self, until: date) -> list[PayableSupplierInvoice]:
        """Rule 14's gate for the settlement (matched and not disputed, or accepted), with
        what paying needs: the supplier's name, account and terms. An invoice of a supplier
        whose bank account billing does not know cannot be paid by transfer and is left
        for the office (logged)."""
        invoices = payable_supplier_invoices(self.session, issued_until=until)
        suppliers = {
            row.supplier_id: row
            for row in self.session.scalars(
                select(SupplierRow).where(
                    SupplierRow.supplier_id.in_({i.supplier_id for i in invoices})
                )
            )
        }
        payable = []
        for invoice in invoices:
            supplier = suppliers.get(invoice.supplier_id)
            if supplier is None or not supplier.iban:
                log.warning("supplier invoice %s: no bank account of its supplier", invoice.id)
                continue
            payable.append(
                PayableSupplierInvoice(
                    supplier_invoice_id=invoice.id,
                    supplier_id=invoice.supplier_id,
                    supplier_name=supplier.name,
                    iban=supplier.iban,
                    number=invoice.number,
                    issued_on=invoice.issued_on,
                    gross_total=invoice.due_payable,
                    terms=_terms(supplier),
                )
            )
        return payable

    def add(
        self,
        supplier_id: int | None,
        seller_key: str,
        invoice: SupplierInvoice,
        match: Match,
        document: tuple[bytes, str],
    ) -> StoredSupplierInvoice:
        row = SupplierInvoiceRow(
            supplier_id=supplier_id,
            seller_key=seller_key,
            number=invoice.number,
            issued_on=invoice.issued_on,
            currency=invoice.currency,
            net_total=invoice.net_total,
            vat_total=invoice.vat_total,
            gross_total=invoice.gross_total,
            due_payable=invoice.due_payable,
            content=content_of(invoice),
            match_status=match.status.value,
            differences=[asdict(d) for d in match.differences],
            decision=Decision.OPEN.value,
            document=document[0],
            media_type=document[1],
        )
        self.session.add(row)
        self.session.flush()
        self._link(row.id, match.order_ids)
        return _stored(row, match.order_ids)

    def _link(self, invoice_id: int, order_ids: tuple[int, ...]) -> None:
        self.session.execute(
            delete(SupplierInvoiceOrderRow).where(SupplierInvoiceOrderRow.invoice_id == invoice_id)
        )
        self.session.add_all(
            SupplierInvoiceOrderRow(invoice_id=invoice_id, order_id=o) for o in order_ids
        )
        self.session.flush()

    def known(self, seller_key: str, number: str) -> int | None:
        query = select(SupplierInvoiceRow.id).where(
            SupplierInvoiceRow.seller_key == seller_key, SupplierInvoiceRow.number == number
        )
        return self.session.scalar(query)

    def get(self, invoice_id: int, *, lock: bool = False) -> StoredSupplierInvoice | None:
        query = select(SupplierInvoiceRow).where(SupplierInvoiceRow.id == invoice_id)
        row = self.session.scalar(query.with_for_update() if lock else query)
        return None if row is None else _stored(row, self._orders_of(invoice_id))

    def _orders_of(self, invoice_id: int) -> tuple[int, ...]:
        query = select(SupplierInvoiceOrderRow.order_id).where(
            SupplierInvoiceOrderRow.invoice_id == invoice_id
        )
        return tuple(sorted(self.session.scalars(query)))

    def find(self, supplier_id: int | None, limit: int) -> list[StoredSupplierInvoice]:
        query = select(SupplierInvoiceRow).order_by(SupplierInvoiceRow.id.desc()).limit(limit)
        if supplier_id is not None:
            query = query.where(SupplierInvoiceRow.supplier_id == supplier_id)
        return [_stored(row, self._orders_of(row.id)) for row in self.session.scalars(query)]

    def billing(
        self, order_ids: tuple[int, ...], but: int | None = None
    ) -> list[StoredSupplierInvoice]:
        """The payable invoices (matched, or accepted) that bill any of the orders, but not
        invoice ``but``: what will be paid for those orders already."""
        ids = select(SupplierInvoiceOrderRow.invoice_id).where(
            SupplierInvoiceOrderRow.order_id.in_(order_ids)
        )
        query = select(SupplierInvoiceRow).where(SupplierInvoiceRow.id.in_(ids), _PAYABLE)
        if but is not None:
            query = query.where(SupplierInvoiceRow.id != but)
        rows = self.session.scalars(query.order_by(SupplierInvoiceRow.id))
        return [_stored(row, self._orders_of(row.id)) for row in rows]

    def rematch(self, invoice_id: int, supplier_id: int | None, match: Match) -> None:
        row = self.session.get(SupplierInvoiceRow, invoice_id)
        assert row is not None
        row.supplier_id = supplier_id
        row.match_status = match.status.value
        row.differences = [asdict(d) for d in match.differences]
        self._link(invoice_id, match.order_ids)

    def decide(self, invoice_id: int, decision: Decision, reason: str | None) -> None:
        row = self.session.get(SupplierInvoiceRow, invoice_id)
        assert row is not None
        row.decision, row.reason = decision.value, reason
        row.decided_at = None if decision is Decision.OPEN else utcnow()
        if decision is Decision.DISPUTED:
            row.disputes = (row.disputes or 0) + 1
        self.session.flush()

    def document(self, invoice_id: int) -> tuple[bytes, str]:
        row = self.session.get(SupplierInvoiceRow, invoice_id)
        assert row is not None
        return row.document, row.media_type

    def open_invoices_of(self, order_id: int) -> list[int]:
        query = (
            select(SupplierInvoiceRow.id)
            .join(
                SupplierInvoiceOrderRow, SupplierInvoiceOrderRow.invoice_id == SupplierInvoiceRow.id
            )
            .where(
                SupplierInvoiceOrderRow.order_id == order_id,
                SupplierInvoiceRow.decision == Decision.OPEN.value,
            )
        )
        return sorted(set(self.session.scalars(query)))


# rule 14: accepted by the office, or matched and not disputed (``is_payable``)
_PAYABLE = or_(
    SupplierInvoiceRow.decision == Decision.ACCEPTED.value,
    (SupplierInvoiceRow.match_status == MatchStatus.MATCHED.value)
    & (SupplierInvoiceRow.decision == Decision.OPEN.value),
)


def _stored(row: SupplierInvoiceRow, order_ids: tuple[int, ...]) -> StoredSupplierInvoice:
    match = Match(
        MatchStatus(row.match_status),
        tuple(Difference(**d) for d in row.differences),
        order_ids,
    )
    return StoredSupplierInvoice(
        id=row.id,
        supplier_id=row.supplier_id,
        invoice=invoice_of(row.content),
        match=match,
        decision=Decision(row.decision),
        reason=row.reason,
        order_ids=order_ids,
        disputes=row.disputes or 0,
    )


def payable_supplier_invoices(
    session: Session, supplier_id: int | None = None, issued_until: date | None = None
) -> list[PayableInvoice]:
    """Rule 14's gate for paying suppliers: the invoices that matched their orders (and
    were not disputed) or that the office accepted; nothing unmatched, nothing with open
    differences, nothing disputed. Oldest first."""
    query = (
        select(SupplierInvoiceRow)
        .where(_PAYABLE, SupplierInvoiceRow.supplier_id.is_not(None))
        .order_by(SupplierInvoiceRow.issued_on, SupplierInvoiceRow.id)
    )
    if supplier_id is not None:
        query = query.where(SupplierInvoiceRow.supplier_id == supplier_id)
    if issued_until is not None:
        query = query.where(SupplierInvoiceRow.issued_on <= issued_until)
    return [
        PayableInvoice(
            id=row.id,
            supplier_id=row.supplier_id,  # type: ignore[arg-type]
            number=row.number,
            issued_on=row.issued_on,
            net_total=row.net_total,
            gross_total=row.gross_total,
            due_payable=row.due_payable,
        )
        for row in session.scalars(query)
    ]


def _terms(supplier: SupplierRow) -> PaymentTerms:
    if supplier.net_days is None and supplier.skonto_days is None:
        return NO_TERMS
    return PaymentTerms(
        skonto_percent=supplier.skonto_percent or Decimal(0),
        skonto_days=supplier.skonto_days or 0,
        net_days=supplier.net_days if supplier.net_days is not None else NO_TERMS.net_days,
    )
