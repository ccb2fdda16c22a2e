"""Faults for the fault suite: processes killed, broker connections closed, database
backends terminated, raw messages published, and a supervisor that restarts what died.

Everything here is limited to the test's own processes, its own RabbitMQ vhost and its
own PostgreSQL database: the machine's broker and database server keep running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import psycopg
import requests
from kombu import Connection

from shared.messaging import EXCHANGE
from tests.support.servers import reachable, unavailable
from tests.support.servers import wait_for as wait_for_port
from tests.support.stack import Stack

MANAGEMENT = "http://127.0.0.1:15672"
MANAGEMENT_ADDRESS = ("127.0.0.1", 15672)
MANAGEMENT_AUTH = ("guest", "guest")


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers under its arbiter)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found.append(int(entry.name))
    return found


def kill_web_worker(stack: Stack, service: str) -> int:
    """kill -9 one gunicorn worker of ``service``; its arbiter forks a new one."""
    [worker] = children_of(stack.processes[f"{service}-web"].pid)
    os.kill(worker, signal.SIGKILL)
    return worker


def kill_process(stack: Stack, name: str) -> None:
    """kill -9 one of the stack's processes (a service's worker); the supervisor restarts it."""
    stack.processes[name].send_signal(signal.SIGKILL)


class Supervisor:
    """Restarts a dead worker process within a second, as compose's ``restart:
    unless-stopped`` does in production; counts the restarts per process."""

    def __init__(self, stack: Stack, names: list[str]) -> None:
        self.stack, self.names = stack, names
        self.restarts: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)

    def __enter__(self) -> Supervisor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            for name in self.names:
                if self.stack.processes[name].poll() is not None:
                    command = self.stack.processes[name].args[1:]
                    self.stack.start_process(name, *command)
                    self.restarts[name] += 1


def ensure_management() -> None:
    """RabbitMQ's management API (to close connections), the plugin enabled when off."""
    if reachable(MANAGEMENT_ADDRESS):
        return
    try:
        subprocess.run(
            ["rabbitmq-plugins", "enable", "rabbitmq_management"],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except (FileNotFoundError, subprocess.SubprocessError) as exc:
        unavailable(f"cannot enable the RabbitMQ management plugin: {exc}")
    if not wait_for_port(MANAGEMENT_ADDRESS, 30):
        unavailable("the RabbitMQ management API did not come up on 127.0.0.1:15672")


def vhost_of(broker_url: str) -> str:
    return unquote(urlsplit(broker_url).path.lstrip("/"))


def close_broker_connections(broker_url: str) -> int:
    """Close every client connection of the test's vhost through the management API,
    as a broker restart would; other vhosts keep theirs. Returns how many were closed."""
    vhost = quote(vhost_of(broker_url), safe="")
    listed = requests.get(
        f"{MANAGEMENT}/api/vhosts/{vhost}/connections", auth=MANAGEMENT_AUTH, timeout=10
    )
    listed.raise_for_status()
    closed = 0
    for connection in listed.json():
        response = requests.delete(
            f"{MANAGEMENT}/api/connections/{quote(connection['name'], safe='')}",
            auth=MANAGEMENT_AUTH,
            headers={"X-Reason": "fault suite: broker restart"},
            timeout=10,
        )
        closed += response.status_code in (200, 204)
    return closed


def terminate_database_backends(database_url: str) -> int:
    """End every server process of the test's database, as a PostgreSQL restart would;
    other databases keep theirs. Returns how many were terminated."""
    name = urlsplit(database_url.replace("+psycopg", "")).path.lstrip("/")
    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return sum(1 for (ok,) in rows if ok)


def publish_raw(broker_url: str, body: str, routing_key: str, message_id: str = "") -> None:
    """Publish ``body`` as it is onto Zirkel's exchange (confirmed by the broker)."""
    with Connection(broker_url, transport_options={"confirm_publish": True}) as connection:
        connection.Producer().publish(
            body,
            exchange=EXCHANGE,
            routing_key=routing_key,
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=2,
            message_id=message_id or None,
        )


def queue_depth(broker_url: str, queue: str) -> int:
    """How many messages wait in ``queue`` now (a passive declare, no stats delay)."""
    with Connection(broker_url) as connection:
        return connection.default_channel.queue_declare(queue, passive=True).message_count


def wait_for(condition, seconds: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + seconds
    last: object = None
    while time.monotonic() < deadline:
        try:
            result = last = condition()
        except Exception as exc:
            result, last = None, exc
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {seconds}s waiting for {what} (last: {last!r})")
