"""What ``zirkel run``'s supervisor (supervisord) says about the processes it keeps running.

``zirkel run`` starts supervisord with its control socket at ``var/supervisor.sock``; it is
asked over XML-RPC for each process's state and pid, and its main log (fresh for each run)
for the restarts: every ``spawned`` line of a process after its first is a restart.
Without the socket (the processes run under another supervisor, or none) there is nothing
to say, and the callers say so.
"""

from __future__ import annotations

import re
import xmlrpc.client
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from supervisor.xmlrpc import SupervisorTransport

SOCKET_NAME = "supervisor.sock"
STARTED = "supervisord started with pid"
SPAWNED = re.compile(r"spawned: '([^']+)' with pid")


@dataclass(frozen=True)
class SupervisedProcess:
    name: str
    state: str  # supervisord's: RUNNING, STARTING, BACKOFF, EXITED, FATAL, STOPPED, ...
    pid: int
    restarts: int
    description: str  # supervisord's own words: "pid 123, uptime 0:01:02", an exit reason


def control_socket(var_dir: Path) -> Path:
    return var_dir / SOCKET_NAME


def supervisor(var_dir: Path) -> xmlrpc.client.ServerProxy:
    transport = SupervisorTransport(None, None, f"unix://{control_socket(var_dir)}")
    return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)


def supervised_processes(var_dir: Path) -> list[SupervisedProcess] | None:
    """Each process's state and restarts; None when no supervisor of ``zirkel run`` answers."""
    if not control_socket(var_dir).exists():
        return None
    try:
        rpc = supervisor(var_dir).supervisor
        infos = rpc.getAllProcessInfo()
        restarts = restart_counts(rpc.readLog(0, 0))
    except (OSError, xmlrpc.client.Error):
        return None
    return [
        SupervisedProcess(
            name=info["name"],
            state=info["statename"],
            pid=info["pid"],
            restarts=restarts.get(info["name"], 0),
            description=info["description"],
        )
        for info in infos
    ]


def restart_counts(main_log: str) -> dict[str, int]:
    """Restarts per process since the supervisor's last start, from its main log."""
    since_start = main_log.rsplit(STARTED, 1)[-1]
    spawns = Counter(SPAWNED.findall(since_start))
    return {name: count - 1 for name, count in spawns.items()}
