"""The pooling service's Flask app factory; its dependencies come from the bootstrap."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import func, select

from pooling import bootstrap
from pooling.adapters import orm
from pooling.entrypoints.api import api
from pooling.entrypoints.closes import closes_api
from pooling.entrypoints.openapi import OPERATIONS
from pooling.entrypoints.outlook import outlook_api
from pooling.entrypoints.quote import quote_api
from pooling.entrypoints.receipts import receipts_api
from shared import metrics
from shared.auth import SUPPLIER_ACTIVE, supplier_standing
from shared.openapi import openapi_blueprint
from shared.runtime import Runtime
from shared.settings import Settings
from shared.web import create_base_app


def create_app(settings: Settings | None = None) -> Flask:
    runtime = bootstrap.build_runtime(settings or Settings.from_env())
    app = create_base_app(
        runtime,
        openapi_blueprint("Zirkel pooling", OPERATIONS),
        api,
        closes_api,
        receipts_api,
        outlook_api,
        quote_api,
    )
    schedule, solve = bootstrap.schedule(runtime.settings), bootstrap.solver(runtime.settings)
    app.extensions["zirkel.schedule"], app.extensions["zirkel.solver"] = schedule, solve
    app.extensions["zirkel.command_handlers"] = bootstrap.command_handlers(schedule, solve)
    # Pooling knows suppliers from catalog.supplier.updated; one not heard of yet has no
    # orders, and stays in like an active one until catalog says otherwise.
    terms = orm.SupplierTerms
    app.extensions[SUPPLIER_ACTIVE] = supplier_standing(
        runtime.engine, terms.active, terms.supplier_id, unknown=True
    )
    metrics.add_gauges(
        app,
        {"zirkel_pool_open_needs": ("Open needs in the current pool window.", open_needs(runtime))},
    )
    return app


def open_needs(runtime: Runtime) -> Callable[[], float]:
    """Counts the open needs of the open window, for ``/metrics``."""
    query = (
        select(func.count())
        .select_from(orm.PooledNeed)
        .join(orm.Window, orm.PooledNeed.window_id == orm.Window.id)
        .where(orm.Window.status == "open", orm.PooledNeed.status == "open")
    )

    def count() -> float:
        with runtime.engine.connect() as db:
            return float(db.scalar(query) or 0)

    return count
