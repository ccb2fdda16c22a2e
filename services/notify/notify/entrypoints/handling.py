"""How a view reaches the service layer: a command goes to the handler ``bootstrap`` bound
its dependencies to, in a unit of work on the request's session (which the view's
``request_transaction`` block commits)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from notify.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.web import current_runtime


def unit_of_work_on(session: Session) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(session, current_runtime().outbox)


def handle(session: Session, cmd: Any) -> Any:
    """What the command's handler answers (a delivery, the preferences...)."""
    handler = current_app.extensions["zirkel.commands"][type(cmd)]
    return handler(cmd, unit_of_work_on(session))
