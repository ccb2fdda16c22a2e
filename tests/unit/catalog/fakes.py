"""A unit of work in memory, for catalog's handlers without a database."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from catalog.domain.model import NeedStatus
from catalog.domain.posting import EarlierPost, ProductForMember
from catalog.service_layer.commands import PostNeed
from shared.events import Event


@dataclass
class FakeMember:
    id: int
    name: str = "Maler Kaya"
    trade: str = "painter"
    email: str = "kaya@maler.example"
    postcode: str = "44137"
    language: str = "de"
    active: bool = True
    legal_name: str | None = None
    street: str | None = None
    city: str | None = None
    country: str = "DE"
    vat_id: str | None = None
    iban: str | None = None
    mandate_reference: str | None = None
    mandate_signed_on: date | None = None
    flexible_percent: int | None = None


@dataclass
class FakeSupplier:
    id: int
    name: str = "Farben Nord"
    email: str = "auftrag@farben-nord.example"
    shipping_fee: Decimal = Decimal(25)
    free_shipping_from: Decimal | None = None
    delivery_channel: str = "email"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    active: bool = True
    skonto_percent: Decimal | None = None
    skonto_days: int | None = None
    net_days: int | None = None
    iban: str | None = None
    bic: str | None = None


@dataclass
class FakeProduct:
    id: int
    sku: str
    name: str
    unit: str
    vat_rate: Decimal = Decimal(19)


@dataclass(frozen=True)
class FakeTier:
    min_quantity: Decimal
    unit_price: Decimal


@dataclass
class FakeOffer:
    id: int
    supplier_id: int
    product: FakeProduct
    pack_size: Decimal
    valid_from: date | None = None
    tiers: list[FakeTier] = field(default_factory=list)


@dataclass
class FakeNeed:
    id: int
    member_id: int
    product: FakeProduct
    quantity: Decimal
    up_to: Decimal | None = None
    needed_by: date | None = None
    delivery_site: str | None = None
    note: str | None = None
    status: str = NeedStatus.OPEN
    order_id: int | None = None
    received_quantity: Decimal | None = None
    depot_quantity: Decimal | None = None


@dataclass
class FakeNeeds:
    """``products``: what posting finds for a member and SKU; ``stored``: the posts;
    ``rows``: the needs the other use cases read and change."""

    products: dict[tuple[int, str], ProductForMember] = field(default_factory=dict)
    stored: dict[int, tuple[PostNeed, datetime, int]] = field(default_factory=dict)
    rows: dict[int, FakeNeed] = field(default_factory=dict)
    keys_taken_meanwhile: bool = False
    locks: list[int] = field(default_factory=list)

    def add_of_active_member(
        self, cmd: PostNeed, created_at: datetime
    ) -> tuple[int, ProductForMember] | None:
        product = self.products.get((cmd.member_id, cmd.sku))
        return None if product is None else (self.add(cmd, product.id, created_at), product)

    def add(self, cmd: PostNeed, product_id: int, created_at: datetime) -> int | None:
        if cmd.idempotency_key is not None and self.keys_taken_meanwhile:
            return None
        need_id = len(self.stored) + 1
        self.stored[need_id] = (cmd, created_at, product_id)
        return need_id

    def set_up_to(self, need_id: int, up_to: Decimal | None) -> None:
        cmd, created_at, product_id = self.stored[need_id]
        self.stored[need_id] = (dataclasses.replace(cmd, up_to=up_to), created_at, product_id)

    def product_for(self, member_id: int, sku: str) -> ProductForMember | None:
        return self.products.get((member_id, sku))

    def product_and_post_under_key(
        self, member_id: int, sku: str, key: str
    ) -> tuple[ProductForMember | None, EarlierPost | None]:
        earlier = next(
            (
                EarlierPost(
                    need_id,
                    product_id,
                    cmd.quantity,
                    cmd.needed_by,
                    cmd.delivery_site,
                    cmd.note,
                    created_at,
                    cmd.up_to,
                )
                for need_id, (cmd, created_at, product_id) in self.stored.items()
                if (cmd.member_id, cmd.idempotency_key) == (member_id, key)
            ),
            None,
        )
        return self.products.get((member_id, sku)), earlier

    def get(self, need_id: int, *, lock: bool = False) -> FakeNeed | None:
        if lock:
            self.locks.append(need_id)
        return self.rows.get(need_id)

    def locked(self, need_ids: Iterable[int]) -> list[FakeNeed]:
        found = sorted(set(need_ids) & set(self.rows))
        self.locks.extend(found)
        return [self.rows[need_id] for need_id in found]

    def open_of_member(self, member_id: int) -> list[FakeNeed]:
        mine = [n for n in self.rows.values() if n.member_id == member_id]
        return [n for n in mine if n.status == NeedStatus.OPEN]


@dataclass
class FakeMembers:
    rows: dict[int, FakeMember] = field(default_factory=dict)

    def active(self, member_id: int) -> bool | None:
        member = self.rows.get(member_id)
        return None if member is None else member.active

    def get(self, member_id: int) -> FakeMember | None:
        return self.rows.get(member_id)

    def add(self, facts: Mapping[str, Any]) -> FakeMember:
        member = FakeMember(len(self.rows) + 1, **facts)
        self.rows[member.id] = member
        return member


@dataclass
class FakeSuppliers:
    rows: dict[int, FakeSupplier] = field(default_factory=dict)

    def get(self, supplier_id: int) -> FakeSupplier | None:
        return self.rows.get(supplier_id)

    def add(self, terms: Mapping[str, Any]) -> FakeSupplier:
        supplier = FakeSupplier(len(self.rows) + 1, **terms)
        self.rows[supplier.id] = supplier
        return supplier

    def active_of(self, supplier_ids: Sequence[int]) -> dict[int, bool]:
        return {s: self.rows[s].active for s in supplier_ids if s in self.rows}


@dataclass
class FakeProducts:
    rows: dict[str, FakeProduct] = field(default_factory=dict)
    locked: list[str] = field(default_factory=list)

    def by_sku(self, sku: str, *, lock: bool = False) -> FakeProduct | None:
        if lock:
            self.locked.append(sku)
        return self.rows.get(sku)

    def add(self, sku: str, name: str, unit: str, vat_rate: Decimal) -> FakeProduct:
        product = FakeProduct(len(self.rows) + 1, sku, name, unit, vat_rate)
        self.rows[sku] = product
        return product

    def of_skus(self, skus: Sequence[str]) -> dict[str, FakeProduct]:
        return {sku: self.rows[sku] for sku in skus if sku in self.rows}

    def add_many(self, products: Sequence[tuple[str, str, str, Decimal]]) -> dict[str, FakeProduct]:
        return {sku: self.add(sku, name, unit, rate) for sku, name, unit, rate in products}


@dataclass
class FakeOffers:
    rows: list[FakeOffer] = field(default_factory=list)

    def of_product(self, product_id: int) -> list[FakeOffer]:
        mine = [o for o in self.rows if o.product.id == product_id]
        return sorted(mine, key=lambda o: o.supplier_id)

    def of_supplier(self, supplier_id: int) -> list[FakeOffer]:
        return [o for o in self.rows if o.supplier_id == supplier_id]

    def set(
        self,
        supplier_id: int,
        product: FakeProduct,
        pack_size: Decimal,
        tiers: Sequence[tuple[Decimal, Decimal]],
        valid_from: date | None,
    ) -> FakeOffer:
        offer = self._find(supplier_id, product.id)
        if offer is None:
            offer = FakeOffer(len(self.rows) + 1, supplier_id, product, pack_size)
            self.rows.append(offer)
        offer.pack_size, offer.valid_from = pack_size, valid_from
        offer.tiers = [FakeTier(q, p) for q, p in tiers]
        return offer

    def set_many(
        self, supplier_id: int, offers: Sequence[tuple[int, Decimal, date | None]]
    ) -> dict[int, int]:
        ids = {}
        for product_id, pack_size, valid_from in offers:
            offer = self._find(supplier_id, product_id)
            if offer is None:
                product = FakeProduct(product_id, "", "", "")  # the handler knows the product
                offer = FakeOffer(len(self.rows) + 1, supplier_id, product, pack_size)
                self.rows.append(offer)
            offer.pack_size, offer.valid_from = pack_size, valid_from
            ids[product_id] = offer.id
        return ids

    def replace_tiers(
        self, offer_ids: Sequence[int], tiers: Sequence[tuple[int, Decimal, Decimal]]
    ) -> None:
        for offer in self.rows:
            if offer.id in offer_ids:
                offer.tiers = [FakeTier(q, p) for o, q, p in tiers if o == offer.id]

    def _find(self, supplier_id: int, product_id: int) -> FakeOffer | None:
        return next(
            (o for o in self.rows if (o.supplier_id, o.product.id) == (supplier_id, product_id)),
            None,
        )


@dataclass
class FakeUser:
    id: int
    email: str
    password_hash: str
    role: str
    member_id: int | None
    supplier_id: int | None
    language: str
    created_at: datetime = datetime(2026, 12, 1, 9, 0)
    active: bool = True


@dataclass
class FakeUsers:
    rows: dict[int, FakeUser] = field(default_factory=dict)
    sessions: dict[int, int] = field(default_factory=dict)  # open web sessions by user

    def get(self, user_id: int) -> FakeUser | None:
        return self.rows.get(user_id)

    def by_email(self, email: str) -> FakeUser | None:
        return next((u for u in self.rows.values() if u.email.lower() == email), None)

    def add(self, facts: Mapping[str, Any]) -> FakeUser:
        user = FakeUser(len(self.rows) + 1, **facts)
        self.rows[user.id] = user
        return user

    def end_sessions(self, user_id: int) -> None:
        self.sessions.pop(user_id, None)


@dataclass
class FakeSignIns:
    """``tries``: ``[tries, since]`` by address and e-mail; ``sessions``: the open web
    sessions' users and starts by id."""

    tries: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    sessions: dict[str, tuple[int, datetime]] = field(default_factory=dict)

    def count(
        self, address: str, email_key: str, now: datetime, window: timedelta
    ) -> tuple[int, datetime]:
        row = self.tries.get((address, email_key))
        if row is None or row[1] <= now - window:
            row = self.tries[(address, email_key)] = [0, now]
        row[0] += 1
        return row[0], row[1]

    def uncount(self, address: str, email_key: str) -> None:
        row = self.tries.get((address, email_key))
        if row is not None and row[0] > 0:
            row[0] -= 1

    def forget(self, address: str, email_key: str) -> None:
        self.tries.pop((address, email_key), None)

    def drop_started_before(self, start: datetime) -> None:
        self.tries = {key: row for key, row in self.tries.items() if row[1] > start}

    def open_session(self, session_id: str, user_id: int, now: datetime) -> None:
        self.sessions[session_id] = (user_id, now)

    def close_sessions_opened_before(self, start: datetime) -> None:
        self.sessions = {k: v for k, v in self.sessions.items() if v[1] > start}

    def close_session(self, session_id: str) -> None:
        self.sessions.pop(session_id, None)


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.needs = FakeNeeds()
        self.members = FakeMembers()
        self.suppliers = FakeSuppliers()
        self.products = FakeProducts()
        self.offers = FakeOffers()
        self.users = FakeUsers()
        self.sign_ins = FakeSignIns()
        self.published: list[Event] = []

    def publish(self, event: Event) -> None:
        self.published.append(event)

    def publish_all(self, events: Sequence[Event]) -> None:
        self.published.extend(events)
