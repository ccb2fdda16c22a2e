"""The embedded default (SQLite + the ``zirkel+sqlite`` transport), the processes ``make run``
starts (without its supervisor, and with two web workers where it has one), beside a bare
Flask + SQLite insert on the same two workers in the same run.

    python -m bench.embedded [--rate 100] [--seconds 20] [--peak-seconds 10] [--idle-seconds 10]
        [--set ZIRKEL_NAME=VALUE ...]

- ``bare``: wrk (8 connections) on ``bench/bare_app.py`` on gunicorn over its own SQLite
  file: requests/s;
- ``peak``: wrk (8 connections) on catalog's ``POST /api/v1/needs``: requests/s, its ratio
  to the bare endpoint's, and how long after the last POST pooling had every need;
- ``fixed``: needs posted at ``--rate`` per second (an open loop on 16 client threads); a
  poller reads pooling's SQLite ``needs`` table every 5 ms; latency is the time a need
  appears there minus the time its 201 came back (p50, p99, max);
- ``idle``: the CPU percent each process of the stack used over ``--idle-seconds`` with
  nothing posted.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bare_app import create_table
from bench.loadgen import CpuMeter, gunicorn, tree, wrk
from bench.pipeline import NEW_NEEDS, PoolWatcher, _answers, _setting, watched_at_rate
from bench.post_needs import member_token
from tests.support.stack import ADMIN_TOKEN, Stack, free_port, wait_until

CONNECTIONS = 8


class EmbeddedStack(Stack):
    """The real processes on the embedded default, two web workers of one thread each
    (``make run`` has one; the bare endpoint gets the same two)."""

    @property
    def env(self) -> dict[str, str]:
        return super().env | {"ZIRKEL_WEB_WORKERS": "2", "ZIRKEL_WEB_THREADS": "1"}


class SQLitePoolWatcher(PoolWatcher):
    """Notes the moment each need shows up in pooling's SQLite table."""

    def __init__(self, path: Path) -> None:
        super().__init__(dsn="")
        self.path = path

    def run(self) -> None:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            self.watch(lambda floor: db.execute(NEW_NEEDS % "?", (floor,)).fetchall())
        finally:
            db.close()


def needs_in(path: Path) -> int:
    """Needs in a service's SQLite file (catalog's: posted; pooling's: pooled)."""
    with sqlite3.connect(path, timeout=30) as db:
        return int(db.execute("SELECT count(*) FROM needs").fetchone()[0])


def peak(stack: Stack, var: Path, token: str, seconds: int) -> dict[str, Any]:
    http = wrk(f"{stack.url('catalog')}/api/v1/needs", token, seconds, CONNECTIONS)
    ended = time.monotonic()
    total = needs_in(var / "catalog.db")
    wait_until(lambda: needs_in(var / "pooling.db") >= total, 300, "every need pooled")
    return http | {"drain_s": round(time.monotonic() - ended, 2), "needs": total}


def fixed(stack: Stack, var: Path, token: str, rate: float, seconds: float) -> dict[str, Any]:
    return watched_at_rate(stack, SQLitePoolWatcher(var / "pooling.db"), token, rate, seconds)


def idle(stack: Stack, seconds: float) -> dict[str, float]:
    """CPU percent of each process (with its children) while nothing happens."""
    meters = {
        name: CpuMeter(lambda p=process: tree(p.pid)).start()
        for name, process in stack.processes.items()
    }
    time.sleep(seconds)
    return {name: round(meter.stop() * 100 / seconds, 2) for name, meter in meters.items()}


def bare_endpoint(stack: Stack, var: Path) -> tuple[str, Any]:
    env = stack.env | {"BARE_DATABASE_URL": f"sqlite:///{var / 'bare.db'}"}
    create_table(env["BARE_DATABASE_URL"])
    with sqlite3.connect(var / "bare.db") as db:
        db.execute("PRAGMA journal_mode=WAL")
    port = free_port()
    process = gunicorn(env, "bench.bare_app:create_app()", port, var / "bare.log", "-")
    url = f"http://127.0.0.1:{port}/needs"
    wait_until(lambda: _answers(url), 30, "bare endpoint")
    return url, process


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as directory:
        var = Path(directory)
        stack = EmbeddedStack(var, extra_env=dict(args.set))
        bare = None
        try:
            stack.start()
            token = member_token(stack.url("catalog"), ADMIN_TOKEN)
            time.sleep(2)  # the start's own events settle
            figures: dict[str, Any] = {"idle_cpu_percent": idle(stack, args.idle_seconds)}
            bare_url, bare = bare_endpoint(stack, var)
            wrk(bare_url, token, 2, CONNECTIONS)  # warm up
            figures["bare"] = wrk(bare_url, token, args.peak_seconds, CONNECTIONS)
            figures["peak"] = peak(stack, var, token, args.peak_seconds)
            figures["ratio"] = round(figures["peak"]["rps"] / figures["bare"]["rps"], 3)
            figures["fixed"] = fixed(stack, var, token, args.rate, args.seconds)
            return figures
        except Exception:
            print(stack.logs(), file=sys.stderr)
            raise
        finally:
            if bare is not None:
                bare.terminate()
                bare.wait(10)
            stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=20, help="of the fixed-rate phase")
    parser.add_argument("--peak-seconds", type=int, default=10)
    parser.add_argument("--idle-seconds", type=float, default=10)
    parser.add_argument(
        "--set", action="append", default=[], type=_setting, metavar="ZIRKEL_NAME=VALUE"
    )
    print(json.dumps(run(parser.parse_args())))


if __name__ == "__main__":
    main()
