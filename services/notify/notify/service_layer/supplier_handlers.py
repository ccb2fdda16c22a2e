"""Orders reach suppliers the way each one works: a directory of suppliers kept from
catalog's events, and one delivery per order on the supplier's channel, queued when
pooling places the order and sent by the supplier sender."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from notify.adapters.supplier_orm import SupplierDelivery, SupplierEntry
from notify.domain.supplier_delivery import order_message, queue_name, supplier_order_mail
from shared.events import OrderPlaced, SupplierUpdated


def on_supplier_updated(session: Session, event: SupplierUpdated) -> None:
    """The newest terms of a supplier win; a webhook's secret is kept only while it is on."""
    supplier = session.get(SupplierEntry, event.supplier_id)
    if supplier is None:
        supplier = SupplierEntry(supplier_id=event.supplier_id)
        session.add(supplier)
    supplier.name = event.name
    supplier.email = event.email or supplier.email
    supplier.delivery_channel = event.delivery_channel
    supplier.webhook_url = event.webhook_url
    supplier.webhook_secret = event.webhook_secret


def queue_supplier_order(session: Session, event: OrderPlaced, pooling_url: str) -> None:
    """One delivery per order and channel: a redelivered or repeated announcement of the
    order finds it and queues nothing. A supplier notify does not know, or one without
    an address on its channel, gets a failed delivery the admins see."""
    order = event.payload
    supplier = session.get(SupplierEntry, event.supplier_id)
    channel = supplier.delivery_channel if supplier else "email"
    exists = session.scalar(
        select(SupplierDelivery.id).where(
            SupplierDelivery.supplier_id == event.supplier_id,
            SupplierDelivery.order_id == event.order_id,
            SupplierDelivery.channel == channel,
        )
    )
    if exists is not None:
        return
    mail = supplier_order_mail(supplier.name if supplier else None, order)
    delivery = SupplierDelivery(
        supplier_id=event.supplier_id,
        order_id=event.order_id,
        channel=channel,
        to=_address(supplier, channel) or "",
        subject=mail.subject[:200],
        body=mail.body,
        message=order_message(order, pooling_url),
        status="pending",
        attempts=0,
    )
    if not delivery.to:
        delivery.status = "failed"
        delivery.last_error = f"no {channel} address known for supplier {order['supplier_id']}"
    session.add(delivery)


def _address(supplier: SupplierEntry | None, channel: str) -> str | None:
    if supplier is None:
        return None
    return {
        "email": supplier.email,
        "webhook": supplier.webhook_url,
        "amqp": queue_name(supplier.supplier_id),
    }[channel]
