"""The embedded default under faults: ``zirkel run`` as a cooperative starts it (supervisord,
SQLite, the embedded broker), while three members keep posting needs over HTTP.

The suite kills -9 in turn catalog's, pooling's, notify's and billing's workers, pooling's
scheduler and catalog's web process (gunicorn's master: its orphaned worker lets go of the
port, the new master binds it); supervisord restarts each. Then it kills -9 supervisord
itself, waits until every process of that run is gone (they end with it) and starts ``zirkel
run`` again on the same ``var/``. It delivers sent events twice and two poison messages,
closes the pool and delivers the order's events twice. Then every need answered 201 must be
pooled and ordered exactly once (catalog and pooling agree), billing must hold every ordered
need once, every e-mail must be sent once (to a loopback SMTP server), and nothing
dead-lettered but the poison. A message a killed consumer held comes back when its lease
runs out: the visibility timeout is 3 s here to keep the suite short.

It prints the figures it checked and how long each killed process took to be spawned again.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest
from sqlalchemy import create_engine, text

from shared.messaging import SUBSCRIPTIONS, subscriptions_of
from tests.faults import chaos
from tests.faults.load import Poster, set_up, stopping
from tests.support.smtp import SmtpServer
from tests.support.stack import ADMIN_TOKEN, Client
from tests.support.supervised_run import PROCESSES, Run

pytestmark = [pytest.mark.e2e]

KILLED = [
    "catalog-worker",
    "pooling-worker",
    "notify-worker",
    "billing-worker",
    "pooling-scheduler",
    "catalog-web",
]
POOLING_QUEUE = subscriptions_of("pooling")[0]
ENVIRONMENT = {
    "ZIRKEL_BROKER_VISIBILITY_TIMEOUT": "3",
    "ZIRKEL_CONSUMER_MAX_RETRIES": "5",
    "ZIRKEL_REPORT_DELAY": "2",
    "ZIRKEL_WEB_THREADS": "4",
}


class Runs:
    """``zirkel run`` on one ``var/`` and fixed ports, started again after a crash."""

    def __init__(self, var_dir: Path, smtp_port: int) -> None:
        # The test's own SMTP server, named by host, so no mail catcher is started.
        smtp = {"ZIRKEL_SMTP_HOST": "127.0.0.1", "ZIRKEL_SMTP_PORT": str(smtp_port)}
        self.environment = ENVIRONMENT | smtp
        self.current = Run(var_dir, self.environment)
        self.seen: list[psutil.Process] = []

    def ready(self) -> Run:
        self.current.wait_ready()
        self.seen += self.current.descendants()
        return self.current

    def crash_and_start_again(self) -> tuple[float, float]:
        """kill -9 supervisord; once all of its processes are gone, ``zirkel run`` again.
        The seconds until the old processes were gone and until the new run was ready."""
        everyone = self.current.descendants()
        killed_at = time.monotonic()
        self.current.process.send_signal(signal.SIGKILL)
        self.current.process.wait()
        _gone, alive = psutil.wait_procs(everyone, timeout=40)
        assert alive == [], f"processes of the killed supervisor still there: {alive}"
        gone = time.monotonic() - killed_at
        self.current = Run(self.current.var_dir, self.environment, self.current.ports)
        self.ready()
        return gone, time.monotonic() - killed_at

    def stop(self) -> None:
        self.current.stop(self.seen)


@pytest.fixture
def runs(tmp_path: Path, smtp: SmtpServer) -> Iterator[Runs]:
    started = Runs(tmp_path / "var", smtp.port)
    try:
        started.ready()
        yield started
    except BaseException:
        print(started.current.log.read_text(errors="replace")[-8000:])
        raise
    finally:
        started.stop()


@dataclass
class Observed:
    """What the suite saw, for the checks and the printed figures."""

    posters: list[Poster]
    demo_allocated: int = 0  # the needs ordered when the demo's window closed
    respawned: dict[str, tuple[float, float]] = field(default_factory=dict)
    restarts: dict[str, int] = field(default_factory=dict)
    restarts_after_crash: dict[str, int] = field(default_factory=dict)
    supervisor: tuple[float, float] = (0.0, 0.0)
    settled: dict[str, int] = field(default_factory=dict)
    orders: list[dict] = field(default_factory=list)
    allocated: list[tuple[int, int]] = field(default_factory=list)  # (need, member)
    ordered: dict[str, int] = field(default_factory=dict)
    billed: list[int] = field(default_factory=list)  # the needs billing has in the orders
    mails: Counter[tuple[str, str]] = field(default_factory=Counter)
    dead: dict[str, int] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> list[int]:
        return [need for poster in self.posters for need in poster.accepted]

    @property
    def outcomes(self) -> Counter[str]:
        return sum((poster.outcomes for poster in self.posters), Counter())


def kill_and_time(run: Run, name: str) -> tuple[float, float]:
    """kill -9 one supervised process; the seconds until supervisord has spawned another,
    and (a web process) until the service answers ready again."""
    killed = run.supervised()[name].pid
    os.kill(killed, signal.SIGKILL)
    killed_at = time.monotonic()
    chaos.wait_for(
        lambda: run.supervised()[name].pid not in (0, killed), 60, f"{name} spawned", 0.05
    )
    spawned = time.monotonic() - killed_at
    service, kind = name.split("-")
    if kind == "web":
        chaos.wait_for(lambda: run.answers(service), 90, f"{service} ready again", 0.1)
    return spawned, time.monotonic() - killed_at


def counts(run: Run) -> dict[str, int]:
    """Needs by status in catalog's and pooling's SQLite files."""
    found = {}
    for service in ("catalog", "pooling"):
        engine = create_engine(f"sqlite:///{run.var_dir / f'{service}.db'}")
        with engine.connect() as db:
            rows = db.execute(text("SELECT status, count(*) FROM needs GROUP BY status")).all()
        engine.dispose()
        found |= {f"{service} {status}": n for status, n in rows}
    return found


def billed_needs(run: Run, orders: list[dict]) -> list[int]:
    """The needs billing's SQLite file holds in ``orders`` (one row per order and need)."""
    engine = create_engine(f"sqlite:///{run.var_dir / 'billing.db'}")
    ids = ", ".join(str(int(order["id"])) for order in orders) or "NULL"
    with engine.connect() as db:
        found = db.execute(text(f"SELECT need_id FROM order_needs WHERE order_id IN ({ids})"))
        needs = [row[0] for row in found]
    engine.dispose()
    return needs


