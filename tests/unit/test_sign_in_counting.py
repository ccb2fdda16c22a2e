"""Counting sign-in tries before their passwords are checked (issue 15), on SQLite and on
PostgreSQL: one atomic statement counts a try and answers the count, so tries at once
are let through no more often than the limit."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from catalog.adapters.orm import SignInTries
from catalog.bootstrap import build_runtime
from catalog.service_layer import sign_in as limits
from catalog.service_layer.commands import CountTry, ForgetTries
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.db import transaction, utcnow
from shared.runtime import Runtime
from shared.settings import Settings

EMAIL, ADDRESS = "eins@maler.example", "203.0.113.7"


@pytest.fixture(params=["sqlite", "postgresql"])
def catalog(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Runtime]:
    env = {"ZIRKEL_SECRET_KEY": "k" * 32, "ZIRKEL_VAR_DIR": str(tmp_path)}
    if request.param == "postgresql":
        env["ZIRKEL_DATABASE_URL"] = request.getfixturevalue("postgres_url")
    runtime = build_runtime(Settings.from_env(env))
    runtime.migrate()
    with transaction(runtime.sessions) as db:
        db.execute(SignInTries.__table__.delete())  # PostgreSQL's database lasts the run
    yield runtime
    runtime.engine.dispose()


def count(catalog: Runtime, email: str = EMAIL, address: str = ADDRESS, now=None) -> int:
    with transaction(catalog.sessions) as db:
        return limits.count_try(CountTry(email, address, now), SqlAlchemyUnitOfWork(db))


def tries(catalog: Runtime, email: str, address: str = ADDRESS) -> int | None:
    with transaction(catalog.sessions) as db:
        return db.scalar(
            select(SignInTries.tries).where(
                SignInTries.email == email, SignInTries.address == address
            )
        )


def test_tries_at_once_are_let_through_no_more_often_than_the_limit(catalog: Runtime) -> None:
    at_once = 24
    all_ready = threading.Barrier(at_once, timeout=30)
    waits: list[int | None] = [None] * at_once
    failures: list[BaseException] = []

    def try_once(i: int) -> None:
        try:
            all_ready.wait()
            waits[i] = count(catalog)
        except BaseException as failure:
            failures.append(failure)

    threads = [threading.Thread(target=try_once, args=(i,)) for i in range(at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not failures, failures
    assert waits.count(0) == limits.PAIR_LIMIT
    assert all(w is not None and 0 < w <= 15 * 60 for w in waits if w != 0)
    assert tries(catalog, EMAIL) == limits.PAIR_LIMIT, "refused tries are not counted"


def test_the_window_starts_at_the_first_try_and_refused_tries_do_not_extend_it(
    catalog: Runtime,
) -> None:
    start = utcnow()
    for n in range(limits.PAIR_LIMIT):
        assert count(catalog, now=start + timedelta(minutes=n)) == 0
    assert count(catalog, now=start + timedelta(minutes=10)) == 5 * 60
    assert count(catalog, now=start + timedelta(minutes=14, seconds=59)) == 1
    assert count(catalog, now=start + limits.WINDOW) == 0, "a new window"
    assert tries(catalog, EMAIL) == 1


def test_one_address_is_refused_after_its_limit_over_all_e_mails(catalog: Runtime) -> None:
    for n in range(limits.ADDRESS_LIMIT):
        assert count(catalog, email=f"raten{n}@maler.example") == 0
    assert count(catalog, email="zwei@maler.example") > 0
    assert tries(catalog, limits.EVERY_EMAIL) == limits.ADDRESS_LIMIT
    assert tries(catalog, "zwei@maler.example") == 0, "the refused try is given back"
    assert count(catalog, email="zwei@maler.example", address="198.51.100.4") == 0


def test_e_mails_are_counted_as_the_sign_in_reads_them(catalog: Runtime) -> None:
    for email in ("Eins@Maler.example", " eins@maler.example", "EINS@MALER.EXAMPLE"):
        count(catalog, email=email)
    assert tries(catalog, EMAIL) == 3


def test_a_success_forgets_the_pair_and_is_not_counted_for_the_address(
    catalog: Runtime,
) -> None:
    for _ in range(limits.PAIR_LIMIT):
        count(catalog)  # four wrong passwords, then the right one
    with transaction(catalog.sessions) as db:
        limits.forget_tries(ForgetTries(EMAIL, ADDRESS), SqlAlchemyUnitOfWork(db))

    assert tries(catalog, EMAIL) is None
    assert tries(catalog, limits.EVERY_EMAIL) == limits.PAIR_LIMIT - 1
    assert count(catalog) == 0


def test_counts_whose_window_is_over_are_dropped_at_a_success(catalog: Runtime) -> None:
    count(catalog, email="alt@maler.example", now=utcnow() - limits.WINDOW)
    count(catalog)
    with transaction(catalog.sessions) as db:
        limits.forget_tries(ForgetTries(EMAIL, ADDRESS), SqlAlchemyUnitOfWork(db))

    assert tries(catalog, "alt@maler.example") is None
