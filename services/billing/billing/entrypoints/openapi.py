"""Billing's API operations for its OpenAPI description (``shared.openapi``).

A new endpoint under /api/v1 gets one line here, or ``tests/api/test_openapi.py`` fails.
"""

from __future__ import annotations

from billing.entrypoints import api as a
from billing.entrypoints import supplier_invoices_api as s
from shared.openapi import Operation

ID = {"type": "integer", "minimum": 1}

OPERATIONS = {
    "billing_api.list_invoices": Operation(
        response=a.InvoicesOut,
        query={
            "member_id": ID,
            "window_id": ID,
            "limit": {**ID, "maximum": 5000},
            "before": ID,
        },
        summary="Invoices and credit notes (a member: its own).",
    ),
    "billing_api.get_invoice": Operation(response=a.InvoiceOut, summary="One invoice."),
    "billing_api.invoice_pdf": Operation(
        response_media="application/pdf", summary="The invoice as Factur-X PDF."
    ),
    "billing_api.invoice_xml": Operation(
        response_media="application/xml", summary="The invoice as CII XML."
    ),
    "supplier_invoice_api.upload_supplier_invoice": Operation(
        response=s.SupplierInvoiceOut,
        status=201,
        body_media="application/xml",
        summary="Upload a supplier's e-invoice (XML, or a PDF as application/pdf or "
        "multipart 'file') and match it.",
    ),
    "supplier_invoice_api.list_supplier_invoices": Operation(
        response=s.SupplierInvoicesOut,
        query={"limit": {**ID, "maximum": 1000}},
        summary="Suppliers' invoices (a supplier: its own).",
    ),
    "supplier_invoice_api.get_supplier_invoice": Operation(
        response=s.SupplierInvoiceOut, summary="One supplier invoice and its match."
    ),
    "supplier_invoice_api.supplier_invoice_document": Operation(
        response_media="application/octet-stream", summary="The invoice file as uploaded."
    ),
    "supplier_invoice_api.assign_supplier_invoice_orders": Operation(
        body=s.AssignOrdersIn, response=s.SupplierInvoiceOut, summary="Assign the orders billed."
    ),
    "supplier_invoice_api.accept_supplier_invoice": Operation(
        body=s.DecisionIn, response=s.SupplierInvoiceOut, summary="Accept with a reason."
    ),
    "supplier_invoice_api.dispute_supplier_invoice": Operation(
        body=s.DecisionIn, response=s.SupplierInvoiceOut, summary="Dispute with a reason."
    ),
}
