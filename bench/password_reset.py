"""Whether asking for a password link takes as long for an unknown address as for a known
one: the web service's ``POST /password/forgot`` with catalog's and notify's apps behind
it in this process, on SQLite, as in the page tests.

    python -m bench.password_reset [--requests 200]

Known and unknown addresses take turns (which goes first alternates), each request from
an address of its own (so no limit is reached); the figures are each side's median and
the difference, in ms, as one JSON line: wall-clock time, and the CPU time of the thread
that answers (everything runs in it), which other load on a shared machine moves less.
SECURITY.md keeps them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from flask import Flask

from catalog.service_layer import commands, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from catalog.service_layer.users import create_user
from shared.db import transaction
from shared.settings import Settings

KNOWN = "eins@maler.example"
UNKNOWN = "niemand@maler.example"
WARM_UP = 20


def stack(var_dir: Path) -> Flask:
    """The web service's app with catalog's and notify's behind it; one user, ``KNOWN``."""
    from catalog.entrypoints.app import create_app as catalog_app
    from notify.entrypoints.app import create_app as notify_app
    from web.clients.in_process import in_process_session
    from web.entrypoints.app import create_app as web_app

    settings = Settings.from_env({"ZIRKEL_SECRET_KEY": "x" * 32, "ZIRKEL_VAR_DIR": str(var_dir)})
    catalog, notify = catalog_app(settings), notify_app(settings)
    for app in (catalog, notify):
        app.extensions["zirkel.runtime"].migrate()
    with transaction(catalog.extensions["zirkel.runtime"].sessions) as db:
        uow = SqlAlchemyUnitOfWork(db)
        member = handlers.register_member(
            commands.RegisterMember("Maler Eins", "painter", KNOWN, "44135"), uow
        )
        create_user(commands.CreateUser(KNOWN, "geheim-123", member_id=member.id), uow)
    urls = settings.service_urls
    web = web_app(settings, in_process_session({urls["catalog"]: catalog, urls["notify"]: notify}))
    web.config["WTF_CSRF_ENABLED"] = False
    return web


def ask(web: Flask, email: str, n: int) -> tuple[float, float]:
    """Seconds the page takes to answer, wall and CPU, asked from an address of its own."""
    client = web.test_client()
    address = {"REMOTE_ADDR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}
    started, cpu = time.perf_counter(), time.thread_time()
    answer = client.post("/password/forgot", data={"email": email}, environ_base=address)
    took = (time.perf_counter() - started, time.thread_time() - cpu)
    assert answer.status_code == 200, answer.status_code
    return took


def measure(web: Flask, requests: int) -> dict[str, float]:
    for n in range(WARM_UP):
        ask(web, (KNOWN, UNKNOWN)[n % 2], 1_000_000 + n)
    took: dict[str, list[tuple[float, float]]] = {KNOWN: [], UNKNOWN: []}
    for n in range(requests):
        for k, email in enumerate((KNOWN, UNKNOWN)[:: 1 if n % 2 else -1]):
            took[email].append(ask(web, email, 2 * n + k))
    figures: dict[str, float] = {"requests": requests}
    for measure_, at in (("", 0), ("cpu_", 1)):
        known, unknown = (statistics.median(t[at] for t in took[e]) * 1000 for e in took)
        figures |= {
            f"known_{measure_}ms": round(known, 3),
            f"unknown_{measure_}ms": round(unknown, 3),
            f"difference_{measure_}ms": round(known - unknown, 3),
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        print(json.dumps(measure(stack(Path(var_dir)), options.requests)))


if __name__ == "__main__":
    main()
