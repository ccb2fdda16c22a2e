"""The pool's needs as pooling keeps them, and its copy of the catalog's offers and
suppliers' terms, as the unit of work carries them (``service_layer.unit_of_work``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pooling.adapters import orm
from pooling.adapters.repository import PoolRepository
from pooling.domain import model
from shared.db import insert_new_only
from shared.events import OfferUpdated, SupplierUpdated

WINDOW_KEY = "pooling.open_window"
_POOLED_NEEDS = orm.PooledNeed.__table__


class SqlNeeds:
    def __init__(self, session: Session, pool: PoolRepository) -> None:
        self.session, self.pool = session, pool

    def open_window_id(self) -> int:
        """The open window's id (made if there is none), locked against a close until the
        transaction ends: looked up once per transaction, however many needs a batch of
        events brings."""
        window_id = self.session.info.get(WINDOW_KEY)
        if window_id is None:
            window_id = self.pool.current_or_new_window_id(lock="share")
            self.session.info[WINDOW_KEY] = window_id
        return window_id

    def add_new(self, rows: list[dict[str, Any]]) -> set[int]:
        """The needs of ``rows`` not known yet, each once, in one statement; the ids of
        those added (a cancelled need's tombstone keeps its post out)."""
        db = self.session.connection()
        statement = insert_new_only(_POOLED_NEEDS, db.dialect.name, returning="need_id")
        return set(db.execute(statement, rows).scalars())

    def locked(self, need_id: int) -> orm.PooledNeed | None:
        """The need, locked until the transaction ends; None before its post arrived."""
        return self.session.get(
            orm.PooledNeed, need_id, with_for_update=True, populate_existing=True
        )

    def locked_or_tombstone(
        self, need_id: int, member_id: int, sku: str
    ) -> tuple[orm.PooledNeed, bool]:
        """The need, locked; a tombstone (cancelled, no quantity, in no window) when its
        post has not arrived, which keeps the post out. True when the tombstone is made
        here: a cancellation of the same need at the same time waits for this one and
        finds the tombstone made."""
        tombstone = {"need_id": need_id, "member_id": member_id, "sku": sku}
        tombstone |= {"quantity": Decimal(0), "status": "cancelled"}
        db = self.session.connection()
        made = db.execute(insert_new_only(_POOLED_NEEDS, db.dialect.name), tombstone).rowcount
        need = self.locked(need_id)
        assert need is not None
        return need, made == 1

    def correlation_ids(self, window_id: int) -> dict[int, str]:
        """Each of the window's needs' correlation id, where it came with one."""
        need = orm.PooledNeed
        query = select(need.need_id, need.correlation_id).where(
            need.window_id == window_id, need.correlation_id.is_not(None)
        )
        return {need_id: posted_under for need_id, posted_under in self.session.execute(query)}

    def mark_served(self, whole: Sequence[int], rest: Mapping[int, Decimal]) -> None:
        """Needs the depot served: ``whole`` ones are served (in no order), the others
        keep the ``rest`` of their quantity to be ordered."""
        need = orm.PooledNeed
        if whole:
            self.session.execute(
                update(need)
                .where(need.need_id.in_(whole))
                .values(status="served", order_id=None)
                .execution_options(synchronize_session=False)
            )
        for need_id, quantity in rest.items():
            self.session.execute(
                update(need)
                .where(need.need_id == need_id)
                .values(quantity=quantity)
                .execution_options(synchronize_session=False)
            )

    def move(self, need_ids: Sequence[int], window_id: int, joined_at: datetime) -> None:
        """The needs wait in window ``window_id`` now, joined at ``joined_at``."""
        if need_ids:
            self.session.execute(
                update(orm.PooledNeed)
                .where(orm.PooledNeed.need_id.in_(need_ids))
                .values(window_id=window_id, joined_at=joined_at)
                .execution_options(synchronize_session=False)
            )

    def back_into_pool(self, need_ids: Iterable[int], now: datetime) -> None:
        """The needs join the open window again, under its lock and their own (in id
        order), as a cancellation takes them: a cancellation waits for this, or this for it."""
        window = self.pool.current_or_new_window(lock="share")
        for need_id in sorted(need_ids):
            need = self.locked(need_id)
            if need is not None:
                need.status, need.window_id, need.order_id = "open", window.id, None
                need.joined_at = now


class SqlOffers:
    """Pooling's copy of the catalog's suppliers' terms and offers."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def terms_of(self, supplier_id: int) -> model.SupplierTerms | None:
        terms = self.session.get(orm.SupplierTerms, supplier_id)
        if terms is None:
            return None
        return model.SupplierTerms(supplier_id, terms.shipping_fee, terms.free_shipping_from)

    def save_supplier(self, event: SupplierUpdated) -> None:
        """The supplier's name, shipping terms and standing as the catalog announced them."""
        row = self.session.get(orm.SupplierTerms, event.supplier_id) or orm.SupplierTerms(
            supplier_id=event.supplier_id
        )
        row.name, row.active = event.name, event.active
        row.shipping_fee, row.free_shipping_from = event.shipping_fee, event.free_shipping_from
        self.session.add(row)

    def save_offer(self, event: OfferUpdated) -> None:
        """The offer as it stands now, and as a version announced when the catalog
        announced it, in force from its ``valid_from``."""
        key = (event.supplier_id, event.sku)
        offer = self.session.get(orm.Offer, key) or orm.Offer(
            supplier_id=event.supplier_id, sku=event.sku
        )
        offer.product_name, offer.unit = event.product_name, event.unit
        offer.vat_rate, offer.pack_size = event.vat_rate, event.pack_size
        offer.tiers = [[_text(t["min_quantity"]), _text(t["unit_price"])] for t in event.tiers]
        offer.active = event.active
        self.session.add(offer)
        self.session.add(
            orm.OfferVersion(
                supplier_id=offer.supplier_id,
                sku=offer.sku,
                pack_size=offer.pack_size,
                tiers=offer.tiers,
                active=offer.active,
                announced_at=event.occurred_at,
                valid_from=event.valid_from,
            )
        )


def _text(value: Decimal) -> str:
    return format(value, "f")
