"""The billing service's Flask app factory (``build_runtime`` is the bootstrap's)."""

from __future__ import annotations

from flask import Flask

from billing.bootstrap import build_runtime, sepa_files
from billing.entrypoints.accounts_api import accounts_api
from billing.entrypoints.api import api
from billing.entrypoints.openapi import OPERATIONS
from billing.entrypoints.settlements_api import settlements_api
from billing.entrypoints.supplier_invoices_api import supplier_invoice_api
from shared.languages import speak_callers_language
from shared.openapi import openapi_blueprint
from shared.settings import Settings
from shared.web import create_base_app

LANGUAGES = ("en", "de")  # of its refusals, as the caller asks (translations/)

__all__ = ["build_runtime", "create_app"]


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    runtime = build_runtime(settings)
    spec = openapi_blueprint("Zirkel billing", OPERATIONS)
    app = create_base_app(runtime, spec, api, accounts_api, settlements_api, supplier_invoice_api)
    app.extensions["zirkel.sepa_files"] = sepa_files(settings)
    speak_callers_language(app, LANGUAGES)
    return app
