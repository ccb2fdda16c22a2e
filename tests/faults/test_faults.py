"""Zirkel under faults, through the real processes on RabbitMQ and PostgreSQL.

While a member keeps posting needs over HTTP, the suite kills -9 in turn catalog's web
worker, catalog's worker (outbox relay and consumer), pooling's worker and notify's worker;
closes every broker connection of its vhost (what a RabbitMQ restart does to clients) and
terminates every backend of its database (what a PostgreSQL restart does); delivers events
twice and a malformed and a schema-invalid message. Then it checks that every need answered
201 sits in exactly one pool once, that no order and no e-mail is doubled, that the poison
sits in the dead-letter queue, and that every service is ready again.

The worker processes are restarted by a supervisor thread of the test, as compose's
``restart: unless-stopped`` does in production; gunicorn's arbiter restarts its web worker.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from shared.messaging import SUBSCRIPTIONS, subscriptions_of
from tests.faults import chaos
from tests.faults.load import SKU, Poster, stopping
from tests.support.servers import throwaway_database, throwaway_vhost
from tests.support.smtp import SmtpServer
from tests.support.stack import ADMIN_TOKEN, Client, Stack, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.rabbitmq, pytest.mark.postgres]

WORKERS = ["catalog-worker", "pooling-worker", "notify-worker"]
POOLING_QUEUE = subscriptions_of("pooling")[0]


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def stack(tmp_path: Path, smtp: SmtpServer) -> Iterator[Stack]:
    with throwaway_vhost() as broker, throwaway_database() as database:
        chaos.ensure_management()
        stack = Stack(
            tmp_path,
            broker_url=broker,
            database_url=database,
            smtp_port=smtp.port,
            extra_env={"ZIRKEL_CONSUMER_MAX_RETRIES": "5"},
        )
        yield from stack.running()


def set_up(admin: Client) -> list[tuple[int, str]]:
    supplier = admin.ok(
        "POST",
        "catalog",
        "/suppliers",
        json={"name": "Baustoffe Ruhr", "email": "orders@ruhr.example", "shipping_fee": "25.00"},
    )
    admin.ok(
        "POST", "catalog", "/products", json={"sku": SKU, "name": "Fugenmasse", "unit": "Sack"}
    )
    admin.ok(
        "PUT",
        "catalog",
        f"/offers/{supplier['id']}/{SKU}",
        json={"pack_size": "1", "tiers": [{"min_quantity": "0", "unit_price": "9.50"}]},
    )
    members = []
    for n in range(3):
        body = {
            "name": f"Fliesen {n}",
            "trade": "tiler",
            "email": f"m{n}@fliesen.example",
            "postcode": "44135",
        }
        created = admin.ok("POST", "catalog", "/members", json=body)
        members.append((created["id"], created["api_token"]))
    return members


def faults(stack: Stack, database: str) -> list[tuple[str, object]]:
    """The faults, in turn; each returns what it hit."""
    broker = stack.broker_url or ""
    return [
        ("kill -9 catalog web worker", lambda: chaos.kill_web_worker(stack, "catalog")),
        ("kill -9 catalog worker", lambda: chaos.kill_process(stack, "catalog-worker")),
        ("close broker connections", lambda: chaos.close_broker_connections(broker)),
        ("kill -9 pooling worker", lambda: chaos.kill_process(stack, "pooling-worker")),
        ("terminate database backends", lambda: chaos.terminate_database_backends(database)),
        ("kill -9 notify worker", lambda: chaos.kill_process(stack, "notify-worker")),
        ("deliver duplicates", lambda: redeliver_sent(stack, database, "catalog.need.posted")),
        ("deliver poison", lambda: deliver_poison(broker)),
    ]


def redeliver_sent(stack: Stack, database: str, event_type: str, limit: int = 20) -> int:
    """Publish again events that were sent already, with their own ids (duplicates)."""
    engine = create_engine(database)
    schema = event_type.split(".")[0]
    with engine.connect() as db:
        rows = db.execute(
            text(
                f"SELECT event_id, routing_key, body FROM {schema}.outbox "
                "WHERE sent_at IS NOT NULL AND routing_key LIKE :kind ORDER BY id DESC LIMIT :n"
            ),
            {"kind": f"{event_type}%", "n": limit},
        ).all()
    engine.dispose()
    for row in rows:
        chaos.publish_raw(stack.broker_url or "", row.body, row.routing_key, row.event_id)
    return len(rows)


POISON = [
    "{this is not json",
    json.dumps({"event_type": "catalog.need.posted", "version": 1, "payload": {"qty": "x"}}),
]


def deliver_poison(broker: str) -> int:
    for body in POISON:
        chaos.publish_raw(broker, body, "catalog.need.posted.v1")
    return len(POISON)


def counts(database: str) -> dict[str, int]:
    """Needs by status in catalog and in pooling, straight from the database."""
    engine = create_engine(database)
    query = "SELECT status, count(*) FROM {}.needs GROUP BY status"
    with engine.connect() as db:
        found = {
            f"{schema} {status}": n
            for schema in ("catalog", "pooling")
            for status, n in db.execute(text(query.format(schema))).all()
        }
    engine.dispose()
    return found


@dataclass
class Observed:
    """What the suite saw, for the checks and the printed counts."""

    poster: Poster
    restarts: Counter[str]
    web_workers: tuple[list[int], list[int]] = ([], [])
    settled: dict[str, int] = field(default_factory=dict)
    redelivered: int = 0
    orders: list[dict] = field(default_factory=list)
    allocated: list[int] = field(default_factory=list)
    ordered: dict[str, int] = field(default_factory=dict)
    mails: Counter[tuple[str, str]] = field(default_factory=Counter)
    dead: dict[str, int] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


def test_nothing_lost_nothing_doubled_under_faults(stack: Stack, smtp: SmtpServer) -> None:
    try:
        seen = run_under_faults(stack, smtp)
        look_afterwards(stack, smtp, seen)
        report(seen)
        check(stack, seen)
    except BaseException:
        print(stack.logs())
        raise


def run_under_faults(stack: Stack, smtp: SmtpServer) -> Observed:
    database = stack.database_url or ""
    admin = Client(stack, ADMIN_TOKEN)
    members = set_up(admin)
    seed = int(time.time())
    rng = random.Random(seed)
    print(f"\nfault suite: random seed {seed}")
    web_worker_before = chaos.children_of(stack.processes["catalog-web"].pid)
    poster = Poster(stack, [token for _, token in members])
    with chaos.Supervisor(stack, WORKERS) as supervisor:
        seen = Observed(poster, supervisor.restarts)
        with stopping(poster):
            for name, fault in faults(stack, database):
                time.sleep(rng.uniform(1.0, 3.0))
                print(f"  {time.strftime('%H:%M:%S')} {name}: {fault()}")
            time.sleep(2.0)
        for service in ("catalog", "pooling", "notify"):
            wait_until(lambda s=service: stack.ready(s), 60, f"{service} ready again")
        seen.settled = chaos.wait_for(
            lambda: (c := counts(database)).get("catalog open") == c.get("pooling open") and c,
            90,
            "pooling to hold every open need",
        )
        assert admin.ok("POST", "pooling", "/pools/close")["window_id"]
        seen.redelivered = chaos.wait_for(
            lambda: redeliver_sent(stack, database, "pooling.order.placed"),
            30,
            "the order's event to be sent",
        )
        expected_mails = 2 * len(members) + 1  # order and savings report each, the supplier's order
        wait_until(lambda: len(smtp.mailbox.messages) >= expected_mails, 60, "the e-mails")
        time.sleep(3.0)  # room for a doubled e-mail to show
    web_worker_after = chaos.children_of(stack.processes["catalog-web"].pid)
    seen.web_workers = (web_worker_before, web_worker_after)
    return seen


def look_afterwards(stack: Stack, smtp: SmtpServer, seen: Observed) -> None:
    admin, broker = Client(stack, ADMIN_TOKEN), stack.broker_url or ""
    seen.orders = admin.ok("GET", "pooling", "/orders")
    seen.allocated = [
        a["need_id"] for o in seen.orders for line in o["lines"] for a in line["allocations"]
    ]
    seen.dead = {
        s.dead_letter_queue_name: chaos.queue_depth(broker, s.dead_letter_queue_name)
        for s in SUBSCRIPTIONS
    }
    letters = admin.ok(
        "GET", "catalog", f"/ops/dead-letters/{POOLING_QUEUE.dead_letter_queue_name}"
    )
    seen.reasons = [letter["reason"] for letter in letters["dead_letters"]]
    seen.ordered = chaos.wait_for(
        lambda: (
            (c := counts(stack.database_url or "")).get("catalog ordered") == len(seen.allocated)
            and c
        ),
        60,
        "catalog to learn the order of every need",
    )
    seen.mails = Counter((str(m["To"]), str(m["Subject"])) for m in smtp.mailbox.messages)


def report(seen: Observed) -> None:
    allocated = seen.allocated
    print(f"  posts: {dict(seen.poster.outcomes)}; needs answered 201: {len(seen.poster.accepted)}")
    print(f"  open needs at close, catalog / pooling: {seen.settled}")
    print(
        f"  orders: {len(seen.orders)}, allocations: {len(allocated)} ({len(set(allocated))} needs)"
    )
    print(f"  order events published again after the close: {seen.redelivered}")
    print(f"  needs after the order: {seen.ordered}")
    print(f"  e-mails: {dict(seen.mails)}; dead letters: {seen.dead}")
    print(f"  worker restarts by the supervisor: {dict(seen.restarts)}")
    print(f"  catalog web worker before / after: {seen.web_workers}")


def check(stack: Stack, seen: Observed) -> None:
    accepted, allocated, orders = seen.poster.accepted, seen.allocated, seen.orders
    assert len(accepted) >= 20, seen.poster.outcomes
    assert "500" not in seen.poster.outcomes, "a fault must be a 503 to retry, never a 500"
    assert len(accepted) == len(set(accepted))
    assert len(allocated) == len(set(allocated)), "a need allocated twice"
    assert set(accepted) <= set(allocated), set(accepted) - set(allocated)
    assert len(orders) == len({o["id"] for o in orders}) == 1
    assert Decimal(orders[0]["lines"][0]["ordered_quantity"]) == len(allocated)
    assert "catalog open" not in seen.ordered
    assert set(seen.mails.values()) == {1}, f"an e-mail sent twice: {seen.mails}"
    recipients = Counter(to for to, _subject in seen.mails)
    assert sorted(recipients.values()) == [1, 2, 2, 2], recipients  # the supplier, 3 members
    assert seen.dead[POOLING_QUEUE.dead_letter_queue_name] == len(POISON)
    assert sum(seen.dead.values()) == len(POISON), "a good message was dead-lettered"
    assert len(seen.reasons) == 2, seen.reasons
    assert all(r.startswith("invalid event") for r in seen.reasons), seen.reasons
    assert all(seen.restarts[name] >= 1 for name in WORKERS)
    before, after = seen.web_workers
    assert len(after) == 1 and after != before, "gunicorn restarted its web worker"
    for service in ("catalog", "pooling", "notify"):
        assert stack.ready(service)
