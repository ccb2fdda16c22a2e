"""The notify service's Flask app factory (``build_runtime`` is the bootstrap's)."""

from __future__ import annotations

from flask import Flask

from notify.bootstrap import build_runtime, command_handlers
from notify.entrypoints.api import api
from notify.entrypoints.invoices_api import invoices_api
from notify.entrypoints.openapi import OPERATIONS
from notify.entrypoints.preferences_api import preferences_api
from notify.entrypoints.statements_api import statements_api
from notify.entrypoints.supplier_api import supplier_api
from shared.openapi import openapi_blueprint
from shared.settings import Settings
from shared.web import create_base_app


def create_app(settings: Settings | None = None) -> Flask:
    runtime = build_runtime(settings or Settings.from_env())
    app = create_base_app(
        runtime,
        openapi_blueprint("Zirkel notify", OPERATIONS),
        api,
        preferences_api,
        statements_api,
        supplier_api,
        invoices_api,
    )
    app.extensions["zirkel.command_handlers"] = command_handlers(runtime.settings)
    return app
