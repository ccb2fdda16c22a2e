"""The office's lists as ``Listing``s (web/listing.py): what each is searched, filtered,
sorted and exported by. Each view hands its rows to one of these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

import web.pages.billing_client as billing
from web.pages.admin_forms import CHANNELS, TRADES
from web.pages.callers import members_by_name, suppliers_by_name
from web.pages.listing import Column, Filter, Label, Listing

STANDING = {"active": _l("active"), "inactive": _l("deactivated")}
ORDER_STATUSES = {
    "placed": _l("placed"),
    "confirmed": _l("confirmed"),
    "rejected": _l("rejected"),
    "received": _l("received"),
}
NEED_STATUSES = {
    "open": _l("open"),
    "cancel_requested": _l("cancellation requested"),
    "ordered": _l("ordered"),
    "confirmed": _l("confirmed"),
    "received": _l("received"),
    "served": _l("from the depot"),
    "cancelled": _l("cancelled"),
}
DELIVERY_STATUSES = {"pending": _l("Pending"), "sent": _l("Sent"), "failed": _l("Failed")}
DELIVERY_KINDS = {
    "order_placed": _l("Order placed"),
    "savings_report": _l("Savings report"),
    "savings_corrected": _l("Savings corrected"),
    "order_confirmed": _l("Order confirmed"),
    "order_rejected": _l("Order rejected"),
    "nudge": _l("Tier in reach"),
    "invoice": _l("Invoice"),
    "invoice_resent": _l("Invoice sent again"),
    "account": _l("Sign-in (password link)"),
    "supplier_order": _l("Order to a supplier"),
    "supplier_dispute": _l("Invoice dispute to a supplier"),
}
ROLES = {"member": _l("Member"), "supplier": _l("Supplier"), "admin": _l("Office")}


def standing(row: Any) -> str:
    """``active`` or ``inactive``: what the status filter compares."""
    active = row["active"] if isinstance(row, dict) else row.active
    return "active" if active else "inactive"


def _named(names: dict[Any, Label], value: Callable[[Any], Any]) -> Callable[[Any], str]:
    """A row's value by its label in ``names`` (the label is what is sorted and exported)."""
    return lambda row: str(names.get(value(row), value(row) or ""))


def _choices(names: dict[Any, Label]) -> Callable[[], list[tuple[str, Label]]]:
    return lambda: [(str(key), label) for key, label in names.items()]


def _member_filter(member_id: Callable[[Any], int]) -> Filter:
    return Filter(
        "member_id",
        _l("Member"),
        lambda: [(str(i), name) for i, name in members_by_name()],
        lambda row: str(member_id(row)),
    )


SUPPLIER_FILTER = Filter(
    "supplier_id",
    _l("Supplier"),
    lambda: [(str(i), name) for i, name in suppliers_by_name()],
    lambda row: str(row["supplier_id"]),
)
STATUS_FILTER = Filter("status", _l("Status"), _choices(STANDING), standing)
STATUS_COLUMN = Column("status", _l("Status"), _named(STANDING, standing))

MEMBERS = Listing(
    _l("Members"),
    (
        Column("id", "#", lambda m: m.id),
        Column("name", _l("Name"), lambda m: m.name, searched=True),
        Column("trade", _l("Trade"), _named(TRADES, lambda m: m.trade)),
        Column("email", _l("E-mail"), lambda m: m.email, searched=True),
        Column("postcode", _l("Postcode"), lambda m: m.postcode, searched=True),
        Column("city", _l("City"), lambda m: m.city, searched=True),
        Column("vat_id", _l("VAT id"), lambda m: m.vat_id, searched=True),
        Column("mandate", _l("Direct debit"), lambda m: m.mandate_reference, searched=True),
        STATUS_COLUMN,
    ),
    (Filter("trade", _l("Trade"), _choices(TRADES), lambda m: str(m.trade)), STATUS_FILTER),
    sort="name",
)

