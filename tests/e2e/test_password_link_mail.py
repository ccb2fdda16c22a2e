"""A forgotten password on the embedded stack as ``zirkel run`` starts it: the page asked
for a known and an unknown address, catalog's ``catalog.password_reset.requested`` goes
over the broker to notify's worker, whose mail sender hands one e-mail to the mail
catcher; its link opens the page that sets a new password."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from shared import caught_mail
from shared.settings import WEB
from tests.support.stack import ADMIN_TOKEN, wait_until
from tests.support.supervised_run import Run, started
from tests.web.conftest import csrf_token

pytestmark = pytest.mark.e2e

KNOWN = "buero@maler.example"


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Run]:
    with started(tmp_path / "var") as run:
        yield run


def ask_for_link(browser: requests.Session, run: Run, email: str) -> str:
    page = f"{run.url(WEB)}/password/forgot"
    token = csrf_token(browser.get(page, timeout=10).text)
    answer = browser.post(page, data={"email": email, "csrf_token": token}, timeout=10)
    assert answer.status_code == 200
    return answer.text.replace(email, "")


def test_a_known_address_gets_the_link_by_e_mail_an_unknown_one_nothing(run: Run) -> None:
    user = {"email": KNOWN, "password": "geheim-123", "role": "admin"}
    office = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    made = requests.post(
        f"{run.url('catalog')}/api/v1/users", json=user, headers=office, timeout=10
    )
    assert made.status_code == 201, made.text
    browser = requests.Session()
    unknown = ask_for_link(browser, run, "niemand@maler.example")
    known = ask_for_link(browser, run, KNOWN)
    strip = re.compile(r'name="csrf_token"[^>]*>')
    assert strip.sub("", known) == strip.sub("", unknown)

    mail = run.var_dir / "mail"
    [name] = wait_until(lambda: caught_mail.names(mail), 60, "the e-mail with the link")
    opened = caught_mail.opened(mail, name)
    assert opened is not None and opened.text is not None
    assert (opened.mail.to, opened.mail.subject) == (KNOWN, "Ihr neues Zirkel-Passwort")
    link = re.search(r"https?://\S+/password/reset/\S+", opened.text)
    assert link, opened.text
    assert browser.get(link.group(0), timeout=10).status_code == 200
    assert len(caught_mail.names(mail)) == 1
