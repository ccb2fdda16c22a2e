"""What ``GET /api/v1/needs`` finds: the caller's needs (the office: every member's),
searched, filtered, sorted and paged in the database, so the office's list of needs stays
quick however many needs the years bring.

Query arguments (each optional; without any, the newest 500 as always):
``q`` (text in the SKU, product name, member name, delivery site or note), ``status``,
``member_id`` (admin), ``sku``, ``sort`` (one of ``SORTS``) and ``dir`` (``asc``/``desc``,
newest first by default), ``page`` (from 1) and ``per_page`` (1 to 500). The answer is
the page's needs; the ``X-Total-Count`` header says how many were found in all.
"""

from __future__ import annotations

from flask import request
from sqlalchemy import ColumnElement, Numeric, Select, cast, func, or_, select

from catalog.adapters.orm import Member, Need, Product
from shared.auth import Principal
from shared.fields import ascii_int
from shared.request_input import ApiError, counted_arg
from shared.web import MAX_ID

MAX_PER_PAGE = 500
SORTS: dict[str, ColumnElement] = {
    "id": Need.id,
    "created_at": Need.created_at,
    "needed_by": Need.needed_by,
    "quantity": cast(Need.quantity, Numeric(18, 3)),  # SQLite keeps the text: by value
    "status": Need.status,
    "sku": Product.sku,
    "product": Product.name,
    "member": Member.name,
    "delivery_site": Need.delivery_site,
}
TEXT_COLUMNS = (Product.sku, Product.name, Member.name, Need.delivery_site, Need.note)


def need_search(principal: Principal) -> tuple[Select, Select]:
    """The query of this request's page of needs, and the query of how many it finds."""
    found = select(Need).join(Need.product).join(Member, Member.id == Need.member_id)
    if not principal.is_admin:
        found = found.where(Need.member_id == principal.subject_id)
    elif (member := request.args.get("member_id")) is not None:
        found = found.where(Need.member_id == _id("member_id", member))
    if status := request.args.get("status"):
        found = found.where(Need.status == status)
    if sku := request.args.get("sku"):
        found = found.where(Product.sku == sku)
    if text := request.args.get("q", "").strip()[:200]:
        needle = text.lower()
        found = found.where(
            or_(*(func.lower(c).contains(needle, autoescape=True) for c in TEXT_COLUMNS))
        )
    total = select(func.count()).select_from(found.subquery())
    per_page = counted_arg("per_page", default=MAX_PER_PAGE, most=MAX_PER_PAGE)
    page = counted_arg("page", default=1, most=1_000_000)
    return _sorted(found).limit(per_page).offset((page - 1) * per_page), total


def _sorted(found: Select) -> Select:
    sort = request.args.get("sort", "id")
    if sort not in SORTS:
        raise ApiError(422, "Some fields are not valid.", {"sort": [f"One of {', '.join(SORTS)}."]})
    direction = request.args.get("dir", "desc" if sort in ("id", "created_at") else "asc")
    if direction not in ("asc", "desc"):
        raise ApiError(422, "Some fields are not valid.", {"dir": ["asc or desc."]})
    column = SORTS[sort]
    if direction == "desc":
        return found.order_by(column.desc().nulls_last(), Need.id.desc())
    return found.order_by(column.asc().nulls_last(), Need.id.asc())


def _id(name: str, raw: str) -> int:
    try:
        number = ascii_int(raw)
    except ValueError:
        number = 0
    if not 0 < number <= MAX_ID:
        raise ApiError(422, "Some fields are not valid.", {name: ["A whole number from 1."]})
    return number
