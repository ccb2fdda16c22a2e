"""Suppliers' invoices under /api/v1 (rule 14): a supplier uploads its invoice (or the
office does), sees what was read and how it matches its orders; the office assigns orders,
accepts differences with a reason or disputes the invoice."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from marshmallow import Schema, fields, validate

from billing.adapters.einvoice_reader import MAX_INVOICE_BYTES, MAX_KIB, read_invoice
from billing.domain.supplier_invoices import Decision, InvoiceUnreadable, StoredSupplierInvoice
from billing.entrypoints.work import request_work
from billing.service_layer import supplier_invoices as si
from billing.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.auth import current_principal, require
from shared.errors import NotFound
from shared.fields import VatRate
from shared.languages import in_callers_language
from shared.request_input import ApiError, counted_arg, load_body
from shared.web import MAX_ID

supplier_invoice_api = Blueprint("supplier_invoice_api", __name__, url_prefix="/api/v1")
MEDIA = {"application/xml": "xml", "text/xml": "xml", "application/pdf": "pdf"}


def _money() -> fields.Decimal:
    return fields.Decimal(as_string=True)


class SellerOut(Schema):
    name = fields.String()
    vat_id = fields.String(allow_none=True)


class SupplierInvoiceLineOut(Schema):
    quantity = fields.Decimal(as_string=True)
    unit_price = fields.Decimal(as_string=True)
    net_amount = _money()
    vat_rate = VatRate()
    sku = fields.String(allow_none=True)


class VatOut(Schema):
    rate = VatRate()
    taxable = _money()
    vat = _money()


class DifferenceOut(Schema):
    field = fields.String()
    expected = fields.String(allow_none=True)
    found = fields.String(allow_none=True)


class MatchOut(Schema):
    status = fields.String(metadata={"enum": ["matched", "differences", "unmatched"]})
    differences = fields.List(fields.Nested(DifferenceOut))


class SupplierInvoiceOut(Schema):
    id = fields.Integer()
    supplier_id = fields.Integer(allow_none=True)
    number = fields.String()
    issued_on = fields.Date()
    seller = fields.Nested(SellerOut)
    currency = fields.String()
    order_ids = fields.List(fields.Integer())
    lines = fields.List(fields.Nested(SupplierInvoiceLineOut))
    vat_breakdown = fields.List(fields.Nested(VatOut))
    fee = _money()
    net_total = _money()
    vat_total = _money()
    gross_total = _money()
    due_payable = _money()
    match = fields.Nested(MatchOut)
    decision = fields.String(metadata={"enum": ["open", "accepted", "disputed"]})
    reason = fields.String(allow_none=True)
    # how often the office disputed it (a reopened invoice may be disputed again)
    disputes = fields.Integer()
    payable = fields.Boolean()
    # what the office may do to it now (each refused with 409 otherwise)
    actions = fields.List(fields.String(metadata={"enum": ["assign", "accept", "dispute"]}))


class SupplierInvoicesOut(Schema):
    supplier_invoices = fields.List(fields.Nested(SupplierInvoiceOut))


class AssignOrdersIn(Schema):
    order_ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(1, MAX_ID)),
        required=True,
        validate=validate.Length(1, 50),
    )


class DecisionIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 2000))


def supplier_invoice_out(stored: StoredSupplierInvoice) -> dict[str, Any]:
    invoice = stored.invoice
    return SupplierInvoiceOut().dump(
        vars(invoice)
        | {
            "id": stored.id,
            "supplier_id": stored.supplier_id,
            "seller": vars(invoice.seller),
            "order_ids": list(stored.order_ids),
            "lines": [vars(line) for line in invoice.lines],
            "vat_breakdown": [vars(v) for v in invoice.vat_breakdown],
            "fee": invoice.fee,
            "match": {
                "status": stored.match.status.value,
                "differences": [vars(d) for d in stored.match.differences],
            },
            "decision": stored.decision.value,
            "reason": stored.reason,
            "disputes": stored.disputes,
            "actions": list(stored.actions),
            "payable": stored.payable,
        }
    )


def uploaded_invoice() -> tuple[bytes, str]:
    """The file from an XML or PDF body or a multipart upload (field ``file``)."""
    if (request.content_length or 0) > MAX_INVOICE_BYTES:
        raise ApiError(413, gettext("The file is larger than %(kib)s KiB.", kib=MAX_KIB))
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            said = gettext("Send the invoice in the form field 'file'.")
            raise ApiError(422, said, {"file": [gettext("Missing.")]})
        data = upload.read(MAX_INVOICE_BYTES + 1)
        media = "application/pdf" if data.lstrip()[:5] == b"%PDF-" else "application/xml"
        return data, media
    if request.mimetype not in MEDIA:
        raise ApiError(
            415,
            gettext(
                "Send the invoice as application/xml, application/pdf or "
                "multipart/form-data (field 'file')."
            ),
        )
    return request.get_data(cache=False), request.mimetype


def _read(data: bytes) -> Any:
    try:
        return read_invoice(data)
    except InvoiceUnreadable as exc:
        said = in_callers_language(exc.template, exc.params)
        raise ApiError(422, said, {"file": [said]}) from exc


@supplier_invoice_api.post("/supplier-invoices")
@require("admin", "supplier", owed=True)
def upload_supplier_invoice() -> ResponseReturnValue:
    """Read a supplier's e-invoice (Factur-X/ZUGFeRD PDF, CII or UBL XML) and match it."""
    principal = current_principal()
    data, media = uploaded_invoice()
    supplier_id = None if principal.is_admin else principal.subject_id
    cmd = si.ReceiveSupplierInvoice(data, media, supplier_id)
    with request_work() as unit:
        stored = si.receive_supplier_invoice(cmd, unit, read=_read)
        return jsonify(supplier_invoice_out(stored)), 201


