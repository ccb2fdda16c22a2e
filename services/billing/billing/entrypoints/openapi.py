"""Billing's API operations for its OpenAPI description (``shared.openapi``).

A new endpoint under /api/v1 gets one line here, or ``tests/api/test_openapi.py`` fails.
"""

from __future__ import annotations

from billing.adapters.invoice_repository import SORTS
from billing.entrypoints import accounts_api as acc
from billing.entrypoints import api as a
from billing.entrypoints import invoice_search as search
from billing.entrypoints import settlements_api as st
from billing.entrypoints import supplier_invoices_api as s
from shared.openapi import Operation

ID = {"type": "integer", "minimum": 1}
DAY = {"type": "string", "format": "date"}

OPERATIONS = {
    "billing_api.list_invoices": Operation(
        response=a.InvoicesOut,
        query={
            "member_id": ID,
            "window_id": ID,
            "type": {"type": "string", "enum": list(search.KINDS)},
            "q": {"type": "string", "maxLength": 200},
            "sort": {"type": "string", "enum": list(SORTS)},
            "dir": {"type": "string", "enum": ["asc", "desc"]},
            "page": ID,
            "per_page": {**ID, "maximum": search.MAX_PER_PAGE},
            "limit": {**ID, "maximum": 5000},
            "before": ID,
        },
        summary="Invoices and credit notes (a member: its own), searched, sorted and "
        "paged; X-Total-Count says how many were found.",
    ),
    "billing_api.invoiced_windows": Operation(
        response=a.WindowsOut, summary="The pool windows invoiced so far, latest first."
    ),
    "billing_api.get_invoice": Operation(response=a.InvoiceOut, summary="One invoice."),
    "billing_api.invoice_pdf": Operation(
        response_media="application/pdf", summary="The invoice as Factur-X PDF."
    ),
    "billing_api.invoice_xml": Operation(
        response_media="application/xml", summary="The invoice as CII XML."
    ),
    "billing_accounts.member_account": Operation(
        response=acc.AccountOut,
        query={"on": DAY},
        summary="A member's account and its balance on a day (that member or admin).",
    ),
    "billing_accounts.member_account_csv": Operation(
        response_media="text/csv",
        query={"on": DAY},
        summary="A member's account as CSV for German Excel.",
    ),
    "billing_accounts.all_accounts_csv": Operation(
        response_media="text/csv",
        query={"on": DAY},
        summary="Every member's account as CSV for the tax adviser.",
    ),
    "billing_accounts.book_member_payment": Operation(
        body=acc.PaymentIn,
        response=acc.PaymentOut,
        status=201,
        summary="A payment received from a member, booked by hand.",
    ),
    "billing_settlements.start_settlement": Operation(
        body=st.SettlementIn,
        response=st.SettlementOut,
        status=201,
        summary="A settlement run for a period: direct debits and credit transfers, "
        "pending until submitted.",
    ),
    "billing_settlements.submit": Operation(
        response=st.SettlementOut,
        summary="Mark a run submitted to the bank: its collections are booked on the "
        "members' accounts, its transfers paid (again: the run as it is; 409 if discarded "
        "or if its collection day has come).",
    ),
    "billing_settlements.cancel": Operation(
        response=st.SettlementOut,
        summary="Discard a pending run: what it held is free for a later run (again: the "
        "run as it is; 409 if submitted).",
    ),
    "billing_settlements.list_settlements": Operation(
        response=st.SettlementsOut,
        query={"limit": {**ID, "maximum": 1000}},
        summary="The settlement runs, newest first.",
    ),
    "billing_settlements.get_settlement": Operation(
        response=st.SettlementOut, summary="One settlement run."
    ),
    "billing_settlements.direct_debits_file": Operation(
        response_media="application/xml", summary="The run's SEPA direct debits (pain.008)."
    ),
    "billing_settlements.credit_transfers_file": Operation(
        response_media="application/xml", summary="The run's SEPA credit transfers (pain.001)."
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
