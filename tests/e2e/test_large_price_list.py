"""A large price list (5,000 rows) on the embedded default (SQLite files, the
``sqla+sqlite`` broker), through the real processes: the upload is answered at once, and
while catalog's relay publishes the list's events, catalog keeps answering every other
request promptly (the 10,000 rows a list may have are stored in
tests/integration/test_large_price_list.py).

(It used to take the upload 20 s or more, after which the relay held catalog.db's write
lock while it published, so requests waited 30 s and got 503 for minutes.)"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bench.price_list import SUPPLIER, price_list
from tests.support.stack import ADMIN_TOKEN, Client, Stack

PROMPT = 2.0  # seconds within which catalog answers while the relay publishes
ROWS = 5_000  # a large supplier's whole list
PUBLISHED_WITHIN = 90.0  # seconds for the relay to publish the list's events (busy machine)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    yield from Stack(tmp_path).running()


def unsent(stack: Stack) -> int:
    ready = requests.get(f"{stack.url('catalog')}/health/ready", timeout=PROMPT)
    assert ready.status_code == 200, ready.text
    return ready.json()["outbox"]["unsent"]


def test_catalog_answers_promptly_while_a_large_price_list_is_published(stack: Stack) -> None:
    admin = Client(stack, ADMIN_TOKEN)
    supplier = admin.ok("POST", "catalog", "/suppliers", json=SUPPLIER)
    response = requests.post(
        f"{stack.url('catalog')}/api/v1/price-lists/{supplier['id']}",
        data=price_list(ROWS).encode(),
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "text/csv"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.json()["offers_set"] == ROWS

    started, backlog_seen, slowest = time.monotonic(), 0, 0.0
    while (left := unsent(stack)) > 0:
        backlog_seen = max(backlog_seen, left)
        asked = time.monotonic()
        answer = requests.get(
            f"{stack.url('catalog')}/api/v1/suppliers",
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            timeout=PROMPT,
        )
        slowest = max(slowest, time.monotonic() - asked)
        assert answer.status_code == 200, answer.text
        assert time.monotonic() - started < PUBLISHED_WITHIN, f"{left} events still unsent"
        time.sleep(0.1)

    assert backlog_seen > 0  # the requests above were answered while the relay published
    assert slowest < PROMPT
