"""The unit of work of posting a need: catalog's needs and members over one transaction,
and the outbox its event goes to. The handler sees only this (fakes in unit tests)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Protocol

from sqlalchemy.orm import Session

from catalog.domain.posting import EarlierPost, ProductForMember
from catalog.service_layer.commands import PostNeed
from shared.events import Event
from shared.outbox import Outbox


class Needs(Protocol):
    def add_of_active_member(
        self, cmd: PostNeed, created_at: datetime
    ) -> tuple[int, ProductForMember] | None:
        """The new need's id and its product; None (nothing stored) when there is no
        product ``cmd.sku`` or no active member ``cmd.member_id``."""

    def add(self, cmd: PostNeed, product_id: int, created_at: datetime) -> int | None:
        """The new need's id; with an Idempotency-Key, None if the key is taken."""

    def set_up_to(self, need_id: int, up_to: Decimal | None) -> None: ...
    def product_for(self, member_id: int, sku: str) -> ProductForMember | None:
        """The product for an active member; None if either is not there."""

    def product_and_post_under_key(
        self, member_id: int, sku: str, key: str
    ) -> tuple[ProductForMember | None, EarlierPost | None]: ...


class Members(Protocol):
    def active(self, member_id: int) -> bool | None:
        """Whether the member is active; None if there is no such member."""


class UnitOfWork(Protocol):
    needs: Needs
    members: Members

    def publish(self, event: Event) -> None: ...


class SqlAlchemyUnitOfWork:
    """The repositories on ``session``; events go to the outbox in the same transaction.
    Whoever opened the session commits it (``shared.web.unit_of_work`` for a request)."""

    def __init__(self, session: Session, outbox: Outbox) -> None:
        from catalog.adapters.repository import SqlMembers, SqlNeeds

        self.session, self.outbox = session, outbox
        self.needs = SqlNeeds(session)
        self.members = SqlMembers(session)

    def publish(self, event: Event) -> None:
        self.outbox.add(self.session, event)
