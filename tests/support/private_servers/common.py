"""What both private servers need: quiet ports, a look at a port, the end of a log."""

from __future__ import annotations

import random
import socket
from pathlib import Path

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
