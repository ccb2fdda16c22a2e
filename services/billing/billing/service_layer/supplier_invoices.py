"""Suppliers' invoices (rule 14), one short use case each in one unit of work: take an
invoice in and match it, assign its orders, accept it with a reason or dispute it (the
supplier is told), and keep the orders and suppliers' terms the matching and paying need."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Protocol

from billing.domain.invoice_matching import ExpectedOrder, match_invoice
from billing.domain.supplier_invoices import (
    Decision,
    Match,
    StoredSupplierInvoice,
    SupplierInvoice,
    SupplierTerms,
    order_number,
)
from shared.errors import Conflict, Forbidden, Invalid, NotFound, Words
from shared.events import Event, SupplierInvoiceDisputed

log = logging.getLogger(__name__)
CURRENCY = "EUR"
INVOICE_TYPES = {"380": "commercial invoice", "326": "partial invoice", "384": "corrected invoice"}


class SupplierInvoices(Protocol):
    def add(
        self,
        supplier_id: int | None,
        seller_key: str,
        invoice: SupplierInvoice,
        match: Match,
        document: tuple[bytes, str],
    ) -> StoredSupplierInvoice: ...
    def known(self, seller_key: str, number: str) -> int | None: ...
    def get(self, invoice_id: int, *, lock: bool = False) -> StoredSupplierInvoice | None: ...
    def billing(
        self, order_ids: tuple[int, ...], but: int | None = None
    ) -> list[StoredSupplierInvoice]: ...
    def rematch(self, invoice_id: int, supplier_id: int | None, match: Match) -> None: ...
    def decide(self, invoice_id: int, decision: Decision, reason: str | None) -> None: ...
    def open_invoices_of(self, order_id: int) -> list[int]: ...


class BillableOrders(Protocol):
    def get(self, order_ids: tuple[int, ...]) -> list[ExpectedOrder]: ...
    def revision(self, order_id: int) -> int | None: ...
    def save(self, order: ExpectedOrder, revision: int) -> None: ...
    def set_status(self, order_id: int, status: str) -> None: ...


class Suppliers(Protocol):
    def save(self, terms: SupplierTerms) -> None: ...
    def get(self, supplier_id: int) -> SupplierTerms | None: ...


class SupplierInvoiceUnit(Protocol):
    supplier_invoices: SupplierInvoices
    billable_orders: BillableOrders
    suppliers: Suppliers

    def publish(self, event: Event) -> None: ...


@dataclass(frozen=True)
class ReceiveSupplierInvoice:
    """A file as uploaded; ``supplier_id`` is the uploading supplier's (None: the office)."""

    data: bytes
    media_type: str
    supplier_id: int | None


def receive_supplier_invoice(
    cmd: ReceiveSupplierInvoice,
    uow: SupplierInvoiceUnit,
    read: Callable[[bytes], SupplierInvoice],
) -> StoredSupplierInvoice:
    """Read, check, match and keep an invoice; a refused one leaves nothing behind."""
    invoice = read(cmd.data)
    _check_payable_form(invoice)
    orders = uow.billable_orders.get(_named_orders(invoice))
    if cmd.supplier_id is not None:
        for order in orders:
            if order.supplier_id != cmd.supplier_id:
                raise Forbidden(
                    "file", "Order %(id)s is not one of your orders.", id=order.order_id
                )
    supplier_id = cmd.supplier_id or _only_supplier(orders)
    seller_key = _seller_key(invoice, supplier_id)
    if (known := uow.supplier_invoices.known(seller_key, invoice.number)) is not None:
        raise Conflict(
            "file",
            "Invoice %(number)s is already here (id %(id)s).",
            number=invoice.number,
            id=known,
        )
    match = _match(uow, invoice, orders, but=None)
    stored = uow.supplier_invoices.add(
        supplier_id, seller_key, invoice, match, (cmd.data, cmd.media_type)
    )
    log.info("supplier invoice %s read: %s", invoice.number, match.status.value)
    return stored


def _check_payable_form(invoice: SupplierInvoice) -> None:
    if invoice.currency != CURRENCY:
        raise Invalid(
            "file",
            "The invoice is in %(currency)s; the cooperative pays in euros only.",
            currency=invoice.currency,
        )
    if invoice.type_code not in INVOICE_TYPES:
        raise Invalid(
            "file", "The document type %(code)s is not an invoice to pay.", code=invoice.type_code
        )
    for name in ("net_total", "vat_total", "gross_total", "due_payable"):
        amount: Decimal = getattr(invoice, name)
        if amount.as_tuple().exponent < -2 or abs(amount) >= 10**10:  # type: ignore[operator]
            raise Invalid(
                "file",
                "The invoice's %(name)s is not an amount in cents: %(amount)s.",
                name=name,
                amount=amount,
            )
    if len(invoice.number) > 100:
        raise Invalid("file", "The invoice number is longer than 100 characters.")


def _named_orders(invoice: SupplierInvoice) -> tuple[int, ...]:
    found = (order_number(ref) for ref in invoice.order_references)
    return tuple(sorted({n for n in found if n is not None}))


def _only_supplier(orders: list[ExpectedOrder]) -> int | None:
    suppliers = {o.supplier_id for o in orders}
    return suppliers.pop() if len(suppliers) == 1 else None


def _seller_key(invoice: SupplierInvoice, supplier_id: int | None) -> str:
    if supplier_id is not None:
        return f"supplier:{supplier_id}"
    if invoice.seller.vat_id:
        return f"vat:{invoice.seller.vat_id}"
    return f"name:{invoice.seller.name[:200]}"


