"""Posting needs: catalog's POST /api/v1/needs against a bare Flask + SQLAlchemy endpoint,
both on gunicorn with PostgreSQL, loaded in the same run on the same machine.

    python -m bench.post_needs [--seconds 10] [--connections 16] [--rounds 3]

Each round loads the bare endpoint, then catalog, with wrk (peak rate), and
counts the CPU time the gunicorn workers and their PostgreSQL backends spent
per request. After the rounds, catalog is loaded at half its median peak rate
with hey (a fixed rate) for the latency there. Figures are medians over the
rounds; ``ratio`` is catalog's median requests/s over the bare endpoint's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from bench.bare_app import create_table
from bench.loadgen import CpuMeter, gunicorn, hey, load_average, postgres_backends, tree, wrk
from tests.support.servers import throwaway_database
from tests.support.stack import free_port, wait_until

ADMIN = "bench-admin-token-0123456789"


@dataclass
class Endpoint:
    """One app on gunicorn: where to post a need, and which processes do the work."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    database: str

    def cpu(self) -> dict[str, CpuMeter]:
        """Meters of the CPU spent by gunicorn's processes and by PostgreSQL's backends."""
        return {
            "web": CpuMeter(lambda: tree(self.process.pid)),
            "db": CpuMeter(lambda: postgres_backends(self.database)),
        }


def bench_env(database: str, var: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZIRKEL_")}
    return env | {
        "ZIRKEL_SECRET_KEY": "bench-secret-0123456789abcdef",
        "ZIRKEL_ADMIN_TOKEN": ADMIN,
        "ZIRKEL_DATABASE_URL": database,
        "ZIRKEL_VAR_DIR": var,
        "ZIRKEL_WEB_WORKERS": "2",
        "BARE_DATABASE_URL": database,
    }


@contextmanager
def bare_endpoint(env: dict[str, str], var: str, database: str) -> Iterator[Endpoint]:
    """``bench/bare_app.py`` on gunicorn, with catalog's gunicorn settings."""
    create_table(env["BARE_DATABASE_URL"])
    port = free_port()
    process = gunicorn(env, "bench.bare_app:create_app()", port, Path(var) / "bare.log")
    try:
        url = f"http://127.0.0.1:{port}/needs"
        wait_until(lambda: _up(url, post=True), 30, "bare endpoint")
        yield Endpoint("bare", url, process, _database_name(database))
    finally:
        process.terminate()
        process.wait(10)


@contextmanager
def catalog_endpoint(env: dict[str, str], var: str, database: str) -> Iterator[Endpoint]:
    """Catalog's web process on gunicorn, its schema migrated."""
    zirkel = str(Path(sys.executable).parent / "zirkel")
    subprocess.run([zirkel, "migrate", "catalog"], env=env, check=True, capture_output=True)
    port = free_port()
    process = gunicorn(env, "catalog.entrypoints.app:create_app()", port, Path(var) / "catalog.log")
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: _up(f"{base}/health/live"), 30, "catalog")
        yield Endpoint("catalog", f"{base}/api/v1/needs", process, _database_name(database))
    finally:
        process.terminate()
        process.wait(10)


def peak(endpoint: Endpoint, token: str, seconds: int, connections: int) -> dict[str, Any]:
    """One wrk run at peak rate, with the CPU milliseconds spent per request."""
    meters = {part: meter.start() for part, meter in endpoint.cpu().items()}
    figures: dict[str, Any] = wrk(endpoint.url, token, seconds, connections)
    spent = {
        part: meter.stop() * 1000 / max(figures["requests"], 1) for part, meter in meters.items()
    }
    figures["cpu_ms_per_request"] = round(sum(spent.values()), 3)
    figures |= {f"cpu_ms_{part}": round(ms, 3) for part, ms in spent.items()}
    figures["load_average"] = load_average()
    return figures


def run(seconds: int, connections: int, rounds: int) -> dict[str, Any]:
    with throwaway_database() as database, tempfile.TemporaryDirectory() as var:
        env = bench_env(database, var)
        with (
            catalog_endpoint(env, var, database) as catalog,
            bare_endpoint(env, var, database) as bare,
        ):
            token = member_token(catalog.url.removesuffix("/api/v1/needs"))
            for endpoint in (bare, catalog):
                wrk(endpoint.url, token, 2, connections)  # warm up
            runs: dict[str, list[dict[str, Any]]] = {"bare": [], "catalog": []}
            for _ in range(rounds):
                for endpoint in (bare, catalog):
                    runs[endpoint.name].append(peak(endpoint, token, seconds, connections))
            figures: dict[str, Any] = {
                "seconds": seconds,
                "connections": connections,
                "rounds": rounds,
                "bare": median_of(runs["bare"]),
                "catalog": median_of(runs["catalog"]),
                "runs": runs,
            }
            figures["ratio"] = round(figures["catalog"]["rps"] / figures["bare"]["rps"], 3)
            figures["ratios"] = [
                round(c["rps"] / b["rps"], 3)
                for b, c in zip(runs["bare"], runs["catalog"], strict=True)
            ]
            half = figures["catalog"]["rps"] / 2
            figures["catalog_at_half_peak"] = hey(catalog.url, token, seconds, half)
            figures["catalog_at_half_peak"]["load_average"] = load_average()
            return figures


def median_of(runs: list[dict[str, Any]]) -> dict[str, float]:
    keys = ("rps", "p50_ms", "p99_ms", "cpu_ms_per_request", "cpu_ms_web", "cpu_ms_db")
    return {key: round(statistics.median(r[key] for r in runs), 3) for key in keys}


def _database_name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _up(url: str, post: bool = False) -> bool:
    try:
        if post:
            return (
                requests.post(url, json={"sku": "X", "quantity": "1"}, timeout=1).status_code == 201
            )
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def member_token(catalog: str, admin: str = ADMIN) -> str:
    """A member and the product DISP-10L, created over the API; the member's token."""
    headers = {"Authorization": f"Bearer {admin}"}
    member = {
        "name": "Malerbetrieb Bench",
        "trade": "painter",
        "email": "b@bench.example",
        "postcode": "44135",
    }
    created = requests.post(f"{catalog}/api/v1/members", json=member, headers=headers, timeout=5)
    product = {"sku": "DISP-10L", "name": "Dispersionsfarbe", "unit": "Eimer"}
    requests.post(f"{catalog}/api/v1/products", json=product, headers=headers, timeout=5)
    return created.json()["api_token"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(run(args.seconds, args.connections, args.rounds)))


if __name__ == "__main__":
    main()
