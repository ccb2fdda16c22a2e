"""Cancelling and changing a need, decided on a fake unit of work: whose need it is,
what state allows it, and what pooling hears of it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from catalog.domain.model import NeedNotOpen, NeedStatus
from catalog.service_layer import commands, handlers
from catalog.service_layer.need_changes import change_need
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.events import NeedCancelled, NeedChanged
from tests.unit.catalog.fakes import FakeMember, FakeNeed, FakeProduct, FakeUnitOfWork

DISP = FakeProduct(1, "DISP-10L", "Dispersionsfarbe 10 l", "Eimer")


def with_need(status: str = NeedStatus.OPEN, member_active: bool = True) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.members.rows[1] = FakeMember(1, active=member_active)
    uow.needs.rows[5] = FakeNeed(5, 1, DISP, Decimal(10), status=status)
    return uow


def test_a_member_cancels_its_open_need_once_and_asks_pooling() -> None:
    uow = with_need()
    need = handlers.cancel_need(commands.CancelNeed(5, member_id=1), uow)
    assert need.status == NeedStatus.CANCEL_REQUESTED and uow.needs.locks == [5]
    (event,) = uow.published
    assert isinstance(event, NeedCancelled) and (event.need_id, event.sku) == (5, "DISP-10L")
    handlers.cancel_need(commands.CancelNeed(5), uow)  # asked again, by the office
    assert len(uow.published) == 1


@pytest.mark.parametrize(
    ("cmd", "refusal"),
    [
        (commands.CancelNeed(5, member_id=2), Forbidden),
        (commands.CancelNeed(6, member_id=1), NotFound),
    ],
)
def test_a_need_not_there_or_not_ones_own_is_not_cancelled(
    cmd: commands.CancelNeed, refusal: type[Exception]
) -> None:
    uow = with_need()
    with pytest.raises(refusal):
        handlers.cancel_need(cmd, uow)
    assert uow.needs.rows[5].status == NeedStatus.OPEN and uow.published == []


def test_an_ordered_need_cannot_be_cancelled() -> None:
    uow = with_need(NeedStatus.ORDERED)
    with pytest.raises(NeedNotOpen):
        handlers.cancel_need(commands.CancelNeed(5, member_id=1), uow)
    assert uow.published == []


def test_a_changed_quantity_is_announced_and_the_fields_not_sent_stay() -> None:
    uow = with_need()
    uow.needs.rows[5].note = "Hof"
    changes = {"quantity": Decimal(12), "needed_by": date(2027, 3, 1)}
    need = change_need(commands.ChangeNeed(5, changes, member_id=1), uow)
    assert (need.quantity, need.needed_by, need.note) == (12, date(2027, 3, 1), "Hof")
    (event,) = uow.published
    assert isinstance(event, NeedChanged)
    assert (event.quantity, event.needed_by, event.up_to) == (12, date(2027, 3, 1), None)


def test_a_changed_note_alone_is_not_pooling_s_business() -> None:
    uow = with_need()
    need = change_need(commands.ChangeNeed(5, {"note": "Tor 2"}), uow)
    assert need.note == "Tor 2" and uow.published == []


def test_flexibility_below_the_quantity_is_refused_against_the_stored_quantity() -> None:
    uow = with_need()
    with pytest.raises(Invalid) as caught:
        change_need(commands.ChangeNeed(5, {"up_to": Decimal(9)}), uow)
    assert caught.value.field == "up_to" and uow.needs.rows[5].up_to is None


@pytest.mark.parametrize(
    ("uow", "cmd", "refusal", "field_name"),
    [
        (with_need(), commands.ChangeNeed(5, {"note": "x"}, member_id=2), Forbidden, "need_id"),
        (with_need(NeedStatus.ORDERED), commands.ChangeNeed(5, {"note": "x"}), Conflict, "status"),
        (
            with_need(member_active=False),
            commands.ChangeNeed(5, {"note": "x"}),
            Conflict,
            "member_id",
        ),
        (with_need(), commands.ChangeNeed(8, {"note": "x"}), NotFound, "need_id"),
    ],
)
def test_a_change_nobody_may_make_changes_nothing(
    uow: FakeUnitOfWork, cmd: commands.ChangeNeed, refusal: type[Exception], field_name: str
) -> None:
    with pytest.raises(refusal) as caught:
        change_need(cmd, uow)
    assert caught.value.field == field_name  # type: ignore[attr-defined]
    assert uow.needs.rows[5].note is None and uow.published == []
