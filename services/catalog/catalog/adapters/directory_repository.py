"""Catalog's members and suppliers, on one session's transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from catalog.adapters.orm import Member, Supplier

_members = Member.__table__
_MEMBER_ACTIVE = select(_members.c.active).where(_members.c.id == bindparam("member_id"))


class SqlMembers:
    def __init__(self, session: Session) -> None:
        self._session = session

    def active(self, member_id: int) -> bool | None:
        """Whether the member is active; None if there is no such member (posting a need
        asks this after a post stored nothing: one column, no object)."""
        return self._session.scalar(_MEMBER_ACTIVE, {"member_id": member_id})

    def get(self, member_id: int) -> Member | None:
        return self._session.get(Member, member_id)

    def add(self, facts: Mapping[str, Any]) -> Member:
        member = Member(**facts)
        self._session.add(member)
        self._session.flush()
        return member


class SqlSuppliers:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, supplier_id: int) -> Supplier | None:
        return self._session.get(Supplier, supplier_id)

    def add(self, terms: Mapping[str, Any]) -> Supplier:
        supplier = Supplier(**terms)
        self._session.add(supplier)
        self._session.flush()
        return supplier

    def active_of(self, supplier_ids: Sequence[int]) -> dict[int, bool]:
        query = select(Supplier.id, Supplier.active).where(Supplier.id.in_(supplier_ids))
        return {supplier_id: bool(active) for supplier_id, active in self._session.execute(query)}
