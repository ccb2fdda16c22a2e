"""From a member's POST to the pool: needs sent over HTTP into the whole stack (catalog's
web and outbox relay, RabbitMQ, pooling's consumer, on PostgreSQL), timed until pooling
has committed them, beside the bare insert endpoint in the same run.

    python -m bench.pipeline [--rate 200] [--seconds 20] [--peak-seconds 10] [--rounds 3]
        [--set ZIRKEL_NAME=VALUE ...]

Each round:

- ``bare``: wrk (16 connections) on ``bench/bare_app.py`` on gunicorn: requests/s;
- ``peak``: wrk (16 connections) on catalog's ``POST /api/v1/needs`` for
  ``--peak-seconds``; the sustained rate is the needs posted divided by the time
  from the first POST until pooling has committed the last of them;
- ``fixed``: needs posted at ``--rate`` per second (an open loop: each POST at its
  scheduled time, on 16 client threads); a poller reads pooling's ``needs`` table
  every 5 ms and takes the time each need appears there; the latency is that
  time minus the time its 201 came back, as p50 and p99.

Figures are medians over the rounds; the 1-minute load average comes with each.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import psycopg

from bench.bare_app import create_table
from bench.loadgen import NEED, CpuMeter, gunicorn, load_average, postgres_backends, tree, wrk
from bench.post_needs import member_token
from tests.support.servers import throwaway_database, throwaway_vhost
from tests.support.stack import ADMIN_TOKEN, Stack, free_port, wait_until

POLL_SECONDS = 0.005
NEW_NEEDS = "SELECT need_id FROM needs WHERE need_id > %s"
CLIENT_THREADS = 16


class BenchStack(Stack):
    """The real processes, with web workers as ``make bench-post`` runs them, and any
    further settings in ``extra_env``."""

    extra_env: dict[str, str] = {}  # set per run, read by ``env``

    @property
    def env(self) -> dict[str, str]:
        workers = {"ZIRKEL_WEB_WORKERS": "2", "ZIRKEL_WEB_THREADS": "1"}
        return super().env | workers | self.extra_env


class PoolWatcher(threading.Thread):
    """Notes the moment each need shows up in pooling's table (committed by its consumer)."""

    def __init__(self, dsn: str) -> None:
        super().__init__(daemon=True)
        self.dsn = dsn
        self.seen: dict[int, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as db:
            db.execute("SET search_path TO pooling")
            self.watch(lambda floor: db.execute(NEW_NEEDS % "%s", (floor,)).fetchall())

    def watch(self, new_needs: Callable[[int], list[tuple[int]]]) -> None:
        """Every 5 ms until stopped: the ids above the highest seen without a gap."""
        floor = 0  # every need id up to here has been seen
        while not self.stop.wait(POLL_SECONDS):
            rows = new_needs(floor)
            now = time.monotonic()
            for (need_id,) in rows:
                self.seen.setdefault(need_id, now)
            while floor + 1 in self.seen:
                floor += 1


def post_at_rate(url: str, token: str, rate: float, seconds: float) -> dict[int, float]:
    """POST ``rate`` needs a second for ``seconds``; the time each need's 201 came back."""
    host, port, path = _split(url)
    total = int(rate * seconds)
    numbers = itertools.count()
    lock = threading.Lock()
    answered: dict[int, float] = {}
    start = time.monotonic() + 0.1
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def client() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        while True:
            with lock:
                number = next(numbers)
            if number >= total:
                return
            time.sleep(max(0.0, start + number / rate - time.monotonic()))
            connection.request("POST", path, NEED, headers)
            response = connection.getresponse()
            body = response.read()
            if response.status == 201:
                answered[json.loads(body)["id"]] = time.monotonic()

    threads = [threading.Thread(target=client) for _ in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answered


def fixed_rate(stack: Stack, dsn: str, token: str, rate: float, seconds: float) -> dict[str, Any]:
    """Needs at ``rate``/s: how long from each 201 until pooling has the need."""
    return watched_at_rate(stack, PoolWatcher(dsn), token, rate, seconds)


def watched_at_rate(
    stack: Stack, watcher: PoolWatcher, token: str, rate: float, seconds: float
) -> dict[str, Any]:
    """Needs posted at ``rate``/s while ``watcher`` notes when each reaches the pool."""
    watcher.start()
    started = time.monotonic()
    answered = post_at_rate(f"{stack.url('catalog')}/api/v1/needs", token, rate, seconds)
    posting = time.monotonic() - started
    wait_until(lambda: all(n in watcher.seen for n in answered), 300, "every need pooled")
    watcher.stop.set()
    watcher.join()
    latencies = sorted((watcher.seen[n] - t) * 1000 for n, t in answered.items())
    return {
        "rate": rate,
        "needs": len(answered),
        "posted_per_s": round(len(answered) / posting, 1),
        "p50_ms": round(_percentile(latencies, 50), 1),
        "p99_ms": round(_percentile(latencies, 99), 1),
        "max_ms": round(latencies[-1], 1),
        "within_5s": sum(1 for ms in latencies if ms <= 5000),
        "load_average": load_average(),
    }


def meters(stack: Stack, database: str) -> dict[str, CpuMeter]:
    """CPU meters of every process of the stack, of the database's backends and of the
    broker, to see where a need's CPU goes."""
    found = {
        name: CpuMeter(lambda p=process: tree(p.pid)) for name, process in stack.processes.items()
    }
    found["postgres"] = CpuMeter(lambda: postgres_backends(database))
    found["rabbitmq"] = CpuMeter(
        lambda: [p for p in psutil.process_iter(["name"]) if p.info["name"] == "beam.smp"]
    )
    return found


def peak(stack: Stack, dsn: str, token: str, seconds: int) -> dict[str, Any]:
    """Needs as fast as wrk posts them: the rate until pooling has committed them all, and
    the CPU milliseconds each process spent per need."""
    with psycopg.connect(dsn, autocommit=True) as db:
        before = _counts(db)
        cpu = {part: meter.start() for part, meter in meters(stack, dsn.rsplit("/", 1)[1]).items()}
        started = time.monotonic()
        http = wrk(f"{stack.url('catalog')}/api/v1/needs", token, seconds, 16)
        posted = _counts(db)[0] - before[0]
        wait_until(lambda: _counts(db)[1] - before[1] >= posted, 120, "every need pooled")
        elapsed = time.monotonic() - started
        spent = {part: meter.stop() * 1000 / max(posted, 1) for part, meter in cpu.items()}
    return {
        "cpu_ms_per_need": {part: round(ms, 3) for part, ms in spent.items()},
        "http_rps": http["rps"],
        "http_p99_ms": http["p99_ms"],
        "needs": posted,
        "sustained_per_s": round(posted / elapsed, 1),
        "drain_s": round(elapsed - seconds, 2),
        "load_average": load_average(),
    }


def pooled_count(db: psycopg.Connection[Any]) -> int:
    """Needs pooling has committed."""
    return _counts(db)[1]


def _counts(db: psycopg.Connection[Any]) -> tuple[int, int]:
    """Needs in catalog and in pooling."""
    row = db.execute(
        "SELECT (SELECT count(*) FROM catalog.needs), (SELECT count(*) FROM pooling.needs)"
    ).fetchone()
    assert row is not None
    return row[0], row[1]


@contextmanager
def bare_endpoint(stack: Stack, var: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The bare endpoint on gunicorn beside the stack: its URL and gunicorn's process."""
    env = stack.env | {"BARE_DATABASE_URL": stack.database_url or ""}
    create_table(env["BARE_DATABASE_URL"])
    port = free_port()
    # Its access log written like catalog's in the stack: the same gunicorn settings.
    process = gunicorn(env, "bench.bare_app:create_app()", port, var / "bare.log", "-")
    url = f"http://127.0.0.1:{port}/needs"
    try:
        wait_until(lambda: _answers(url), 30, "bare endpoint")
        yield url, process
    finally:
        process.terminate()
        process.wait(10)


def run(
    rate: float,
    seconds: float,
    peak_seconds: int,
    rounds: int,
    settings: dict[str, str] | None = None,
) -> dict[str, Any]:
    with (
        throwaway_vhost() as broker,
        throwaway_database() as database,
        tempfile.TemporaryDirectory() as var,
    ):
        stack = BenchStack(Path(var), broker_url=broker, database_url=database)
        stack.extra_env = settings or {}
        dsn = database.replace("postgresql+psycopg://", "postgresql://")
        try:
            stack.start()
            token = member_token(stack.url("catalog"), ADMIN_TOKEN)
            with bare_endpoint(stack, Path(var)) as (bare_url, _):
                wrk(bare_url, token, 2, 16)  # warm up
                runs: dict[str, list[dict[str, Any]]] = {"bare": [], "peak": [], "fixed": []}
                for _ in range(rounds):
                    bare = wrk(bare_url, token, peak_seconds, 16)
                    runs["bare"].append(bare | {"load_average": load_average()})
                    runs["peak"].append(peak(stack, dsn, token, peak_seconds))
                    runs["fixed"].append(fixed_rate(stack, dsn, token, rate, seconds))
        except Exception:
            print(stack.logs(), file=sys.stderr)
            raise
        finally:
            stack.stop()
    return summary(runs)


def summary(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    def median(phase: str, key: str) -> float:
        return round(statistics.median(r[key] for r in runs[phase]), 1)

    figures = {
        "bare_rps": median("bare", "rps"),
        "peak_http_rps": median("peak", "http_rps"),
        "peak_sustained_per_s": median("peak", "sustained_per_s"),
        "fixed_rate_p50_ms": median("fixed", "p50_ms"),
        "fixed_rate_p99_ms": median("fixed", "p99_ms"),
    }
    figures["ratio"] = round(
        statistics.median(
            p["sustained_per_s"] / b["rps"] for b, p in zip(runs["bare"], runs["peak"], strict=True)
        ),
        3,
    )
    return figures | {"runs": runs}


def _percentile(ordered: list[float], percent: float) -> float:
    index = min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered)) - 1))
    return ordered[index]


def _split(url: str) -> tuple[str, int, str]:
    rest = url.removeprefix("http://")
    address, _, path = rest.partition("/")
    host, _, port = address.partition(":")
    return host, int(port), f"/{path}"


def _answers(url: str) -> bool:
    host, port, path = _split(url)
    try:
        connection = http.client.HTTPConnection(host, port, timeout=1)
        connection.request("POST", path, NEED, {"Content-Type": "application/json"})
        return connection.getresponse().status == 201
    except OSError:
        return False


def _setting(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not name.startswith("ZIRKEL_") or not equals:
        raise argparse.ArgumentTypeError(f"--set ZIRKEL_NAME=VALUE, not {text!r}")
    return name, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=20, help="of the fixed-rate phase")
    parser.add_argument("--peak-seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        type=_setting,
        metavar="ZIRKEL_NAME=VALUE",
        help="a setting of the stack's processes (again for more)",
    )
    args = parser.parse_args()
    figures = run(args.rate, args.seconds, args.peak_seconds, args.rounds, dict(args.set))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
