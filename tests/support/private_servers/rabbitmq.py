"""A RabbitMQ node of the test's own, from Debian's ``rabbitmq-server`` scripts."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

from tests.support.private_servers.common import (
    BOOT_TIMEOUT,
    PrivateServer,
    accepts,
    parent_of,
    quiet_port,
    tail,
)
from tests.support.servers import unavailable

RABBITMQ_SCRIPTS = Path("/usr/lib/rabbitmq/bin")  # /usr/sbin's wrappers run the machine's node


class PrivateRabbitMQ(PrivateServer):
    """A RabbitMQ node of the test's own (``zirkel-faults-<random>@localhost``), no plugins.

    It runs under the current user with ``HOME`` in its directory, so it has an Erlang
    cookie of its own; the machine's epmd (shared with the machine's node, started by the
    first Erlang node when none runs) only maps node names to ports. Its stdout goes to
    ``startup.log``, its log to ``log/<node>.log`` in that directory.
    """

    prefix = "zirkel-rabbitmq-"

    def __init__(self) -> None:
        super().__init__()
        self.node = f"zirkel-faults-{uuid.uuid4().hex[:8]}@localhost"
        self.port, self.dist_port = quiet_port(), quiet_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The AMQP URL of the node's default vhost."""
        return f"amqp://guest:guest@127.0.0.1:{self.port}//"

    def check_installed(self) -> None:
        script = RABBITMQ_SCRIPTS / "rabbitmq-server"
        if not script.exists():
            unavailable(f"Debian's rabbitmq-server is not installed ({script} is missing)")

    def set_up(self) -> None:
        (self.home / "rabbitmq-env.conf").write_text("# none: the environment says it all\n")
        (self.home / "rabbitmq.conf").write_text("log.console = false\n")
        (self.home / "enabled_plugins").write_text("[].\n")
        self.start()

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
