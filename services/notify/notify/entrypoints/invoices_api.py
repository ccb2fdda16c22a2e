"""The members' invoice e-mails in notify's API: the office has one sent again and sees
every e-mail of an invoice (the first and each resend)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import fields

from notify.entrypoints.api import DeliveryOut
from notify.entrypoints.work import handle, request_work
from notify.service_layer.commands import ResendInvoice
from notify.service_layer.invoices import invoice_deliveries
from shared.auth import require

invoices_api = Blueprint("notify_invoices", __name__, url_prefix="/api/v1")


class InvoiceDeliveryOut(DeliveryOut):
    invoice_id = fields.Integer()


@invoices_api.post("/invoices/<id:invoice_id>/resend")
@require("admin")
def resend(invoice_id: int) -> ResponseReturnValue:
    """Queue the invoice's e-mail (with its PDF) to the member once more; 404 while notify
    has not heard of the invoice."""
    with request_work() as uow:
        delivery = handle(ResendInvoice(invoice_id), uow)
        uow.session.flush()  # the delivery's id for the answer
        return jsonify(InvoiceDeliveryOut().dump(delivery)), 201


@invoices_api.get("/invoices/<id:invoice_id>/deliveries")
@require("admin")
def deliveries(invoice_id: int) -> ResponseReturnValue:
    """Every e-mail of the invoice, oldest first."""
    with request_work() as uow:
        found = invoice_deliveries(uow, invoice_id)
        return jsonify(InvoiceDeliveryOut(many=True).dump(found))
