"""Billing's JSON API under /api/v1: the members' invoices and credit notes, and their
documents (Factur-X PDF, CII XML). A member sees its own (another's is a 404), the office
all of them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields

from billing.adapters import texts
from billing.adapters.invoice_repository import InvoiceReader
from billing.domain.model import Invoice
from billing.entrypoints.invoice_search import invoice_search
from shared.auth import current_principal, require
from shared.errors import NotFound
from shared.fields import VatRate
from shared.web import request_transaction

api = Blueprint("billing_api", __name__, url_prefix="/api/v1")


def _money() -> fields.Decimal:
    return fields.Decimal(as_string=True)


class VatAmountOut(Schema):
    rate = VatRate()
    taxable = _money()
    vat = _money()


class InvoiceLineOut(Schema):
    position = fields.Integer()
    kind = fields.String(metadata={"enum": ["goods", "fee_share"]})
    sku = fields.String(allow_none=True)
    need_id = fields.Integer(allow_none=True)
    description = fields.String()
    quantity = fields.Decimal(as_string=True)
    unit = fields.String()
    unit_price = fields.Decimal(as_string=True)
    net_amount = _money()
    vat_rate = VatRate()


class CorrectsOut(Schema):
    id = fields.Integer()
    number = fields.String()
    issued_on = fields.Date()


class InvoiceOut(Schema):
    id = fields.Integer()
    number = fields.String()
    type = fields.String(metadata={"enum": ["invoice", "credit_note"]})
    member_id = fields.Integer()
    window_id = fields.Integer()
    issued_on = fields.Date()
    delivered_on = fields.Date(allow_none=True)
    language = fields.String()
    net_total = _money()
    vat_total = _money()
    gross_total = _money()
    savings = fields.Decimal(as_string=True, allow_none=True)
    vat_breakdown = fields.List(fields.Nested(VatAmountOut))
    lines = fields.List(fields.Nested(InvoiceLineOut))
    corrects = fields.Nested(CorrectsOut, allow_none=True)


class InvoicesOut(Schema):
    invoices = fields.List(fields.Nested(InvoiceOut))


class WindowsOut(Schema):
    windows = fields.List(fields.Integer())


def invoice_out(invoice: Invoice) -> dict[str, Any]:
    language = texts.language_of(invoice)
    charges, corrects = invoice.charges, invoice.corrects
    lines = [
        vars(line) | {"kind": line.kind.value, "description": texts.description(line, language)}
        for line in charges.lines
    ]
    return InvoiceOut().dump(
        {
            "id": invoice.id,
            "number": invoice.number,
            "type": invoice.kind.value,
            "member_id": invoice.member_id,
            "window_id": invoice.window_id,
            "issued_on": invoice.issued_on,
            "delivered_on": invoice.delivered_on,
            "language": invoice.language,
            "net_total": charges.net_total,
            "vat_total": charges.vat_total,
            "gross_total": charges.gross_total,
            "savings": invoice.savings,
            "vat_breakdown": [vars(v) for v in charges.vat_breakdown],
            "lines": lines,
            "corrects": None
            if corrects is None
            else {
                "id": corrects.invoice_id,
                "number": corrects.number,
                "issued_on": corrects.issued_on,
            },
        }
    )


@api.get("/invoices")
@require("admin", "member")
def list_invoices() -> ResponseReturnValue:
    """Invoices and credit notes, newest first: a member's own, the office's all; narrowed,
    searched, sorted and paged as ``entrypoints/invoice_search.py`` says."""
    search = invoice_search(current_principal())
    if search is None:
        return jsonify(InvoicesOut().dump({"invoices": []})), 200, {"X-Total-Count": "0"}
    with request_transaction() as session:
        found, total = InvoiceReader(session).find(search)
        body = {"invoices": [invoice_out(invoice) for invoice in found]}
        return jsonify(body), 200, {"X-Total-Count": str(total)}


@api.get("/invoices/windows")
@require("admin")
def invoiced_windows() -> ResponseReturnValue:
    """The pool windows invoiced so far, latest first (the office's list filters by them)."""
    with request_transaction() as session:
        return jsonify(WindowsOut().dump({"windows": InvoiceReader(session).windows()}))


@api.get("/invoices/<id:invoice_id>")
@require("admin", "member")
def get_invoice(invoice_id: int) -> ResponseReturnValue:
    """One invoice or credit note (a member: its own)."""
    with request_transaction() as session:
        return jsonify(invoice_out(_visible(InvoiceReader(session), invoice_id)))


@api.get("/invoices/<id:invoice_id>/document.pdf")
@require("admin", "member")
def invoice_pdf(invoice_id: int) -> ResponseReturnValue:
    """The invoice as ZUGFeRD / Factur-X PDF (EN 16931), as it was issued."""
    return _document(invoice_id, "pdf", "application/pdf")


@api.get("/invoices/<id:invoice_id>/document.xml")
@require("admin", "member")
def invoice_xml(invoice_id: int) -> ResponseReturnValue:
    """The invoice as CII XML (EN 16931), as it was issued."""
    return _document(invoice_id, "xml", "application/xml")


def _visible(reader: InvoiceReader, invoice_id: int) -> Invoice:
    """The invoice, if the caller may see it: another member's is as good as absent."""
    invoice = reader.get(invoice_id)
    principal = current_principal()
    if invoice is None or not (principal.is_admin or principal.is_member(invoice.member_id)):
        raise NotFound("invoice_id", "There is no invoice %(id)s.", id=invoice_id)
    return invoice


def _document(invoice_id: int, form: str, content_type: str) -> Response:
    with request_transaction() as session:
        reader = InvoiceReader(session)
        invoice = _visible(reader, invoice_id)
        body = reader.document(invoice_id, form)
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{invoice.number}.{form}"'
    return response
