"""Billing's use cases, one short function each, run in one unit of work: learn members,
products and the orders' course from the events, and issue each member's invoice for a
window once it is due (rule 13), with a credit note and a new invoice when a corrected
receipt changes what an issued invoice charged."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from billing.domain.invoicing import (
    charges_for,
    credit_note_for,
    invoice_number,
    same_charges,
)
from billing.domain.model import Buyer, Invoice, Kind, Seller
from billing.domain.windows import OrderStatus, members_due
from billing.service_layer import commands
from billing.service_layer.unit_of_work import Documents, UnitOfWork
from shared.events import InvoiceIssued

log = logging.getLogger(__name__)


UNNUMBERED = ""  # a draft's number, until the window's drafts are numbered together
Renderer = Callable[[Callable[[Invoice], Documents], Sequence[Invoice]], list[Documents]]


def one_after_another(
    documents: Callable[[Invoice], Documents], invoices: Sequence[Invoice]
) -> list[Documents]:
    return [documents(invoice) for invoice in invoices]


@dataclass(frozen=True)
class Billing:
    """What issuing needs besides the unit of work: the seller, the numbers' prefix, the
    documents' maker, today's date (in the cooperative's time zone) and how a batch of
    documents is made (``bootstrap`` spreads a large one over a pool of processes)."""

    seller: Seller
    prefix: str
    documents: Callable[[Invoice], Documents]
    today: Callable[[], date]
    render: Renderer = one_after_another


def record_member(cmd: commands.RecordMember, uow: UnitOfWork, billing: Billing) -> None:
    """A member's data for its next invoices and its mandate for the settlement runs;
    invoices that waited for it are issued."""
    uow.members.save(cmd.buyer)
    uow.mandates.save(cmd.buyer.member_id, cmd.mandate)
    for window_id in uow.orders.windows_of(cmd.buyer.member_id):
        issue_due_invoices(commands.IssueDueInvoices(window_id), uow, billing)


def record_product(cmd: commands.RecordProduct, uow: UnitOfWork) -> None:
    uow.products.save(cmd.product)


def record_order(cmd: commands.RecordOrder, uow: UnitOfWork) -> None:
    uow.orders.lock_window(cmd.window_id)
    if uow.orders.status(cmd.order_id) is None:
        uow.orders.add(cmd)


def confirm_order(cmd: commands.ConfirmOrder, uow: UnitOfWork, billing: Billing) -> None:
    """Declined lines' needs leave the order: their members may be due now."""
    uow.orders.lock_window(cmd.window_id)
    if _known_status(uow, cmd.order_id) is not OrderStatus.PLACED:
        return
    uow.orders.hold_only(cmd.order_id, cmd.held_need_ids)
    uow.orders.set_status(cmd.order_id, OrderStatus.CONFIRMED)
    issue_due_invoices(commands.IssueDueInvoices(cmd.window_id), uow, billing)


def reject_order(cmd: commands.RejectOrder, uow: UnitOfWork, billing: Billing) -> None:
    uow.orders.lock_window(cmd.window_id)
    if _known_status(uow, cmd.order_id) not in (OrderStatus.PLACED, OrderStatus.CONFIRMED):
        return
    uow.orders.hold_only(cmd.order_id, frozenset())
    uow.orders.set_status(cmd.order_id, OrderStatus.REJECTED)
    issue_due_invoices(commands.IssueDueInvoices(cmd.window_id), uow, billing)


def record_receipt(cmd: commands.RecordReceipt, uow: UnitOfWork, billing: Billing) -> None:
    """A booked receipt, or a correction of it (a higher revision; an older one that comes
    late changes nothing)."""
    uow.orders.lock_window(cmd.window_id)
    known = uow.orders.status(cmd.order_id)
    if known is None:
        raise LookupError(f"a receipt of order {cmd.order_id}, whose placing billing never saw")
    if known[1] >= cmd.revision:
        return
    uow.orders.receive(cmd.order_id, cmd.revision, cmd.received_on, cmd.needs)
    uow.orders.record_results(cmd.window_id, cmd.results)
    issue_due_invoices(commands.IssueDueInvoices(cmd.window_id), uow, billing)


def serve_from_depot(cmd: commands.ServeFromDepot, uow: UnitOfWork, billing: Billing) -> None:
    """What the depot served at a close is charged at book value like received goods; a
    member served whole from the depot (and in no open order) is due at once."""
    uow.orders.lock_window(cmd.window_id)
    uow.orders.add_depot_parts(cmd.window_id, cmd.parts)
    uow.orders.record_results(cmd.window_id, cmd.results)
    issue_due_invoices(commands.IssueDueInvoices(cmd.window_id), uow, billing)


def _known_status(uow: UnitOfWork, order_id: int) -> OrderStatus:
    known = uow.orders.status(order_id)
    if known is None:
        raise LookupError(f"a decision on order {order_id}, whose placing billing never saw")
    return known[0]


def issue_due_invoices(
    cmd: commands.IssueDueInvoices, uow: UnitOfWork, billing: Billing
) -> list[Invoice]:
    """Each due member's invoice, once; a member whose issued invoice no longer matches
    what arrived gets a credit note for it and a new invoice. A member billing has not
    heard of yet waits for its registration (``record_member``).

    The window's documents are drafted first, then numbered in one go (the year's counter
    stays locked until the transaction ends), made in one batch and written."""
    uow.orders.lock_window(cmd.window_id)
    today, drafts = billing.today(), []
    standing, served = uow.orders.standing(cmd.window_id), uow.orders.served_whole(cmd.window_id)
    due = sorted(members_due(standing, served))
    buyers = uow.members.get_many(due)
    for member_id in due:
        buyer = buyers.get(member_id)
        if buyer is None:
            log.info("member %s's invoice waits for its registration", member_id)
            continue
        drafts += _drafts_for_member(uow, billing, cmd.window_id, buyer, today)
    if not drafts:
        return []
    first = uow.invoices.next_numbers(today.year, len(drafts))
    issued = [
        dataclasses.replace(draft, number=invoice_number(billing.prefix, today.year, first + i))
        for i, draft in enumerate(drafts)
    ]
    documents = billing.render(billing.documents, issued)
    ids = uow.invoices.add_all(list(zip(issued, documents, strict=True)))
    uow.publish_all(
        [invoice_issued(invoice, id_) for invoice, id_ in zip(issued, ids, strict=True)]
    )
    for invoice in issued:
        log.info("issued %s %s to member %s", invoice.kind.value, invoice.number, invoice.member_id)
    return issued


def _drafts_for_member(
    uow: UnitOfWork, billing: Billing, window_id: int, buyer: Buyer, today: date
) -> list[Invoice]:
    """What the member is to be issued, not numbered yet: nothing, an invoice, or a credit
    note for its current invoice (and a new invoice when something is left to charge)."""
    needs = uow.orders.received_needs(window_id, buyer.member_id)
    charges = charges_for(needs, uow.products.by_sku({n.sku for n in needs}))
    current = uow.invoices.current(buyer.member_id, window_id)
    if current is None and charges is None:
        return []
    if current is not None and charges is not None and same_charges(current.charges, charges):
        return []
    drafts = []
    if current is not None:
        drafts.append(credit_note_for(current, UNNUMBERED, today))
    if charges is not None:
        generation = uow.invoices.last_generation(buyer.member_id, window_id) + 1
        drafts.append(
            Invoice(
                kind=Kind.INVOICE,
                number=UNNUMBERED,
                issued_on=today,
                member_id=buyer.member_id,
                window_id=window_id,
                seller=billing.seller,
                buyer=buyer,
                charges=charges,
                delivered_on=uow.orders.delivered_on(window_id, buyer.member_id),
                savings=uow.orders.saved(window_id, buyer.member_id),
                generation=generation,
            )
        )
    return drafts


def invoice_issued(invoice: Invoice, invoice_id: int) -> InvoiceIssued:
    charges = invoice.charges
    return InvoiceIssued(
        invoice_id=invoice_id,
        number=invoice.number,
        type=invoice.kind.value,
        member_id=invoice.member_id,
        window_id=invoice.window_id,
        issued_on=invoice.issued_on,
        net_total=charges.net_total,
        vat_total=charges.vat_total,
        gross_total=charges.gross_total,
        language=invoice.language,
    )