SUPPLIERS = Listing(
    _l("Suppliers"),
    (
        Column("id", "#", lambda s: s.id),
        Column("name", _l("Name"), lambda s: s.name, searched=True),
        Column("email", _l("E-mail"), lambda s: s.email, searched=True),
        Column("shipping_fee", _l("Shipping fee"), lambda s: s.shipping_fee),
        Column("free_shipping_from", _l("Free shipping from"), lambda s: s.free_shipping_from),
        Column("channel", _l("Orders by"), _named(CHANNELS, lambda s: s.delivery_channel)),
        STATUS_COLUMN,
    ),
    (
        Filter("channel", _l("Orders by"), _choices(CHANNELS), lambda s: str(s.delivery_channel)),
        STATUS_FILTER,
    ),
    sort="name",
)

VAT_RATES = {"19": "19 %", "7": "7 %", "0": "0 %"}

PRODUCTS = Listing(
    _l("Products"),
    (
        Column("sku", _l("SKU"), lambda p: p.sku, searched=True),
        Column("name", _l("Name"), lambda p: p.name, searched=True),
        Column("unit", _l("Unit"), lambda p: p.unit, searched=True),
        Column("vat_rate", _l("VAT rate"), lambda p: p.vat_rate),
    ),
    (Filter("vat_rate", _l("VAT rate"), lambda: list(VAT_RATES.items()), lambda p: _rate(p)),),
    sort="sku",
)


def _moment(mail: Any) -> str:
    return format_datetime(mail.sent_at, "short")


def _created(delivery: dict[str, Any]) -> str:
    return format_datetime(datetime.fromisoformat(delivery["created_at"]), "short")


def _posted(need: dict[str, Any]) -> str:
    return format_datetime(need["created_at"], "short")


def _rate(product: Any) -> str:
    return format(Decimal(product.vat_rate).normalize(), "f")


OFFERS = Listing(
    _l("Offers"),
    (
        Column("supplier", _l("Supplier"), lambda o: o["supplier"], searched=True),
        Column("sku", _l("SKU"), lambda o: o["sku"], searched=True),
        Column("product", _l("Product"), lambda o: o["product"], searched=True),
        Column("pack_size", _l("Pack size"), lambda o: o["pack_size"]),
        Column("unit", _l("Unit"), lambda o: o["unit"]),
        Column(
            "first_price", _l("Price from 0"), lambda o: o["tiers"][0][1] if o["tiers"] else None
        ),
        Column("tiers", _l("Price tiers"), lambda o: len(o["tiers"])),
    ),
    (SUPPLIER_FILTER,),
    sort="supplier",
)

ORDERS = Listing(
    _l("Orders"),
    (
        Column("id", _l("Order"), lambda o: o["id"], searched=True),
        Column("window_id", _l("Round"), lambda o: o.get("window_id")),
        Column("supplier", _l("Supplier"), lambda o: o["supplier"], searched=True),
        Column("status", _l("Status"), _named(ORDER_STATUSES, lambda o: o["status"])),
        Column("total", _l("Total"), lambda o: Decimal(str(o["total"]))),
    ),
    (
        Filter("status", _l("Status"), _choices(ORDER_STATUSES), lambda o: o["status"]),
        SUPPLIER_FILTER,
    ),
    sort="id",
    descending=True,
)

USERS = Listing(
    _l("Users"),
    (
        Column("email", _l("E-mail"), lambda u: u["email"], searched=True),
        Column("role", _l("Role"), _named(ROLES, lambda u: u["role"])),
        Column("firm", _l("Member or supplier"), lambda u: u["firm"], searched=True),
        Column("created", _l("Created on"), lambda u: u["created"]),
        STATUS_COLUMN,
    ),
    (Filter("role", _l("Role"), _choices(ROLES), lambda u: u["role"]), STATUS_FILTER),
    sort="email",
)

MAILS = Listing(
    _l("Caught e-mails"),
    (
        Column("sent_at", _l("Date"), lambda m: m.sent_at, exported=_moment),
        Column("to", _l("To"), lambda m: m.to, searched=True),
        Column("subject", _l("Subject"), lambda m: m.subject, searched=True),
    ),
    sort="sent_at",
    descending=True,
)

