"""Billing's real app with the worked example's invoices issued through its own handlers
and unit of work (real documents): m1 226.10, m2 149.94 (in English), m3 416.50, m4 69.97,
then a corrected receipt gives m1 a credit note and a new invoice (6 DISP-10L, 271.32)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from billing import bootstrap
from billing.service_layer import commands as c
from billing.service_layer import handlers
from billing.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.db import transaction
from shared.runtime import Runtime
from shared.settings import Settings
from tests.unit.billing.factories import DISP, SIL, buyer, need
from tests.unit.billing.test_handlers import WORKED, received

TODAY = date(2026, 3, 16)


def billing_app(var_dir: Path, secret: str = "x" * 32) -> Iterator[Any]:
    """Billing's Flask app on its own SQLite file under ``var_dir``, migrated."""
    from billing.entrypoints.app import create_app

    settings = Settings.from_env({"ZIRKEL_SECRET_KEY": secret, "ZIRKEL_VAR_DIR": str(var_dir)})
    app = create_app(settings)
    runtime: Runtime = app.extensions["zirkel.runtime"]
    runtime.migrate()
    yield app
    runtime.engine.dispose()


def issue_worked_example(app: Any, corrected: bool = True) -> None:
    runtime: Runtime = app.extensions["zirkel.runtime"]
    issuing = bootstrap.billing(runtime.settings, lambda: TODAY)
    with transaction(runtime.sessions) as session:
        uow = SqlAlchemyUnitOfWork(session, runtime.outbox)
        for member_id in (1, 2, 3, 4):
            language = "en" if member_id == 2 else "de"
            handlers.record_member(
                c.RecordMember(buyer(member_id, language=language)), uow, issuing
            )
        for product in (DISP, SIL):
            handlers.record_product(c.RecordProduct(product), uow)
        handlers.record_order(WORKED, uow)
        handlers.record_receipt(received(1, [1, 2, 3, 4]), uow, issuing)
        if corrected:
            more = need(1, "DISP-10L", "6", "38.00")
            handlers.record_receipt(received(1, [1, 2, 3, 4], revision=2, need1=more), uow, issuing)
