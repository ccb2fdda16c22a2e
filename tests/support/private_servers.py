"""A private RabbitMQ node and a private PostgreSQL cluster that a test may crash and restart.

The machine's servers (RabbitMQ on 5672, PostgreSQL on 5432) are shared by every test run
and are never restarted. A test that must restart them starts its own from Debian's
binaries instead: each with its own name, its own ports and its own data and logs under a
temporary directory, stopped and removed when the test ends, whatever happened. Without
the binaries the test is skipped (in CI it fails).

``restart()`` crashes a server (``kill -9`` of RabbitMQ's Erlang VM, PostgreSQL's
``immediate`` shutdown, which recovers from its write-ahead log on start) and starts it
again on the same data; it returns how many seconds the server was down. The ports are
picked below the kernel's range for outgoing connections, so no client can take one while
its server is down.
"""

from __future__ import annotations

import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import Self

from tests.support.servers import unavailable

RABBITMQ_SCRIPTS = Path("/usr/lib/rabbitmq/bin")  # /usr/sbin's wrappers run the machine's node
POSTGRES_VERSIONS = Path("/usr/lib/postgresql")
BOOT_TIMEOUT = 120.0  # seconds; a busy two-core machine boots RabbitMQ in 5 to 20
_handed_out: set[int] = set()  # ports given to this process's servers, never given twice


def quiet_port() -> int:
    """A free TCP port on 127.0.0.1 below the range the kernel hands to outgoing connections."""
    try:
        first_ephemeral = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        first_ephemeral = 32768
    for _ in range(200):
        port = random.randrange(10_000, first_ephemeral)
        if port in _handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port between 10000 and {first_ephemeral}")


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return f"({path} unreadable)"


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


class PrivateRabbitMQ:
    """A RabbitMQ node of the test's own (``zirkel-faults-<random>@localhost``), no plugins.

    It runs under the current user with ``HOME`` in its directory, so it has an Erlang
    cookie of its own; epmd (shared with the machine's node) only maps names to ports.
    """

    def __init__(self) -> None:
        self.node = f"zirkel-faults-{uuid.uuid4().hex[:8]}@localhost"
        self.port, self.dist_port = quiet_port(), quiet_port()
        self.home = Path()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The AMQP URL of the node's default vhost."""
        return f"amqp://guest:guest@127.0.0.1:{self.port}//"

    def __enter__(self) -> Self:
        script = RABBITMQ_SCRIPTS / "rabbitmq-server"
        if not script.exists():
            unavailable(f"Debian's rabbitmq-server is not installed ({script} is missing)")
        self.home = Path(tempfile.mkdtemp(prefix="zirkel-rabbitmq-"))
        try:
            (self.home / "rabbitmq-env.conf").write_text("# none: the environment says it all\n")
            (self.home / "rabbitmq.conf").write_text("log.console = false\n")
            (self.home / "enabled_plugins").write_text("[].\n")
            self.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.home, ignore_errors=True)

    @property
    def env(self) -> dict[str, str]:
        home = str(self.home)
        return {k: v for k, v in os.environ.items() if not k.startswith("RABBITMQ_")} | {
            "HOME": home,
            "RABBITMQ_CONF_ENV_FILE": f"{home}/rabbitmq-env.conf",
            "RABBITMQ_CONFIG_FILE": f"{home}/rabbitmq.conf",
            "RABBITMQ_ENABLED_PLUGINS_FILE": f"{home}/enabled_plugins",
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": f"{home}/mnesia",
            "RABBITMQ_LOG_BASE": f"{home}/log",
            "RABBITMQ_PID_FILE": f"{home}/node.pid",
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        }

    def ctl(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(RABBITMQ_SCRIPTS / "rabbitmqctl"), "-q", "-n", self.node, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self) -> None:
        """Start the node on its directories and wait until it has booted."""
        log = open(self.home / "startup.log", "ab")  # noqa: SIM115 - the node's stdout
        with log:
            self.process = subprocess.Popen(
                [str(RABBITMQ_SCRIPTS / "rabbitmq-server")],
                env=self.env,
                cwd=self.home,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_for_boot(time.monotonic() + BOOT_TIMEOUT)

    def _wait_for_boot(self, deadline: float) -> None:
        assert self.process is not None
        while not accepts(self.port):
            if self.process.poll() is not None:
                raise RuntimeError(f"RabbitMQ node {self.node} exited:\n{self._logs()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"RabbitMQ node {self.node} did not listen:\n{self._logs()}")
            time.sleep(0.1)
        left = max(deadline - time.monotonic(), 5.0)
        booted = self.ctl("await_startup", "--timeout", str(int(left)), timeout=left + 30)
        if booted.returncode != 0:
            raise RuntimeError(f"rabbitmqctl await_startup: {booted.stderr}\n{self._logs()}")

    def _logs(self) -> str:
        return tail(self.home / "startup.log") + tail(self.home / "log" / f"{self.node}.log")

    def beam_pid(self) -> int:
        """The node's Erlang VM (the script's child), from the pid file it writes at boot."""
        assert self.process is not None
        pid = int((self.home / "node.pid").read_text().strip())
        if parent_of(pid) != self.process.pid:
            raise RuntimeError(f"pid {pid} of the pid file is not the node's Erlang VM")
        return pid

    def restart(self) -> float:
        """Crash the node (``kill -9`` of its Erlang VM) and start it again on the same
        data. Returns the seconds between the kill and the node's boot."""
        assert self.process is not None
        began = time.monotonic()
        os.kill(self.beam_pid(), signal.SIGKILL)
        self.process.wait(timeout=60)
        self.start()
        return time.monotonic() - began

    def stop(self) -> None:
        """Stop the node for good: ``rabbitmqctl stop``, or kill its process group."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.ctl("stop", timeout=60)
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own: trust authentication on 127.0.0.1 and a
    socket directory of its own, ``fsync`` on, one database for the test.

    PostgreSQL refuses to run as root, so under root it runs as the ``postgres`` user in a
    directory that user owns.
    """

    def __init__(self, database: str = "zirkel") -> None:
        self.database = database
        self.port = quiet_port()
        self.home = Path()
        self.bin = Path()

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the test's database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{self.database}"

    def __enter__(self) -> Self:
        self.bin = newest_postgres_bin()
        self.home = Path(tempfile.mkdtemp(prefix="zirkel-postgres-"))
        try:
            if os.geteuid() == 0:
                account = pwd.getpwnam("postgres")
                os.chown(self.home, account.pw_uid, account.pw_gid)
            self._init_cluster()
            self.start()
            self._create_database()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.home, ignore_errors=True)

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
        import psycopg

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
        import psycopg

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
    return max(
        found, key=lambda p: float(p.parent.name) if p.parent.name.replace(".", "").isdigit() else 0
    )
