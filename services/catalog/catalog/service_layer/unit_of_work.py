"""The unit of work: catalog's repositories over one transaction, and the outbox the
events of that transaction go to. Handlers see only this (fakes in unit tests)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy.orm import Session

from catalog.domain.posting import EarlierPost, ProductForMember
from catalog.service_layer.commands import PostNeed
from catalog.service_layer.records import (
    MemberRecord,
    NeedRecord,
    OfferRecord,
    ProductRecord,
    SupplierRecord,
    UserRecord,
)
from shared.events import Event
from shared.outbox import Outbox
from shared.unit_of_work import SessionUnitOfWork


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

    def get(self, need_id: int, *, lock: bool = False) -> NeedRecord | None:
        """The need; ``lock``: held against other changes until the transaction ends."""

    def locked(self, need_ids: Iterable[int]) -> list[NeedRecord]:
        """The needs there are of ``need_ids``, locked in id order (a member's cancellation
        waits for the transaction's end)."""

    def open_of_member(self, member_id: int) -> list[NeedRecord]:
        """The member's open needs, locked (an order placed meanwhile is not overwritten)."""


class Members(Protocol):
    def active(self, member_id: int) -> bool | None:
        """Whether the member is active; None if there is no such member."""

    def get(self, member_id: int) -> MemberRecord | None: ...
    def add(self, facts: Mapping[str, Any]) -> MemberRecord:
        """A new member with these facts, given its id."""


class Suppliers(Protocol):
    def get(self, supplier_id: int) -> SupplierRecord | None: ...
    def add(self, terms: Mapping[str, Any]) -> SupplierRecord:
        """A new supplier on these terms, given its id."""

    def active_of(self, supplier_ids: Sequence[int]) -> dict[int, bool]:
        """Whether each of these suppliers is active, by id."""


class Products(Protocol):
    def by_sku(self, sku: str, *, lock: bool = False) -> ProductRecord | None: ...
    def add(self, sku: str, name: str, unit: str, vat_rate: Decimal) -> ProductRecord: ...
    def of_skus(self, skus: Sequence[str]) -> dict[str, ProductRecord]:
        """The products there are of these SKUs (any number of them), by SKU."""

    def add_many(
        self, products: Sequence[tuple[str, str, str, Decimal]]
    ) -> dict[str, ProductRecord]:
        """New products, each ``(sku, name, unit, vat_rate)``, by SKU."""


class Offers(Protocol):
    def of_product(self, product_id: int) -> list[OfferRecord]:
        """The product's offers, by supplier."""

    def of_supplier(self, supplier_id: int) -> list[OfferRecord]: ...
    def set(
        self,
        supplier_id: int,
        product: ProductRecord,
        pack_size: Decimal,
        tiers: Sequence[tuple[Decimal, Decimal]],
        valid_from: date | None,
    ) -> OfferRecord:
        """The supplier's offer of the product, created or replaced with these tiers."""

    def set_many(
        self, supplier_id: int, offers: Sequence[tuple[int, Decimal, date | None]]
    ) -> dict[int, int]:
        """The supplier's offers, each ``(product_id, pack_size, valid_from)``, created or
        replaced; their ids by product id."""

    def replace_tiers(
        self, offer_ids: Sequence[int], tiers: Sequence[tuple[int, Decimal, Decimal]]
    ) -> None:
        """The offers' tiers are these, each ``(offer_id, min_quantity, unit_price)``, in
        order."""


class Users(Protocol):
    def get(self, user_id: int) -> UserRecord | None: ...
    def by_email(self, email: str) -> UserRecord | None:
        """The user of this e-mail in any case (``email`` is given in lower case)."""

    def add(self, facts: Mapping[str, Any]) -> UserRecord: ...
    def end_sessions(self, user_id: int) -> None:
        """Every web session of the user is over."""


class SignIns(Protocol):
    """The sign-in tries counted per address and e-mail, and the open web sessions."""

    def count(
        self, address: str, email_key: str, now: datetime, window: timedelta
    ) -> tuple[int, datetime]:
        """One more try: the tries and the start of their window (a new one when the last
        is over), in one atomic statement."""

    def uncount(self, address: str, email_key: str) -> None: ...
    def forget(self, address: str, email_key: str) -> None: ...
    def drop_started_before(self, start: datetime) -> None:
        """Counts whose window started before ``start`` (never waiting for a lock)."""

    def open_session(self, session_id: str, user_id: int, now: datetime) -> None: ...
    def close_sessions_opened_before(self, start: datetime) -> None: ...
    def close_session(self, session_id: str) -> None: ...


class UnitOfWork(Protocol):
    needs: Needs
    members: Members
    suppliers: Suppliers
    products: Products
    offers: Offers
    users: Users
    sign_ins: SignIns

    def publish(self, event: Event) -> None: ...
    def publish_all(self, events: Sequence[Event]) -> None: ...


class SqlAlchemyUnitOfWork(SessionUnitOfWork):
    """Catalog's repositories on ``session`` (``SessionUnitOfWork``: who commits). Without
    an ``outbox``, catalog's own outbox table: every event reaches the others, whichever
    entrypoint made it."""

    def __init__(self, session: Session, outbox: Outbox | None = None) -> None:
        from catalog.adapters.directory_repository import SqlMembers, SqlSuppliers
        from catalog.adapters.offer_repository import SqlOffers, SqlProducts
        from catalog.adapters.orm import TABLES
        from catalog.adapters.repository import SqlNeeds
        from catalog.adapters.sign_in_repository import SqlSignIns
        from catalog.adapters.user_repository import SqlUsers

        super().__init__(session, outbox if outbox is not None else Outbox(TABLES["outbox"]))
        self.needs = SqlNeeds(session)
        self.members = SqlMembers(session)
        self.suppliers = SqlSuppliers(session)
        self.products = SqlProducts(session)
        self.offers = SqlOffers(session)
        self.users = SqlUsers(session)
        self.sign_ins = SqlSignIns(session)
