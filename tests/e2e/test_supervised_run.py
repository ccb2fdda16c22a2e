"""``zirkel run`` as a cooperative starts it: a worker killed -9 is restarted by the supervisor
while catalog keeps answering, the restart is counted (the banner says where it shows), and
SIGTERM leaves no process behind; its mail catcher keeps what is sent to the SMTP port as a
file."""

from __future__ import annotations

import os
import signal
import smtplib
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from shared import caught_mail
from shared.supervision import SupervisedProcess
from tests.support.stack import wait_until
from tests.support.supervised_run import PROCESSES, Run, started

pytestmark = pytest.mark.e2e


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Run]:
    with started(tmp_path / "var") as run:
        yield run


def test_a_killed_worker_is_restarted_while_the_rest_keeps_running_and_sigterm_ends_all(
    run: Run,
) -> None:
    the_mail_catcher_keeps_an_email(run)
    banner = run.log.read_text(errors="replace")
    assert "under supervisord" in banner
    assert "zirkel status" in banner and "/admin/ops" in banner  # where restarts show
    before = run.supervised()
    everyone = run.descendants()
    killed = before["pooling-worker"].pid

    os.kill(killed, signal.SIGKILL)
    killed_at = time.monotonic()

    def restarted() -> SupervisedProcess | None:
        assert run.answers("catalog", "/health/live")  # catalog answers all along
        worker = run.supervised()["pooling-worker"]
        return worker if worker.pid not in (0, killed) else None

    worker = wait_until(restarted, 30, "pooling's worker started again")
    print(f"\npooling-worker spawned again {time.monotonic() - killed_at:.2f} s after kill -9")
    after = wait_until(
        lambda: (now := run.supervised())["pooling-worker"].state == "RUNNING" and now,
        30,
        "the new worker running",
    )
    assert after["pooling-worker"].restarts == 1
    for name in PROCESSES - {"pooling-worker"}:
        assert (after[name].pid, after[name].restarts) == (before[name].pid, 0), name
    assert psutil.Process(worker.pid).is_running()
    assert run.answers("pooling")

    everyone += run.descendants()
    run.process.send_signal(signal.SIGTERM)
    run.process.wait(timeout=90)

    _gone, alive = psutil.wait_procs(everyone, timeout=5)
    assert alive == []
    assert not any(run.answers(service, "/health/live") for service in run.ports)


def the_mail_catcher_keeps_an_email(run: Run) -> None:
    with smtplib.SMTP("127.0.0.1", run.smtp_port, timeout=10) as smtp:
        smtp.sendmail("zirkel@localhost", ["info@maler.example"], b"Subject: Hallo\r\n\r\nText\r\n")
    mail = run.var_dir / "mail"
    [name] = caught_mail.names(mail)
    assert caught_mail.summaries(mail, [name])[0].subject == "Hallo"


def test_the_processes_end_with_a_supervisor_killed_9(run: Run) -> None:
    """Nothing of a crashed ``zirkel run`` is left to hold the ports of the next one."""
    everyone = run.descendants()
    assert len(everyone) >= len(PROCESSES)

    run.process.send_signal(signal.SIGKILL)
    run.process.wait()

    _gone, alive = psutil.wait_procs(everyone, timeout=40)
    assert alive == []
