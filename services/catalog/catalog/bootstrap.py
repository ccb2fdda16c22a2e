"""Catalog's dependencies, built once from Settings: the runtime (engine, tables, outbox),
the one map from each event catalog consumes to its handler, and the worker's loops."""

from __future__ import annotations

from catalog.adapters.orm import TABLES
from catalog.entrypoints.ops_watch import OpsWatch
from catalog.service_layer import reactions
from shared.consumer import Handler
from shared.outbox import Outbox
from shared.runtime import Runtime
from shared.settings import Settings
from shared.worker import Loop


def build_runtime(settings: Settings) -> Runtime:
    return Runtime.build("catalog", settings, TABLES)


def handlers(settings: Settings, outbox: Outbox) -> dict[str, Handler]:
    """Each event catalog consumes, handled once, writing to ``outbox``; catalog's handlers
    need no setting (the parameter keeps every service's bootstrap alike)."""
    return reactions.handlers(outbox)


def worker_loops(runtime: Runtime) -> list[Loop]:
    """What catalog's worker runs beside the relay and the consumer: the ops watch."""
    return [("ops-watch", OpsWatch(runtime).run)]
