"""Catalog's dependencies, built once from Settings: the runtime (engine, tables, outbox),
the handlers of the commands that need a setting, with it bound, the one map from each
event catalog consumes to its handler, and the worker's loops."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from catalog.adapters.orm import TABLES
from catalog.entrypoints.ops_watch import OpsWatch
from catalog.service_layer import commands, password_reset, reactions
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork, UnitOfWork
from shared.consumer import Handler
from shared.events import Event
from shared.outbox import Outbox
from shared.runtime import Runtime
from shared.settings import Settings
from shared.worker import Loop

CommandHandler = Callable[[Any, UnitOfWork], Any]


def build_runtime(settings: Settings) -> Runtime:
    return Runtime.build("catalog", settings, TABLES)


def command_handlers(settings: Settings) -> dict[type, CommandHandler]:
    """The handlers of the commands that need more than the command and a unit of work,
    each taking just those two, with the rest bound here: the secret key that signs a
    password link and the clock that times it. Catalog's other handlers need nothing
    else; views call them by name."""
    secret_key = settings.secret_key
    return {
        commands.AskForReset: partial(
            password_reset.ask_for_reset, secret_key=secret_key, clock=time.time
        ),
    }


def handlers(settings: Settings, outbox: Outbox) -> dict[str, Handler]:
    """Each event catalog consumes, handled once in a unit of work over the message's
    session, writing to ``outbox``; catalog's handlers need no setting (the parameter keeps
    every service's bootstrap alike)."""
    return {key: _in_unit_of_work(react, outbox) for key, react in reactions.HANDLERS.items()}


def _in_unit_of_work(react: Callable[[Any, UnitOfWork], None], outbox: Outbox) -> Handler:
    def handle(session: Session, event: Event) -> None:
        react(event, SqlAlchemyUnitOfWork(session, outbox))

    return handle


def worker_loops(runtime: Runtime) -> list[Loop]:
    """What catalog's worker runs beside the relay and the consumer: the ops watch."""
    return [("ops-watch", OpsWatch(runtime).run)]
