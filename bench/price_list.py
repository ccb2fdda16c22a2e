"""A large price list: how long its upload takes, and what its events do to the embedded stack.

    python -m bench.price_list [--rows 5000 10000] [--database sqlite postgres]
                               [--stack-rows 5000] [--no-stack]

``upload``: catalog's app (its Flask test client, in this process) on a fresh SQLite file
or a throwaway PostgreSQL database; one supplier uploads a list of ``rows`` new products
and the request's wall time is taken, with the ``catalog.offer.updated`` events it left
in the outbox.

``stack``: the real processes on the embedded default (SQLite files, the ``sqla+sqlite``
broker), started as the end-to-end tests start them. A list of ``--stack-rows`` new
products is uploaded over HTTP while another client asks catalog for its suppliers
again and again, and goes on asking until catalog's outbox is empty. Printed: the
upload's time, the time until the relay has published every event, and how catalog
answered meanwhile (the slowest answer during the upload and overall, and how many
were not 200).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import func, select

from bench.relay import outbox_database
from catalog.entrypoints.app import create_app
from shared.metrics import MULTIPROC_ENV
from shared.settings import Settings
from tests.support.stack import ADMIN_TOKEN, Client, Stack

HEADER = "sku;name;unit;pack_size;tiers;valid_from"
SUPPLIER = {"name": "Baustoffe Bench", "email": "bench@example.com", "shipping_fee": "19.00"}


def price_list(rows: int, prefix: str = "B") -> str:
    """A CSV price list of ``rows`` products the catalog does not know yet."""
    lines = [HEADER]
    lines += [
        f"{prefix}{n:06d};Artikel {n};piece;{1 + n % 12};0:{4 + n % 90}.20|50:{3 + n % 90}.95;"
        for n in range(rows)
    ]
    return "\n".join(lines) + "\n"


def upload(rows: int, kind: str) -> dict[str, Any]:
    """Catalog's upload of ``rows`` new products, timed, on SQLite or PostgreSQL."""
    with tempfile.TemporaryDirectory() as var_dir, outbox_database(kind) as url:
        env = {"ZIRKEL_SECRET_KEY": "b" * 32, "ZIRKEL_ADMIN_TOKEN": ADMIN_TOKEN}
        env |= {"ZIRKEL_VAR_DIR": var_dir} | ({"ZIRKEL_DATABASE_URL": url} if url else {})
        app = create_app(Settings.from_env(env))
        runtime = app.extensions["zirkel.runtime"]
        runtime.migrate()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        supplier = client.post("/api/v1/suppliers", json=SUPPLIER, headers=headers).get_json()
        body = price_list(rows)
        started = time.perf_counter()
        response = client.post(
            f"/api/v1/price-lists/{supplier['id']}",
            data=body,
            headers=headers,
            content_type="text/csv",
        )
        seconds = time.perf_counter() - started
        outbox = runtime.tables["outbox"]
        with runtime.engine.connect() as db:
            events = db.scalar(select(func.count()).select_from(outbox))
        runtime.engine.dispose()
        answer = response.get_json()
        return {
            "database": kind,
            "rows": rows,
            "bytes": len(body.encode()),
            "status": response.status_code,
            "seconds": round(seconds, 2),
            "offers_set": answer.get("offers_set"),
            "events_in_outbox": events,
            **({"error": answer} if response.status_code != 200 else {}),
        }


def stack(rows: int, limit: float) -> dict[str, Any]:
    """The embedded stack: the upload, then catalog's answers while the relay publishes."""
    # An upload before set this process's metrics directory, now gone, which the
    # stack's processes would inherit.
    os.environ.pop(MULTIPROC_ENV, None)
    with tempfile.TemporaryDirectory() as var_dir:
        started = Stack(Path(var_dir))
        try:
            return _upload_and_watch(started.start(), rows, limit)
        except BaseException:
            print(started.logs())
            raise
        finally:
            started.stop()


def _upload_and_watch(stack: Stack, rows: int, limit: float) -> dict[str, Any]:
    admin = Client(stack, ADMIN_TOKEN)
    supplier = admin.ok("POST", "catalog", "/suppliers", json=SUPPLIER)
    answers: list[tuple[float, float, int]] = []
    done = threading.Event()
    asking = threading.Thread(target=_ask_catalog, args=(admin, answers, done), daemon=True)
    asking.start()
    started = time.perf_counter()
    response = requests.post(
        f"{stack.url('catalog')}/api/v1/price-lists/{supplier['id']}",
        data=price_list(rows).encode(),
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "text/csv"},
        timeout=120,
    )
    uploaded = time.perf_counter() - started
    published = None
    while time.perf_counter() - started < limit:
        if _unsent(stack) == 0:
            published = time.perf_counter() - started
            break
        time.sleep(0.5)
    done.set()
    asking.join()
    return {
        "rows": rows,
        "upload_status": response.status_code,
        "upload_seconds": round(uploaded, 2),
        "all_published_after_seconds": None if published is None else round(published, 1),
        "catalog_answers": len(answers),
        "catalog_not_200": sum(status != 200 for _, _, status in answers),
        "catalog_slowest_during_upload_seconds": _slowest(
            [a for a in answers if a[0] < started + uploaded]
        ),
        "catalog_slowest_seconds": _slowest(answers),
    }


def _slowest(answers: list[tuple[float, float, int]]) -> float:
    return round(max((seconds for _, seconds, _ in answers), default=0.0), 2)


def _ask_catalog(
    admin: Client, answers: list[tuple[float, float, int]], done: threading.Event
) -> None:
    """Catalog's supplier list, asked every 0.2 s until ``done``: (asked at, seconds,
    status) each."""
    while not done.is_set():
        asked = time.perf_counter()
        try:
            status = admin.call("GET", "catalog", "/suppliers").status_code
        except requests.RequestException:
            status = 0
        answers.append((asked, time.perf_counter() - asked, status))
        done.wait(0.2)


def _unsent(stack: Stack) -> int | None:
    try:
        ready = requests.get(f"{stack.url('catalog')}/health/ready", timeout=120).json()
    except (requests.RequestException, ValueError):
        return None
    return (ready.get("outbox") or {}).get("unsent")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[5000, 10000])
    parser.add_argument("--database", nargs="*", default=["sqlite", "postgres"])
    parser.add_argument("--stack-rows", type=int, default=5000)
    parser.add_argument("--stack-limit", type=float, default=900.0, help="seconds at most")
    parser.add_argument("--no-stack", action="store_true")
    args = parser.parse_args()
    for kind in args.database:
        for rows in args.rows:
            print(json.dumps({"upload": upload(rows, kind)}), flush=True)
    if not args.no_stack:
        print(json.dumps({"stack": stack(args.stack_rows, args.stack_limit)}), flush=True)


if __name__ == "__main__":
    main()
