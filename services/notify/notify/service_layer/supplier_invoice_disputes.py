"""A disputed supplier invoice reaches the supplier as its orders do: one delivery on the
channel it takes its orders on (e-mail, a signed webhook or its AMQP queue), sent and
retried by the supplier sender; a redelivered event queues nothing twice, an invoice
disputed again (its ``dispute_number`` the next) is a new delivery, and a dispute to a
supplier whose address notify does not know yet goes out when it comes."""

from __future__ import annotations

import logging

from notify.adapters.supplier_orm import DISPUTE
from notify.domain.supplier_delivery import dispute_message, portal_invoices
from notify.domain.supplier_invoice_mail import dispute_mail
from notify.service_layer.supplier_handlers import queue_supplier_delivery
from notify.service_layer.unit_of_work import UnitOfWork
from shared.events import SupplierInvoiceDisputed

log = logging.getLogger(__name__)


def on_supplier_invoice_disputed(
    event: SupplierInvoiceDisputed, uow: UnitOfWork, pooling_url: str, pages_url: str
) -> None:
    """``pooling_url`` and ``pages_url``: pooling and the web pages as suppliers reach them
    (the message's links)."""
    dispute = event.payload
    supplier = uow.suppliers.get(event.supplier_id)
    mail = dispute_mail(supplier.name if supplier else None, dispute, portal_invoices(pages_url))
    message = dispute_message(dispute, pooling_url, pages_url)
    delivery = queue_supplier_delivery(
        uow,
        event.supplier_id,
        DISPUTE,
        event.supplier_invoice_id,
        mail,
        message,
        event.dispute_number,
    )
    if delivery is not None and delivery.status == "failed":
        log.warning("dispute of supplier invoice %s: %s", event.number, delivery.last_error)
