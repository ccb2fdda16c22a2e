"""Notify's dependencies, built once from Settings: the runtime (engine, tables, outbox)
and the one map from each event notify consumes to its handler."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from notify.adapters import orm_invoices, orm_savings, supplier_orm  # noqa: F401  (their tables)
from notify.adapters.orm import TABLES
from notify.service_layer import nudging, reactions
from notify.service_layer.invoices import on_invoice_issued
from notify.service_layer.ops_alerts import on_ops_alert
from notify.service_layer.outgoing import Outgoing
from notify.service_layer.supplier_handlers import on_supplier_updated, queue_supplier_order
from notify.service_layer.supplier_invoice_disputes import on_supplier_invoice_disputed
from shared.events import Event
from shared.outbox import Outbox
from shared.runtime import Runtime
from shared.settings import Settings

Handler = Callable[[Session, Event], None]


def build_runtime(settings: Settings) -> Runtime:
    runtime = Runtime.build("notify", settings, TABLES)
    runtime.reports["deliveries"] = lambda: supplier_orm.failed_deliveries(runtime.sessions)
    return runtime


def outgoing_of(settings: Settings, **options: Any) -> Outgoing:
    """How notify writes to members; ``options`` replace parts of it (the clock, the
    report's delay)."""
    return dataclasses.replace(Outgoing.from_settings(settings), **options)


def handlers(settings: Settings, outbox: Outbox, **options: Any) -> dict[str, Handler]:
    """Each event notify consumes, handled once; ``options`` as for ``outgoing_of``."""
    outgoing = outgoing_of(settings, **options)
    dashboard = f"{settings.public_url}/admin/ops"

    def order_placed(session: Session, event: Event) -> None:
        reactions.on_order_placed(session, event, outbox, outgoing)
        queue_supplier_order(session, event, settings.public_pooling_url)

    def order_received(session: Session, event: Event) -> None:
        reactions.on_order_received(session, event, outgoing)

    def depot_served(session: Session, event: Event) -> None:
        reactions.on_depot_served(session, event, outbox, outgoing)

    def order_decided(session: Session, event: Event) -> None:
        reactions.on_order_decided(session, event, outgoing)

    def pool_progressed(session: Session, event: Event) -> None:
        nudging.on_pool_progressed(session, event, outgoing)

    def invoice_issued(session: Session, event: Event) -> None:
        on_invoice_issued(session, event, outgoing)

    def ops_alert(session: Session, event: Event) -> None:
        on_ops_alert(session, event, settings.admin_emails, dashboard)

    return {
        "pooling.order.placed": order_placed,
        "pooling.order.confirmed": order_decided,
        "pooling.order.rejected": order_decided,
        "pooling.order.received": order_received,
        "pooling.depot.served": depot_served,
        "pooling.pool.progressed": pool_progressed,
        "catalog.member.registered": reactions.on_member_registered,
        "catalog.supplier.updated": on_supplier_updated,
        "catalog.ops.alert.raised": ops_alert,
        "catalog.ops.alert.resolved": ops_alert,
        "billing.invoice.issued": invoice_issued,
        "billing.supplier_invoice.disputed": on_supplier_invoice_disputed,
    }
