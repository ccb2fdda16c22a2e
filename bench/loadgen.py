"""What the HTTP benchmarks share: gunicorn processes, wrk (closed loop, peak rate), hey (a
fixed rate), the CPU a set of processes spent, and the machine's load while it ran."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
NEED = '{"sku": "DISP-10L", "quantity": "6.5"}'
WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = '%s'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
"""


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (what ``uptime`` shows)."""
    return [round(x, 2) for x in os.getloadavg()]


def gunicorn(
    env: dict[str, str], app: str, port: int, log: Path, access_log: str = "/dev/null"
) -> subprocess.Popen[bytes]:
    """``app`` on gunicorn with catalog's settings (workers from ``ZIRKEL_WEB_WORKERS``);
    its access log to ``access_log`` ("-": into ``log``, as the services write theirs)."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-c",
        str(ROOT / "services/catalog/gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        access_log,
        app,
    ]
    return subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def wrk(url: str, token: str, seconds: int, connections: int) -> dict[str, float]:
    """POST one need over and over on ``connections`` keep-alive connections (peak rate)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % (NEED, token))
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    try:
        out = subprocess.run(
            [*command, "-s", script.name, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def hey(url: str, token: str, seconds: float, rate: float, workers: int = 16) -> dict[str, float]:
    """POST one need at a fixed ``rate`` per second (each of ``workers`` paced at rate/workers)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as body:
        body.write(NEED)
    pace = ["-z", f"{seconds}s", "-c", str(workers), "-q", f"{rate / workers:.2f}"]
    post = ["-m", "POST", "-T", "application/json", "-H", f"Authorization: Bearer {token}"]
    try:
        out = subprocess.run(
            ["hey", *pace, *post, "-D", body.name, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(body.name)
    statuses = dict(re.findall(r"\[(\d{3})\]\s+(\d+) responses", out))
    return {
        "rate": rate,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": float(re.search(r"50%+ in ([\d.]+) secs", out).group(1)) * 1000,
        "p99_ms": float(re.search(r"99%+ in ([\d.]+) secs", out).group(1)) * 1000,
        "non_2xx": sum(int(n) for code, n in statuses.items() if not code.startswith("2")),
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


class CpuMeter:
    """CPU seconds (user + system) that some processes spend between ``start`` and ``stop``:
    a measure of work that other load on the machine barely changes. ``find`` lists the
    processes; one that appears during the run counts with all its CPU time."""

    def __init__(self, find: Callable[[], list[psutil.Process]]) -> None:
        self.find = find
        self.before: dict[int, float] = {}

    def start(self) -> CpuMeter:
        self.before = {p.pid: cpu_seconds(p) for p in self.find()}
        return self

    def stop(self) -> float:
        return sum(cpu_seconds(p) - self.before.get(p.pid, 0.0) for p in self.find())


def cpu_seconds(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return times.user + times.system


def tree(pid: int) -> list[psutil.Process]:
    """A process and all its descendants (gunicorn's master and workers)."""
    parent = psutil.Process(pid)
    return [parent, *parent.children(recursive=True)]


def postgres_backends(database: str) -> list[psutil.Process]:
    """The PostgreSQL server processes serving connections to ``database``."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if cmdline.startswith("postgres:") and f" {database} " in f"{cmdline} ":
            found.append(process)
    return found
