"""The members' invoices by e-mail: each invoice or credit note billing issues is recorded
(its figures also go into the member's statements) and e-mailed to the member once, in
the invoice's language, with its PDF attached when the mail sender sends it; the office
may have one sent again, which the delivery log shows as a second e-mail."""

from __future__ import annotations

import dataclasses

from notify.adapters.orm import Delivery
from notify.adapters.orm_invoices import InvoiceEntry
from notify.adapters.rendering import language_of
from notify.service_layer.commands import ResendInvoice
from notify.service_layer.outgoing import Outgoing, queue_email, recipient
from notify.service_layer.unit_of_work import UnitOfWork
from shared.errors import NotFound
from shared.events import InvoiceIssued

FIRST, AGAIN = "invoice", "invoice_resent"  # the deliveries' kinds


def on_invoice_issued(event: InvoiceIssued, uow: UnitOfWork, outgoing: Outgoing) -> None:
    """Record the invoice and queue its e-mail, unless it was recorded before: a repeated
    announcement of the same invoice (a new event id, or the same one) sends nothing."""
    if uow.invoices.get(event.invoice_id) is not None:
        return
    invoice = InvoiceEntry(
        invoice_id=event.invoice_id,
        number=event.number,
        kind=event.type,
        member_id=event.member_id,
        window_id=event.window_id,
        issued_on=event.issued_on,
        net_total=event.net_total,
        vat_total=event.vat_total,
        gross_total=event.gross_total,
        language=event.language,
    )
    uow.invoices.add(invoice)
    _queue(uow, outgoing, invoice, FIRST)


def resend_invoice(cmd: ResendInvoice, uow: UnitOfWork, outgoing: Outgoing) -> Delivery:
    """The invoice's e-mail once more, at the office's request: a new delivery beside the
    first, sent to the member's address as notify knows it now."""
    invoice = _known(uow, cmd.invoice_id)
    delivery = _queue(uow, outgoing, invoice, AGAIN, asked_by_office=True)
    assert delivery is not None  # queued even for a member who turned e-mails off
    return delivery


def invoice_deliveries(uow: UnitOfWork, invoice_id: int) -> list[Delivery]:
    """Every e-mail of the invoice, oldest first."""
    _known(uow, invoice_id)
    return uow.deliveries.of_invoice(invoice_id)


def _known(uow: UnitOfWork, invoice_id: int) -> InvoiceEntry:
    invoice = uow.invoices.get(invoice_id)
    if invoice is None:
        raise NotFound("invoice_id", f"Notify has not heard of invoice {invoice_id} yet.")
    return invoice


def _queue(
    uow: UnitOfWork,
    outgoing: Outgoing,
    invoice: InvoiceEntry,
    kind: str,
    asked_by_office: bool = False,
) -> Delivery | None:
    """The invoice's e-mail in the invoice's language (that of its PDF)."""
    to = recipient(uow, invoice.member_id)
    to = dataclasses.replace(to, language=language_of(invoice.language, to.language))
    mail = outgoing.render(
        "invoice",
        to,
        number=invoice.number,
        credit_note=invoice.kind == "credit_note",
        issued_on=invoice.issued_on,
        window_id=invoice.window_id,
        net_total=invoice.net_total,
        vat_total=invoice.vat_total,
        gross_total=invoice.gross_total,
    )
    delivery = queue_email(
        uow,
        outgoing,
        to,
        kind,
        mail,
        window_id=invoice.window_id,
        asked_by_office=asked_by_office,
    )
    if delivery is not None:
        delivery.invoice_id = invoice.invoice_id
    return delivery
