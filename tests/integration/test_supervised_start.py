"""``zirkel run``'s supervisor (``python -m zirkel.supervised``) spawns its processes as soon as
it runs: supervisord alone waits out its first second of polling first."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from tests.support.stack import wait_until

STAMP = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})"


def config(var: Path) -> Path:
    path = var / "supervisord.conf"
    path.write_text(
        f"[unix_http_server]\nfile={var / 'supervisor.sock'}\nchmod=0700\n\n"
        f"[supervisord]\nnodaemon=true\nlogfile={var / 'supervisord.log'}\n"
        f"pidfile={var / 'supervisord.pid'}\n\n"
        "[rpcinterface:supervisor]\n"
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n"
        f"[program:sleeper]\ncommand={sys.executable} -c 'import time; time.sleep(60)'\n"
        "startsecs=0\nstopasgroup=true\nkillasgroup=true\n"
    )
    return path


def seconds_to_spawn(log: str) -> float | None:
    started = re.search(STAMP + r" INFO supervisord started", log)
    spawned = re.search(STAMP + r" INFO spawned: 'sleeper'", log)
    if started is None or spawned is None:
        return None
    moments = [datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f") for m in (started, spawned)]
    return (moments[1] - moments[0]).total_seconds()


def test_the_processes_are_spawned_as_the_supervisor_starts(tmp_path: Path) -> None:
    log = tmp_path / "supervisord.log"
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "zirkel.supervised", str(config(tmp_path))],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(
            lambda: log.exists() and seconds_to_spawn(log.read_text()) is not None,
            30,
            "the sleeper spawned",
        )
        assert seconds_to_spawn(log.read_text()) < 0.5  # supervisord alone: 1.0 s
    finally:
        supervisor.terminate()
        supervisor.wait(30)
    assert "stopped: sleeper" in log.read_text()  # SIGTERM still stops what it started
