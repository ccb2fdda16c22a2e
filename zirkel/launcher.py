"""``zirkel run``: the whole cooperative on one machine, on the embedded default.

Migrates the three schemas, seeds the demo cooperative into an empty catalog,
then starts each service's web process (gunicorn) and worker (outbox relay
and consumer) under honcho, which stops them all on Ctrl-C.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
from pathlib import Path

from honcho.manager import Manager

from shared.auth import TokenAuthority
from shared.logging import configure
from shared.settings import SERVICES, Settings


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
    var_dir = Path(env.get("ZIRKEL_VAR_DIR", "var")).resolve()
    env["ZIRKEL_VAR_DIR"] = str(var_dir)
    env.setdefault("ZIRKEL_SECRET_KEY", _persisted_secret(var_dir, "secret_key"))
    env.setdefault("ZIRKEL_ADMIN_TOKEN", _persisted_secret(var_dir, "admin_token"))
    env.setdefault("ZIRKEL_WEB_WORKERS", "1")
    return env


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
    manager = Manager()
    executable = str(Path(sys.executable).parent / "zirkel")
    for service in SERVICES:
        manager.add_process(f"{service}-web", f"{executable} web {service}", env=env)
        manager.add_process(f"{service}-worker", f"{executable} worker {service}", env=env)
    manager.add_process("pooling-scheduler", f"{executable} scheduler", env=env)
    _print_welcome(settings, seeded is not None)
    manager.loop()
    return manager.returncode or 0


def _print_welcome(settings: Settings, seeded: bool) -> None:
    from zirkel.demo_data import DEMO
    from zirkel.seed import (
        ADMIN_EMAIL,
        DEMO_MEMBER_PASSWORD,
        DEMO_SUPPLIER_EMAIL,
    )

    tokens = TokenAuthority(settings.secret_key, settings.admin_token)
    print("\nZirkel is starting (Ctrl-C stops everything):")
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
    print(f"  data: {settings.var_dir}\n", flush=True)
