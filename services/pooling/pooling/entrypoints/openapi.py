"""Pooling's API operations for its OpenAPI description (``shared.openapi``).

A new endpoint under /api/v1 gets one line here, or ``tests/api/test_openapi.py`` fails.
"""

from __future__ import annotations

from pooling.entrypoints import delivery_schemas as d
from pooling.entrypoints import schemas as s
from pooling.entrypoints.closes import ClosedWindowOut
from pooling.entrypoints.outlook import OutlookOut
from pooling.entrypoints.quote import QuoteOut
from shared.openapi import Operation

# the receipt's split shown, with booking's checks, and nothing stored
DRY_RUN = {"dry_run": {"type": "string", "enum": ["true"]}}

OPERATIONS = {
    "pooling_api.current_pool": Operation(
        response=s.PoolOut, summary="The open window's pooled demand and tiers."
    ),
    "pooling_outlook.current_pool_outlook": Operation(
        response=OutlookOut,
        summary="What the next tiers and free shipping would take, and the savings so far.",
    ),
    "pooling_quote.quote": Operation(
        response=QuoteOut,
        summary="One product's offers, where the pool stands and what one more need changes.",
    ),
    "pooling_api.close_pool": Operation(
        s.CloseIn, s.ClosedPoolOut, body_required=False, summary="Close the pool window (admin)."
    ),
    "pooling_api.list_orders": Operation(response=s.OrderOut, many=True, summary="Orders."),
    "pooling_api.show_order": Operation(response=s.OrderOut, summary="One order."),
    "pooling_api.order_document_csv": Operation(
        response_media="text/csv",
        summary="An order's lines, their addresses and totals as CSV for German Excel.",
    ),
    "pooling_api.order_allocations_csv": Operation(
        response_media="text/csv",
        summary="One row per need an order serves, as CSV for German Excel.",
    ),
    "pooling_api.order_document_pdf": Operation(
        response_media="application/pdf", summary="An order form as PDF."
    ),
    "pooling_api.order_distribution": Operation(
        response=d.DistributionOut,
        summary="The packs per delivery address and who collects what, where (rule 11).",
    ),
    "pooling_api.confirm_order": Operation(
        s.ConfirmIn,
        s.OrderOut,
        body_required=False,
        summary="Confirm an order, perhaps declining single lines (its supplier).",
    ),
    "pooling_api.reject_order": Operation(
        s.RejectIn, s.OrderOut, summary="Reject an order (its supplier)."
    ),
    "pooling_receipts.book_receipt": Operation(
        s.ReceiptIn,
        s.OrderOut,
        status=201,
        also={200: "dry_run=true: the split (ReceiptPreviewOut), nothing booked"},
        query=DRY_RUN,
        summary="Book what arrived of a confirmed order, once (admin).",
    ),
    "pooling_receipts.correct_receipt": Operation(
        s.ReceiptIn,
        s.OrderOut,
        query=DRY_RUN,
        summary="Correct a booked receipt; the earlier booking stays on record (admin).",
    ),
    "pooling_receipts.list_receipts": Operation(
        response=s.ReceiptOut, many=True, summary="Every booking of an order's receipt (admin)."
    ),
    "pooling_receipts.book_site_receipt": Operation(
        d.SiteReceiptIn,
        d.SiteBookedOut,
        status=201,
        summary="Book what arrived at the member's own delivery site, once (a member).",
    ),
    "pooling_receipts.list_site_receipts": Operation(
        response=d.SiteReceiptOut,
        many=True,
        summary="What the members booked at their sites (admin; a member: its own).",
    ),
    "pooling_receipts.show_depot": Operation(
        response=s.DepotOut, summary="The depot: its lots, every movement and its value (admin)."
    ),
    "pooling_receipts.write_off": Operation(
        s.WriteOffIn, s.MovementOut, status=201, summary="Write part of a lot off (admin)."
    ),
    "pooling_closes.closed_windows": Operation(
        response=ClosedWindowOut,
        many=True,
        query={"limit": {"type": "integer", "minimum": 1, "maximum": 100}},
        summary="The latest closed pool windows (admin).",
    ),
}
