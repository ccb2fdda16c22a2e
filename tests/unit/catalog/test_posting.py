"""Posting a need decided by the handler alone, on a fake unit of work: who may post, the
member's default flexibility, and a post sent again with its Idempotency-Key."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.domain.posting import KeyReused, ProductForMember
from catalog.service_layer.commands import PostNeed
from catalog.service_layer.posting import post_need
from shared.errors import Conflict, NotFound
from tests.unit.catalog.fakes import FakeMember, FakeUnitOfWork

DISP = ProductForMember(7, "DISP-10L", "Dispersionsfarbe 10 l", "Eimer", "Maler Kaya", "44137", 20)


def unit_of_work() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.needs.products[(1, "DISP-10L")] = DISP
    uow.members.rows.update({1: FakeMember(1), 2: FakeMember(2, active=False)})
    return uow


def test_a_need_is_stored_with_its_event_and_the_members_default_flexibility() -> None:
    uow = unit_of_work()
    need = post_need(PostNeed(1, "DISP-10L", Decimal("30")), uow)
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
            post_need(PostNeed(member_id, sku, Decimal("5"), idempotency_key=key), uow)
        assert caught.value.field == field_name
        assert uow.needs.stored == {} and uow.published == []


def test_a_post_sent_again_with_its_key_answers_with_the_first_need() -> None:
    uow = unit_of_work()
    first = post_need(PostNeed(1, "DISP-10L", Decimal("10"), idempotency_key="k-1"), uow)
    again = post_need(PostNeed(1, "DISP-10L", Decimal("10"), idempotency_key="k-1"), uow)
    assert (again.id, again.created_at, again.replayed) == (first.id, first.created_at, True)
    assert len(uow.published) == 1
    with pytest.raises(KeyReused) as caught:
        post_need(PostNeed(1, "DISP-10L", Decimal("11"), idempotency_key="k-1"), uow)
    assert caught.value.need_id == first.id


def test_a_key_taken_by_a_post_whose_need_is_gone_again_is_a_conflict() -> None:
    uow = unit_of_work()
    uow.needs.keys_taken_meanwhile = True
    with pytest.raises(Conflict) as caught:
        post_need(PostNeed(1, "DISP-10L", Decimal("10"), idempotency_key="k-1"), uow)
    assert caught.value.field == "Idempotency-Key"
