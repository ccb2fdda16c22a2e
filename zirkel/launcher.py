"""``zirkel run``: the whole cooperative on one machine, on the embedded default.

Migrates every service's schema, seeds the demo cooperative into an empty catalog,
then becomes supervisord, configured in ``var/supervisord.conf`` from the list of
processes below: each service's web process (gunicorn) and worker (outbox relay
and consumer), and pooling's scheduler. supervisord restarts a process that
dies, again after a growing pause while it keeps dying within ``START_SECONDS``,
keeps the others running, and stops them all (process groups included) on
Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import ctypes
import os
import secrets
import shutil
import signal
import sys
from pathlib import Path

from shared.auth import TokenAuthority
from shared.logging import configure
from shared.settings import SERVICES, Settings, var_dir_of
from shared.supervision import control_socket, supervised_processes

START_SECONDS = 5  # a process up this long has started; one dying sooner is retried later
START_RETRIES = 60  # restarts of a process dying at start, each after a pause 1 s longer
STOP_SECONDS = 20  # a process still there this long after SIGTERM is killed
SUPERVISOR_PID = "ZIRKEL_SUPERVISOR_PID"  # set by zirkel run for the processes it starts
SECRET_KEY_FILE, ADMIN_TOKEN_FILE = "secret_key", "admin_token"  # generated under var/
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
    """Replace this process with the service's gunicorn."""
    module = __import__(service)
    config = Path(module.__file__).resolve().parents[1] / "gunicorn.conf.py"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    os.execv(gunicorn, [gunicorn, "-c", str(config)])


def _persisted_secret(var_dir: Path, name: str) -> str:
    """A secret made once for this installation and kept under var/ (never committed)."""
    path = var_dir / name
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def prepare_environment() -> dict[str, str]:
    env = dict(os.environ)
    var_dir = var_dir_of(env)
    env["ZIRKEL_VAR_DIR"] = str(var_dir)
    env.setdefault("ZIRKEL_SECRET_KEY", _persisted_secret(var_dir, SECRET_KEY_FILE))
    env.setdefault("ZIRKEL_ADMIN_TOKEN", _persisted_secret(var_dir, ADMIN_TOKEN_FILE))
    env.setdefault("ZIRKEL_WEB_WORKERS", "1")
    return env


def processes() -> dict[str, str]:
    """The processes of the whole cooperative, by name, with their commands."""
    zirkel = str(Path(sys.executable).parent / "zirkel")
    commands = {}
    for service in SERVICES:
        commands[f"{service}-web"] = f"{zirkel} web {service}"
        commands[f"{service}-worker"] = f"{zirkel} worker {service}"
    commands["pooling-scheduler"] = f"{zirkel} scheduler"
    return commands


def supervisor_config(var_dir: Path) -> str:
    """supervisord's configuration: the processes' output goes to the terminal."""

    def quoted(path: Path) -> str:
        return str(path).replace("%", "%%")

    sections = [
        f"[unix_http_server]\nfile={quoted(control_socket(var_dir))}\nchmod=0700",
        "[supervisord]\nnodaemon=true\nloglevel=info\nlogfile_maxbytes=0\n"
        f"logfile={quoted(var_dir / 'supervisord.log')}\n"
        f"pidfile={quoted(var_dir / 'supervisord.pid')}",
        "[rpcinterface:supervisor]\n"
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        f"[supervisorctl]\nserverurl=unix://{quoted(control_socket(var_dir))}",
    ]
    # One group: supervisord stops a group's processes all at once, groups one after another.
    sections.append(f"[group:zirkel]\nprograms={','.join(processes())}")
    for name, command in processes().items():
        sections.append(
            f"[program:{name}]\ncommand={command.replace('%', '%%')}\n"
            "autorestart=true\n"
            f"startsecs={START_SECONDS}\nstartretries={START_RETRIES}\n"
            f"stopsignal=TERM\nstopwaitsecs={STOP_SECONDS}\n"
            "stopasgroup=true\nkillasgroup=true\nredirect_stderr=true\n"
            "stdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0"
        )
    return "\n\n".join(sections) + "\n"


def run() -> int:
    env = prepare_environment()
    os.environ.update(env)
    settings = Settings.from_env(env)
    configure("zirkel-run")
    from zirkel.cli import migrate
    from zirkel.seed import seed

    migrate(settings, SERVICES)
    seeded = seed(settings)
    shutil.rmtree(settings.var_dir / "metrics", ignore_errors=True)  # samples of earlier runs
    config = settings.var_dir / "supervisord.conf"
    config.write_text(supervisor_config(settings.var_dir))
    main_log = settings.var_dir / "supervisord.log"
    if main_log.exists():  # restarts are counted from a fresh log
        main_log.replace(settings.var_dir / "supervisord.log.1")
    _print_welcome(settings, seeded is not None)
    env[SUPERVISOR_PID] = str(os.getpid())  # this process becomes supervisord
    supervisord = str(Path(sys.executable).parent / "supervisord")
    os.execve(supervisord, [supervisord, "-c", str(config)], env)
    return 1  # not reached: this process is supervisord now


def _print_welcome(settings: Settings, seeded: bool) -> None:
    from zirkel.demo_data import DEMO
    from zirkel.seed import (
        ADMIN_EMAIL,
        DEMO_MEMBER_PASSWORD,
        DEMO_SUPPLIER_EMAIL,
    )

    tokens = TokenAuthority(settings.secret_key, settings.admin_token)
    print("\nZirkel is starting under supervisord (Ctrl-C stops everything):")
    for service in SERVICES:
        print(f"  {service:8} {settings.service_urls[service]}/health/ready")
    print(f"\n  admin token:     {settings.admin_token}")
    print(f"  member 1 token:  {tokens.issue('member', 1)}")
    print(f"  supplier 1 token: {tokens.issue('supplier', 1)}")
    first_member = DEMO.members[0].email
    print(f"\n  web sign-in:     {settings.service_urls['catalog']}/login")
    print(f"    admin:         {ADMIN_EMAIL} / {settings.admin_password}")
    print(f"    members:       their e-mail (e.g. {first_member}) / {DEMO_MEMBER_PASSWORD}")
    print(f"    supplier:      {DEMO_SUPPLIER_EMAIL} / {DEMO_MEMBER_PASSWORD}")
    if seeded:
        print("  (the demo cooperative 'Handwerkszirkel Dortmund' was just loaded)")
    print(f"  data: {settings.var_dir}")
    print("  a process that dies is restarted; see each one's state and restarts with")
    print(f"    {Path(sys.executable).parent / 'zirkel'} status")
    print(f"  or on the office's page {settings.service_urls['catalog']}/admin/ops\n", flush=True)


def status() -> int:
    """``zirkel status``: each process of a running ``zirkel run``, its state and restarts."""
    var_dir = var_dir_of(os.environ)
    found = supervised_processes(var_dir)
    if found is None:
        print(f"zirkel status: no supervisor of 'zirkel run' answers at {control_socket(var_dir)}")
        return 1
    print(f"{'process':20} {'state':9} {'restarts':>8}  details")
    for process in found:
        print(f"{process.name:20} {process.state:9} {process.restarts:8}  {process.description}")
    return 0
