"""The catalog's read side: what lists and pages show, read straight from the database on
the request's session. Nothing here changes anything or publishes an event; every use
case that writes is a handler taking a command and the unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from catalog.adapters.orm import Member, Need, Offer, Product, Supplier
from catalog.service_layer.handlers import own_need
from shared.errors import NotFound


def members(session: Session) -> Sequence[Member]:
    return session.scalars(select(Member).order_by(Member.id)).all()


def member(session: Session, member_id: int) -> Member:
    return _get(session, Member, member_id, "member")


def member_names(session: Session, member_ids: Sequence[int]) -> list[dict[str, Any]]:
    """``{id, name}`` of the members there are of ``member_ids``, by id."""
    query = select(Member.id, Member.name).where(Member.id.in_(member_ids)).order_by(Member.id)
    return [{"id": row.id, "name": row.name} for row in session.execute(query)]


def suppliers(session: Session) -> Sequence[Supplier]:
    return session.scalars(select(Supplier).order_by(Supplier.id)).all()


def supplier(session: Session, supplier_id: int) -> Supplier:
    return _get(session, Supplier, supplier_id, "supplier")


def products(session: Session, query: Select[tuple[Product]], limit: int) -> Sequence[Product]:
    """The products ``query`` finds (``adapters.product_search``), at most ``limit``."""
    return session.scalars(query.limit(limit)).all()


def product_index(session: Session, skus: Sequence[str] | None = None) -> Sequence[Product]:
    """Every product by SKU, or those of ``skus``."""
    query = select(Product).order_by(Product.sku)
    if skus is not None:
        query = query.where(Product.sku.in_(skus))
    return session.scalars(query).all()


def offers(session: Session, supplier_id: int | None = None) -> Sequence[Offer]:
    """Every offer by supplier, or one supplier's alone."""
    query = select(Offer).order_by(Offer.supplier_id, Offer.id)
    if supplier_id is not None:
        query = query.where(Offer.supplier_id == supplier_id)
    return session.scalars(query).all()


def need(session: Session, need_id: int, member_id: int | None) -> Need:
    """The need, if it is the member's (``member_id`` None: the office asks)."""
    found = _get(session, Need, need_id, "need")
    own_need(found, member_id)
    return found


def _get(session: Session, model: Any, key: int, what: str) -> Any:
    found = session.get(model, key)
    if found is None:
        raise NotFound(f"{what}_id", f"There is no {what} {key}.")
    return found
