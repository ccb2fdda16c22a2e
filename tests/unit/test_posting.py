"""Posting a need decided by the handler alone, on fake repositories: who may post, the
member's default flexibility, and a post sent again with its Idempotency-Key."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import pytest

from catalog.domain.posting import EarlierPost, KeyReused, ProductForMember
from catalog.service_layer.commands import PostNeed
from catalog.service_layer.posting import post_need
from shared.errors import Conflict, NotFound
from shared.events import Event

DISP = ProductForMember(7, "DISP-10L", "Dispersionsfarbe 10 l", "Eimer", "Maler Kaya", "44137", 20)


@dataclass
class FakeNeeds:
    products: dict[tuple[int, str], ProductForMember]
    stored: dict[int, tuple[PostNeed, datetime]] = field(default_factory=dict)
    keys_taken_meanwhile: bool = False

    def add_of_active_member(
        self, cmd: PostNeed, created_at: datetime
    ) -> tuple[int, ProductForMember] | None:
        product = self.products.get((cmd.member_id, cmd.sku))
        return None if product is None else (self.add(cmd, product.id, created_at), product)

    def add(self, cmd: PostNeed, product_id: int, created_at: datetime) -> int | None:
        if cmd.idempotency_key is not None and self.keys_taken_meanwhile:
            return None
        need_id = len(self.stored) + 1
        self.stored[need_id] = (cmd, created_at)
        return need_id

    def set_up_to(self, need_id: int, up_to: Decimal | None) -> None:
        cmd, created_at = self.stored[need_id]
        self.stored[need_id] = (PostNeed(**{**cmd.__dict__, "up_to": up_to}), created_at)

    def product_for(self, member_id: int, sku: str) -> ProductForMember | None:
        return self.products.get((member_id, sku))

    def product_and_post_under_key(
        self, member_id: int, sku: str, key: str
    ) -> tuple[ProductForMember | None, EarlierPost | None]:
        earlier = next(
            (
                EarlierPost(
                    need_id,
                    DISP.id,
                    cmd.quantity,
                    cmd.needed_by,
                    cmd.delivery_site,
                    cmd.note,
                    created_at,
                    cmd.up_to,
                )
                for need_id, (cmd, created_at) in self.stored.items()
                if (cmd.member_id, cmd.idempotency_key) == (member_id, key)
            ),
            None,
        )
        return self.products.get((member_id, sku)), earlier


@dataclass
class FakeMembers:
    standing: dict[int, bool]

    def active(self, member_id: int) -> bool | None:
        return self.standing.get(member_id)


@dataclass
class FakeUnitOfWork:
    needs: FakeNeeds
    members: FakeMembers
    published: list[Event] = field(default_factory=list)

    def publish(self, event: Event) -> None:
        self.published.append(event)


def unit_of_work() -> FakeUnitOfWork:
    return FakeUnitOfWork(FakeNeeds({(1, "DISP-10L"): DISP}), FakeMembers({1: True, 2: False}))


def test_a_need_is_stored_with_its_event_and_the_members_default_flexibility() -> None:
    uow = unit_of_work()
    need = post_need(uow, PostNeed(1, "DISP-10L", Decimal("30")))
    assert need.up_to == Decimal("36") and not need.replayed
    assert uow.needs.stored[need.id][0].up_to == Decimal("36")
    (event,) = uow.published
    assert event.need_id == need.id and event.up_to == Decimal("36")
    assert event.delivery_site == "Firmensitz Maler Kaya, 44137"


@pytest.mark.parametrize(
    ("member_id", "sku", "refusal", "field_name"),
    [
        (3, "DISP-10L", NotFound, "member_id"),
        (2, "DISP-10L", Conflict, "member_id"),
        (1, "NOPE-1", NotFound, "sku"),
    ],
)
def test_a_post_that_stores_nothing_says_why(
    member_id: int, sku: str, refusal: type[Exception], field_name: str
) -> None:
    for key in (None, "k-1"):
        uow = unit_of_work()
        with pytest.raises(refusal) as caught:
            post_need(uow, PostNeed(member_id, sku, Decimal("5"), idempotency_key=key))
        assert caught.value.field == field_name
        assert uow.needs.stored == {} and uow.published == []


def test_a_post_sent_again_with_its_key_answers_with_the_first_need() -> None:
    uow = unit_of_work()
    first = post_need(uow, PostNeed(1, "DISP-10L", Decimal("10"), idempotency_key="k-1"))
    again = post_need(uow, PostNeed(1, "DISP-10L", Decimal("10"), idempotency_key="k-1"))
    assert (again.id, again.created_at, again.replayed) == (first.id, first.created_at, True)
    assert len(uow.published) == 1
    with pytest.raises(KeyReused) as caught:
        post_need(uow, PostNeed(1, "DISP-10L", Decimal("11"), idempotency_key="k-1"))
    assert caught.value.need_id == first.id


def test_a_key_taken_by_a_post_whose_need_is_gone_again_is_a_conflict() -> None:
    uow = unit_of_work()
    uow.needs.keys_taken_meanwhile = True
    with pytest.raises(Conflict) as caught:
        post_need(uow, PostNeed(1, "DISP-10L", Decimal("10"), idempotency_key="k-1"))
    assert caught.value.field == "Idempotency-Key"
