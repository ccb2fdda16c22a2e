"""Zirkel under faults, through the real processes on a RabbitMQ node and a PostgreSQL
cluster of the suite's own, which it crashes and restarts.

While a member keeps posting needs over HTTP, the suite kills -9 in turn catalog's web
worker, catalog's worker (outbox relay and consumer) and pooling's worker; restarts
RabbitMQ (kill -9 of the node, then started again on its data) while pooling's worker is
still down, so confirmed messages wait in its quorum queue; restarts PostgreSQL (immediate
shutdown, recovery on start); kills -9 notify's and billing's workers; delivers events twice
and a malformed and a schema-invalid message. Then it checks that every need answered 201
sits in exactly one pool once, that no order and no e-mail is doubled, that billing holds
every ordered need once (from the order's events, delivered twice too), that the poison sits
in the dead-letter queue, that no worker died of a server's restart and that every service
is ready again; it prints the counts it checked and how long each server was down.

The machine's shared servers are never restarted: the broker and the database are private
ones started from Debian's ``rabbitmq-server`` and PostgreSQL binaries
(``tests.support.private_servers``), so the test needs those binaries rather than the
servers on 127.0.0.1:5672 and :5432 (skipped without them, failed in CI).

The worker processes are restarted by a supervisor thread of the test, as compose's
``restart: unless-stopped`` does in production; gunicorn's arbiter restarts its web worker;
the consumers, the relay and the web's database pool reconnect on their own.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, text

from shared.messaging import SUBSCRIPTIONS, subscriptions_of
from tests.faults import chaos
from tests.faults.load import Poster, set_up, stopping
from tests.support.private_servers import PrivatePostgres, PrivateRabbitMQ
from tests.support.smtp import SmtpServer
from tests.support.stack import ADMIN_TOKEN, Client, Stack, wait_until

# Not marked rabbitmq/postgres: the machine's servers are not used, private ones are started.
pytestmark = [pytest.mark.e2e]

SERVICES = ("catalog", "pooling", "notify", "billing")
WORKERS = [f"{service}-worker" for service in SERVICES]
POOLING_QUEUE = subscriptions_of("pooling")[0]


def faults(
    stack: Stack, servers: chaos.Servers, supervisor: chaos.Supervisor, seen: Observed
) -> list[tuple[str, Callable[[], object]]]:
    """The faults, in turn; each returns what it hit."""
    broker, database = stack.broker_url or "", stack.database_url or ""
    return [
        ("kill -9 catalog web worker", lambda: chaos.kill_web_worker(stack, "catalog")),
        ("kill -9 catalog worker", lambda: chaos.kill_process(stack, "catalog-worker")),
        ("kill -9 pooling worker", lambda: kill_held(stack, supervisor, "pooling-worker")),
        ("restart RabbitMQ", lambda: restart_rabbitmq(servers.rabbitmq, supervisor, seen)),
        ("restart PostgreSQL", lambda: restart_postgres(servers.postgres, seen)),
        ("kill -9 notify worker", lambda: chaos.kill_process(stack, "notify-worker")),
        ("kill -9 billing worker", lambda: chaos.kill_process(stack, "billing-worker")),
        (
            "deliver duplicates",
            lambda: chaos.redeliver_sent(broker, database, "catalog.need.posted"),
        ),
        ("deliver poison", lambda: chaos.deliver_poison(broker)),
    ]


def kill_held(stack: Stack, supervisor: chaos.Supervisor, name: str) -> str:
    """kill -9 a worker that stays down until RabbitMQ has restarted: the events for it
    wait in its quorum queue when the broker crashes."""
    supervisor.hold(name)
    chaos.kill_process(stack, name)
    return "held down until RabbitMQ is back"


def restart_rabbitmq(
    rabbitmq: PrivateRabbitMQ, supervisor: chaos.Supervisor, seen: Observed
) -> str:
    """kill -9 the node once confirmed messages wait for pooling's worker, start it again on
    its data, then let the supervisor restart pooling's worker."""
    seen.waiting_at_crash = chaos.wait_for(
        lambda: chaos.queue_depth(rabbitmq.url, POOLING_QUEUE.queue_name),
        30,
        f"events waiting in {POOLING_QUEUE.queue_name}",
    )
    seen.downtimes["RabbitMQ"] = rabbitmq.restart()
    supervisor.release("pooling-worker")
    return (
        f"{seen.waiting_at_crash} messages waiting in {POOLING_QUEUE.queue_name}, "
        f"down {seen.downtimes['RabbitMQ']:.1f} s"
    )


def restart_postgres(postgres: PrivatePostgres, seen: Observed) -> str:
    """Immediate shutdown (a crash: recovery from the WAL on start), then start."""
    seen.downtimes["PostgreSQL"] = postgres.restart()
    return f"down {seen.downtimes['PostgreSQL']:.1f} s"


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


