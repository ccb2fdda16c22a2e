"""Billing's API operations for its OpenAPI description (``shared.openapi``).

A new endpoint under /api/v1 gets one line here, or ``tests/api/test_openapi.py`` fails.
"""

from __future__ import annotations

from billing.entrypoints import api as a
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
}
