"""The pages' typed clients of the other services, built once by the bootstrap.

Pages ask ``clients()`` for them; nothing in a page builds a client, a token or a URL.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from flask import Flask, current_app, g

from shared.auth import TokenAuthority
from shared.settings import Settings
from web.clients.catalog import CatalogClient
from web.clients.service import ServiceClient

EXTENSION = "zirkel.clients"


@dataclass(frozen=True)
class Clients:
    catalog: CatalogClient
    pooling: ServiceClient
    notify: ServiceClient
    billing: ServiceClient

    def of(self, service: str) -> ServiceClient:
        """The service's client by its name (catalog's typed client's own, for catalog)."""
        found = self.catalog.service if service == "catalog" else getattr(self, service)
        return found  # type: ignore[no-any-return]


def build_clients(settings: Settings, tokens: TokenAuthority, http: requests.Session) -> Clients:
    """One client per service, each reached through ``http`` at ``settings.service_urls``."""

    def service(name: str) -> ServiceClient:
        return ServiceClient(name, settings.service_urls[name], tokens, http, _correlation_id)

    return Clients(
        catalog=CatalogClient(service("catalog")),
        pooling=service("pooling"),
        notify=service("notify"),
        billing=service("billing"),
    )


def install_clients(app: Flask, built: Clients) -> None:
    """The clients the pages served by ``app`` ask (``clients()``)."""
    app.extensions[EXTENSION] = built


def clients() -> Clients:
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def _correlation_id() -> str:
    return str(g.get("correlation_id", "")) if g else ""
