"""Catalog's needs: as posting a need writes them, and as the other use cases change them.

Members post needs all day, so each statement of posting is built once at import and run
on the session's connection (no unit-of-work bookkeeping for rows nothing else touches in
the transaction): a post without a key is one insert that checks the product and the
member as it goes. The other use cases change needs as ORM objects, locked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, and_, bindparam, insert, literal_column, select, update
from sqlalchemy.orm import Session, selectinload

from catalog.adapters.orm import Member, Need, Product
from catalog.domain.model import NeedStatus
from catalog.domain.posting import EarlierPost, ProductForMember
from catalog.service_layer.commands import PostNeed
from shared.db import insert_new_only

_needs, _products, _members = Need.__table__, Product.__table__, Member.__table__
_earlier = _needs.alias("earlier")
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
_PRODUCT_SHOWN = ("sku", "name", "unit")
_MEMBER_SHOWN = ("name", "postcode", "flexible_percent")
_ACTIVE_MEMBER = and_(_members.c.id == bindparam("member_id"), _members.c.active)
_PRODUCT_OF_ACTIVE_MEMBER = _products.join(_members, _ACTIVE_MEMBER)
_PRODUCT_FOR_MEMBER = (
    select(
        _products.c.id,
        *(_products.c[name] for name in _PRODUCT_SHOWN),
        *(_members.c[name].label(f"member_{name}") for name in _MEMBER_SHOWN),
    )
    .select_from(_PRODUCT_OF_ACTIVE_MEMBER)
    .where(_products.c.sku == bindparam("sku"))
)
_EARLIER_SHOWN = tuple(f.name for f in EarlierPost.__dataclass_fields__.values())
# The same look-up with the need the member posted earlier under the same key, if any.
_PRODUCT_AND_EARLIER_POST = _PRODUCT_FOR_MEMBER.add_columns(
    *(_earlier.c[name].label(f"earlier_{name}") for name in _EARLIER_SHOWN)
).select_from(
    _PRODUCT_OF_ACTIVE_MEMBER.outerjoin(
        _earlier,
        and_(
            _earlier.c.member_id == bindparam("member_id"),
            _earlier.c.idempotency_key == bindparam("idempotency_key"),
        ),
    )
)


def _of_the_need(table: str, column: str, key: str) -> Any:
    """``table.column`` of the row the new need's ``key`` points to, in RETURNING. Written
    out: SQLAlchemy does not correlate a subquery in RETURNING with the inserted row."""
    return literal_column(f"(SELECT {table}.{column} FROM {table} WHERE {table}.id = needs.{key})")


# The need inserted only if the product exists and the member is active, returning it
# with what the answer and the event show of the product and the member.
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
        *(_of_the_need("products", name, "product_id").label(name) for name in _PRODUCT_SHOWN),
        *(
            _of_the_need("members", name, "member_id").label(f"member_{name}")
            for name in _MEMBER_SHOWN
        ),
    )
)
_INSERT_NEED = insert(_needs).returning(_needs.c.id)


class SqlNeeds:
    """The needs, on one session's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add_of_active_member(
        self, cmd: PostNeed, created_at: datetime
    ) -> tuple[int, ProductForMember] | None:
        """The new need's id and its product, in one statement; None (nothing stored) when
        there is no product ``cmd.sku`` or no active member ``cmd.member_id``."""
        values = _new_need(cmd, created_at) | {"sku": cmd.sku}
        row = self._execute(_INSERT_NEED_OF_ACTIVE_MEMBER, values).first()
        if row is None:
            return None
        return row.need_id, _product_for_member(row)

    def add(self, cmd: PostNeed, product_id: int, created_at: datetime) -> int | None:
        """The new need's id; with an Idempotency-Key, None if the member's key is taken
        (by a post at the same time: on PostgreSQL this waits until that one commits)."""
        values = _new_need(cmd, created_at) | {"product_id": product_id}
        if cmd.idempotency_key is None:
            return self._execute(_INSERT_NEED, values).scalar_one()
        values["idempotency_key"] = cmd.idempotency_key
        dialect = self._session.connection().dialect.name
        statement = insert_new_only(_needs, dialect, returning="id")
        return self._execute(statement, values).scalar_one_or_none()

    def set_up_to(self, need_id: int, up_to: Any) -> None:
        statement = update(_needs).where(_needs.c.id == need_id).values(up_to=up_to)
        self._execute(statement, {})

    def product_for(self, member_id: int, sku: str) -> ProductForMember | None:
        """The product ``sku`` for an active member; None if either is not there."""
        params = {"member_id": member_id, "sku": sku}
        row = self._execute(_PRODUCT_FOR_MEMBER, params).first()
        return None if row is None else _product_for_member(row)

    def product_and_post_under_key(
        self, member_id: int, sku: str, key: str
    ) -> tuple[ProductForMember | None, EarlierPost | None]:
        """``product_for`` and the need the member posted before under ``key``, if any."""
        params = {"member_id": member_id, "sku": sku, "idempotency_key": key}
        row = self._execute(_PRODUCT_AND_EARLIER_POST, params).first()
        if row is None:
            return None, None
        if row.earlier_id is None:
            return _product_for_member(row), None
        earlier = EarlierPost(*(getattr(row, f"earlier_{name}") for name in _EARLIER_SHOWN))
        return _product_for_member(row), earlier

    def get(self, need_id: int, *, lock: bool = False) -> Need | None:
        """The need; ``lock``: held against other changes until the transaction ends."""
        return self._session.get(Need, need_id, with_for_update=lock or None)

    def locked(self, need_ids: Iterable[int]) -> list[Need]:
        """The needs, locked (in id order) against a member's cancellation until the end
        of the transaction."""
        query = select(Need).where(Need.id.in_(list(need_ids))).order_by(Need.id)
        return list(self._session.scalars(query.with_for_update()))

    def open_of_member(self, member_id: int) -> list[Need]:
        """The member's open needs with their products, locked: an order placed meanwhile
        is not overwritten."""
        query = (
            select(Need)
            .options(selectinload(Need.product))
            .where(Need.member_id == member_id, Need.status == NeedStatus.OPEN)
            .with_for_update()
        )
        return list(self._session.scalars(query))

    def _execute(self, statement: Executable, values: dict[str, Any]) -> Any:
        return self._session.connection().execute(statement, values)


def _product_for_member(row: Any) -> ProductForMember:
    return ProductForMember(
        row.id,
        row.sku,
        row.name,
        row.unit,
        row.member_name,
        row.member_postcode,
        row.member_flexible_percent,
    )


def _new_need(cmd: PostNeed, created_at: datetime) -> dict[str, Any]:
    return {
        "member_id": cmd.member_id,
        "quantity": cmd.quantity,
        "needed_by": cmd.needed_by,
        "delivery_site": cmd.delivery_site,
        "note": cmd.note,
        "status": NeedStatus.OPEN.value,
        "created_at": created_at,
        "up_to": cmd.up_to,
    }
