"""A settlement run's course: pending, then submitted or cancelled, each step once."""

from __future__ import annotations

import pytest

from billing.domain.settlement_runs import RunState, RunStep, StepRefused, next_state


def test_a_pending_run_is_submitted_or_cancelled() -> None:
    assert next_state(RunState.PENDING, RunStep.SUBMIT) is RunState.SUBMITTED
    assert next_state(RunState.PENDING, RunStep.CANCEL) is RunState.CANCELLED


def test_a_step_taken_before_has_nothing_left_to_do() -> None:
    assert next_state(RunState.SUBMITTED, RunStep.SUBMIT) is None
    assert next_state(RunState.CANCELLED, RunStep.CANCEL) is None


@pytest.mark.parametrize(
    ("state", "step"),
    [(RunState.SUBMITTED, RunStep.CANCEL), (RunState.CANCELLED, RunStep.SUBMIT)],
)
def test_a_run_decided_one_way_cannot_go_the_other(state: RunState, step: RunStep) -> None:
    with pytest.raises(StepRefused) as refused:
        next_state(state, step)
    assert (refused.value.state, refused.value.step) == (state, step)
