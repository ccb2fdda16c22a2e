"""Posting needs: catalog's POST /api/v1/needs against a bare Flask + SQLAlchemy endpoint,
both on gunicorn with PostgreSQL, loaded by wrk in the same run on the same machine.

    python -m bench.post_needs [--seconds 10] [--connections 16]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

from tests.support.servers import throwaway_database
from tests.support.stack import free_port, wait_until

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "bench-admin-token-0123456789"
LUA = """
wrk.method = "POST"
wrk.body = '{"sku": "DISP-10L", "quantity": "6.5"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
"""


def gunicorn(env: dict[str, str], app: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-c",
        str(ROOT / "services/catalog/gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "/dev/null",
        app,
    ]
    return subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def wrk(url: str, token: str, seconds: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % token)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "non_2xx": float(m.group(1)) if (m := re.search(r"Non-2xx.*?(\d+)", out)) else 0.0,
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run(seconds: int, connections: int) -> dict[str, object]:
    with throwaway_database() as database, tempfile.TemporaryDirectory() as var:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZIRKEL_")}
        env |= {
            "ZIRKEL_SECRET_KEY": "bench-secret-0123456789abcdef",
            "ZIRKEL_ADMIN_TOKEN": ADMIN,
            "ZIRKEL_DATABASE_URL": database,
            "ZIRKEL_VAR_DIR": var,
            "ZIRKEL_WEB_WORKERS": "2",
            "BARE_DATABASE_URL": database,
        }
        subprocess.run(
            [str(Path(sys.executable).parent / "zirkel"), "migrate", "catalog"],
            env=env,
            check=True,
            capture_output=True,
        )
        ports = {"catalog": free_port(), "bare": free_port()}
        processes = [
            gunicorn(
                env, "catalog.entrypoints.app:create_app()", ports["catalog"], Path(var) / "c.log"
            ),
            gunicorn(env, "bench.bare_app:create_app()", ports["bare"], Path(var) / "b.log"),
        ]
        try:
            catalog = f"http://127.0.0.1:{ports['catalog']}"
            wait_until(lambda: _up(f"{catalog}/health/live"), 30, "catalog")
            token = _member_token(catalog)
            bare = f"http://127.0.0.1:{ports['bare']}"
            wait_until(lambda: _up(f"{bare}/needs", post=True), 30, "bare endpoint")
            figures: dict[str, object] = {"seconds": seconds, "connections": connections}
            for name, url in (("bare", f"{bare}/needs"), ("catalog", f"{catalog}/api/v1/needs")):
                wrk(url, token, 2, connections)  # warm up
                figures[name] = wrk(url, token, seconds, connections)
            figures["ratio"] = round(figures["catalog"]["rps"] / figures["bare"]["rps"], 3)
            return figures
        finally:
            for process in processes:
                process.terminate()
                process.wait(10)


def _up(url: str, post: bool = False) -> bool:
    try:
        if post:
            return (
                requests.post(url, json={"sku": "X", "quantity": "1"}, timeout=1).status_code == 201
            )
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def _member_token(catalog: str) -> str:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    member = {
        "name": "Malerbetrieb Bench",
        "trade": "painter",
        "email": "b@bench.example",
        "postcode": "44135",
    }
    created = requests.post(
        f"{catalog}/api/v1/members", json=member, headers=admin, timeout=5
    ).json()
    product = {"sku": "DISP-10L", "name": "Dispersionsfarbe", "unit": "Eimer"}
    requests.post(f"{catalog}/api/v1/products", json=product, headers=admin, timeout=5)
    return created["api_token"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    print(json.dumps(run(args.seconds, args.connections)))


if __name__ == "__main__":
    main()
