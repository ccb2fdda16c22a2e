"""``zirkel run``: the whole cooperative on one machine, on the embedded default.

Migrates every service's schema, seeds the demo cooperative into an empty catalog,
then becomes supervisord, configured in ``var/supervisord.conf`` from the list of
processes below: each service's web process (gunicorn) and worker (outbox relay
and consumer), the web service that serves every page, pooling's scheduler and,
unless an SMTP server is set, the mail catcher that keeps every e-mail under
``var/mail/``. supervisord restarts a process that
dies, again after a growing pause while it keeps dying within ``START_SECONDS``,
keeps the others running, and stops them all (process groups included) on
Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
from pathlib import Path

from shared.logging import configure
from shared.settings import SERVICES, WEB, Settings, var_dir_of
from shared.supervision import control_socket, supervised_processes
from zirkel.supervised import SUPERVISOR_PID

START_SECONDS = 5  # a process up this long has started; one dying sooner is retried later
START_RETRIES = 60  # restarts of a process dying at start, each after a pause 1 s longer
STOP_SECONDS = 20  # a process still there this long after SIGTERM is killed
SECRET_KEY_FILE, ADMIN_TOKEN_FILE = "secret_key", "admin_token"  # generated under var/


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
    if catching_mail(env):
        env.setdefault("ZIRKEL_MAIL_CATCHER_DIR", str(var_dir / "mail"))
    return env


def catching_mail(env: dict[str, str]) -> bool:
    """No SMTP server set: the e-mails go to the stack's own mail catcher."""
    return not env.get("ZIRKEL_SMTP_HOST")


def processes(with_mail_catcher: bool = False) -> dict[str, str]:
    """The processes of the whole cooperative, by name, with their commands."""
    zirkel = str(Path(sys.executable).parent / "zirkel")
    commands = {}
    for service in SERVICES:
        commands[f"{service}-web"] = f"{zirkel} web {service}"
        commands[f"{service}-worker"] = f"{zirkel} worker {service}"
    commands[WEB] = f"{zirkel} web {WEB}"  # every page, on its own port
    commands["pooling-scheduler"] = f"{zirkel} scheduler"
    if with_mail_catcher:
        commands["mail-catcher"] = f"{zirkel} mail-catcher"
    return commands


def supervisor_config(var_dir: Path, with_mail_catcher: bool = False) -> str:
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
    programs = processes(with_mail_catcher)
    sections.append(f"[group:zirkel]\nprograms={','.join(programs)}")
    for name, command in programs.items():
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

    migrate(settings, SERVICES)
    seeded = None
    if catalog_is_empty(settings):  # catalog's app is imported only to seed it
        from zirkel.seed import seed

        seeded = seed(settings)
    shutil.rmtree(settings.var_dir / "metrics", ignore_errors=True)  # samples of earlier runs
    config = settings.var_dir / "supervisord.conf"
    config.write_text(supervisor_config(settings.var_dir, catching_mail(env)))
    main_log = settings.var_dir / "supervisord.log"
    if main_log.exists():  # restarts are counted from a fresh log
        main_log.replace(settings.var_dir / "supervisord.log.1")
    _print_welcome(settings, seeded is not None, catching_mail(env))
    env[SUPERVISOR_PID] = str(os.getpid())  # this process becomes supervisord
    os.execve(sys.executable, [sys.executable, "-m", "zirkel.supervised", str(config)], env)
    return 1  # not reached: this process is supervisord now


def catalog_is_empty(settings: Settings) -> bool:
    """Whether catalog has no member yet (the demo is seeded then), asked without
    importing catalog's app."""
    from sqlalchemy import func, select, table

    from shared import db

    engine = db.make_engine(settings.database_url("catalog"), "catalog")
    try:
        with engine.connect() as connection:
            return not connection.scalar(select(func.count()).select_from(table("members")))
    finally:
        engine.dispose()


def _print_welcome(settings: Settings, seeded: bool, catching: bool) -> None:
    from shared.auth import TokenAuthority
    from zirkel.demo_data import ADMIN_EMAIL, DEMO, DEMO_MEMBER_PASSWORD, DEMO_SUPPLIER_EMAIL

    tokens = TokenAuthority(settings.secret_key, settings.admin_token)
    print("\nZirkel is starting under supervisord (Ctrl-C stops everything):")
    for service in (WEB, *SERVICES):
        print(f"  {service:8} {settings.service_urls[service]}/health/ready")
    print(f"\n  admin token:     {settings.admin_token}")
    print(f"  member 1 token:  {tokens.issue('member', 1)}")
    print(f"  supplier 1 token: {tokens.issue('supplier', 1)}")
    first_member = DEMO.members[0].email
    print(f"\n  web sign-in:     {settings.public_url}/login")
    print(f"    admin:         {ADMIN_EMAIL} / {settings.admin_password}")
    print(f"    members:       their e-mail (e.g. {first_member}) / {DEMO_MEMBER_PASSWORD}")
    print(f"    supplier:      {DEMO_SUPPLIER_EMAIL} / {DEMO_MEMBER_PASSWORD}")
    if seeded:
        print("  (the demo cooperative 'Handwerkszirkel Dortmund' was just loaded)")
    print(f"  data: {settings.var_dir}")
    _print_mail(settings, catching)
    print("  a process that dies is restarted; see each one's state and restarts with")
    print(f"    {Path(sys.executable).parent / 'zirkel'} status")
    print(f"  or on the office's page {settings.public_url}/admin/ops\n", flush=True)


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


def _print_mail(settings: Settings, catching: bool) -> None:
    """Where the e-mails of this run go."""
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    if not catching:
        print(f"  e-mails: sent to the SMTP server at {where}")
        return
    print(f"  e-mails: caught on {where}, nothing is sent on; each one is a file in")
    print(f"    {settings.mail_catcher_dir}")
    print(f"    and on the office's page {settings.public_url}/admin/mail")
