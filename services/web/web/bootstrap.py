"""The web service's dependencies, built once from Settings: the clients of the other
services (one HTTP session, one timeout and error policy, tokens scoped to the signed-in
user) and what its readiness asks. It has no database, no outbox and no worker."""

from __future__ import annotations

from dataclasses import dataclass

import requests

from shared.auth import TokenAuthority
from shared.settings import WEB, Settings
from web.clients import Clients, build_clients


@dataclass
class WebRuntime:
    """What ``shared.web.create_base_app`` needs of a service, for one without a database."""

    service: str
    settings: Settings
    clients: Clients
    http: requests.Session

    def ready_checks(self) -> dict[str, object]:
        """Nothing of its own to check: a page says so when a service it asks does not
        answer. (Asking catalog here would loop: catalog's dashboard asks every service's
        readiness, this one's too, and a single catalog worker would wait for itself.)"""
        return {}


def build_runtime(settings: Settings, http: requests.Session | None = None) -> WebRuntime:
    """The web service's runtime; ``http`` reaches the other services (a plain session
    over the network unless a test hands the services' apps in, ``in_process_session``)."""
    http = http or requests.Session()
    tokens = TokenAuthority(settings.secret_key, settings.admin_token)
    return WebRuntime(WEB, settings, build_clients(settings, tokens, http), http)
