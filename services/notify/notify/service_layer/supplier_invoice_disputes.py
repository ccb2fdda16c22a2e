"""A disputed supplier invoice becomes one e-mail to the supplier (its address from
catalog's ``catalog.supplier.updated``), sent by the mail sender with its retries. The
delivery carries member 0 (not a member) and the invoice's id in place of the order; a
redelivered event queues nothing twice."""

from __future__ import annotations

import logging

from notify.adapters.orm import Delivery
from notify.domain.supplier_invoice_mail import dispute_mail
from notify.service_layer.unit_of_work import UnitOfWork
from shared.events import SupplierInvoiceDisputed

log = logging.getLogger(__name__)
NOT_A_MEMBER = 0
KIND = "invoice_disputed"  # deliveries.kind holds 20 characters


def on_supplier_invoice_disputed(event: SupplierInvoiceDisputed, uow: UnitOfWork) -> None:
    dispute = event.payload
    if uow.deliveries.exists(NOT_A_MEMBER, event.supplier_invoice_id, KIND):
        return
    supplier = uow.suppliers.get(event.supplier_id)
    mail = dispute_mail(supplier.name if supplier else None, dispute)
    delivery = Delivery(
        member_id=NOT_A_MEMBER,
        order_id=event.supplier_invoice_id,
        kind=KIND,
        channel="email",
        to=(supplier.email if supplier and supplier.email else "")[:254],
        subject=mail.subject,
        body=mail.body,
        status="pending",
        attempts=0,
    )
    if not delivery.to:
        delivery.status = "failed"
        delivery.last_error = f"no e-mail address known for supplier {dispute['supplier_id']}"
        log.warning(delivery.last_error)
    uow.deliveries.add(delivery)
