"""What ``GET /api/v1/invoices`` finds: the caller's invoices and credit notes (the
office: every member's), narrowed, searched, sorted and paged in the database, so the
office's list stays quick however many invoices the years bring.

Query arguments (each optional; without any, the newest 500 as always):
``member_id`` (a member: only its own), ``window_id``, ``type`` (``invoice`` or
``credit_note``), ``q`` (text in the number or the member's name), ``before`` (an id:
only older ones), ``sort`` (one of ``SORTS``) and ``dir`` (``asc``/``desc``, newest
first by default), ``page`` (from 1) with ``per_page`` (1 to 500) or ``limit`` (1 to
5000). The answer's ``X-Total-Count`` header says how many were found in all.
"""

from __future__ import annotations

from flask import request

from billing.adapters.invoice_repository import SORTS, InvoiceSearch
from billing.domain.model import Kind
from shared.auth import Principal
from shared.fields import ascii_int
from shared.request_input import ApiError, counted_arg
from shared.web import MAX_ID

MAX_PER_PAGE = 500
KINDS = tuple(kind.value for kind in Kind)


def invoice_search(principal: Principal) -> InvoiceSearch | None:
    """This request's search; None when a member asks for another member's invoices."""
    member_id = _id_arg("member_id")
    if not principal.is_admin:
        if member_id is not None and member_id != principal.subject_id:
            return None
        member_id = principal.subject_id
    kind = request.args.get("type") or None
    if kind is not None and kind not in KINDS:
        raise ApiError(422, "Some fields are not valid.", {"type": [" or ".join(KINDS) + "."]})
    sort, descending = _sort()
    if "per_page" in request.args:
        limit = counted_arg("per_page", default=MAX_PER_PAGE, most=MAX_PER_PAGE)
    else:
        limit = counted_arg("limit", default=500, most=5000)
    return InvoiceSearch(
        member_id=member_id,
        window_id=_id_arg("window_id"),
        kind=kind,
        text=request.args.get("q", "").strip()[:200],
        before=_id_arg("before"),
        sort=sort,
        descending=descending,
        limit=limit,
        page=counted_arg("page", default=1, most=1_000_000),
    )


def _sort() -> tuple[str, bool]:
    sort = request.args.get("sort", "id")
    if sort not in SORTS:
        raise ApiError(422, "Some fields are not valid.", {"sort": [f"One of {', '.join(SORTS)}."]})
    direction = request.args.get("dir", "desc" if sort in ("id", "issued_on") else "asc")
    if direction not in ("asc", "desc"):
        raise ApiError(422, "Some fields are not valid.", {"dir": ["asc or desc."]})
    return sort, direction == "desc"


def _id_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        value = ascii_int(raw)
    except ValueError:
        value = 0
    if not 0 < value <= MAX_ID:
        raise ApiError(422, "Some fields are not valid.", {name: [f"1 to {MAX_ID}."]})
    return value
