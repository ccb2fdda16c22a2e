"""Posting a need: the catalog's busiest use case, one command in one unit of work.

A post may carry an Idempotency-Key (the API's header, the web form's hidden key): sent
again with it, the post finds the need it made the first time instead of making another.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from catalog.domain.model import default_up_to
from catalog.domain.posting import (
    IDEMPOTENCY_KEY,
    EarlierPost,
    KeyReused,
    PostedNeed,
    ProductForMember,
    head_office,
)
from catalog.service_layer.commands import PostNeed
from catalog.service_layer.unit_of_work import UnitOfWork
from shared.db import utcnow
from shared.errors import Conflict, DomainError, NotFound
from shared.events import NeedPosted


def post_need(cmd: PostNeed, uow: UnitOfWork) -> PostedNeed:
    """Store the need and its ``catalog.need.posted`` event. Without a key the need is
    stored first, checking the product and the member as it goes; only a post that
    stored nothing looks up what was wrong."""
    if cmd.idempotency_key is not None:
        return _post_need_once(uow, cmd)
    now = utcnow()
    stored = uow.needs.add_of_active_member(cmd, now)
    if stored is None:  # no such product, or no such active member: say which
        product = _found(uow, cmd, uow.needs.product_for(cmd.member_id, cmd.sku))
        cmd = _flexible(cmd, product)
        need_id = uow.needs.add(cmd, product.id, now)
        assert need_id is not None  # without a key an insert always inserts
    else:
        need_id, product = stored
        flexible = _flexible(cmd, product)
        if flexible.up_to != cmd.up_to:  # the member's preference makes it flexible
            uow.needs.set_up_to(need_id, flexible.up_to)
        cmd = flexible
    return _posted(uow, cmd, need_id, product, now)


def _post_need_once(uow: UnitOfWork, cmd: PostNeed) -> PostedNeed:
    """The need made under ``cmd``'s key: the one made before, or a new one.

    Two posts with one key at once: the database's unique index lets one insert; the
    other's insert does nothing (on PostgreSQL it waits for the first to commit), and
    it answers with the need the first one made.
    """
    assert cmd.idempotency_key is not None
    found, earlier = uow.needs.product_and_post_under_key(
        cmd.member_id, cmd.sku, cmd.idempotency_key
    )
    product = _found(uow, cmd, found)
    cmd = _flexible(cmd, product)
    if earlier is None:
        now = utcnow()
        need_id = uow.needs.add(cmd, product.id, now)
        if need_id is not None:
            return _posted(uow, cmd, need_id, product, now)
        _, earlier = uow.needs.product_and_post_under_key(
            cmd.member_id, cmd.sku, cmd.idempotency_key
        )
        if earlier is None:  # the other post's need is gone again: nothing to show
            raise Conflict(IDEMPOTENCY_KEY, "A post with this key is under way; send it again.")
    return _replayed(earlier, product, cmd)


def _flexible(cmd: PostNeed, product: ProductForMember) -> PostNeed:
    """``cmd`` with the member's default flexibility where it gives no ``up_to``."""
    if cmd.up_to is not None:
        return cmd
    return replace(cmd, up_to=default_up_to(cmd.quantity, product.member_flexible_percent))


def _found(uow: UnitOfWork, cmd: PostNeed, found: ProductForMember | None) -> ProductForMember:
    """``found``, or the refusal that says why there was nothing to find."""
    if found is None:
        raise _refusal(uow, cmd)
    return found


def _refusal(uow: UnitOfWork, cmd: PostNeed) -> DomainError:
    active = uow.members.active(cmd.member_id)
    if active is None:
        return NotFound("member_id", f"There is no member {cmd.member_id}.")
    if not active:
        return Conflict("member_id", f"Member {cmd.member_id} is deactivated.")
    return NotFound("sku", f"Unknown product {cmd.sku}.")


def _replayed(earlier: EarlierPost, product: ProductForMember, cmd: PostNeed) -> PostedNeed:
    """The need posted before under ``cmd``'s key, as its post was answered, if ``cmd``
    asks for the same need; a key sent with another need is refused."""
    same = (
        earlier.product_id == product.id
        and earlier.quantity == cmd.quantity
        and earlier.needed_by == cmd.needed_by
        and earlier.delivery_site == cmd.delivery_site
        and earlier.note == cmd.note
        and earlier.up_to == cmd.up_to
    )
    if not same:
        raise KeyReused(earlier.id)
    return _need(cmd, earlier.id, product, earlier.created_at, replayed=True)


def _posted(
    uow: UnitOfWork, cmd: PostNeed, need_id: int, product: ProductForMember, now: datetime
) -> PostedNeed:
    """The need just stored, its ``catalog.need.posted`` event written to the outbox."""
    need = _need(cmd, need_id, product, now)
    uow.publish(need_posted(need))
    return need


def _need(
    cmd: PostNeed,
    need_id: int,
    product: ProductForMember,
    created_at: datetime,
    replayed: bool = False,
) -> PostedNeed:
    return PostedNeed(
        need_id,
        cmd.member_id,
        product,
        cmd.quantity,
        cmd.needed_by,
        cmd.delivery_site,
        cmd.note,
        created_at,
        cmd.up_to,
        replayed=replayed,
    )


def need_posted(need: PostedNeed) -> NeedPosted:
    return NeedPosted(
        need_id=need.id,
        member_id=need.member_id,
        sku=need.product.sku,
        quantity=need.quantity,
        needed_by=need.needed_by,
        delivery_site=need.delivery_site or head_office(need.product),
        posted_at=need.created_at,
        up_to=need.up_to,
    )
