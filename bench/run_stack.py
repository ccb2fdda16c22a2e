"""``make run`` as a cooperative starts it: how long until every service answers, and the
CPU every process uses while nothing happens.

    python -m bench.run_stack [--idle-seconds 60] [--settle-seconds 5] [--rounds 1]
        [--set ZIRKEL_NAME=VALUE ...]

Each round, in a fresh directory on free ports:

- ``first``: ``zirkel run`` on an empty ``var/`` (every migration, the demo seed): seconds
  from the command until its banner (``banner_s``) and until every service answers
  ``/health/ready`` (``ready_s``), polled every 20 ms;
- ``again``: stopped with SIGTERM and started again on the same ``var/`` (schemas at
  head, catalog seeded), as every later ``make run`` starts;
- ``direct``: the same processes started without a supervisor, as ``zirkel run`` did
  before it became supervisord (the launcher's migrations and seed, then each command of
  ``zirkel.launcher.processes`` spawned at once), on the same ``var/``;
- ``idle_cpu_percent``: after ``again`` and ``--settle-seconds``, the CPU percent (user +
  system, psutil) of each supervised process with its children, and of supervisord itself,
  over ``--idle-seconds`` with nothing asked of the stack.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
import requests

from bench.loadgen import CpuMeter, cpu_seconds, tree
from bench.pipeline import _setting
from tests.support.stack import wait_until
from tests.support.supervised_run import Run, environment

POLL = 0.02  # seconds between two looks at the health endpoints while starting
BANNER = b"Zirkel is starting"
DIRECT = """
import os, subprocess, sys
from shared.settings import SERVICES, Settings
from zirkel.cli import migrate
from zirkel.launcher import prepare_environment, processes
from zirkel.seed import seed
env = prepare_environment()
os.environ.update(env)
settings = Settings.from_env(env)
migrate(settings, SERVICES)
seed(settings)
print("Zirkel is starting", flush=True)
children = [subprocess.Popen(command.split(), env=env) for command in processes().values()]
try:
    children[0].wait()
finally:
    for child in children:
        child.terminate()
    for child in children:
        child.wait()
"""


def timed_start(
    root: int, url: dict[str, str], log: Path, offset: int, started: float, seconds: float = 180
) -> dict[str, float]:
    """Seconds from ``started`` until the banner appears in ``log`` after ``offset`` and
    until every service (by its URL) answers ready, and the CPU seconds the process
    ``root`` and its descendants had used by then (a figure the machine's other load
    barely changes, where the wall time on 2 shared cores moves with it)."""
    left, figures = set(url), {}
    deadline = started + seconds
    while left and time.monotonic() < deadline:
        if "banner_s" not in figures and BANNER in log.read_bytes()[offset:]:
            figures |= {"banner_s": time.monotonic() - started, "banner_cpu_s": cpu(root)}
        left = {service for service in left if not _ready(url[service])}
        if left:
            time.sleep(POLL)
    if left:
        tail = log.read_text(errors="replace")[-4000:]
        raise AssertionError(f"not ready after {seconds} s: {sorted(left)}\n{tail}")
    figures |= {"ready_s": time.monotonic() - started, "ready_cpu_s": cpu(root)}
    return {name: round(value, 2) for name, value in figures.items()}


def cpu(root: int) -> float:
    """CPU seconds (user + system) of a process and its descendants, living ones only."""
    return sum(cpu_seconds(process) for process in tree(root))


def _ready(url: str) -> bool:
    try:
        return requests.get(f"{url}/health/ready", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def supervised(
    var: Path, env: dict[str, str], ports: dict[str, int] | None = None
) -> tuple[Run, dict[str, float]]:
    """``zirkel run`` on ``var``, timed until every service answers."""
    log = var.parent / "run.log"
    offset = log.stat().st_size if log.exists() else 0
    started = time.monotonic()
    run = Run(var, extra_env=env, ports=ports)
    try:
        urls = {service: run.url(service) for service in run.ports}
        return run, timed_start(run.process.pid, urls, run.log, offset, started)
    except BaseException:
        stop(run.process)
        raise


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(60)


def direct(var: Path, env: dict[str, str], ports: dict[str, int]) -> dict[str, float]:
    """The processes without a supervisor, on ``var`` (see the module's docstring)."""
    log = var.parent / "direct.log"
    with log.open("wb") as out:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-c", DIRECT],
            env=environment(var, ports) | env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        urls = {service: f"http://127.0.0.1:{port}" for service, port in ports.items()}
        return timed_start(process.pid, urls, log, 0, started)
    finally:
        stop(process)


def idle(run: Run, seconds: float) -> dict[str, float]:
    """CPU percent of each supervised process (with its children) and of supervisord."""
    pids = {name: process.pid for name, process in run.supervised().items()}
    meters = {name: CpuMeter(lambda pid=pid: tree(pid)).start() for name, pid in pids.items()}
    supervisord = psutil.Process(run.process.pid)
    meters["supervisord"] = CpuMeter(lambda: [supervisord]).start()
    time.sleep(seconds)
    figures = {name: round(meter.stop() * 100 / seconds, 2) for name, meter in meters.items()}
    return dict(sorted(figures.items())) | {"all": round(sum(figures.values()), 2)}


def one_round(directory: Path, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    var = directory / "var"
    figures: dict[str, Any] = {}
    run, figures["first"] = supervised(var, env)
    stop(run.process)
    run, figures["again"] = supervised(var, env, run.ports)
    try:
        wait_until(lambda: len(run.supervised()) > 0, 30, "supervisord answering")
        time.sleep(args.settle_seconds)
        figures["idle_cpu_percent"] = idle(run, args.idle_seconds)
    finally:
        stop(run.process)
    figures["direct"] = direct(var, env, run.ports)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle-seconds", type=float, default=60)
    parser.add_argument("--settle-seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--set", action="append", default=[], type=_setting, metavar="ZIRKEL_NAME=VALUE"
    )
    args = parser.parse_args()
    rounds = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as directory:
            rounds.append(one_round(Path(directory), dict(args.set), args))
    print(json.dumps(rounds[0] if len(rounds) == 1 else {"rounds": rounds}))


if __name__ == "__main__":
    main()
