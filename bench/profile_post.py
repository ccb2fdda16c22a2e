"""Where a posted need's time goes: catalog's ``POST /api/v1/needs`` against the bare endpoint,
in one process, each WSGI app called directly (no server, no client) on PostgreSQL.

    python -m bench.profile_post [--posts 1000] [--pyinstrument profile.html]
    python -m bench.profile_post --callgrind [--posts 200]

The first form reports the CPU time a post costs this process (``time.process_time``:
what the web worker itself spends, database round trips excluded) and, with
``--pyinstrument``, writes catalog's profile. ``--callgrind`` counts the
instructions a post executes instead, under ``valgrind --tool=callgrind``, which no
other load on the machine changes: the app starts with instrumentation off, and it
is switched on (``callgrind_control -i on``) for the posts alone.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.test import EnvironBuilder

from bench.bare_app import create_table
from bench.loadgen import NEED, load_average
from tests.support.servers import throwaway_database

ADMIN = "bench-admin-token-0123456789"
WARM_UP = 50

WsgiCall = Callable[[], None]


def prepare(database: str, var: str) -> dict[str, str]:
    """Settings for both apps on ``database``; catalog migrated, a member and product in it."""
    env = {
        "ZIRKEL_SECRET_KEY": "bench-secret-0123456789abcdef",
        "ZIRKEL_ADMIN_TOKEN": ADMIN,
        "ZIRKEL_DATABASE_URL": database,
        "ZIRKEL_VAR_DIR": var,
        "BARE_DATABASE_URL": database,
    }
    os.environ.update(env)
    from catalog.bootstrap import build_runtime
    from catalog.entrypoints.app import create_app
    from shared.settings import Settings

    build_runtime(Settings.from_env()).migrate()
    create_table(database)
    client = create_app().test_client()
    admin = {"Authorization": f"Bearer {ADMIN}"}
    member = {"name": "Bench", "trade": "painter", "email": "b@b.example", "postcode": "44135"}
    created = client.post("/api/v1/members", json=member, headers=admin).json
    product = {"sku": "DISP-10L", "name": "Dispersionsfarbe", "unit": "Eimer"}
    client.post("/api/v1/products", json=product, headers=admin)
    return env | {"BENCH_MEMBER_TOKEN": created["api_token"]}


def wsgi_post(app_name: str) -> WsgiCall:
    """One POST of a need straight into the app's WSGI callable; asserts the 201."""
    if app_name == "catalog":
        from catalog.entrypoints.app import create_app

        app, path = create_app(), "/api/v1/needs"
        headers = {"Authorization": f"Bearer {os.environ['BENCH_MEMBER_TOKEN']}"}
    else:
        from bench.bare_app import create_app as create_bare

        app, path, headers = create_bare(), "/needs", {}
    environ = EnvironBuilder(
        path=path, method="POST", data=NEED, headers=headers, content_type="application/json"
    ).get_environ()
    body = NEED.encode()

    def post() -> None:
        statuses: list[str] = []
        request = environ | {"wsgi.input": io.BytesIO(body)}
        answer = b"".join(app(request, lambda s, h, e=None: statuses.append(s)))
        assert statuses[0].startswith("201"), (statuses, answer)

    return post


def cpu_per_post(app_name: str, posts: int, profile: Path | None = None) -> float:
    """CPU milliseconds of this process per post (after a warm-up); with ``profile``, the
    posts are then made once more under pyinstrument, whose report goes there."""
    post = wsgi_post(app_name)
    for _ in range(WARM_UP):
        post()
    started = time.process_time()
    for _ in range(posts):
        post()
    spent = time.process_time() - started
    if profile is not None:
        from pyinstrument import Profiler

        with Profiler(interval=0.0005) as profiler:
            for _ in range(posts):
                post()
        profile.write_text(profiler.output_html())
    return round(spent * 1000 / posts, 3)


def instructions_per_post(app_name: str, posts: int, env: dict[str, str]) -> float:
    """Instructions per post under callgrind: switched on for the posts only."""
    with tempfile.TemporaryDirectory() as out:
        output = Path(out) / "callgrind.out"
        valgrind = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
        this = [sys.executable, "-m", "bench.profile_post", "--inner", app_name]
        inner = subprocess.Popen(
            [*valgrind, f"--callgrind-out-file={output}", *this, "--posts", str(posts)],
            env=os.environ | env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert inner.stdin is not None and inner.stdout is not None
        assert inner.stdout.readline().strip() == "ready"
        subprocess.run(
            ["callgrind_control", "-i", "on", str(inner.pid)], check=True, capture_output=True
        )
        inner.stdin.write("go\n")
        inner.stdin.flush()
        inner.wait(3600)
        totals = re.search(r"^summary:\s+(\d+)", output.read_text(), re.MULTILINE)
        assert totals is not None
        return round(int(totals.group(1)) / posts)


def inner(app_name: str, posts: int) -> None:
    """Under callgrind: warm up, say ready, wait until instrumentation is on, post, leave."""
    post = wsgi_post(app_name)
    for _ in range(WARM_UP):
        post()
    print("ready", flush=True)
    sys.stdin.readline()
    time.sleep(1)  # callgrind_control's request is picked up asynchronously
    for _ in range(posts):
        post()
    os._exit(0)  # no interpreter teardown in the count


def run(posts: int, callgrind: bool, profile: Path | None) -> dict[str, Any]:
    with throwaway_database() as database, tempfile.TemporaryDirectory() as var:
        env = prepare(database, var)
        os.environ.update(env)
        figures: dict[str, Any] = {"posts": posts}
        if callgrind:
            for app_name in ("bare", "catalog"):
                figures[f"{app_name}_instructions"] = instructions_per_post(app_name, posts, env)
            ratio = figures["catalog_instructions"] / figures["bare_instructions"]
        else:
            figures["bare_cpu_ms"] = cpu_per_post("bare", posts)
            figures["catalog_cpu_ms"] = cpu_per_post("catalog", posts, profile)
            ratio = figures["catalog_cpu_ms"] / figures["bare_cpu_ms"]
        figures["catalog_over_bare"] = round(ratio, 2)
        figures["load_average"] = load_average()
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--callgrind", action="store_true")
    parser.add_argument("--pyinstrument", type=Path, help="write catalog's profile (HTML) here")
    parser.add_argument("--inner", choices=["bare", "catalog"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.inner, args.posts)
        return
    print(json.dumps(run(args.posts, args.callgrind, args.pyinstrument)))


if __name__ == "__main__":
    main()
