"""The pages' typed clients of the other services, built once per app.

Pages ask ``clients()`` for them; nothing in a page builds a client, a token or a URL.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from flask import Flask, current_app, g

from catalog.web.clients.catalog import CatalogClient
from catalog.web.clients.in_process import in_process_session
from catalog.web.clients.service import ServiceClient
from shared.auth import TokenAuthority
from shared.settings import Settings

EXTENSION = "zirkel.clients"


@dataclass(frozen=True)
class Clients:
    catalog: CatalogClient


def build_clients(settings: Settings, tokens: TokenAuthority, http: requests.Session) -> Clients:
    """One client per service, each reached through ``http`` at ``settings.service_urls``."""

    def service(name: str) -> ServiceClient:
        return ServiceClient(name, settings.service_urls[name], tokens, http, _correlation_id)

    return Clients(catalog=CatalogClient(service("catalog")))


def install_clients(app: Flask) -> None:
    """The clients of the pages served by ``app``, catalog's own API reached in this process."""
    settings: Settings = app.extensions["zirkel.settings"]
    http = in_process_session({settings.service_urls["catalog"]: app})
    app.extensions[EXTENSION] = build_clients(settings, app.extensions["zirkel.tokens"], http)


def clients() -> Clients:
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def _correlation_id() -> str:
    return str(g.get("correlation_id", "")) if g else ""
