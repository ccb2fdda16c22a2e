"""An order's lifecycle: the allowed steps, and refusals that name the order's state."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pooling.domain.lifecycle import OrderState, OrderStateError, OrderStatus, OrderStep
from shared.errors import Conflict

PLACED = OrderState()
CONFIRMED = PLACED.confirm()
RECEIVED = CONFIRMED.receive(short=False)
REJECTED = PLACED.reject()


def test_placed_confirmed_with_declined_lines_then_received_short() -> None:
    confirmed = PLACED.confirm(["DISP-10L"])
    assert (confirmed.status, confirmed.declined) == (OrderStatus.CONFIRMED, {"DISP-10L"})
    received = confirmed.receive(short=True)
    assert (received.status, received.short, received.declined) == (
        OrderStatus.RECEIVED,
        True,
        {"DISP-10L"},
    )


def test_a_receipt_is_corrected_and_every_correction_counted() -> None:
    corrected = RECEIVED.correct_receipt(short=True).correct_receipt(short=False)
    assert (corrected.status, corrected.short, corrected.corrections) == (
        OrderStatus.RECEIVED,
        False,
        2,
    )


@pytest.mark.parametrize(
    ("state", "step", "words"),
    [
        (PLACED, lambda s: s.receive(short=False), "cannot receive an order that is placed"),
        (REJECTED, lambda s: s.receive(short=False), "cannot receive an order that is rejected"),
        (RECEIVED, lambda s: s.receive(short=True), "cannot receive an order that is received"),
        (CONFIRMED, lambda s: s.confirm(), "cannot confirm an order that is confirmed"),
        (RECEIVED, lambda s: s.confirm(["SIL-300"]), "cannot confirm an order that is received"),
        (CONFIRMED, lambda s: s.reject(), "cannot reject an order that is confirmed"),
        (REJECTED, lambda s: s.reject(), "cannot reject an order that is rejected"),
        (CONFIRMED, lambda s: s.correct_receipt(short=True), "cannot correct_receipt"),
    ],
)
def test_illegal_steps_are_refused_naming_the_state(state, step, words) -> None:
    with pytest.raises(OrderStateError, match=words) as refused:
        step(state)
    assert refused.value.current == state.status
    assert isinstance(refused.value, Conflict)  # the state does not allow it (the web's 409)
    assert refused.value.field == "status"


STEPS = {
    OrderStep.CONFIRM: lambda s: s.confirm(),
    OrderStep.REJECT: lambda s: s.reject(),
    OrderStep.RECEIVE: lambda s: s.receive(short=False),
    OrderStep.CORRECT_RECEIPT: lambda s: s.correct_receipt(short=False),
}
# the reference: the lifecycle drawn as a table
ALLOWED = {
    (OrderStatus.PLACED, OrderStep.CONFIRM): OrderStatus.CONFIRMED,
    (OrderStatus.PLACED, OrderStep.REJECT): OrderStatus.REJECTED,
    (OrderStatus.CONFIRMED, OrderStep.RECEIVE): OrderStatus.RECEIVED,
    (OrderStatus.RECEIVED, OrderStep.CORRECT_RECEIPT): OrderStatus.RECEIVED,
}


@given(st.lists(st.sampled_from(list(OrderStep)), max_size=8))
def test_any_sequence_of_steps_follows_the_table(steps: list[OrderStep]) -> None:
    state = OrderState()
    for step in steps:
        expected = ALLOWED.get((state.status, step))
        assert state.allows(step) == (expected is not None)
        if expected is None:
            with pytest.raises(OrderStateError):
                STEPS[step](state)
        else:
            state = STEPS[step](state)
            assert state.status == expected
