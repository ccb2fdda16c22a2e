"""Billing's dependencies, built once from Settings: the runtime (engine, tables, outbox),
what issuing needs (the cooperative as seller, the numbers' prefix, the documents, the
day, the pool of processes a window's documents may be made in), and the one map from
each event billing consumes to its handler."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from billing.adapters import (
    sepa,
    supplier_invoice_orm,  # noqa: F401  (its tables)
)
from billing.adapters.document_pool import DocumentPool
from billing.adapters.documents import documents
from billing.adapters.orm import TABLES
from billing.domain.model import Seller
from billing.entrypoints import consumer, supplier_invoice_consumer
from billing.service_layer import handlers as h
from billing.service_layer.settling import SepaFiles
from billing.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.events import Event
from shared.outbox import Outbox
from shared.runtime import Runtime
from shared.settings import Settings

Handler = Callable[[Session, Event], None]


def build_runtime(settings: Settings) -> Runtime:
    return Runtime.build("billing", settings, TABLES)


def seller_of(settings: Settings) -> Seller:
    """The cooperative as the seller on its members' invoices (rule 13)."""
    s = settings
    return Seller(
        legal_name=s.cooperative_legal_name,
        street=s.cooperative_street,
        postcode=s.cooperative_postcode,
        city=s.cooperative_city,
        country=s.cooperative_country,
        vat_id=s.cooperative_vat_id,
        tax_number=s.cooperative_tax_number,
        iban=s.cooperative_iban,
        bic=s.cooperative_bic,
        register=s.cooperative_register,
        contact=s.cooperative_contact,
        phone=s.cooperative_phone,
        email=s.cooperative_email,
    )


def billing(settings: Settings, today: Callable[[], date] | None = None) -> h.Billing:
    zone = ZoneInfo(settings.pool_timezone)
    return h.Billing(
        seller=seller_of(settings),
        prefix=settings.invoice_prefix,
        documents=documents,
        today=today or (lambda: datetime.now(zone).date()),
        render=DocumentPool(settings.invoice_processes),
    )


def sepa_files(settings: Settings, today: Callable[[], date] | None = None) -> SepaFiles:
    """The settlement's file makers, with the cooperative as creditor."""
    if not sepa.creditor_id_is_valid(settings.cooperative_creditor_id):
        raise ValueError("ZIRKEL_COOPERATIVE_CREDITOR_ID is no valid SEPA creditor identifier")
    creditor = sepa.Creditor(
        name=settings.cooperative_legal_name,
        iban=settings.cooperative_iban,
        bic=settings.cooperative_bic,
        creditor_id=settings.cooperative_creditor_id,
    )
    return SepaFiles(
        direct_debits=partial(sepa.direct_debits, creditor),
        credit_transfers=partial(sepa.credit_transfers, creditor),
        today=billing(settings, today).today,
    )


def handlers(
    settings: Settings, outbox: Outbox, today: Callable[[], date] | None = None
) -> dict[str, Handler]:
    """Each event billing consumes: read into its command, handled in a unit of work on the
    consumer's session (which commits it with the event's inbox row)."""
    issuing = billing(settings, today)
    zone = ZoneInfo(settings.pool_timezone)
    uses: dict[str, tuple[Callable[[Event], Any], Callable[..., Any]]] = {
        "catalog.member.registered": (
            consumer.record_member,
            partial(h.record_member, billing=issuing),
        ),
        "catalog.product.updated": (consumer.record_product, h.record_product),
        "pooling.order.placed": (consumer.record_order, h.record_order),
        "pooling.order.confirmed": (
            consumer.confirm_order,
            partial(h.confirm_order, billing=issuing),
        ),
        "pooling.order.rejected": (consumer.reject_order, partial(h.reject_order, billing=issuing)),
        "pooling.depot.served": (
            consumer.serve_from_depot,
            partial(h.serve_from_depot, billing=issuing),
        ),
        "pooling.order.received": (
            partial(consumer.record_receipt, timezone=zone),
            partial(h.record_receipt, billing=issuing),
        ),
    }
    found = {kind: _in_unit_of_work(read, handle, outbox) for kind, (read, handle) in uses.items()}
    for kind, handle in supplier_invoice_consumer.handlers(outbox).items():
        found[kind] = (
            supplier_invoice_consumer.together(found[kind], handle) if kind in found else handle
        )
    return found


def _in_unit_of_work(
    read: Callable[[Event], Any], handle: Callable[..., Any], outbox: Outbox
) -> Handler:
    def handler(session: Session, event: Event) -> None:
        handle(read(event), SqlAlchemyUnitOfWork(session, outbox))

    return handler
