"""Memory after many needs: the resident set of every web worker and every consumer (service
worker) process of the whole stack, after N needs went through it.

    python -m bench.memory [--needs 100000]

The needs are posted over HTTP (hey, 16 concurrent connections) to catalog's
``POST /api/v1/needs`` on the real stack (PostgreSQL, RabbitMQ), so they pass
the same handlers, outbox, relay and pooling consumer as a member's would.
RSS is read from /proc (psutil) before the first need and after pooling has
committed the last one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
import psycopg

from bench.loadgen import NEED, load_average
from bench.pipeline import BenchStack, pooled_count
from bench.post_needs import member_token
from shared.settings import WEB
from tests.support.servers import throwaway_database, throwaway_vhost
from tests.support.stack import ADMIN_TOKEN, Stack, wait_until

LIMIT_MB = 150


def resident_mb(stack: Stack) -> dict[str, float]:
    """RSS in MB of each web worker (gunicorn's children) and each service worker process."""
    sizes: dict[str, float] = {}
    for name, process in stack.processes.items():
        root = psutil.Process(process.pid)
        if name.endswith("-web") or name == WEB:  # gunicorn: its workers
            for number, child in enumerate(root.children(), start=1):
                sizes[f"{name}-{number}"] = _mb(child)
        else:
            sizes[name] = _mb(root)
    return sizes


def _mb(process: psutil.Process) -> float:
    return round(process.memory_info().rss / 2**20, 1)


def post_needs(url: str, token: str, count: int) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".json") as body:
        body.write(NEED)
        body.flush()
        post = ["-m", "POST", "-T", "application/json", "-H", f"Authorization: Bearer {token}"]
        return subprocess.run(
            ["hey", "-n", str(count), "-c", "16", *post, "-D", body.name, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def run(needs: int) -> dict[str, Any]:
    with (
        throwaway_vhost() as broker,
        throwaway_database() as database,
        tempfile.TemporaryDirectory() as var,
    ):
        stack = BenchStack(Path(var), broker_url=broker, database_url=database)
        dsn = database.replace("postgresql+psycopg://", "postgresql://")
        try:
            stack.start()
            token = member_token(stack.url("catalog"), ADMIN_TOKEN)
            before = resident_mb(stack)
            started = time.monotonic()
            report = post_needs(f"{stack.url('catalog')}/api/v1/needs", token, needs)
            with psycopg.connect(dsn, autocommit=True) as db:
                wait_until(lambda: pooled_count(db) >= needs, 600, "every need pooled")
            elapsed = time.monotonic() - started
            after = resident_mb(stack)
        except Exception:
            print(stack.logs(), file=sys.stderr)
            raise
        finally:
            stack.stop()
    return {
        "needs": needs,
        "seconds": round(elapsed, 1),
        "created_201": _created(report),
        "rss_mb_before": before,
        "rss_mb_after": after,
        "over_limit": {name: mb for name, mb in after.items() if mb >= LIMIT_MB},
        "load_average": load_average(),
    }


def _created(report: str) -> int:
    for line in report.splitlines():
        if "[201]" in line:
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=100_000)
    args = parser.parse_args()
    print(json.dumps(run(args.needs)))


if __name__ == "__main__":
    main()
