"""What both private servers need: a directory of their own, quiet ports, a look at a
port, the end of a log."""

from __future__ import annotations

import random
import shutil
import socket
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Self

BOOT_TIMEOUT = 120.0  # seconds; a busy two-core machine boots RabbitMQ in 5 to 20
_handed_out: set[int] = set()  # ports given to this process's servers, never given twice


class PrivateServer:
    """A server in a temporary directory of its own: set up and started on entering, stopped
    and its directory removed on leaving, whatever happened in between."""

    prefix = "zirkel-server-"

    def __init__(self) -> None:
        self.home = Path()

    def __enter__(self) -> Self:
        self.check_installed()
        self.home = Path(tempfile.mkdtemp(prefix=self.prefix))
        try:
            self.set_up()
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

    def check_installed(self) -> None:
        """Skip the test (fail it in CI) when the server's programs are missing."""

    def set_up(self) -> None:
        """Prepare ``home`` and start the server."""
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError


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
