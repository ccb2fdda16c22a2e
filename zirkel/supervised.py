"""What a process that ``zirkel run`` supervises does first, and the supervisor itself.

A web process, a worker or the scheduler started under ``zirkel run`` follows its supervisor
(it ends with it), and a web process then becomes its gunicorn: this module imports nothing
beyond the standard library, so that the step before gunicorn costs no imports of its own.

The supervisor is supervisord, started through ``python -m zirkel.supervised CONFIG``: as
``supervisord -c CONFIG``, but it spawns the processes as soon as it runs, where supervisord
waits out its first second of polling.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from importlib.util import find_spec
from pathlib import Path

SUPERVISOR_PID = "ZIRKEL_SUPERVISOR_PID"  # set by zirkel run for the processes it starts
PR_SET_PDEATHSIG = 1  # Linux's prctl option: a signal for this process when its parent dies


def follow_supervisor() -> None:
    """Under ``zirkel run``: end with the supervisor, even one killed -9, so that a new
    ``zirkel run`` finds no process of the old one. Linux's parent-death signal is kept
    across exec, so gunicorn's master gets it too (and stops its workers)."""
    supervisor_pid = os.environ.get(SUPERVISOR_PID)
    if not supervisor_pid or not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != int(supervisor_pid):  # it died before the signal was asked for
        os.kill(os.getpid(), signal.SIGTERM)


def exec_gunicorn(service: str) -> None:
    """Replace this process with the service's gunicorn (its package is not imported)."""
    spec = find_spec(service)
    if spec is None or spec.origin is None:
        raise LookupError(f"no package {service!r}")
    config = Path(spec.origin).resolve().parents[1] / "gunicorn.conf.py"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    os.execv(gunicorn, [gunicorn, "-c", str(config)])


def supervise(config: str) -> None:
    """supervisord with ``config``, its processes spawned at once (again after a SIGHUP)."""
    from supervisor.medusa import asyncore_25 as asyncore
    from supervisor.options import ServerOptions
    from supervisor.states import SupervisorStates
    from supervisor.supervisord import Supervisor

    class StartingAtOnce(Supervisor):  # type: ignore[misc]
        def runforever(self) -> None:
            for group in self.process_groups.values():
                group.transition()  # spawns what is to start, as the first poll's end would
            super().runforever()

    first = True
    while True:
        options = ServerOptions()
        options.realize(["-c", config], doc=__doc__)
        options.first, options.test = first, False
        with contextlib.suppress(asyncore.ExitNow):  # how supervisord's loop ends
            StartingAtOnce(options).main()
        options.close_httpservers()
        options.close_logger()
        first = False
        if options.mood < SupervisorStates.RESTARTING:
            return


if __name__ == "__main__":
    supervise(sys.argv[1])
