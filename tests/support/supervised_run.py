"""``zirkel run`` as a cooperative starts it, in a directory of its own on free ports, for the
end-to-end and fault tests."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import requests

from shared.settings import SERVICES, WEB
from shared.supervision import SupervisedProcess, supervised_processes
from tests.support.stack import ADMIN_TOKEN, free_port, wait_until

PROCESSES = {f"{service}-{kind}" for service in SERVICES for kind in ("web", "worker")} | {
    "pooling-scheduler",
    WEB,
}
MAIL_CATCHER = "mail-catcher"  # started too when no SMTP host is set


def environment(var_dir: Path, ports: dict[str, int]) -> dict[str, str]:
    """This process's environment without its ZIRKEL_ settings, with a run's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZIRKEL_")}
    env |= {
        "ZIRKEL_SECRET_KEY": "run-secret-key-0123456789abcdef",
        "ZIRKEL_ADMIN_TOKEN": ADMIN_TOKEN,
        "ZIRKEL_VAR_DIR": str(var_dir),
    }
    return env | {f"ZIRKEL_{s.upper()}_PORT": str(port) for s, port in ports.items()}


class Run:
    """``zirkel run`` in a directory of its own, on free ports."""

    def __init__(
        self,
        var_dir: Path,
        extra_env: dict[str, str] | None = None,
        ports: dict[str, int] | None = None,
    ) -> None:
        self.var_dir = var_dir
        self.ports = ports or {service: free_port() for service in (*SERVICES, WEB)}
        env = environment(var_dir, self.ports) | (extra_env or {})
        self.processes = PROCESSES
        if not env.get("ZIRKEL_SMTP_HOST"):  # its own mail catcher, on a free port
            env.setdefault("ZIRKEL_SMTP_PORT", str(free_port()))
            self.processes = PROCESSES | {MAIL_CATCHER}
        self.smtp_port = int(env.get("ZIRKEL_SMTP_PORT", "1025"))
        self.log = var_dir.parent / "run.log"
        with self.log.open("ab") as out:  # supervisord reopens its stdout: append, never overwrite
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "zirkel"), "run"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def answers(self, service: str, path: str = "/health/ready") -> bool:
        try:
            url = f"{self.url(service)}{path}"
            return requests.get(url, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def wait_ready(self) -> None:
        """Every service answers ready and supervisord has every process running."""
        for service in self.ports:
            wait_until(lambda s=service: self.answers(s), 120, f"{service} ready")
        wait_until(
            lambda: (
                {n for n, p in self.supervised().items() if p.state == "RUNNING"} == self.processes
            ),
            30,
            "every process running",
        )

    def supervised(self) -> dict[str, SupervisedProcess]:
        return {p.name: p for p in supervised_processes(self.var_dir) or []}

    def descendants(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def stop(self, leftovers: list[psutil.Process]) -> None:
        """Whatever a failed test left running goes too."""
        if self.process.poll() is None:
            leftovers += self.descendants()
            self.process.kill()
            self.process.wait()
        for process in leftovers:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()


@contextlib.contextmanager
def started(var: Path) -> Iterator[Run]:
    """``zirkel run`` on ``var``, ready; at the end it and every process it started are
    stopped, and its log's end is printed when the block failed."""
    run = Run(var)
    seen: list[psutil.Process] = []
    try:
        run.wait_ready()
        seen += run.descendants()
        yield run
    except BaseException:
        print(run.log.read_text(errors="replace")[-6000:])
        raise
    finally:
        run.stop(seen)