def billed_needs(database: str, orders: list[dict]) -> list[int]:
    """The needs billing holds in ``orders`` (one row per order and need, in its schema)."""
    engine = create_engine(database)
    ids = ", ".join(str(int(order["id"])) for order in orders) or "NULL"
    query = f"SELECT need_id FROM billing.order_needs WHERE order_id IN ({ids})"
    with engine.connect() as db:
        needs = [row[0] for row in db.execute(text(query))]
    engine.dispose()
    return needs


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
    billed: list[int] = field(default_factory=list)  # the needs billing has in the orders
    mails: Counter[tuple[str, str]] = field(default_factory=Counter)
    dead: dict[str, int] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    downtimes: dict[str, float] = field(default_factory=dict)
    waiting_at_crash: int = 0


def test_nothing_lost_nothing_doubled_under_faults(
    stack: Stack, smtp: SmtpServer, servers: chaos.Servers
) -> None:
    try:
        seen = run_under_faults(stack, smtp, servers)
        look_afterwards(stack, smtp, seen)
        report(seen)
        check(stack, seen)
    except BaseException:
        print(stack.logs())
        raise


def run_under_faults(stack: Stack, smtp: SmtpServer, servers: chaos.Servers) -> Observed:
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
            for name, fault in faults(stack, servers, supervisor, seen):
                time.sleep(rng.uniform(1.0, 3.0))
                print(f"  {time.strftime('%H:%M:%S')} {name}: {fault()}")
            time.sleep(2.0)
        for service in SERVICES:
            wait_until(lambda s=service: stack.ready(s), 60, f"{service} ready again")
        seen.settled = chaos.wait_for(
            lambda: (c := counts(database)).get("catalog open") == c.get("pooling open") and c,
            90,
            "pooling to hold every open need",
        )
        assert admin.ok("POST", "pooling", "/pools/close")["window_id"]
        seen.redelivered = chaos.wait_for(
            lambda: chaos.redeliver_sent(stack.broker_url or "", database, "pooling.order.placed"),
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
    seen.billed = chaos.wait_for(
        lambda: (
            (b := billed_needs(stack.database_url or "", seen.orders))
            and len(b) >= len(seen.allocated)
            and b
        ),
        60,
        "billing to record every ordered need",
    )
    seen.mails = Counter((str(m["To"]), str(m["Subject"])) for m in smtp.mailbox.messages)


def report(seen: Observed) -> None:
    allocated = seen.allocated
    print(f"  posts: {dict(seen.poster.outcomes)}; needs answered 201: {len(seen.poster.accepted)}")
    print(f"  open needs at close, catalog / pooling: {seen.settled}")
    print(
        f"  orders: {len(seen.orders)}, allocations: {len(allocated)} "
        f"({len(set(allocated))} needs), in billing: {len(seen.billed)} "
        f"({len(set(seen.billed))} needs)"
    )
    print(f"  order events published again after the close: {seen.redelivered}")
    print(f"  needs after the order: {seen.ordered}")
    print(f"  e-mails: {dict(seen.mails)}; dead letters: {seen.dead}")
    print(f"  worker restarts by the supervisor: {dict(seen.restarts)}")
    downtimes = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in seen.downtimes.items())
    print(f"  servers restarted, down: {downtimes}")
    print(
        f"  messages waiting in {POOLING_QUEUE.queue_name} at RabbitMQ's crash: "
        f"{seen.waiting_at_crash}"
    )
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
    assert sorted(seen.billed) == sorted(allocated), "billing lost or doubled an ordered need"
    assert set(seen.mails.values()) == {1}, f"an e-mail sent twice: {seen.mails}"
    recipients = Counter(to for to, _subject in seen.mails)
    assert sorted(recipients.values()) == [1, 2, 2, 2], recipients  # the supplier, 3 members
    assert seen.dead[POOLING_QUEUE.dead_letter_queue_name] == len(chaos.POISON)
    assert sum(seen.dead.values()) == len(chaos.POISON), "a good message was dead-lettered"
    assert len(seen.reasons) == 2, seen.reasons
    assert all(r.startswith("invalid event") for r in seen.reasons), seen.reasons
    # once each, after its kill -9: no worker died of a server's restart
    assert all(seen.restarts[name] == 1 for name in WORKERS), seen.restarts
    assert stack.processes["pooling-scheduler"].poll() is None, "the scheduler died"
    assert set(seen.downtimes) == {"RabbitMQ", "PostgreSQL"}, seen.downtimes
    before, after = seen.web_workers
    assert len(after) == 1 and after != before, "gunicorn restarted its web worker"
    for service in SERVICES:
        assert stack.ready(service)
