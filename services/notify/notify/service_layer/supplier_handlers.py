"""Orders, and the disputes of their invoices, reach suppliers the way each one works: a
directory of suppliers kept from catalog's events, and one delivery per order (or
dispute) on the supplier's channel, queued when pooling places the order (billing
announces the dispute) and sent by the supplier sender."""

from __future__ import annotations

from notify.adapters.supplier_orm import ORDER, SupplierDelivery, SupplierEntry
from notify.domain.mail import Mail
from notify.domain.supplier_delivery import order_message, queue_name, supplier_order_mail
from notify.service_layer.commands import RetrySupplierDelivery
from notify.service_layer.unit_of_work import UnitOfWork
from shared.errors import Conflict, NotFound
from shared.events import OrderPlaced, SupplierUpdated


def on_supplier_updated(event: SupplierUpdated, uow: UnitOfWork) -> None:
    """The newest terms of a supplier win; a webhook's secret is kept only while it is on."""
    supplier = uow.suppliers.get(event.supplier_id)
    if supplier is None:
        supplier = SupplierEntry(supplier_id=event.supplier_id)
        uow.suppliers.add(supplier)
    supplier.name = event.name
    supplier.email = event.email or supplier.email
    supplier.delivery_channel = event.delivery_channel
    supplier.webhook_url = event.webhook_url
    supplier.webhook_secret = event.webhook_secret
    _address_waiting_orders(uow, supplier)


def _address_waiting_orders(uow: UnitOfWork, supplier: SupplierEntry) -> None:
    """Orders and disputes that failed because no address was known on the supplier's
    channel (its directory entry reached notify after them: another queue) go out now,
    on the channel the supplier has now. One already on that channel is left as it is."""
    to = _address(supplier, supplier.delivery_channel)
    if not to:
        return
    for delivery in uow.supplier_deliveries.without_address(supplier.supplier_id):
        if delivery.channel != supplier.delivery_channel and uow.supplier_deliveries.queued(
            supplier.supplier_id,
            delivery.kind,
            delivery.subject_id,
            supplier.delivery_channel,
            delivery.dispute_number,
        ):
            continue
        delivery.channel, delivery.to = supplier.delivery_channel, to
        delivery.status, delivery.next_attempt_at, delivery.last_error = "pending", None, None


def queue_supplier_order(event: OrderPlaced, uow: UnitOfWork, pooling_url: str) -> None:
    """The placed order to its supplier, once per channel (``queue_supplier_delivery``)."""
    order = event.payload
    supplier = uow.suppliers.get(event.supplier_id)
    mail = supplier_order_mail(supplier.name if supplier else None, order)
    message = order_message(order, pooling_url)
    queue_supplier_delivery(uow, event.supplier_id, ORDER, event.order_id, mail, message)


def queue_supplier_delivery(
    uow: UnitOfWork,
    supplier_id: int,
    kind: str,
    subject_id: int,
    mail: Mail,
    message: str,
    dispute_number: int = 0,
) -> SupplierDelivery | None:
    """One delivery per order (or dispute: each of an invoice's disputes by its
    ``dispute_number``) and channel, on the supplier's channel: the e-mail ``mail`` or
    the JSON ``message`` for its webhook or queue. A redelivered or repeated
    announcement finds it and queues nothing (None). A supplier notify does not
    know, or one without an address on its channel, gets a failed delivery the admins
    see; it goes out when the supplier's address comes (``on_supplier_updated``)."""
    supplier = uow.suppliers.get(supplier_id)
    channel = supplier.delivery_channel if supplier else "email"
    if uow.supplier_deliveries.queued(supplier_id, kind, subject_id, channel, dispute_number):
        return None
    delivery = SupplierDelivery(
        supplier_id=supplier_id,
        kind=kind,
        subject_id=subject_id,
        dispute_number=dispute_number,
        channel=channel,
        to=_address(supplier, channel) or "",
        subject=mail.subject[:200],
        body=mail.body,
        message=message,
        status="pending",
        attempts=0,
    )
    if not delivery.to:
        delivery.status = "failed"
        delivery.last_error = f"no {channel} address known for supplier {supplier_id}"
    uow.supplier_deliveries.add(delivery)
    return delivery


def retry_supplier_delivery(cmd: RetrySupplierDelivery, uow: UnitOfWork) -> SupplierDelivery:
    """A given-up delivery goes out again with a fresh round of attempts (its log is kept),
    by e-mail to the supplier's current address."""
    delivery = uow.supplier_deliveries.get(cmd.delivery_id)
    if delivery is None:
        raise NotFound("delivery_id", f"There is no supplier delivery {cmd.delivery_id}.")
    if delivery.status != "failed":
        message = f"The delivery is {delivery.status}; only a failed one goes out again."
        raise Conflict("status", message)
    supplier = uow.suppliers.get(delivery.supplier_id)
    if delivery.channel == "email" and supplier is not None and supplier.email:
        delivery.to = supplier.email
    delivery.status, delivery.attempts, delivery.next_attempt_at = "pending", 0, None
    return delivery


def _address(supplier: SupplierEntry | None, channel: str) -> str | None:
    if supplier is None:
        return None
    return {
        "email": supplier.email,
        "webhook": supplier.webhook_url,
        "amqp": queue_name(supplier.supplier_id),
    }[channel]
