"""The real processes of Zirkel, started for an end-to-end test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from shared.settings import SERVICES, WEB

SERVED = (*SERVICES, WEB)  # each with a web process; the web service has no worker

ADMIN_TOKEN = "e2e-admin-token-0123456789"


def web_process(service: str) -> str:
    """The name of a service's web process: ``catalog-web``; the web service's is ``web``."""
    return WEB if service == WEB else f"{service}-web"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Stack:
    """Each service's gunicorn and worker, started by the ``zirkel`` command."""

    var_dir: Path
    broker_url: str | None = None
    database_url: str | None = None
    smtp_port: int | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZIRKEL_")}
        env |= {
            "ZIRKEL_SECRET_KEY": "e2e-secret-key-0123456789abcdef",
            "ZIRKEL_ADMIN_TOKEN": ADMIN_TOKEN,
            "ZIRKEL_VAR_DIR": str(self.var_dir),
            "ZIRKEL_WEB_WORKERS": "1",
            "ZIRKEL_WEB_THREADS": "4",
            "ZIRKEL_REPORT_DELAY": "2",
        }
        for service, port in self.ports.items():
            env[f"ZIRKEL_{service.upper()}_PORT"] = str(port)
            env[f"ZIRKEL_{service.upper()}_URL"] = f"http://127.0.0.1:{port}"
        if self.broker_url:
            env["ZIRKEL_BROKER_URL"] = self.broker_url
        if self.database_url:
            env["ZIRKEL_DATABASE_URL"] = self.database_url
        if self.smtp_port:
            env["ZIRKEL_SMTP_PORT"] = str(self.smtp_port)
        return env | self.extra_env

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def zirkel(self, *args: str) -> list[str]:
        return [str(Path(sys.executable).parent / "zirkel"), *args]

    def start(self, *web_only: str) -> Stack:
        """Every process; with ``web_only``, those services' web processes alone (``web``:
        the pages' service)."""
        self.ports = {service: free_port() for service in SERVED}
        subprocess.run(self.zirkel("migrate"), env=self.env, check=True, capture_output=True)
        for service in web_only or SERVED:
            self.start_process(web_process(service), "web", service)
            if not web_only and service != WEB:
                self.start_process(f"{service}-worker", "worker", service)
        if not web_only:
            self.start_process("pooling-scheduler", "scheduler")
        for service in web_only or SERVED:
            wait_until(lambda s=service: self.ready(s), 60, f"{service} ready")
        return self

    def running(self, *web_only: str) -> Iterator[Stack]:
        """Start, hand the stack to the test, stop (for a fixture: ``yield from
        stack.running()``). The logs are printed when the start fails; a failing test
        shows them in its report (tests/conftest.py)."""
        try:
            yield self.start(*web_only)
        except BaseException:
            print(self.logs())
            raise
        finally:
            self.stop()

    def start_process(self, name: str, *command: str) -> None:
        log = open(self.var_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            self.zirkel(*command),
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a group of its own, so that stop() ends its children
        )

    def ready(self, service: str) -> bool:
        try:
            return requests.get(f"{self.url(service)}/health/ready", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        """Kill every process with the ones it started (gunicorn's workers, the solver's):
        a test's stack is thrown away with its directory, so nothing needs a graceful
        end, and nine processes ending gracefully at once took seconds of every test on a
        busy machine. The graceful end is what tests/e2e/test_supervised_run.py checks."""
        for process in self.processes.values():
            try:
                os.killpg(process.pid, signal.SIGKILL)  # its own session: see start_process
            except ProcessLookupError:
                process.kill()  # started otherwise, or gone already
        for process in self.processes.values():
            process.wait(timeout=15)

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-4000:]}"
            for p in sorted(self.var_dir.glob("*.log"))
        )


class Client:
    """A caller of the services' APIs with one bearer token."""

    def __init__(self, stack: Stack, token: str) -> None:
        self.stack, self.token = stack, token

    def call(self, method: str, service: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"} | kwargs.pop("headers", {})
        return requests.request(
            method, f"{self.stack.url(service)}/api/v1{path}", headers=headers, timeout=30, **kwargs
        )

    def ok(self, method: str, service: str, path: str, **kwargs: Any) -> Any:
        response = self.call(method, service, path, **kwargs)
        assert response.status_code in (200, 201), (response.status_code, response.text)
        return response.json()


def wait_until(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")
