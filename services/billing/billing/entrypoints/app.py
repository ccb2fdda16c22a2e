"""The billing service's Flask app factory (``build_runtime`` is the bootstrap's)."""

from __future__ import annotations

from flask import Flask

from billing.bootstrap import build_runtime
from billing.entrypoints.api import api
from billing.entrypoints.openapi import OPERATIONS
from shared.openapi import openapi_blueprint
from shared.settings import Settings
from shared.web import create_base_app

__all__ = ["build_runtime", "create_app"]


def create_app(settings: Settings | None = None) -> Flask:
    runtime = build_runtime(settings or Settings.from_env())
    return create_base_app(runtime, openapi_blueprint("Zirkel billing", OPERATIONS), api)
