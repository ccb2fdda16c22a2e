"""The catalog's Flask app factory (``build_runtime`` is the bootstrap's): its JSON API
alone; the pages are the web service's."""

from __future__ import annotations

from flask import Flask

from catalog.adapters.orm import Supplier, User
from catalog.bootstrap import build_runtime, command_handlers
from catalog.entrypoints.api import api
from catalog.entrypoints.api_directory import directory_api
from catalog.entrypoints.api_need_changes import need_changes_api
from catalog.entrypoints.api_password_resets import password_reset_api
from catalog.entrypoints.api_users import users_api
from catalog.entrypoints.openapi import OPERATIONS
from catalog.entrypoints.ops import ops
from catalog.entrypoints.price_lists import price_list_api
from shared.auth import SUPPLIER_ACTIVE, USER_ACTIVE, supplier_standing
from shared.openapi import openapi_blueprint
from shared.settings import Settings
from shared.web import create_base_app


def create_app(settings: Settings | None = None) -> Flask:
    runtime = build_runtime(settings or Settings.from_env())
    app = create_base_app(
        runtime,
        openapi_blueprint("Zirkel catalog", OPERATIONS),
        api,
        directory_api,
        users_api,
        password_reset_api,
        ops,
        price_list_api,
        need_changes_api,
    )
    app.extensions["zirkel.command_handlers"] = command_handlers(runtime.settings)
    # Catalog keeps the suppliers: one it does not know has no standing.
    app.extensions[SUPPLIER_ACTIVE] = supplier_standing(
        runtime.engine, Supplier.active, Supplier.id, unknown=False
    )
    # Catalog keeps the users: a call made for a deactivated one is refused (one it does
    # not know, e.g. a test's or a script's, is taken as before).
    app.extensions[USER_ACTIVE] = supplier_standing(
        runtime.engine, User.active, User.email, unknown=True
    )
    return app
