"""The ``zirkel`` command: migrate, seed, and run the services' processes."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from shared.logging import configure
from shared.runtime import Runtime
from shared.settings import SERVICES, Settings

log = logging.getLogger("zirkel")


def service_runtime(service: str, settings: Settings) -> Runtime:
    module = importlib.import_module(f"{service}.entrypoints.app")
    return module.build_runtime(settings)


def migrate(settings: Settings, services: Sequence[str]) -> None:
    for service in services:
        service_runtime(service, settings).migrate()
        log.info("%s schema is up to date", service)


def worker(settings: Settings, service: str) -> int:
    module = importlib.import_module(f"{service}.entrypoints.worker")
    return module.main(settings)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="zirkel", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the schemas up to date").add_argument(
        "services", nargs="*", help=f"some of {', '.join(SERVICES)} (default: all)"
    )
    commands.add_parser("seed", help="load the demo cooperative into an empty catalog")
    worker_cmd = commands.add_parser("worker", help="run a service's outbox relay and consumer")
    worker_cmd.add_argument("service", choices=SERVICES)
    commands.add_parser("scheduler", help="run pooling's scheduler (window cutoffs, progress)")
    web_cmd = commands.add_parser("web", help="run a service's web app on gunicorn")
    web_cmd.add_argument("service", choices=SERVICES)
    commands.add_parser("run", help="migrate, seed and start everything (embedded default)")
    args = parser.parse_args(argv)

    if args.command == "run":
        from zirkel.launcher import run

        return run()
    settings = Settings.from_env()
    process = f"{args.service}-{args.command}" if "service" in args else f"zirkel-{args.command}"
    configure(process, json_format=settings.log_json)
    if args.command == "migrate":
        unknown = set(args.services) - set(SERVICES)
        if unknown:
            parser.error(f"unknown service: {', '.join(sorted(unknown))}")
        migrate(settings, args.services or SERVICES)
    elif args.command == "seed":
        from zirkel.seed import seed

        seed(settings)
    elif args.command == "worker":
        return worker(settings, args.service)
    elif args.command == "scheduler":
        from pooling.entrypoints.scheduler import main as scheduler

        return scheduler(settings)
    elif args.command == "web":
        from zirkel.launcher import exec_gunicorn

        exec_gunicorn(args.service)
    return 0


if __name__ == "__main__":
    sys.exit(main())
