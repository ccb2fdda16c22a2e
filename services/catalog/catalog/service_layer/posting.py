"""Posting a need: the catalog's busiest use case, in as few statements as it takes.

A post may carry an Idempotency-Key (the API's header, the web form's hidden key): sent
again with it, the post finds the need it made the first time instead of making another.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, and_, bindparam, insert, literal_column, select, update
from sqlalchemy.orm import Session

from catalog.adapters.orm import Member, Need, Product
from catalog.domain.model import NeedStatus, default_up_to
from catalog.service_layer import commands
from shared.db import insert_new_only, utcnow
from shared.errors import Conflict, Invalid, NotFound
from shared.events import NeedPosted
from shared.outbox import Outbox


@dataclass(frozen=True)
class PostedNeed:
    """A need just stored, with its product: what the poster is shown (``NeedOut``).

    ``replayed``: the post came again with its Idempotency-Key and this is the need the
    first one made, shown as it was shown then.
    """

    id: int
    member_id: int
    product: Any  # sku, name and unit of the product
    quantity: Decimal
    needed_by: date | None
    delivery_site: str | None
    note: str | None
    created_at: datetime
    up_to: Decimal | None = None
    status: str = NeedStatus.OPEN
    order_id: int | None = None
    replayed: bool = False


IDEMPOTENCY_KEY = "Idempotency-Key"  # the field a key's errors are named after

_needs, _products, _members = Need.__table__, Product.__table__, Member.__table__
_earlier = _needs.alias("earlier")
_INSERT_NEED = insert(_needs).returning(_needs.c.id)
_MEMBER_AND_PRODUCT = _products.outerjoin(_members, _members.c.id == bindparam("member_id"))
_PRODUCT_FOR_MEMBER = (
    select(
        _products.c.id,
        _products.c.sku,
        _products.c.name,
        _products.c.unit,
        _members.c.name.label("member_name"),
        _members.c.postcode.label("member_postcode"),
        _members.c.active.label("member_active"),
        _members.c.flexible_percent.label("member_flexible_percent"),
    )
    .select_from(_MEMBER_AND_PRODUCT)
    .where(_products.c.sku == bindparam("sku"))
)
# A post without a key in one statement: the need inserted only if the product exists and
# the member is active, returning it with what the answer and the event show (the
# product's sku, name and unit, the member's name and postcode for the head office).
PRODUCT_SHOWN = ("sku", "name", "unit")
_NEW_NEED_COLUMNS = (
    "member_id",
    "quantity",
    "needed_by",
    "delivery_site",
    "note",
    "status",
    "created_at",
    "up_to",
)
_NEW_NEED = {name: bindparam(name, type_=_needs.c[name].type) for name in _NEW_NEED_COLUMNS}


def _of_the_need(table: str, column: str, key: str) -> Any:
    """``table.column`` of the row the new need's ``key`` points to, in RETURNING. Written
    out: SQLAlchemy does not correlate a subquery in RETURNING with the inserted row."""
    return literal_column(f"(SELECT {table}.{column} FROM {table} WHERE {table}.id = needs.{key})")


_INSERT_NEED_OF_ACTIVE_MEMBER = (
    insert(_needs)
    .from_select(
        ["member_id", "product_id", *_NEW_NEED_COLUMNS[1:]],
        select(
            _NEW_NEED["member_id"],
            _products.c.id,
            *(_NEW_NEED[name] for name in _NEW_NEED_COLUMNS[1:]),
        )
        .select_from(
            _products.join(
                _members, and_(_members.c.id == _NEW_NEED["member_id"], _members.c.active)
            )
        )
        .where(_products.c.sku == bindparam("sku")),
    )
    .returning(
        _needs.c.id.label("need_id"),
        _needs.c.product_id.label("id"),
        *(_of_the_need("products", name, "product_id").label(name) for name in PRODUCT_SHOWN),
        _of_the_need("members", "name", "member_id").label("member_name"),
        _of_the_need("members", "postcode", "member_id").label("member_postcode"),
        _of_the_need("members", "flexible_percent", "member_id").label("member_flexible_percent"),
    )
)
# The same look-up with the need the member posted earlier under the same key, if any.
_PRODUCT_AND_EARLIER_POST = _PRODUCT_FOR_MEMBER.add_columns(
    _earlier.c.id.label("earlier_id"),
    _earlier.c.product_id.label("earlier_product_id"),
    _earlier.c.quantity.label("earlier_quantity"),
    _earlier.c.needed_by.label("earlier_needed_by"),
    _earlier.c.delivery_site.label("earlier_delivery_site"),
    _earlier.c.note.label("earlier_note"),
    _earlier.c.created_at.label("earlier_created_at"),
    _earlier.c.up_to.label("earlier_up_to"),
).select_from(
    _MEMBER_AND_PRODUCT.outerjoin(
        _earlier,
        and_(
            _earlier.c.member_id == bindparam("member_id"),
            _earlier.c.idempotency_key == bindparam("idempotency_key"),
        ),
    )
)


def post_need(session: Session, outbox: Outbox, cmd: commands.PostNeed) -> PostedNeed:
    """Store the need and its ``catalog.need.posted`` event: two inserts, the need's
    checking the product and the member as it goes.

    Members post needs all day, so this runs plain statements, each built once, on
    the session's connection (no unit-of-work bookkeeping for rows nothing else
    touches in this transaction). Only a post that inserted nothing looks up what was
    wrong. A post with an Idempotency-Key runs a look-up first: it also finds the need
    made under that key before, if there is one.
    """
    if cmd.idempotency_key is not None:
        return _post_need_once(session, outbox, cmd)
    now = utcnow()
    values = _need_values(cmd, now) | {"sku": cmd.sku}
    stored = session.connection().execute(_INSERT_NEED_OF_ACTIVE_MEMBER, values).first()
    if stored is None:  # no such product, or no such active member: say which
        product = _product_for_member(session, _PRODUCT_FOR_MEMBER, cmd)
        posted = _store_need(session, outbox, _flexible(cmd, product), product, _INSERT_NEED)
        assert posted is not None  # a plain insert always inserts
        return posted
    flexible = _flexible(cmd, stored)
    if flexible.up_to != cmd.up_to:  # the member's preference makes it flexible
        session.connection().execute(
            update(_needs).where(_needs.c.id == stored.need_id).values(up_to=flexible.up_to)
        )
    return _posted(session, outbox, flexible, stored.need_id, stored, now)


def _flexible(cmd: commands.PostNeed, found: Row[Any]) -> commands.PostNeed:
    """``cmd`` with the member's default flexibility where it gives no ``up_to``."""
    if cmd.up_to is not None:
        return cmd
    return replace(cmd, up_to=default_up_to(cmd.quantity, found.member_flexible_percent))


