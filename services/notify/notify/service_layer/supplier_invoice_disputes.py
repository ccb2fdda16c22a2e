"""A disputed supplier invoice becomes one e-mail to the supplier (its address from
catalog's ``catalog.supplier.updated``), sent by the mail sender with its retries. The
delivery carries member 0 (not a member) and the invoice's id in place of the order; a
redelivered event queues nothing twice."""

from __future__ import annotations

import logging

from notify.domain.supplier_invoice_mail import dispute_mail
from notify.service_layer.outgoing import NOT_A_MEMBER, queue_other_email
from notify.service_layer.unit_of_work import UnitOfWork
from shared.events import SupplierInvoiceDisputed

log = logging.getLogger(__name__)
KIND = "invoice_disputed"  # deliveries.kind holds 20 characters


def on_supplier_invoice_disputed(event: SupplierInvoiceDisputed, uow: UnitOfWork) -> None:
    dispute = event.payload
    if uow.deliveries.exists(NOT_A_MEMBER, event.supplier_invoice_id, KIND):
        return
    supplier = uow.suppliers.get(event.supplier_id)
    mail = dispute_mail(supplier.name if supplier else None, dispute)
    missing = f"no e-mail address known for supplier {dispute['supplier_id']}"
    to = supplier.email if supplier else None
    delivery = queue_other_email(
        uow, to, mail.subject, mail.body, KIND, about=event.supplier_invoice_id, missing=missing
    )
    if delivery.status == "failed":
        log.warning(missing)
