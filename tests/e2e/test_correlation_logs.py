"""One correlation id through the real processes (RabbitMQ, PostgreSQL, JSON logs): a member
posts a need with an ``X-Correlation-ID``, the office closes the pool as part of the same
story (a close bundles many needs, so its events carry the close's id; here it is sent with
the need's), the member reads the savings report; the id is found in the JSON log lines of
catalog, pooling and notify, each web process and each worker. The ops watch samples the
queues meanwhile."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.test_worked_example import pooled, set_up_cooperative
from tests.support.servers import throwaway_database, throwaway_vhost
from tests.support.smtp import SmtpServer
from tests.support.stack import ADMIN_TOKEN, Client, Stack, wait_until

pytestmark = pytest.mark.e2e

PROCESSES = [f"{s}-{p}" for s in ("catalog", "pooling", "notify") for p in ("web", "worker")]


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    smtp = SmtpServer().start()
    env = {"ZIRKEL_LOG_FORMAT": "json", "ZIRKEL_OPS_SAMPLE_INTERVAL": "1"}
    with throwaway_vhost() as broker, throwaway_database() as database:
        try:
            yield from Stack(tmp_path, broker, database, smtp.port, extra_env=env).running()
        finally:
            smtp.stop()


def call(stack: Stack, token: str, method: str, service: str, path: str, **kw: Any) -> Any:
    response = requests.request(
        method,
        f"{stack.url(service)}/api/v1{path}",
        headers={"Authorization": f"Bearer {token}", "X-Correlation-ID": kw.pop("story")},
        timeout=30,
        **kw,
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


# HiGHS, the solver's C library, prints its banner to stdout once per process.
FOREIGN = ("Running HiGHS", "Includes third-party software components")


def lines(stack: Stack, process: str) -> list[dict[str, Any]]:
    """Every line of a process's log, each one JSON object (but the solver's banner)."""
    text = (stack.var_dir / f"{process}.log").read_text(errors="replace")
    found = [line for line in text.splitlines() if line.strip()]
    return [json.loads(line) for line in found if not line.startswith(FOREIGN)]


def carrying(found: list[dict[str, Any]], story: str) -> list[dict[str, Any]]:
    return [line for line in found if line.get("correlation_id") == story]


def test_one_correlation_id_is_in_the_json_logs_of_every_web_process_and_worker(
    stack: Stack,
) -> None:
    admin = Client(stack, ADMIN_TOKEN)
    (member_id, token), *_ = set_up_cooperative(admin)
    story = f"need-{uuid.uuid4().hex}"

    call(
        stack,
        token,
        "POST",
        "catalog",
        "/needs",
        story=story,
        json={"sku": "SIL-300", "quantity": "30"},
    )
    wait_until(lambda: pooled(admin) == {"SIL-300": "30"}, 30, "the need pooled")
    call(stack, token, "GET", "pooling", "/pools/current", story=story)  # the member watches
    close = f"close-{uuid.uuid4().hex}"  # the office's close is a story of its own
    call(stack, ADMIN_TOKEN, "POST", "pooling", "/pools/close", story=close)

    def reported() -> bool:
        report = call(stack, token, "GET", "notify", f"/members/{member_id}/savings", story=story)
        return bool(report["windows"])

    wait_until(reported, 30, "the savings report")

    def untold() -> list[str]:
        return [p for p in PROCESSES if not carrying(lines(stack, p), story)]

    try:
        wait_until(lambda: not untold(), 30, "the id in every process's log")
    except AssertionError as exc:
        raise AssertionError(f"{exc}: missing from {untold()}") from None
    for process in PROCESSES:
        mine = carrying(lines(stack, process), story)
        assert {line["service"] for line in mine} == {process}
        assert all({"asctime", "levelname", "name", "message"} <= line.keys() for line in mine)
    posted = [line["message"] for line in carrying(lines(stack, "catalog-web"), story)]
    assert len([m for m in posted if '"POST /api/v1/needs HTTP/1.1" 201' in m]) == 1, posted
    catalog_worker = [line["message"] for line in lines(stack, "catalog-worker")]
    assert any(m.startswith("published catalog.need.posted.v1") for m in catalog_worker)
    notify_worker = [line["message"] for line in carrying(lines(stack, "notify-worker"), story)]
    assert any(m.startswith("need 1 of member") for m in notify_worker), notify_worker
    closed = [line["message"] for line in carrying(lines(stack, "notify-worker"), close)]
    assert any(m.startswith("processed pooling.order.placed") for m in closed)

    history = wait_until(
        lambda: admin.ok("GET", "catalog", "/ops/queues/history?minutes=5"), 10, "queue samples"
    )
    assert "pooling.catalog-changes" in history