def test_the_embedded_default_loses_and_doubles_nothing_under_faults(
    runs: Runs, smtp: SmtpServer
) -> None:
    seen = run_under_faults(runs, smtp)
    run = runs.current
    close_the_pool(run, smtp, seen)
    look_afterwards(run, smtp, seen)
    report(seen)
    check(seen)


def run_under_faults(runs: Runs, smtp: SmtpServer) -> Observed:
    """The demo's window is closed first: a window's prices are those of when its first need
    joined, so the suite's product is ordered in the next one."""
    run = runs.current
    pooling_holds_every_need(run)  # the seed's needs are on their way
    demo_orders = close_and_wait_for_mails(run, smtp)
    print(f"\n  the demo's window closed: {len(demo_orders)} orders")
    members = set_up(Client(run, ADMIN_TOKEN))
    seed = int(time.time())
    rng = random.Random(seed)
    print(f"  random seed {seed}")
    seen = Observed([Poster(run, [token], pause=0.1) for _, token in members])
    seen.demo_allocated = len(allocations(demo_orders))
    broker = f"zirkel+sqlite:///{run.var_dir / 'broker.db'}"
    with stopping(*seen.posters):
        for name in KILLED:
            time.sleep(rng.uniform(1.0, 2.0))
            seen.respawned[name] = kill_and_time(run, name)
            print(
                f"  {time.strftime('%H:%M:%S')} kill -9 {name}: spawned again after "
                f"{seen.respawned[name][0]:.2f} s, answering after {seen.respawned[name][1]:.2f} s"
            )
        runs.ready()
        seen.restarts = {n: p.restarts for n, p in run.supervised().items()}
        time.sleep(rng.uniform(1.0, 2.0))
        seen.supervisor = runs.crash_and_start_again()
        print(
            f"  {time.strftime('%H:%M:%S')} kill -9 supervisord: its processes gone after "
            f"{seen.supervisor[0]:.1f} s, zirkel run ready again after {seen.supervisor[1]:.1f} s"
        )
        catalog = f"sqlite:///{run.var_dir / 'catalog.db'}"
        print(f"  duplicates: {chaos.redeliver_sent(broker, catalog, 'catalog.need.posted')}")
        print(f"  poison: {chaos.deliver_poison(broker)}")
        time.sleep(2.0)
    return seen


