"""The ``zirkel`` command: migrate, seed, create sign-ins, and run the services' processes."""

from __future__ import annotations

import argparse
import getpass
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from shared.logging import configure
from shared.settings import SERVICES, WEB, Settings

if TYPE_CHECKING:  # the web command execs gunicorn: it imports no more than it needs
    from shared.runtime import Runtime

log = logging.getLogger("zirkel")


def service_runtime(service: str, settings: Settings) -> Runtime:
    module = importlib.import_module(f"{service}.bootstrap")
    return module.build_runtime(settings)


def migrate(settings: Settings, services: Sequence[str]) -> None:
    """Each service's schema to its head, its history read from beside its package (the
    service's app is not imported; a schema at its head is only compared)."""
    from shared import db

    for service in services:
        engine = db.make_engine(settings.database_url(service), service)
        try:
            db.upgrade(engine, service, db.migrations_of(service))
        finally:
            engine.dispose()
        log.info("%s schema is up to date", service)


def worker(settings: Settings, service: str) -> int:
    module = importlib.import_module(f"{service}.entrypoints.worker")
    return module.main(settings)


def add_create_user_arguments(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "create-user",
        help="create a web sign-in for a member or an admin (the password is prompted)",
    )
    cmd.add_argument("email")
    whose = cmd.add_mutually_exclusive_group(required=True)
    whose.add_argument("--member-id", type=int, help="the member this sign-in belongs to")
    whose.add_argument("--admin", action="store_true", help="a sign-in for the office")
    cmd.add_argument("--language", choices=("de", "en"), default="de")
    cmd.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input instead of a prompt",
    )


def create_user(settings: Settings, args: argparse.Namespace) -> int:
    """A sign-in from the shell; the password never appears in the command line."""
    from catalog.service_layer.commands import CreateUser
    from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
    from catalog.service_layer.users import create_user as create
    from shared.db import transaction
    from shared.errors import DomainError

    password = _read_password(args.password_stdin)
    if password is None:
        return 1
    runtime = service_runtime("catalog", settings)
    try:
        with transaction(runtime.sessions) as db:
            user = create(
                CreateUser(
                    args.email,
                    password,
                    role="admin" if args.admin else "member",
                    member_id=args.member_id,
                    language=args.language,
                ),
                SqlAlchemyUnitOfWork(db),
            )
            user_id, email = user.id, user.email
    except DomainError as exc:
        print(f"zirkel create-user: {exc.field}: {exc}", file=sys.stderr)
        return 1
    finally:
        runtime.engine.dispose()
    print(f"user {user_id} ({email}) created")
    return 0


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password again: "):
        print("zirkel create-user: the passwords differ", file=sys.stderr)
        return None
    return password


def add_backup_arguments(commands: argparse._SubParsersAction) -> None:
    backup_cmd = commands.add_parser(
        "backup", help="copy the embedded databases, the broker's and var/'s secrets"
    )
    backup_cmd.add_argument(
        "folder", nargs="?", type=Path, help="where to (default: var/backups/<UTC time>/)"
    )
    restore_cmd = commands.add_parser(
        "restore", help="bring back a backup of 'zirkel backup' (with 'zirkel run' stopped)"
    )
    restore_cmd.add_argument("folder", type=Path)


def backup_or_restore(args: argparse.Namespace) -> int:
    """``zirkel backup`` and ``zirkel restore`` on the folders ``zirkel run`` uses."""
    from zirkel import backup
    from zirkel.launcher import prepare_environment

    settings = Settings.from_env(prepare_environment())
    try:
        if args.command == "backup":
            now = backup.now_utc()
            folder = args.folder or backup.default_folder(settings, now)
            copied = backup.backup(settings, folder, now)
        else:
            folder = args.folder
            copied = backup.restore(settings, folder)
    except backup.BackupError as exc:
        print(f"zirkel {args.command}: {exc}", file=sys.stderr)
        return 1
    done = "backed up into" if args.command == "backup" else "restored from"
    print(f"{done} {folder.resolve()}:")
    for file in copied:
        revisions = f"  schema {', '.join(file.schema_revisions)}" if file.schema_revisions else ""
        print(f"  {file.name:12} {file.bytes:>12,} bytes  sha256 {file.sha256[:16]}{revisions}")
    return 0


def parser() -> argparse.ArgumentParser:
    """The ``zirkel`` command and its subcommands."""
    parser = argparse.ArgumentParser(prog="zirkel", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the schemas up to date").add_argument(
        "services", nargs="*", help=f"some of {', '.join(SERVICES)} (default: all)"
    )
    commands.add_parser("seed", help="load the demo cooperative into an empty catalog")
    worker_cmd = commands.add_parser("worker", help="run a service's outbox relay and consumer")
    worker_cmd.add_argument("service", choices=SERVICES)
    commands.add_parser("scheduler", help="run pooling's scheduler (window cutoffs, progress)")
    commands.add_parser("mail-catcher", help="keep every e-mail sent to the SMTP port as a file")
    web_cmd = commands.add_parser(
        "web", help="run a service's web app on gunicorn ('web': the pages' service)"
    )
    web_cmd.add_argument("service", choices=(*SERVICES, WEB))
    commands.add_parser("run", help="migrate, seed and start everything (embedded default)")
    commands.add_parser("status", help="the processes of a running 'zirkel run' and restarts")
    add_create_user_arguments(commands)
    add_backup_arguments(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    command = parser()
    args = command.parse_args(argv)
    if args.command == "run":
        from zirkel.launcher import run

        return run()
    if args.command == "status":
        from zirkel.launcher import status

        return status()
    if args.command in ("backup", "restore"):
        return backup_or_restore(args)
    if args.command in ("web", "worker", "scheduler", "mail-catcher"):
        from zirkel.supervised import follow_supervisor

        follow_supervisor()
    settings = Settings.from_env()
    process = f"{args.service}-{args.command}" if "service" in args else f"zirkel-{args.command}"
    configure(process, json_format=settings.log_json)
    if args.command == "migrate":
        unknown = set(args.services) - set(SERVICES)
        if unknown:
            command.error(f"unknown service: {', '.join(sorted(unknown))}")
    return run_command(settings, args)


def run_command(settings: Settings, args: argparse.Namespace) -> int:
    """A command that runs in this process with the settings and its logging set up."""
    if args.command == "migrate":
        migrate(settings, args.services or SERVICES)
    elif args.command == "seed":
        from zirkel.seed import seed

        seed(settings)
    elif args.command == "worker":
        return worker(settings, args.service)
    elif args.command == "scheduler":
        from pooling.entrypoints.scheduler import main as scheduler

        return scheduler(settings)
    elif args.command == "mail-catcher":
        from zirkel.mail_catcher import main as mail_catcher

        return mail_catcher(settings)
    elif args.command == "create-user":
        return create_user(settings, args)
    elif args.command == "web":
        from zirkel.supervised import exec_gunicorn

        exec_gunicorn(args.service)
    return 0


if __name__ == "__main__":
    sys.exit(main())
