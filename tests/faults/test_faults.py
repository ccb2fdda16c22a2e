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
import threading
import time
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from shared.messaging import SUBSCRIPTIONS, subscriptions_of
from tests.faults import chaos
from tests.support.servers import throwaway_database, throwaway_vhost
from tests.support.smtp import SmtpServer
from tests.support.stack import ADMIN_TOKEN, Client, Stack, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.rabbitmq, pytest.mark.postgres]

SKU = "FAULT-1"
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
        stack = Stack(
            tmp_path,
            broker_url=broker,
            database_url=database,
            smtp_port=smtp.port,
            extra_env={"ZIRKEL_CONSUMER_MAX_RETRIES": "5"},
        )
        try:
            yield stack.start()
        except BaseException:
            print(stack.logs())
            raise
        finally:
            stack.stop()


class Poster(threading.Thread):
    """Members posting needs as fast as one browser tab would, every 201 remembered."""

    def __init__(self, stack: Stack, tokens: list[str]) -> None:
        super().__init__(name="poster", daemon=True)
        self.stack, self.tokens = stack, tokens
        self.accepted: list[int] = []
        self.outcomes: Counter[str] = Counter()
        self.stop = threading.Event()

    def run(self) -> None:
        url = f"{self.stack.url('catalog')}/api/v1/needs"
        n = 0
        while not self.stop.is_set():
            token = self.tokens[n % len(self.tokens)]
            n += 1
            try:
                response = requests.post(
                    url,
                    json={"sku": SKU, "quantity": "1"},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=10,
                )
            except requests.RequestException as exc:
                self.outcomes[type(exc).__name__] += 1
                continue
            self.outcomes[str(response.status_code)] += 1
            if response.status_code == 201:
                self.accepted.append(response.json()["id"])
            self.stop.wait(0.02)


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


def test_nothing_lost_nothing_doubled_under_faults(stack: Stack, smtp: SmtpServer) -> None:
    try:
        check_under_faults(stack, smtp)
    except BaseException:
        print(stack.logs())
        raise


def check_under_faults(stack: Stack, smtp: SmtpServer) -> None:
    database = stack.database_url or ""
    broker = stack.broker_url or ""
    admin = Client(stack, ADMIN_TOKEN)
    members = set_up(admin)
    seed = int(time.time())
    rng = random.Random(seed)
    print(f"\nfault suite: random seed {seed}")
    web_worker_before = chaos.children_of(stack.processes["catalog-web"].pid)

    poster = Poster(stack, [token for _, token in members])
    with chaos.Supervisor(stack, WORKERS) as supervisor:
        poster.start()
        for name, fault in faults(stack, database):
            time.sleep(rng.uniform(1.0, 3.0))
            print(f"  {time.strftime('%H:%M:%S')} {name}: {fault()}")
        time.sleep(2.0)
        poster.stop.set()
        poster.join(timeout=15)
        for service in ("catalog", "pooling", "notify"):
            wait_until(lambda s=service: stack.ready(s), 60, f"{service} ready again")
        settled = chaos.wait_for(
            lambda: (c := counts(database)).get("catalog open") == c.get("pooling open") and c,
            90,
            "pooling to hold every open need",
        )
        closed = admin.ok("POST", "pooling", "/pools/close")
        redelivered = chaos.wait_for(
            lambda: redeliver_sent(stack, database, "pooling.order.placed"),
            30,
            "the order's event to be sent",
        )
        wait_until(lambda: len(smtp.mailbox.messages) >= len(members), 60, "an e-mail each")
        time.sleep(3.0)  # room for a doubled e-mail to show

    accepted = poster.accepted
    orders = admin.ok("GET", "pooling", "/orders")
    allocated = [a["need_id"] for o in orders for line in o["lines"] for a in line["allocations"]]
    dead = {
        s.dead_letter_queue_name: chaos.queue_depth(broker, s.dead_letter_queue_name)
        for s in SUBSCRIPTIONS
    }
    letters = admin.ok(
        "GET", "catalog", f"/ops/dead-letters/{POOLING_QUEUE.dead_letter_queue_name}"
    )
    ordered = chaos.wait_for(
        lambda: (c := counts(database)).get("catalog ordered") == len(allocated) and c,
        60,
        "catalog to learn the order of every need",
    )
    mails = Counter(str(m["To"]) for m in smtp.mailbox.messages)
    print(f"  posts: {dict(poster.outcomes)}; needs answered 201: {len(accepted)}")
    print(f"  open needs at close, catalog / pooling: {settled}")
    print(f"  orders: {len(orders)}, allocations: {len(allocated)} ({len(set(allocated))} needs)")
    print(f"  order events redelivered after the close: {redelivered}")
    print(f"  needs in catalog after the order: {ordered}")
    print(f"  e-mails: {dict(mails)}; dead letters: {dead}")
    print(f"  worker restarts by the supervisor: {dict(supervisor.restarts)}")

    assert len(accepted) >= 20, poster.outcomes
    assert "500" not in poster.outcomes, "a fault must be a 503 to retry, never a 500"
    assert len(accepted) == len(set(accepted))
    assert len(allocated) == len(set(allocated)), "a need allocated twice"
    assert set(accepted) <= set(allocated), set(accepted) - set(allocated)
    assert closed["window_id"] and len(orders) == len({o["id"] for o in orders}) == 1
    assert Decimal(orders[0]["lines"][0]["ordered_quantity"]) == len(allocated)
    assert sorted(mails.values()) == [1] * len(members), mails
    assert dead[POOLING_QUEUE.dead_letter_queue_name] == len(POISON)
    assert sum(dead.values()) == len(POISON), "a good message was dead-lettered"
    reasons = [letter["reason"] for letter in letters["dead_letters"]]
    assert len(reasons) == 2 and all(r.startswith("invalid event") for r in reasons), reasons
    assert "catalog open" not in ordered
    assert all(supervisor.restarts[name] >= 1 for name in WORKERS)
    web_worker_after = chaos.children_of(stack.processes["catalog-web"].pid)
    assert len(web_worker_after) == 1 and web_worker_after != web_worker_before
    for service in ("catalog", "pooling", "notify"):
        assert stack.ready(service)
