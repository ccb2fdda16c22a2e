"""Notify's dependencies, built once from Settings: the runtime (engine, tables, outbox),
the one map from each event notify consumes to its handler, and the handlers of the
API's commands, each bound to what it needs besides the unit of work."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from notify.adapters import orm_invoices, orm_savings, supplier_orm  # noqa: F401  (their tables)
from notify.adapters.orm import TABLES
from notify.service_layer import commands, nudging, reactions
from notify.service_layer.account_mail import on_password_reset_requested
from notify.service_layer.invoices import on_invoice_issued, resend_invoice
from notify.service_layer.ops_alerts import on_ops_alert
from notify.service_layer.outgoing import Outgoing
from notify.service_layer.preferences import change_preferences, unsubscribe
from notify.service_layer.supplier_handlers import (
    on_supplier_updated,
    queue_supplier_order,
    retry_supplier_delivery,
)
from notify.service_layer.supplier_invoice_disputes import on_supplier_invoice_disputed
from notify.service_layer.unit_of_work import SqlAlchemyUnitOfWork, UnitOfWork
from shared.events import Event
from shared.outbox import Outbox
from shared.runtime import Runtime
from shared.settings import Settings

Handler = Callable[[Session, Event], None]
Reaction = Callable[[Any, UnitOfWork], None]


def build_runtime(settings: Settings) -> Runtime:
    runtime = Runtime.build("notify", settings, TABLES)
    runtime.reports["deliveries"] = lambda: supplier_orm.failed_deliveries(runtime.sessions)
    return runtime


def outgoing_of(settings: Settings, **options: Any) -> Outgoing:
    """How notify writes to members; ``options`` replace parts of it (the clock, the
    report's delay)."""
    return dataclasses.replace(Outgoing.from_settings(settings), **options)


def handlers(settings: Settings, outbox: Outbox, **options: Any) -> dict[str, Handler]:
    """Each event notify consumes, handled once in a unit of work on the consumer's session
    (which commits it with the event's inbox row); ``options`` as for ``outgoing_of``."""
    outgoing = outgoing_of(settings, **options)
    dashboard = f"{settings.public_url}/admin/ops"
    order_decided = partial(reactions.on_order_decided, outgoing=outgoing)
    ops_alert = partial(on_ops_alert, admin_emails=settings.admin_emails, dashboard_url=dashboard)
    reacting: dict[str, Reaction] = {
        "pooling.order.placed": _both(
            partial(reactions.on_order_placed, outgoing=outgoing),
            partial(queue_supplier_order, pooling_url=settings.public_pooling_url),
        ),
        "pooling.order.confirmed": order_decided,
        "pooling.order.rejected": order_decided,
        "pooling.order.received": partial(reactions.on_order_received, outgoing=outgoing),
        "pooling.depot.served": partial(reactions.on_depot_served, outgoing=outgoing),
        "pooling.pool.progressed": partial(nudging.on_pool_progressed, outgoing=outgoing),
        "catalog.member.registered": reactions.on_member_registered,
        "catalog.supplier.updated": on_supplier_updated,
        "catalog.ops.alert.raised": ops_alert,
        "catalog.ops.alert.resolved": ops_alert,
        "catalog.password_reset.requested": partial(
            on_password_reset_requested,
            templates=outgoing.templates,
            pages_url=settings.public_url,
        ),
        "billing.invoice.issued": partial(on_invoice_issued, outgoing=outgoing),
        "billing.supplier_invoice.disputed": partial(
            on_supplier_invoice_disputed,
            pooling_url=settings.public_pooling_url,
            pages_url=settings.public_url,
        ),
    }
    return {kind: _in_unit_of_work(react, outbox) for kind, react in reacting.items()}


def command_handlers(settings: Settings) -> dict[type, Callable[[Any, UnitOfWork], Any]]:
    """The handler of each command of notify's API, by the command's class."""
    return {
        commands.ResendInvoice: partial(resend_invoice, outgoing=outgoing_of(settings)),
        commands.ChangePreferences: change_preferences,
        commands.Unsubscribe: unsubscribe,
        commands.RetrySupplierDelivery: retry_supplier_delivery,
    }


def _both(first: Reaction, then: Reaction) -> Reaction:
    def react(event: Any, uow: UnitOfWork) -> None:
        first(event, uow)
        then(event, uow)

    return react


def _in_unit_of_work(react: Reaction, outbox: Outbox) -> Handler:
    def handler(session: Session, event: Event) -> None:
        react(event, SqlAlchemyUnitOfWork(session, outbox))

    return handler