# Searched, sorted and paged by catalog's needs API: the keys are its ``sort`` values, the
# filters its ``status`` and ``member_id``.
NEEDS = Listing(
    _l("Needs"),
    (
        Column("id", "#", lambda n: n["id"]),
        Column("created_at", _l("Posted on"), lambda n: n["created_at"], exported=_posted),
        Column("member", _l("Member"), lambda n: n["member"]),
        Column("sku", _l("SKU"), lambda n: n["sku"]),
        Column("product", _l("Product"), lambda n: n["product_name"]),
        Column("quantity", _l("Quantity"), lambda n: n["quantity"]),
        Column("unit", _l("Unit"), lambda n: n["unit"]),
        Column("needed_by", _l("Needed by"), lambda n: n["needed_by"]),
        Column("delivery_site", _l("Delivery site"), lambda n: n["delivery_site"]),
        Column("status", _l("Status"), _named(NEED_STATUSES, lambda n: n["status"])),
    ),
    (
        Filter("status", _l("Status"), _choices(NEED_STATUSES), lambda n: n["status"]),
        _member_filter(lambda n: n["member_id"]),
    ),
    sort="id",
    descending=True,
)

# notify's delivery log (members' e-mails, orders and disputes to suppliers): its API
# searches (``q``) and filters (``status``, ``kind``) and answers the newest 200 found;
# they are sorted and paged here.
DELIVERIES = Listing(
    _l("E-mails"),
    (
        Column("id", "#", lambda d: d["id"]),
        Column("created_at", _l("Date"), lambda d: d["created_at"], exported=_created),
        Column("recipient", _l("Recipient"), lambda d: d["recipient"]),
        Column("to", _l("To"), lambda d: d["to"], searched=True),
        Column("kind", _l("About"), _named(DELIVERY_KINDS, lambda d: d["kind"])),
        Column("subject", _l("Subject"), lambda d: d["subject"], searched=True),
        Column("status", _l("Status"), _named(DELIVERY_STATUSES, lambda d: d["status"])),
        Column("attempts", _l("Attempts"), lambda d: d["attempts"]),
        Column("last_error", _l("Last error"), lambda d: d.get("last_error")),
    ),
    (
        Filter("status", _l("Status"), _choices(DELIVERY_STATUSES), lambda d: d["status"]),
        Filter("kind", _l("About"), _choices(DELIVERY_KINDS), lambda d: d["kind"]),
    ),
    sort="id",
    descending=True,
)


INVOICE_KINDS = {"invoice": _l("Invoice"), "credit_note": _l("Credit note")}


@dataclass(frozen=True)
class ListedInvoice:
    """An invoice or credit note in the office's list, with its member's name."""

    invoice: billing.Invoice
    member: str


def _invoiced_windows() -> list[tuple[str, Label]]:
    try:
        return [(str(w), str(w)) for w in billing.invoiced_windows(billing.Caller("admin"))]
    except billing.BillingUnavailable:
        return []


# Searched, sorted and paged by billing's invoices API: the keys are its ``sort`` values,
# the filters its ``member_id``, ``window_id`` and ``type``.
INVOICES = Listing(
    _l("Invoices"),
    (
        Column("number", _l("Number"), lambda r: r.invoice.number),
        Column("issued_on", _l("Date"), lambda r: r.invoice.issued_on),
        Column("member", _l("Member"), lambda r: r.member),
        Column("window_id", _l("Round"), lambda r: r.invoice.window_id),
        Column("net_total", _l("Net"), lambda r: r.invoice.net_total),
        Column("vat_total", _l("VAT"), lambda r: r.invoice.vat_total),
        Column("gross_total", _l("Gross"), lambda r: r.invoice.gross_total),
        Column("type", _l("Type"), _named(INVOICE_KINDS, lambda r: r.invoice.kind)),
    ),
    (
        _member_filter(lambda r: r.invoice.member_id),
        Filter("window_id", _l("Round"), _invoiced_windows, lambda r: str(r.invoice.window_id)),
        Filter("type", _l("Type"), _choices(INVOICE_KINDS), lambda r: r.invoice.kind),
    ),
    sort="number",
    descending=True,
)
