"""The catalog API's operations for its OpenAPI description (``shared.openapi``).

A new endpoint under /api/v1 gets one line here, or ``tests/api/test_openapi.py`` fails.
"""

from __future__ import annotations

from catalog.entrypoints import api_password_resets as pr
from catalog.entrypoints import api_users as u
from catalog.entrypoints import need_search
from catalog.entrypoints import schemas as s
from catalog.entrypoints.api import IDEMPOTENCY_KEY_SHAPE
from catalog.entrypoints.api_need_changes import NeedChangeIn
from shared.openapi import Operation

TEXT = {"type": "string", "maxLength": 100}
LIMIT = {"type": "integer", "minimum": 1, "maximum": 1000}
IDEMPOTENCY_KEY = {
    "description": (
        "Optional; a new random value (a UUID) per need. The same member sending the same"
        " body again with the same key gets the need the first post made (201, the same"
        " body, header Idempotent-Replayed: true) and no second need; the key with another"
        " body is a 422. Keys are kept as long as their need, at least 24 hours."
    ),
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": 64,
        "pattern": f"^{IDEMPOTENCY_KEY_SHAPE.pattern}$",
        "example": "8e03978e-40d5-43e8-bc93-6894a57f9324",
    },
}

OPERATIONS = {
    "catalog_api.register_member": Operation(
        s.MemberIn, s.MemberOut, status=201, summary="Register a member (admin)."
    ),
    "catalog_api.list_members": Operation(response=s.MemberOut, many=True, summary="All members."),
    "catalog_api.show_member": Operation(response=s.MemberOut, summary="One member."),
    "catalog_api.change_member": Operation(
        s.MemberIn, s.MemberOut, summary="Change a member, its invoice address and mandate."
    ),
    "catalog_api.register_supplier": Operation(
        s.SupplierIn, s.SupplierOut, status=201, summary="Register a supplier (admin)."
    ),
    "catalog_api.list_suppliers": Operation(
        response=s.SupplierOut, many=True, summary="All suppliers."
    ),
    "catalog_api.add_product": Operation(
        s.ProductIn, s.ProductOut, status=201, summary="Add a product (admin)."
    ),
    "catalog_api.change_product": Operation(
        s.ProductChangeIn, s.ProductOut, summary="Change a product's name, unit or VAT rate."
    ),
    "catalog_api.show_supplier": Operation(
        response=s.SupplierOut, summary="One supplier with its delivery channel."
    ),
    "catalog_api.update_supplier": Operation(
        s.SupplierIn, s.SupplierOut, summary="Change a supplier's terms and delivery channel."
    ),
    "catalog_api.list_products": Operation(
        response=s.ProductOut,
        many=True,
        query={"q": TEXT, "limit": {"type": "integer", "minimum": 1, "maximum": 50}},
        summary="Products; ?q= finds them by SKU, name or trade, word by word (ß as ss, ä as ae).",
    ),
    "catalog_api.set_offer": Operation(
        s.OfferIn, s.OfferOut, summary="Set a supplier's offer of a product."
    ),
    "catalog_api.list_offers": Operation(response=s.OfferOut, many=True, summary="All offers."),
    "catalog_api.post_need": Operation(
        s.NeedIn,
        s.NeedOut,
        status=201,
        headers={"Idempotency-Key": IDEMPOTENCY_KEY},
        summary="Post a member's need; with an Idempotency-Key, at most once.",
    ),
    "catalog_api.list_needs": Operation(
        response=s.NeedOut,
        many=True,
        query={
            "q": TEXT,
            "status": TEXT,
            "member_id": {"type": "integer", "minimum": 1},
            "sku": TEXT,
            "sort": {"type": "string", "enum": list(need_search.SORTS)},
            "dir": {"type": "string", "enum": ["asc", "desc"]},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": need_search.MAX_PER_PAGE},
        },
        summary="Needs, newest first unless sorted: searched by q (SKU, product, member, "
        "site, note), filtered, paged; X-Total-Count says how many were found.",
    ),
    "catalog_api.show_need": Operation(response=s.NeedOut, summary="One need."),
    "catalog_api.cancel_need": Operation(
        response=s.NeedOut,
        status=202,
        also={200: "Cancelled already: pooling has withdrawn the need"},
        summary=(
            "Cancel an open need: accepted as a request (cancel_requested) that pooling"
            " decides; GET the need for the outcome, cancelled or ordered."
        ),
    ),
    "catalog_need_changes_api.change": Operation(
        NeedChangeIn,
        s.NeedOut,
        summary="Change an open need (quantity, up_to, needed_by, site, note) before the cutoff.",
    ),
    "catalog_directory_api.product_index": Operation(
        response=s.ProductOut,
        many=True,
        query={"sku": {"type": "array", "items": TEXT, "maxItems": 500}},
        summary="Every product by SKU, or those asked with ?sku=.",
    ),
    "catalog_directory_api.member_names": Operation(
        query={"id": {"type": "array", "items": {"type": "integer", "minimum": 1}}},
        summary="The names of the members asked with ?id= (admin or supplier).",
    ),
    "catalog_directory_api.set_flexibility": Operation(
        s.FlexibilityIn,
        s.MemberOut,
        summary="A member's default flexibility.",
    ),
    "catalog_directory_api.deactivate_member": Operation(
        response=s.MemberOut, summary="Deactivate a member (admin); its history stays."
    ),
    "catalog_directory_api.reactivate_member": Operation(
        response=s.MemberOut, summary="Reactivate a member (admin)."
    ),
    "catalog_directory_api.deactivate_supplier": Operation(
        response=s.SupplierOut, summary="Deactivate a supplier (admin); its orders stay."
    ),
    "catalog_directory_api.reactivate_supplier": Operation(
        response=s.SupplierOut, summary="Reactivate a supplier (admin)."
    ),
    "catalog_price_lists.upload_price_list": Operation(
        body_media="text/csv", summary="Upload a supplier's price list as CSV."
    ),
    "catalog_price_lists.download_price_list": Operation(
        response_media="text/csv",
        summary="A supplier's offers as a price-list CSV for German Excel.",
    ),
    "catalog_price_lists.price_list_template_file": Operation(
        response_media="text/csv",
        summary="An example price list to fill in (admin, supplier).",
    ),
    "catalog_ops.queues": Operation(summary="The queues and their depths (admin)."),
    "catalog_ops.queue_history": Operation(
        query={"minutes": {"type": "integer", "minimum": 1, "maximum": 1440}},
        summary="Each queue's sampled depths (admin).",
    ),
    "catalog_ops.dashboard": Operation(summary="Services, queues and alerts at a glance (admin)."),
    "catalog_ops.dead_letters": Operation(
        query={"limit": LIMIT}, summary="A queue's dead letters."
    ),
    "catalog_ops.replay": Operation(summary="Replay a dead letter once (admin)."),
    "catalog_ops.discard": Operation(summary="Discard a dead letter (admin)."),
    "catalog_ops.audit": Operation(
        query={"limit": LIMIT, "queue": TEXT}, summary="The ops audit log (admin)."
    ),
    "catalog_ops.overview": Operation(
        query={"minutes": {"type": "integer", "minimum": 1, "maximum": 1440}},
        summary="The office's dashboard: queues, services, alerts, depths (admin).",
    ),
    "catalog_users_api.sign_in_user": Operation(
        u.SignInIn,
        u.SignInOut,
        status=201,
        also={200: "no user: a wrong e-mail or password, or a deactivated firm (counted)"},
        summary="Check a sign-in (the web service, as admin): the user and a new session.",
    ),
    "catalog_users_api.session_user": Operation(
        u.SessionIn, u.UserOut, summary="The user of an open web session (admin)."
    ),
    "catalog_users_api.close_session": Operation(u.CloseIn, summary="Close a web session."),
    "catalog_users_api.list_users": Operation(
        response=u.UserOut, many=True, summary="Every web sign-in (admin)."
    ),
    "catalog_users_api.add_user": Operation(
        u.UserIn, u.UserOut, status=201, summary="Create a web sign-in (admin)."
    ),
    "catalog_users_api.set_language": Operation(
        u.LanguageIn, u.UserOut, summary="A user's language (admin)."
    ),
    "catalog_users_api.set_standing": Operation(
        u.ActiveIn,
        u.UserOut,
        summary="Deactivate a user (no sign-in, its sessions end) or make it active (admin).",
    ),
    "catalog_password_reset_api.ask_for_reset": Operation(
        pr.ResetIn,
        status=202,
        summary="Send a link to an active user's address; the same answer for any (admin).",
    ),
    "catalog_password_reset_api.check_token": Operation(
        pr.TokenIn, summary="Whether a password link is still good (admin)."
    ),
    "catalog_password_reset_api.confirm_reset": Operation(
        pr.ConfirmIn, summary="Set a new password with a link, once (admin)."
    ),
}
