"""The web service's Flask app factory (``build_runtime`` is the bootstrap's)."""

from __future__ import annotations

import requests
from flask import Flask

from shared.settings import Settings
from shared.web import create_base_app
from web.bootstrap import build_runtime
from web.pages import init_web


def create_app(settings: Settings | None = None, http: requests.Session | None = None) -> Flask:
    runtime = build_runtime(settings or Settings.from_env(), http)
    app = create_base_app(runtime)
    init_web(app, runtime.clients)
    return app