def pooling_holds_every_need(run: Run) -> dict[str, int]:
    """Once pooling holds every need catalog has open: the needs by status."""
    return chaos.wait_for(
        lambda: (c := counts(run)).get("catalog open") == c.get("pooling open") and c,
        60,
        "pooling to hold every open need",
    )


def close_and_wait_for_mails(run: Run, smtp: SmtpServer) -> list[dict]:
    """Close the pool; the orders of this close, once their e-mails are in (two to each
    member in an order, one to each order's supplier)."""
    admin = Client(run, ADMIN_TOKEN)
    earlier = {order["id"] for order in admin.ok("GET", "pooling", "/orders")}
    mails_before = len(smtp.mailbox.messages)
    assert admin.ok("POST", "pooling", "/pools/close")["window_id"]
    orders = [o for o in admin.ok("GET", "pooling", "/orders") if o["id"] not in earlier]
    expected = mails_before + len(mail_recipients(orders))
    chaos.wait_for(lambda: len(smtp.mailbox.messages) >= expected, 60, f"{expected} e-mails")
    return orders


def mail_recipients(orders: list[dict]) -> list[str]:
    """Whom a close's e-mails go to: each order's supplier, each member twice (the order,
    the savings report)."""
    members = {a["member_id"] for a in allocations(orders)}
    return [f"supplier {o['supplier_id']}" for o in orders] + 2 * [f"member {m}" for m in members]


def allocations(orders: list[dict]) -> list[dict]:
    return [a for o in orders for line in o["lines"] for a in line["allocations"]]


def close_the_pool(run: Run, smtp: SmtpServer, seen: Observed) -> None:
    """Once pooling holds every open need: close, deliver the orders' events twice, and
    leave room for a doubled e-mail to show."""
    seen.settled = pooling_holds_every_need(run)
    mails_before = len(smtp.mailbox.messages)
    seen.orders = close_and_wait_for_mails(run, smtp)
    broker = f"zirkel+sqlite:///{run.var_dir / 'broker.db'}"
    pooling = f"sqlite:///{run.var_dir / 'pooling.db'}"
    again = chaos.redeliver_sent(broker, pooling, "pooling.order.placed")
    print(f"  order events published again after the close: {again}")
    seen.allocated = [(a["need_id"], a["member_id"]) for a in allocations(seen.orders)]
    time.sleep(2 * float(ENVIRONMENT["ZIRKEL_BROKER_VISIBILITY_TIMEOUT"]))  # room for doubles
    seen.mails = Counter(
        (str(m["To"]), str(m["Subject"])) for m in smtp.mailbox.messages[mails_before:]
    )


