"""Catalog's app with one more route that takes ten seconds, for gunicorn's timeout:
``gunicorn -c services/catalog/gunicorn.conf.py 'tests.support.slow_catalog:create_app()'``."""

from __future__ import annotations

import time

from flask import Flask

from catalog.entrypoints.app import create_app as create_catalog


def create_app() -> Flask:
    app = create_catalog()

    @app.get("/api/v1/slowly")
    def slowly() -> str:
        time.sleep(10)
        return "finished"

    return app
