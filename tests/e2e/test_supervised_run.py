"""``zirkel run`` as a cooperative starts it: a worker killed -9 is restarted by the supervisor
while catalog keeps answering, the restart is counted, and SIGTERM leaves no process behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import requests

from shared.supervision import SupervisedProcess, supervised_processes
from tests.support.stack import ADMIN_TOKEN, free_port, wait_until

pytestmark = pytest.mark.e2e

PROCESSES = {
    f"{service}-{kind}"
    for service in ("catalog", "pooling", "notify")
    for kind in ("web", "worker")
} | {"pooling-scheduler"}


class Run:
    """``zirkel run`` in a directory of its own, on free ports."""

    def __init__(self, var_dir: Path) -> None:
        self.var_dir = var_dir
        self.ports = {service: free_port() for service in ("catalog", "pooling", "notify")}
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZIRKEL_")}
        env |= {
            "ZIRKEL_SECRET_KEY": "run-secret-key-0123456789abcdef",
            "ZIRKEL_ADMIN_TOKEN": ADMIN_TOKEN,
            "ZIRKEL_VAR_DIR": str(var_dir),
        }
        env |= {f"ZIRKEL_{s.upper()}_PORT": str(port) for s, port in self.ports.items()}
        self.log = var_dir.parent / "run.log"
        with self.log.open("ab") as out:  # supervisord reopens its stdout: append, never overwrite
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "zirkel"), "run"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def answers(self, service: str, path: str = "/health/ready") -> bool:
        try:
            url = f"http://127.0.0.1:{self.ports[service]}{path}"
            return requests.get(url, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def supervised(self) -> dict[str, SupervisedProcess]:
        return {p.name: p for p in supervised_processes(self.var_dir) or []}

    def descendants(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def stop(self, leftovers: list[psutil.Process]) -> None:
        """Whatever a failed test left running goes too."""
        if self.process.poll() is None:
            leftovers += self.descendants()
            self.process.kill()
            self.process.wait()
        for process in leftovers:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Run]:
    started = Run(tmp_path / "var")
    seen: list[psutil.Process] = []
    try:
        for service in started.ports:
            wait_until(lambda s=service: started.answers(s), 120, f"{service} ready")
        wait_until(
            lambda: (
                {n for n, p in started.supervised().items() if p.state == "RUNNING"} == PROCESSES
            ),
            30,
            "every process running",
        )
        seen += started.descendants()
        yield started
    except BaseException:
        print(started.log.read_text(errors="replace")[-6000:])
        raise
    finally:
        started.stop(seen)


def test_a_killed_worker_is_restarted_while_the_rest_keeps_running_and_sigterm_ends_all(
    run: Run,
) -> None:
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


def test_the_processes_end_with_a_supervisor_killed_9(run: Run) -> None:
    """Nothing of a crashed ``zirkel run`` is left to hold the ports of the next one."""
    everyone = run.descendants()
    assert len(everyone) >= len(PROCESSES)

    run.process.send_signal(signal.SIGKILL)
    run.process.wait()

    _gone, alive = psutil.wait_procs(everyone, timeout=40)
    assert alive == []
