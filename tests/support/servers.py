"""The machine's RabbitMQ and PostgreSQL for tests: started when absent, a throwaway
vhost and database per test run. Without them a test is skipped, except in CI
(``CI=true``), where it fails: there they must run."""

from __future__ import annotations

import glob
import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from shared.settings import Settings

RABBITMQ = ("127.0.0.1", 5672)
POSTGRES = ("127.0.0.1", 5432)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def reachable(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=1):
            return True
    except OSError:
        return False


def wait_for(address: tuple[str, int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if reachable(address):
            return True
        time.sleep(0.5)
    return False


def ensure_rabbitmq() -> None:
    """Start Debian's rabbitmq-server when nothing listens on 5672."""
    if reachable(RABBITMQ):
        return
    try:
        subprocess.run(["rabbitmq-server", "-detached"], check=False, timeout=30)
    except (FileNotFoundError, subprocess.TimeoutExpired):
        unavailable("RabbitMQ is not running and rabbitmq-server could not be started")
    if not wait_for(RABBITMQ, 90):
        unavailable("RabbitMQ did not come up on 127.0.0.1:5672")


def ensure_postgres() -> None:
    """Start Debian's PostgreSQL cluster when nothing listens on 5432."""
    if reachable(POSTGRES):
        return
    versions = [Path(p).name for p in glob.glob("/etc/postgresql/*")]
    if not versions:
        unavailable("PostgreSQL is not running and no cluster is installed")
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[0], "main", "start"],
        check=False,
        timeout=60,
    )
    if not wait_for(POSTGRES, 60):
        unavailable("PostgreSQL did not come up on 127.0.0.1:5432")


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@contextmanager
def throwaway_vhost() -> Iterator[str]:
    """An AMQP URL on a fresh vhost, deleted afterwards."""
    ensure_rabbitmq()
    vhost = f"zirkel-test-{uuid.uuid4().hex[:10]}"
    try:
        _rabbitmqctl("add_vhost", vhost)
        _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        unavailable(f"cannot create a RabbitMQ vhost with rabbitmqctl: {exc}")
    try:
        yield f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    finally:
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False, timeout=60)


@contextmanager
def throwaway_database() -> Iterator[str]:
    """A SQLAlchemy URL of a fresh PostgreSQL database, dropped afterwards."""
    import psycopg

    ensure_postgres()
    name = f"zirkel_test_{uuid.uuid4().hex[:10]}"
    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        unavailable(f"cannot create a PostgreSQL database: {exc}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def settings_on(database_url: str, var_dir: Path) -> Settings:
    """A service's settings for a test on ``database_url`` (a throwaway database), its
    other files under ``var_dir``."""
    return Settings.from_env(
        {
            "ZIRKEL_SECRET_KEY": "k" * 32,
            "ZIRKEL_VAR_DIR": str(var_dir),
            "ZIRKEL_DATABASE_URL": database_url,
        }
    )
