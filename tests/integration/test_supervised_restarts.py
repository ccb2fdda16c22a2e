"""``zirkel run``'s supervision as the launcher configures it: a process that keeps dying at
its start is started again after a pause one second longer each time, while the others keep
running untouched; ``zirkel status`` shows each process's state and its restarts; Ctrl-C
stops every process, each one's children included."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import psutil
import pytest

from shared.supervision import supervised_processes
from tests.support.stack import wait_until
from zirkel import cli, launcher

STAMP = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})"
CRASHER = f"{sys.executable} -c 'raise SystemExit(3)'"  # dies at once, every time
# keeps running, with a child of its own as gunicorn's master has its workers
SLEEPER = (
    f'{sys.executable} -c \'import subprocess, time; subprocess.Popen(["sleep", "600"]); '
    "time.sleep(600)'"
)


def spawned_at(log: Path, name: str) -> list[datetime]:
    """When supervisord spawned ``name``, from its main log."""
    if not log.exists():
        return []
    found = re.findall(STAMP + rf" INFO spawned: '{name}'", log.read_text())
    return [datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f") for stamp in found]


@pytest.fixture
def supervising(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[subprocess.Popen[bytes]]:
    """``zirkel run``'s supervisor on the launcher's configuration, with a process that
    crashes at its start and one that keeps running in place of the cooperative's."""
    monkeypatch.setattr(
        launcher,
        "processes",
        lambda with_mail_catcher=False: {"crasher": CRASHER, "sleeper": SLEEPER},
    )
    monkeypatch.setenv("ZIRKEL_VAR_DIR", str(tmp_path))
    config = tmp_path / "supervisord.conf"
    config.write_text(launcher.supervisor_config(tmp_path))
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "zirkel.supervised", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        yield supervisor
    finally:
        supervisor.terminate()
        supervisor.wait(30)


def test_a_process_dying_at_its_start_is_retried_after_growing_pauses_while_the_others_run(
    supervising: subprocess.Popen[bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "supervisord.log"
    wait_until(lambda: len(spawned_at(log, "crasher")) >= 4, 30, "the crasher spawned 4 times")

    spawns = spawned_at(log, "crasher")[:4]
    pauses = [(later - earlier).total_seconds() for earlier, later in pairwise(spawns)]
    # 1, 2, 3 s, each up to a second later (supervisord looks once a second)
    assert pauses[2] >= 2.9 and pauses[2] > pauses[0], pauses
    found = {p.name: p for p in supervised_processes(tmp_path) or []}
    assert found["crasher"].state in ("BACKOFF", "STARTING"), found["crasher"]
    assert found["crasher"].restarts >= 3
    assert (found["sleeper"].state, found["sleeper"].restarts) == ("RUNNING", 0)
    assert len(spawned_at(log, "sleeper")) == 1

    assert cli.main(["status"]) == 0

    shown = {line.split()[0]: line.split()[1:3] for line in capsys.readouterr().out.splitlines()}
    assert shown["sleeper"] == ["RUNNING", "0"]
    assert shown["crasher"][0] in ("BACKOFF", "STARTING") and int(shown["crasher"][1]) >= 3


def test_ctrl_c_stops_every_process_and_their_children(
    supervising: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    sleeper = wait_until(
        lambda: next(
            (p for p in supervised_processes(tmp_path) or [] if p.name == "sleeper" and p.pid),
            None,
        ),
        30,
        "the sleeper running",
    )
    everyone = [psutil.Process(sleeper.pid)]
    everyone += wait_until(lambda: everyone[0].children(), 30, "the sleeper's child")

    supervising.send_signal(signal.SIGINT)

    assert supervising.wait(30) == 0
    _gone, alive = psutil.wait_procs(everyone, timeout=10)
    assert alive == []


def test_zirkel_status_says_when_no_supervisor_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZIRKEL_VAR_DIR", str(tmp_path))

    assert cli.main(["status"]) == 1

    assert "no supervisor of 'zirkel run' answers" in capsys.readouterr().out
