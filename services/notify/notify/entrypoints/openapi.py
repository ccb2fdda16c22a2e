"""Notify's API operations for its OpenAPI description (``shared.openapi``).

A new endpoint under /api/v1 gets one line here, or ``tests/api/test_openapi.py`` fails.
"""

from __future__ import annotations

from notify.entrypoints import api as a
from notify.entrypoints import invoices_api as i
from notify.entrypoints import preferences_api as p
from notify.entrypoints import statements_api as st
from notify.entrypoints import supplier_api as su
from shared.openapi import Operation

MEMBER = {"type": "integer", "minimum": 1}
LANG = {"type": "string", "enum": ["de", "en"]}
STATUS = {"type": "string", "enum": list(a.DELIVERY_STATUSES)}

OPERATIONS = {
    "notify_api.member_savings": Operation(response=a.SavingsOut, summary="A member's savings."),
    "notify_api.notifications": Operation(
        response=a.NotificationOut, many=True, query={"member_id": MEMBER}, summary="Notifications."
    ),
    "notify_api.deliveries": Operation(
        response=a.DeliveryOut,
        many=True,
        query={
            "status": STATUS,
            "member_id": MEMBER,
            "supplier_id": MEMBER,
            "kind": {"type": "string", "enum": list(a.DELIVERY_KINDS)},
            "q": {"type": "string", "maxLength": 200},
        },
        summary="The e-mail and supplier delivery log (admin).",
    ),
    "notify_preferences.get_preferences": Operation(
        response=p.PreferencesSchema, summary="A member's preferences."
    ),
    "notify_preferences.put_preferences": Operation(
        p.PreferencesSchema, p.PreferencesSchema, summary="Change a member's preferences."
    ),
    "notify_preferences.unsubscribe": Operation(
        p.UnsubscribeSchema, summary="Turn a member's e-mails off with the link's token."
    ),
    "notify_statements.savings_report": Operation(
        query={"lang": LANG}, summary="A member's savings report of one pool window."
    ),
    "notify_statements.statement": Operation(
        response=st.StatementOut, summary="A member's yearly or monthly savings statement."
    ),
    "notify_statements.statement_download": Operation(
        response_media="application/pdf", summary="A savings statement as PDF or CSV."
    ),
    "notify_statements.dashboard": Operation(
        response=st.DashboardOut,
        query={"year": {"type": "integer", "minimum": 2000, "maximum": 2100}},
        summary="The cooperative's savings per month, supplier and trade (admin).",
    ),
    "notify_invoices.resend": Operation(
        response=i.InvoiceDeliveryOut,
        status=201,
        summary="Send an invoice's e-mail again (admin).",
    ),
    "notify_invoices.deliveries": Operation(
        response=i.InvoiceDeliveryOut, many=True, summary="Every e-mail of an invoice (admin)."
    ),
    "notify_supplier_api.supplier_delivery": Operation(
        response=su.SupplierDeliveryDetailOut, summary="A delivery to a supplier with its attempts."
    ),
    "notify_supplier_api.retry_supplier_delivery": Operation(
        response=su.SupplierDeliveryOut, summary="Send a failed delivery to a supplier again."
    ),
}