def look_afterwards(run: Run, smtp: SmtpServer, seen: Observed) -> None:
    broker = f"zirkel+sqlite:///{run.var_dir / 'broker.db'}"
    seen.dead = {
        s.dead_letter_queue_name: chaos.queue_depth(broker, s.dead_letter_queue_name)
        for s in SUBSCRIPTIONS
    }
    letters = Client(run, ADMIN_TOKEN).ok(
        "GET", "catalog", f"/ops/dead-letters/{POOLING_QUEUE.dead_letter_queue_name}"
    )
    seen.reasons = [letter["reason"] for letter in letters["dead_letters"]]
    ordered = seen.demo_allocated + len(seen.allocated)
    seen.ordered = chaos.wait_for(
        lambda: (c := counts(run)).get("catalog ordered") == ordered and c,
        60,
        "catalog to learn the order of every need",
    )
    seen.billed = chaos.wait_for(
        lambda: (b := billed_needs(run, seen.orders)) and len(b) >= len(seen.allocated) and b,
        60,
        "billing to record every ordered need",
    )
    seen.restarts_after_crash = {n: p.restarts for n, p in run.supervised().items()}


def report(seen: Observed) -> None:
    accepted = set(seen.accepted)
    needs = [need for need, _ in seen.allocated]
    restarts = sum(seen.restarts.values()) + sum(seen.restarts_after_crash.values())
    print(
        f"  posted {sum(seen.outcomes.values())}, answered 201: {len(accepted)}, "
        f"pooled: {seen.settled.get('pooling open', 0)}, ordered: {len(accepted & set(needs))}, "
        f"lost: {len(accepted - set(needs))}, doubled: {len(needs) - len(set(needs))}, "
        f"restarts: {restarts} and supervisord's own"
    )
    print(f"  posts: {dict(seen.outcomes)}")
    print(f"  needs at close, catalog / pooling: {seen.settled}; after the order: {seen.ordered}")
    print(
        f"  orders: {len(seen.orders)}, allocations: {len(needs)}, in billing: {len(seen.billed)}"
    )
    print(f"  e-mails: {sum(seen.mails.values())} ({len(seen.mails)} different)")
    print(f"  dead letters: {seen.dead}; reasons: {seen.reasons}")
    print(f"  restarts by supervisord: {seen.restarts}")
    print(f"  after supervisord's restart: {seen.restarts_after_crash}")
    timed = ", ".join(f"{n} {s:.2f} s / {a:.2f} s" for n, (s, a) in seen.respawned.items())
    print(f"  after kill -9, spawned again / answering: {timed}")
    gone, ready = seen.supervisor
    print(f"  supervisord killed -9: processes gone {gone:.1f} s, run again ready {ready:.1f} s")


def check(seen: Observed) -> None:
    accepted, needs = seen.accepted, [need for need, _ in seen.allocated]
    assert len(accepted) >= 50, seen.outcomes
    assert "500" not in seen.outcomes, "a fault must be a 503 to retry, never a 500"
    assert len(accepted) == len(set(accepted))
    assert len(needs) == len(set(needs)), "a need allocated twice"
    assert set(accepted) <= set(needs), f"lost: {set(accepted) - set(needs)}"
    assert "catalog open" not in seen.ordered and "pooling open" not in seen.ordered
    ordered = seen.demo_allocated + len(needs)
    assert seen.ordered["catalog ordered"] == seen.ordered["pooling ordered"] == ordered
    assert sorted(seen.billed) == sorted(needs), "billing lost or doubled an ordered need"
    assert set(seen.mails.values()) == {1}, f"an e-mail sent twice: {seen.mails}"
    assert len(seen.mails) == len(mail_recipients(seen.orders)), seen.mails
    assert seen.dead[POOLING_QUEUE.dead_letter_queue_name] == len(chaos.POISON)
    assert sum(seen.dead.values()) == len(chaos.POISON), "a good message was dead-lettered"
    assert len(seen.reasons) == len(chaos.POISON), seen.reasons
    assert all(r.startswith("invalid event") for r in seen.reasons), seen.reasons
    # each once after its kill -9, and no process died of anything else, before or after
    assert seen.restarts == {n: int(n in KILLED) for n in PROCESSES}, seen.restarts
    assert set(seen.restarts_after_crash.values()) == {0}, seen.restarts_after_crash