def _match(
    uow: SupplierInvoiceUnit,
    invoice: SupplierInvoice,
    orders: list[ExpectedOrder],
    but: int | None,
) -> Match:
    order_ids = tuple(o.order_id for o in orders)
    elsewhere = [s.invoice for s in uow.supplier_invoices.billing(order_ids, but=but)]
    return match_invoice(invoice, orders, elsewhere)


@dataclass(frozen=True)
class AssignOrders:
    """The office's choice of the orders an invoice bills."""

    invoice_id: int
    order_ids: tuple[int, ...]


def assign_orders(cmd: AssignOrders, uow: SupplierInvoiceUnit) -> StoredSupplierInvoice:
    stored = _undecided(uow, cmd.invoice_id)
    orders = uow.billable_orders.get(cmd.order_ids)
    missing = sorted(set(cmd.order_ids) - {o.order_id for o in orders})
    if missing:
        raise Invalid("order_ids", "There is no order %(id)s.", id=missing[0])
    supplier_id = _only_supplier(orders)
    if stored.supplier_id is not None and supplier_id not in (None, stored.supplier_id):
        raise Invalid("order_ids", "The orders are another supplier's than the invoice's.")
    match = _match(uow, stored.invoice, orders, but=cmd.invoice_id)
    uow.supplier_invoices.rematch(cmd.invoice_id, supplier_id or stored.supplier_id, match)
    uow.supplier_invoices.decide(cmd.invoice_id, Decision.OPEN, None)
    return _get(uow, cmd.invoice_id)


def _get(uow: SupplierInvoiceUnit, invoice_id: int, lock: bool = False) -> StoredSupplierInvoice:
    stored = uow.supplier_invoices.get(invoice_id, lock=lock)
    if stored is None:
        raise NotFound("invoice_id", "There is no supplier invoice %(id)s.", id=invoice_id)
    return stored


def _undecided(uow: SupplierInvoiceUnit, invoice_id: int) -> StoredSupplierInvoice:
    stored = _get(uow, invoice_id, lock=True)
    if stored.decision is Decision.ACCEPTED:
        raise Conflict("invoice_id", "Supplier invoice %(id)s is accepted already.", id=invoice_id)
    return stored


@dataclass(frozen=True)
class DecideSupplierInvoice:
    invoice_id: int
    decision: Decision  # accepted or disputed
    reason: str


def decide_supplier_invoice(
    cmd: DecideSupplierInvoice, uow: SupplierInvoiceUnit
) -> StoredSupplierInvoice:
    """The office accepts an invoice's differences or disputes it, with a reason; a
    dispute is announced (``billing.supplier_invoice.disputed``) for the supplier, with
    its number among the invoice's disputes: one disputed again after its orders were
    assigned anew is news to the supplier, not a repeat."""
    stored = _undecided(uow, cmd.invoice_id)
    if stored.decision is cmd.decision:
        said = (
            Words("Supplier invoice %(id)s is accepted already.")
            if cmd.decision is Decision.ACCEPTED
            else Words("Supplier invoice %(id)s is disputed already.")
        )
        raise Conflict("invoice_id", said, id=cmd.invoice_id)
    if not stored.comparable:
        raise Conflict("invoice_id", "Assign the invoice's orders first: it matches none yet.")
    uow.supplier_invoices.decide(cmd.invoice_id, cmd.decision, cmd.reason)
    decided = _get(uow, cmd.invoice_id)
    if cmd.decision is Decision.DISPUTED:
        uow.publish(supplier_invoice_disputed(decided, cmd.reason))
    return decided


def supplier_invoice_disputed(
    stored: StoredSupplierInvoice, reason: str
) -> SupplierInvoiceDisputed:
    invoice = stored.invoice
    return SupplierInvoiceDisputed(
        supplier_invoice_id=stored.id,
        supplier_id=stored.supplier_id,
        number=invoice.number,
        issued_on=invoice.issued_on,
        gross_total=invoice.gross_total,
        order_ids=list(stored.order_ids),
        reason=reason,
        differences=[asdict(d) for d in stored.match.differences],
        dispute_number=stored.disputes,
    )


@dataclass(frozen=True)
class RecordBillableOrder:
    """An order's course from pooling: placed, confirmed, received (``revision``) or
    rejected, with the lines and fee the supplier may bill at that stage. ``stage`` orders
    them: placed -2, confirmed -1, then each receipt's revision (0, 1, ...)."""

    order: ExpectedOrder
    stage: int


def record_billable_order(cmd: RecordBillableOrder, uow: SupplierInvoiceUnit) -> None:
    """Kept when newer than what billing has; open invoices of a received order are matched
    again (they may have come before the goods)."""
    order = cmd.order
    known = uow.billable_orders.revision(order.order_id)
    if order.status == "rejected":
        uow.billable_orders.set_status(order.order_id, order.status)
        return
    if known is not None and known >= cmd.stage:
        return
    uow.billable_orders.save(order, cmd.stage)
    if order.status == "received":
        for invoice_id in uow.supplier_invoices.open_invoices_of(order.order_id):
            stored = _get(uow, invoice_id)
            orders = uow.billable_orders.get(stored.order_ids)
            match = _match(uow, stored.invoice, orders, but=invoice_id)
            uow.supplier_invoices.rematch(invoice_id, stored.supplier_id, match)


def record_supplier(terms: SupplierTerms, uow: SupplierInvoiceUnit) -> None:
    uow.suppliers.save(terms)
