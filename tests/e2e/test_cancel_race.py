"""Members cancel needs while the office closes the pool, through the real processes, on
the embedded default and on RabbitMQ + PostgreSQL.

300 needs are posted and pooled; then 200 cancellations come from 8 threads (40 needs
cancelled twice), spread over a few seconds, and the pool is closed in the middle of
them: at least 0.3 s in and once pooling has withdrawn a need, so that cancellations
are decided on both sides of the close on either stack (on the embedded default every
cancellation used to reach pooling only after a close 0.3 s in). Once every
cancellation has its verdict, each answer is held against the orders: a cancellation
answered 200, or a need that ends ``cancelled``, is in no allocation; one answered 409
is; every allocated need is ``ordered`` in catalog with its order; catalog and pooling
agree on every need; and both outcomes occurred.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from pooling.adapters import orm
from pooling.bootstrap import build_runtime
from shared.db import transaction
from shared.settings import Settings
from tests.e2e.test_worked_example import set_up_cooperative
from tests.support.servers import throwaway_database, throwaway_vhost
from tests.support.stack import ADMIN_TOKEN, Client, Stack, wait_until

pytestmark = pytest.mark.e2e

NEEDS = 300
CANCELS = 160  # distinct needs; a quarter of them are cancelled a second time: 200 in all
THREADS = 8
PAUSE = 0.1  # seconds each thread waits between its cancellations
CLOSE_AFTER = 0.3  # seconds into the cancellations, at the earliest


@pytest.fixture(
    params=[
        "embedded",
        pytest.param("rabbitmq+postgres", marks=[pytest.mark.rabbitmq, pytest.mark.postgres]),
    ]
)
def stack(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    env = {"ZIRKEL_WEB_THREADS": "8"}
    if request.param == "embedded":
        yield from Stack(tmp_path, extra_env=env).running()
        return
    with throwaway_vhost() as broker, throwaway_database() as database:
        yield from Stack(tmp_path, broker, database, extra_env=env).running()


def test_a_cancellation_answered_200_is_never_ordered(stack: Stack) -> None:
    admin = Client(stack, ADMIN_TOKEN)
    members = set_up_cooperative(admin)
    needs = post_needs(stack, members)
    wait_until(lambda: pooled_count(admin) == NEEDS, 60, "every need pooled")

    answers = cancel_while_closing(stack, members, needs)

    final = wait_until(lambda: settled(admin), 60, "every cancellation decided")
    allocated = allocations(admin)
    in_pooling = pooling_states(stack)
    report(answers, allocated, final)
    for need_id, status in answers:
        assert status in (200, 202, 409), (need_id, status)
        if status == 200:
            assert need_id not in allocated, f"need {need_id} answered 200 but was ordered"
        if status == 409:
            assert need_id in allocated, f"need {need_id} answered 409 but was not ordered"
    for need_id, (status, order_id) in final.items():
        if need_id in allocated:
            assert (status, order_id) == ("ordered", allocated[need_id]), need_id
        else:
            assert (status, order_id) == ("cancelled", None), need_id
        assert in_pooling[need_id] == status, (need_id, in_pooling[need_id], status)
    assert {n for n, _s in answers} | set(allocated) == set(final)  # nothing else left
    asked = {n for n, _s in answers}
    assert any(final[n][0] == "cancelled" for n in asked), "no cancellation came in time"
    assert any(final[n][0] == "ordered" for n in asked), "no cancellation came too late"


def post_needs(stack: Stack, members: list[tuple[int, str]]) -> dict[int, str]:
    """Post the needs (one unit each, half of each product) from several threads; each
    need's id with its member's token."""

    def post(n: int) -> tuple[int, str]:
        _member_id, token = members[n % len(members)]
        body = {"sku": ("DISP-10L", "SIL-300")[n % 2], "quantity": "1"}
        return Client(stack, token).ok("POST", "catalog", "/needs", json=body)["id"], token

    with ThreadPoolExecutor(THREADS) as pool:
        return dict(pool.map(post, range(NEEDS)))


def pooled_count(admin: Client) -> int:
    pool = admin.ok("GET", "pooling", "/pools/current")
    return sum(int(p["quantity"]) for p in pool["products"])


def cancel_while_closing(
    stack: Stack, members: list[tuple[int, str]], needs: dict[int, str]
) -> list[tuple[int, int]]:
    """Cancel needs from several threads, the pool closed ``CLOSE_AFTER`` seconds in at the
    earliest and once pooling has withdrawn a need; each cancellation's need id and
    answer."""
    chosen = random.Random(15).sample(sorted(needs), CANCELS)
    requests = chosen + chosen[: CANCELS // 4]  # the repeats come after their first time
    admin = Client(stack, ADMIN_TOKEN)
    closed: list[Any] = []
    started = time.monotonic()

    def close() -> None:
        time.sleep(CLOSE_AFTER)
        wait_until(lambda: pooled_count(admin) < NEEDS, 60, "a need withdrawn")
        at = time.monotonic() - started
        closed.append(admin.call("POST", "pooling", "/pools/close"))
        print(f"\nthe close began {at:.2f} s into the cancellations")

    def cancel(need_id: int) -> tuple[int, int]:
        response = Client(stack, needs[need_id]).call("POST", "catalog", f"/needs/{need_id}/cancel")
        time.sleep(PAUSE)
        return need_id, response.status_code

    closer = threading.Thread(target=close)
    closer.start()
    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(cancel, requests))
    print(f"\nthe last cancellation was answered {time.monotonic() - started:.2f} s in")
    closer.join()
    assert closed[0].status_code == 200, closed[0].text
    return answers


def settled(admin: Client) -> dict[int, tuple[str, int | None]] | None:
    """Every need's status and order in catalog, once no cancellation awaits its verdict
    and every allocated need is known ordered; None before."""
    shown = admin.ok("GET", "catalog", "/needs")
    final = {n["id"]: (n["status"], n["order_id"]) for n in shown}
    allocated = allocations(admin)
    if any(status == "cancel_requested" for status, _order in final.values()):
        return None
    if any(final[need_id][1] != order_id for need_id, order_id in allocated.items()):
        return None
    return final


def allocations(admin: Client) -> dict[int, int]:
    """Each allocated need's order."""
    return {
        a["need_id"]: order["id"]
        for order in admin.ok("GET", "pooling", "/orders")
        for line in order["lines"]
        for a in line["allocations"]
    }


def pooling_states(stack: Stack) -> dict[int, str]:
    """Each need's status in pooling's own database."""
    runtime = build_runtime(Settings.from_env(stack.env))
    try:
        with transaction(runtime.sessions) as session:
            rows = session.execute(select(orm.PooledNeed.need_id, orm.PooledNeed.status))
            return {need_id: status for need_id, status in rows}
    finally:
        runtime.engine.dispose()


def report(
    answers: list[tuple[int, int]],
    allocated: dict[int, int],
    final: dict[int, tuple[str, int | None]],
) -> None:
    by_answer = Counter(status for _need, status in answers)
    ended = Counter(status for status, _order in final.values())
    outcome = Counter(
        (status, "allocated" if need_id in allocated else "not allocated")
        for need_id, status in answers
    )
    print(
        f"\ncancellations by answer {dict(by_answer)}; allocated needs {len(allocated)}"
        f" of {len(final)}; final states {dict(ended)}; answer and outcome {dict(outcome)}"
    )
