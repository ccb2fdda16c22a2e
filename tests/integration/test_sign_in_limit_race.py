"""Wrong passwords for one e-mail sent all at once to the web service's gunicorn with three
workers, each asking catalog's (three workers too) on PostgreSQL, as in production: the
password is checked no more often than the limit allows; every other try is refused (429)
unchecked (issue 15)."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from catalog.adapters.orm import SignInTries
from catalog.bootstrap import build_runtime
from catalog.service_layer import commands
from catalog.service_layer import sign_in as limits
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from catalog.service_layer.users import create_user
from shared.db import transaction
from shared.settings import Settings
from tests.support.stack import Stack
from tests.web.conftest import PASSWORD, csrf_token

TRIES = 24


@pytest.fixture
def catalog_web(tmp_path: Path, postgres_url: str) -> Iterator[Stack]:
    """Catalog's and the web service's web processes alone: three gunicorn workers of four
    threads each."""
    workers = {"ZIRKEL_WEB_WORKERS": "3", "ZIRKEL_WEB_THREADS": "4"}
    stack = Stack(tmp_path, database_url=postgres_url, extra_env=workers)
    yield from stack.running("catalog", "web")


@pytest.fixture
def email(catalog_web: Stack) -> str:
    """A new office sign-in in the stack's database, and no sign-in tries counted yet."""
    runtime = build_runtime(Settings.from_env(catalog_web.env))
    address = f"buero-{uuid.uuid4().hex[:8]}@zirkel.example"
    with transaction(runtime.sessions) as db:
        db.execute(SignInTries.__table__.delete())  # the database lasts the run
        create_user(commands.CreateUser(address, PASSWORD, role="admin"), SqlAlchemyUnitOfWork(db))
    runtime.engine.dispose()
    return address


def sign_in_page(url: str) -> tuple[requests.Session, str]:
    """A browser that has opened the sign-in page: its cookie and the form's token."""
    browser = requests.Session()
    return browser, csrf_token(browser.get(f"{url}/login", timeout=10).text)


def test_parallel_wrong_passwords_are_checked_no_more_often_than_the_limit(
    catalog_web: Stack, email: str
) -> None:
    url = catalog_web.url("web")
    browsers = [sign_in_page(url) for _ in range(TRIES)]
    all_ready = threading.Barrier(TRIES, timeout=30)
    statuses: list[int] = [0] * TRIES

    def try_password(i: int) -> None:
        browser, token = browsers[i]
        form = {"email": email, "password": "falsch-falsch", "csrf_token": token}
        all_ready.wait()
        statuses[i] = browser.post(
            f"{url}/login", data=form, allow_redirects=False, timeout=60
        ).status_code

    threads = [threading.Thread(target=try_password, args=(i,)) for i in range(TRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)

    # 422: the password was checked and wrong; 429: refused without a check
    assert Counter(statuses) == {422: limits.PAIR_LIMIT, 429: TRIES - limits.PAIR_LIMIT}
    browser, token = sign_in_page(url)
    right = {"email": email, "password": PASSWORD, "csrf_token": token}
    refused = browser.post(f"{url}/login", data=right, allow_redirects=False, timeout=30)
    assert refused.status_code == 429