def _post_need_once(session: Session, outbox: Outbox, cmd: commands.PostNeed) -> PostedNeed:
    """The need made under ``cmd``'s key: the one made before, or a new one.

    Two posts with one key at once: the database's unique index lets one insert; the
    other's insert does nothing (on PostgreSQL it waits for the first to commit), and
    it answers with the need the first one made.
    """
    found = _product_for_member(session, _PRODUCT_AND_EARLIER_POST, cmd)
    cmd = _flexible(cmd, found)
    if found.earlier_id is None:
        statement = insert_new_only(_needs, session.connection().dialect.name, returning="id")
        posted = _store_need(session, outbox, cmd, found, statement)
        if posted is not None:
            return posted
        found = _product_for_member(session, _PRODUCT_AND_EARLIER_POST, cmd)
        if found.earlier_id is None:  # the other post's need is gone again: nothing to show
            raise Conflict(IDEMPOTENCY_KEY, "A post with this key is under way; send it again.")
    return _earlier_post(found, cmd)


def _earlier_post(found: Row[Any], cmd: commands.PostNeed) -> PostedNeed:
    """The need posted before under ``cmd``'s key, as its post was answered, if ``cmd``
    asks for the same need; a key sent with another need is refused."""
    same = (
        found.earlier_product_id == found.id
        and found.earlier_quantity == cmd.quantity
        and found.earlier_needed_by == cmd.needed_by
        and found.earlier_delivery_site == cmd.delivery_site
        and found.earlier_note == cmd.note
        and found.earlier_up_to == cmd.up_to
    )
    if not same:
        raise KeyReused(found.earlier_id)
    return PostedNeed(
        found.earlier_id,
        cmd.member_id,
        found,
        cmd.quantity,
        cmd.needed_by,
        cmd.delivery_site,
        cmd.note,
        found.earlier_created_at,
        cmd.up_to,
        replayed=True,
    )


