"""``zirkel mail-catcher`` as ``zirkel run`` starts it: each e-mail it accepts on the SMTP
port is one ``.eml`` file, whole, in its directory; it ends on SIGTERM. ``zirkel run``
supervises it unless an SMTP server is set."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from shared import caught_mail
from tests.support.stack import free_port, wait_until
from zirkel.launcher import prepare_environment, supervisor_config


def accepting(port: int) -> bool:
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=2) as smtp:
            return smtp.noop()[0] == 250
    except OSError:
        return False


@pytest.fixture
def catcher(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    port, directory = free_port(), tmp_path / "mail"
    env = {
        "ZIRKEL_SECRET_KEY": "x" * 32,
        "ZIRKEL_VAR_DIR": str(tmp_path),
        "ZIRKEL_SMTP_PORT": str(port),
        "ZIRKEL_MAIL_CATCHER_DIR": str(directory),
    }
    zirkel = str(Path(sys.executable).parent / "zirkel")
    process = subprocess.Popen([zirkel, "mail-catcher"], env=env)
    try:
        wait_until(lambda: accepting(port), 20, "the mail catcher accepting")
        yield port, directory
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_each_accepted_email_is_kept_as_one_file(catcher: tuple[int, Path]) -> None:
    port, directory = catcher
    for number in (1, 2):
        message = EmailMessage()
        message["From"], message["To"] = "zirkel@localhost", "info@maler.example"
        message["Subject"] = f"Bestellung {number} über 24 Kartuschen weiß"
        message.set_content("Grüße aus dem Büro")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(message)
    names = caught_mail.names(directory)
    assert len(names) == 2
    subjects = [m.subject for m in caught_mail.summaries(directory, names)]
    assert subjects == [
        "Bestellung 2 über 24 Kartuschen weiß",
        "Bestellung 1 über 24 Kartuschen weiß",
    ]
    opened = caught_mail.opened(directory, names[0])
    assert opened is not None and opened.text == "Grüße aus dem Büro\n"
    assert not [p for p in directory.iterdir() if p.name.startswith(".")]  # nothing half-written


def test_zirkel_run_supervises_the_catcher_unless_an_smtp_server_is_set(tmp_path: Path) -> None:
    base = {"ZIRKEL_VAR_DIR": str(tmp_path), "ZIRKEL_SECRET_KEY": "x" * 32}
    catching = prepare_environment_from(base)
    assert catching["ZIRKEL_MAIL_CATCHER_DIR"] == str(tmp_path / "mail")
    assert "[program:mail-catcher]" in supervisor_config(tmp_path, with_mail_catcher=True)
    assert "mail-catcher" in supervisor_config(tmp_path, True).split("programs=")[1].split()[0]
    sending = prepare_environment_from(base | {"ZIRKEL_SMTP_HOST": "smtp.example"})
    assert "ZIRKEL_MAIL_CATCHER_DIR" not in sending
    assert "mail-catcher" not in supervisor_config(tmp_path, with_mail_catcher=False)


def prepare_environment_from(env: dict[str, str]) -> dict[str, str]:
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("ZIRKEL_")]:
            patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        return prepare_environment()