@supplier_invoice_api.get("/supplier-invoices")
@require("admin", "supplier", owed=True)
def list_supplier_invoices() -> ResponseReturnValue:
    """Suppliers' invoices, newest first (a supplier: its own)."""
    principal = current_principal()
    supplier_id = None if principal.is_admin else principal.subject_id
    limit = counted_arg("limit", default=200, most=1000)
    with request_work() as unit:
        found = unit.supplier_invoices.find(supplier_id, limit)  # type: ignore[attr-defined]
        return jsonify({"supplier_invoices": [supplier_invoice_out(s) for s in found]})


@supplier_invoice_api.get("/supplier-invoices/<id:invoice_id>")
@require("admin", "supplier", owed=True)
def get_supplier_invoice(invoice_id: int) -> ResponseReturnValue:
    """One supplier invoice with its match (a supplier: its own)."""
    with request_work() as unit:
        return jsonify(supplier_invoice_out(_visible(unit, invoice_id)))


@supplier_invoice_api.get("/supplier-invoices/<id:invoice_id>/document")
@require("admin", "supplier", owed=True)
def supplier_invoice_document(invoice_id: int) -> ResponseReturnValue:
    """The file as it was uploaded."""
    with request_work() as unit:
        stored = _visible(unit, invoice_id)
        body, media = unit.supplier_invoices.document(invoice_id)  # type: ignore[attr-defined]
    response = Response(body, content_type=media)
    name = f"{stored.id}.{MEDIA.get(media, 'xml')}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _visible(unit: SqlAlchemyUnitOfWork, invoice_id: int) -> StoredSupplierInvoice:
    stored = unit.supplier_invoices.get(invoice_id)
    principal = current_principal()
    if stored is None or not (
        principal.is_admin
        or (stored.supplier_id is not None and principal.is_supplier(stored.supplier_id))
    ):
        raise NotFound("invoice_id", "There is no supplier invoice %(id)s.", id=invoice_id)
    return stored


@supplier_invoice_api.put("/supplier-invoices/<id:invoice_id>/orders")
@require("admin")
def assign_supplier_invoice_orders(invoice_id: int) -> ResponseReturnValue:
    """The office's choice of the orders the invoice bills; it is matched again."""
    body = load_body(AssignOrdersIn())
    cmd = si.AssignOrders(invoice_id, tuple(sorted(set(body["order_ids"]))))
    return _in_unit(partial(si.assign_orders, cmd))


@supplier_invoice_api.post("/supplier-invoices/<id:invoice_id>/accept")
@require("admin")
def accept_supplier_invoice(invoice_id: int) -> ResponseReturnValue:
    """Accept the invoice as it is (its differences too), with a reason: it may be paid."""
    reason = load_body(DecisionIn())["reason"]
    cmd = si.DecideSupplierInvoice(invoice_id, Decision.ACCEPTED, reason)
    return _in_unit(partial(si.decide_supplier_invoice, cmd))


@supplier_invoice_api.post("/supplier-invoices/<id:invoice_id>/dispute")
@require("admin")
def dispute_supplier_invoice(invoice_id: int) -> ResponseReturnValue:
    """Dispute the invoice, with a reason; the supplier is told. It is not paid."""
    reason = load_body(DecisionIn())["reason"]
    cmd = si.DecideSupplierInvoice(invoice_id, Decision.DISPUTED, reason)
    return _in_unit(partial(si.decide_supplier_invoice, cmd))


def _in_unit(handle: Any) -> ResponseReturnValue:
    with request_work() as uow:
        stored = handle(uow)
        return jsonify(supplier_invoice_out(stored))