class KeyReused(Invalid):
    """An Idempotency-Key sent again with another need than the one it was first sent with."""

    def __init__(self, need_id: int) -> None:
        super().__init__(
            IDEMPOTENCY_KEY,
            f"This Idempotency-Key was sent before with other values (need {need_id}); "
            "send a new key for a new need.",
        )
        self.need_id = need_id


def _store_need(
    session: Session, outbox: Outbox, cmd: commands.PostNeed, product: Row[Any], statement: Any
) -> PostedNeed | None:
    """Insert the need and its event; None if ``statement`` inserted nothing (its key was
    taken meanwhile)."""
    now = utcnow()
    values = _need_values(cmd, now) | {"product_id": product.id}
    if cmd.idempotency_key is not None:
        values["idempotency_key"] = cmd.idempotency_key
    need_id = session.connection().execute(statement, values).scalar_one_or_none()
    if need_id is None:
        return None
    return _posted(session, outbox, cmd, need_id, product, now)


def _need_values(cmd: commands.PostNeed, now: datetime) -> dict[str, Any]:
    return {
        "member_id": cmd.member_id,
        "quantity": cmd.quantity,
        "needed_by": cmd.needed_by,
        "delivery_site": cmd.delivery_site,
        "note": cmd.note,
        "status": NeedStatus.OPEN.value,
        "created_at": now,
        "up_to": cmd.up_to,
    }


def _posted(
    session: Session,
    outbox: Outbox,
    cmd: commands.PostNeed,
    need_id: int,
    product: Row[Any],
    now: datetime,
) -> PostedNeed:
    """The need just stored, its ``catalog.need.posted`` event written to the outbox."""
    need = PostedNeed(
        need_id,
        cmd.member_id,
        product,
        cmd.quantity,
        cmd.needed_by,
        cmd.delivery_site,
        cmd.note,
        now,
        cmd.up_to,
    )
    outbox.add(session, need_posted(need, product))
    return need


def need_posted(need: PostedNeed, product: Row[Any]) -> NeedPosted:
    return NeedPosted(
        need_id=need.id,
        member_id=need.member_id,
        sku=product.sku,
        quantity=need.quantity,
        needed_by=need.needed_by,
        delivery_site=need.delivery_site or head_office(product),
        posted_at=need.created_at,
        up_to=need.up_to,
    )


def head_office(found: Row[Any]) -> str:
    """Where a need goes that names no delivery site: the member's own premises."""
    return f"Firmensitz {found.member_name}, {found.member_postcode}"


def _product_for_member(session: Session, look_up: Any, cmd: commands.PostNeed) -> Row[Any]:
    """The product ``cmd.sku`` (id, sku, name, unit) with the member's name and postcode,
    once the member is known to exist and be active, in one query (``look_up``)."""
    params = {"sku": cmd.sku, "member_id": cmd.member_id}
    if cmd.idempotency_key is not None:
        params["idempotency_key"] = cmd.idempotency_key
    found = session.connection().execute(look_up, params).first()
    if found is None or not found.member_active:
        member = session.get(Member, cmd.member_id)
        if member is None:
            raise NotFound("member_id", f"There is no member {cmd.member_id}.")
        if not member.active:
            raise Conflict("member_id", f"Member {cmd.member_id} is deactivated.")
        raise NotFound("sku", f"Unknown product {cmd.sku}.")
    return found
