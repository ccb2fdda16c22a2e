"""A PostgreSQL cluster of the test's own, from Debian's PostgreSQL programs."""

from __future__ import annotations

import os
import pwd
import subprocess
import time
from pathlib import Path

import psycopg

from tests.support.private_servers.common import BOOT_TIMEOUT, PrivateServer, quiet_port, tail
from tests.support.servers import unavailable

POSTGRES_VERSIONS = Path("/usr/lib/postgresql")


class PrivatePostgres(PrivateServer):
    """A PostgreSQL cluster of the test's own: trust authentication on 127.0.0.1 and a
    socket directory of its own, ``fsync`` on, one database for the test.

    PostgreSQL refuses to run as root, so under root it runs as the ``postgres`` user in a
    directory that user owns.
    """

    prefix = "zirkel-postgres-"

    def __init__(self, database: str = "zirkel") -> None:
        super().__init__()
        self.database = database
        self.port = quiet_port()
        self.bin = Path()

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the test's database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{self.database}"

    def check_installed(self) -> None:
        self.bin = newest_postgres_bin()

    def set_up(self) -> None:
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.home, account.pw_uid, account.pw_gid)
        self._init_cluster()
        self.start()
        self._create_database()

    def run(self, program: str, *args: str, timeout: float = 120) -> None:
        """Run one of PostgreSQL's programs as the account that owns the cluster."""
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(
            command, cwd=self.home, capture_output=True, text=True, timeout=timeout, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{program} {' '.join(args)} failed: {done.stdout}{done.stderr}\n"
                f"{tail(self.home / 'postgres.log')}"
            )

    def _init_cluster(self) -> None:
        # initdb's own files need not reach the disk (--no-sync); the server runs with fsync.
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")
        settings = {
            "port": str(self.port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.home}'",
            "fsync": "on",
            "max_connections": "100",
            "logging_collector": "off",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# the test's private cluster\n")
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def start(self) -> None:
        """Start the cluster (recovering from its WAL after a crash) and wait for it."""
        log = str(self.home / "postgres.log")
        self.run(
            "pg_ctl", "-D", str(self.data), "-l", log, "-w", "-t", str(int(BOOT_TIMEOUT)), "start"
        )
        self._wait_for_connections(time.monotonic() + BOOT_TIMEOUT)

    def _wait_for_connections(self, deadline: float) -> None:
        while True:
            try:
                with psycopg.connect(self._dsn("postgres"), connect_timeout=2):
                    return
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"PostgreSQL on {self.port} refuses connections: {exc}"
                    ) from exc
                time.sleep(0.1)

    def _dsn(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"

    def _create_database(self) -> None:
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')

    def crash(self) -> None:
        """Stop the cluster as a crash would: ``pg_ctl stop -m immediate`` (no checkpoint,
        every backend gone; the next start recovers from the write-ahead log)."""
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)

    def restart(self) -> float:
        """Crash the cluster and start it again. Returns the seconds between the crash and
        the first connection accepted."""
        began = time.monotonic()
        self.crash()
        self.start()
        return time.monotonic() - began

    def stop(self) -> None:
        if not (self.data / "postmaster.pid").exists():
            return
        try:
            self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")
        except (RuntimeError, subprocess.TimeoutExpired):
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)


def newest_postgres_bin() -> Path:
    """Debian's newest PostgreSQL programs (``/usr/lib/postgresql/<version>/bin``)."""
    found = [
        path / "bin"
        for path in POSTGRES_VERSIONS.glob("*")
        if (path / "bin" / "initdb").exists() and (path / "bin" / "pg_ctl").exists()
    ]
    if not found:
        unavailable(
            f"Debian's PostgreSQL server is not installed (no initdb in {POSTGRES_VERSIONS})"
        )
    return max(found, key=lambda p: [int(n) for n in p.parent.name.split(".") if n.isdigit()])
