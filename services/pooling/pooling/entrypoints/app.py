"""The pooling service's Flask app factory."""

from __future__ import annotations

from flask import Flask

from pooling.adapters.calendar import CutoffSchedule
from pooling.adapters.highs import HighsSolver
from pooling.adapters.orm import TABLES
from pooling.entrypoints.api import api
from shared.runtime import Runtime
from shared.settings import Settings
from shared.web import create_base_app


def build_runtime(settings: Settings) -> Runtime:
    return Runtime.build("pooling", settings, TABLES)


def create_app(settings: Settings | None = None) -> Flask:
    runtime = build_runtime(settings or Settings.from_env())
    app = create_base_app("pooling", runtime, api)
    app.extensions["zirkel.schedule"] = CutoffSchedule.from_settings(runtime.settings)
    app.extensions["zirkel.solver"] = HighsSolver(runtime.settings.solver_time_limit)
    return app
