"""The course of a settlement run (rule 15): a run is made ``pending``, its two SEPA files
ready for the bank and nothing booked; the office hands the files to the bank and marks
the run ``submitted``, which books its collections as payments on the members' accounts
and its credit transfers as paid; or it discards (``cancelled``) a pending run, which
frees what the run held for a later one. Pure."""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class RunState(StrEnum):
    PENDING = "pending"
    SUBMITTED = "submitted"
    CANCELLED = "cancelled"


class RunStep(StrEnum):
    """What the office does with a pending run."""

    SUBMIT = "submit"
    CANCEL = "cancel"


AFTER = {RunStep.SUBMIT: RunState.SUBMITTED, RunStep.CANCEL: RunState.CANCELLED}


class StepRefused(ValueError):
    """The run's state does not allow the step: a submitted run is with the bank and
    cannot be discarded; a discarded run cannot be submitted."""

    def __init__(self, state: RunState, step: RunStep) -> None:
        super().__init__(f"a {state.value} run cannot take the step {step.value}")
        self.state, self.step = state, step


def next_state(state: RunState, step: RunStep) -> RunState | None:
    """The state ``step`` leads a run in ``state`` to; None when the run is there already
    (the step was taken before: nothing to do again)."""
    target = AFTER[step]
    if state is target:
        return None
    if state is not RunState.PENDING:
        raise StepRefused(state, step)
    return target


def too_late_to_submit(on: date, collect_on: date) -> bool:
    """Whether a run handed to the bank ``on`` that day comes too late for its collection
    day: the bank takes a direct debit only before the day it is collected (SEPA's D-1),
    so a run whose day has come is discarded and made again with a new day."""
    return on >= collect_on
