"""The notify service's Flask app factory."""

from __future__ import annotations

from flask import Flask

from notify.adapters.orm import TABLES
from notify.entrypoints.api import api
from notify.entrypoints.openapi import OPERATIONS
from shared.openapi import openapi_blueprint
from shared.runtime import Runtime
from shared.settings import Settings
from shared.web import create_base_app


def build_runtime(settings: Settings) -> Runtime:
    return Runtime.build("notify", settings, TABLES)


def create_app(settings: Settings | None = None) -> Flask:
    runtime = build_runtime(settings or Settings.from_env())
    return create_base_app(runtime, openapi_blueprint("Zirkel notify", OPERATIONS), api)
