"""The sign-in limits decided on a fake unit of work: how many tries have their password
checked, how long the rest wait, and what a successful sign-in forgets. (That tries at
once are counted atomically is tests/unit/test_sign_in_counting.py's, on databases.)"""

from __future__ import annotations

from datetime import datetime, timedelta

from catalog.service_layer import commands
from catalog.service_layer import sign_in as limits
from tests.unit.catalog.fakes import FakeUnitOfWork

NOW = datetime(2026, 12, 7, 9, 0)
EMAIL, ADDRESS = "eins@maler.example", "203.0.113.7"


def count(uow: FakeUnitOfWork, email: str = EMAIL, now: datetime = NOW) -> int:
    return limits.count_try(commands.CountTry(email, ADDRESS, now), uow)


def test_past_the_pair_limit_a_try_waits_out_the_window_and_is_not_counted() -> None:
    uow = FakeUnitOfWork()
    assert [count(uow) for _ in range(limits.PAIR_LIMIT)] == [0] * limits.PAIR_LIMIT
    later = NOW + timedelta(minutes=5)
    assert count(uow, now=later) == 10 * 60  # the window started at the first try
    assert uow.sign_ins.tries[(ADDRESS, EMAIL)][0] == limits.PAIR_LIMIT
    assert uow.sign_ins.tries[(ADDRESS, limits.EVERY_EMAIL)][0] == limits.PAIR_LIMIT
    assert count(uow, now=NOW + limits.WINDOW) == 0  # a new window


def test_past_the_address_limit_any_e_mail_from_it_waits() -> None:
    uow = FakeUnitOfWork()
    for n in range(limits.ADDRESS_LIMIT):
        assert count(uow, f"m{n}@maler.example") == 0
    assert count(uow, "neu@maler.example") == int(limits.WINDOW.total_seconds())
    assert uow.sign_ins.tries[(ADDRESS, "neu@maler.example")][0] == 0


def test_the_e_mail_is_counted_in_any_case_and_without_its_spaces() -> None:
    uow = FakeUnitOfWork()
    for email in (EMAIL, " Eins@Maler.example ", "EINS@MALER.EXAMPLE"):
        count(uow, email)
    assert uow.sign_ins.tries[(ADDRESS, EMAIL)][0] == 3


def test_a_successful_sign_in_forgets_its_tries_and_old_windows() -> None:
    uow = FakeUnitOfWork()
    count(uow, "alt@maler.example", now=NOW - limits.WINDOW - timedelta(seconds=1))
    count(uow)
    limits.forget_tries(commands.ForgetTries(EMAIL, ADDRESS, NOW), uow)
    assert uow.sign_ins.tries == {(ADDRESS, limits.EVERY_EMAIL): [0, NOW]}  # not counted


def test_a_session_is_opened_for_the_user_and_older_ones_are_closed() -> None:
    uow = FakeUnitOfWork()
    old = limits.open_session(commands.OpenSession(1, NOW - limits.SESSION_LIFETIME), uow)
    new = limits.open_session(commands.OpenSession(2, NOW), uow)
    assert old != new and uow.sign_ins.sessions == {new: (2, NOW)}
    limits.close_session(commands.CloseSession(new), uow)
    assert uow.sign_ins.sessions == {}
