"""Fixtures for the web service's pages: its app, with catalog's app (two members, their
users and an admin) behind its catalog client, in this process."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalog.service_layer import commands, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from catalog.service_layer.users import create_user
from shared.db import transaction
from shared.runtime import Runtime
from shared.settings import Settings

PASSWORD = "geheim-123"
CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


@dataclass
class Site:
    app: Flask  # the web service's
    catalog: Flask  # catalog's, behind the pages' catalog client
    runtime: Runtime  # catalog's
    member_ids: list[int]

    def client(self) -> FlaskClient:
        """A browser on the pages."""
        return self.app.test_client()

    def api(self) -> FlaskClient:
        """A caller of catalog's API."""
        return self.catalog.test_client()


def serve(site: Site, service: str, app: Flask) -> None:
    """Put ``app`` (pooling's, notify's or billing's) behind the pages' client of
    ``service``, in this process."""
    from web.clients.in_process import WsgiTransport

    runtime = site.app.extensions["zirkel.runtime"]
    runtime.http.mount(runtime.settings.service_urls[service], WsgiTransport(app))


def web_app(settings: Settings, catalog: Flask) -> Flask:
    """The web service's app, reaching ``catalog``'s app in this process."""
    from web.clients.in_process import in_process_session
    from web.entrypoints.app import create_app

    return create_app(settings, in_process_session({settings.service_urls["catalog"]: catalog}))


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1) or found.group(2)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def service_urls() -> dict[str, str]:
    """Where the pages reach the other services (``ZIRKEL_<SVC>_URL``); a test module
    overrides this fixture to put a real service behind the pages."""
    return {}


@pytest.fixture
def site(tmp_path: Path, service_urls: dict[str, str]) -> Iterator[Site]:
    from catalog.entrypoints.app import create_app

    settings = Settings.from_env(
        {
            "ZIRKEL_SECRET_KEY": "x" * 32,
            "ZIRKEL_VAR_DIR": str(tmp_path),
            # nothing listens: "unavailable" (one address each, for ``serve``)
            "ZIRKEL_POOLING_URL": "http://127.0.0.2:9",
            "ZIRKEL_NOTIFY_URL": "http://127.0.0.3:9",
            "ZIRKEL_BILLING_URL": "http://127.0.0.4:9",
        }
        | service_urls
    )
    catalog = create_app(settings)
    runtime: Runtime = catalog.extensions["zirkel.runtime"]
    runtime.migrate()
    with transaction(runtime.sessions) as db:
        handlers.add_product(
            commands.AddProduct("DISP-10L", "Dispersionsfarbe 10 l", "bucket"),
            SqlAlchemyUnitOfWork(db),
        )
        members = [
            handlers.register_member(
                commands.RegisterMember(name, "painter", email, "44135"), SqlAlchemyUnitOfWork(db)
            ).id
            for name, email in (
                ("Maler Eins", "eins@maler.example"),
                ("Maler Zwei", "zwei@maler.example"),
            )
        ]
        create_user(
            commands.CreateUser("eins@maler.example", PASSWORD, member_id=members[0]),
            SqlAlchemyUnitOfWork(db),
        )
        create_user(
            commands.CreateUser("zwei@maler.example", PASSWORD, member_id=members[1]),
            SqlAlchemyUnitOfWork(db),
        )
        create_user(
            commands.CreateUser("admin@zirkel.example", PASSWORD, role="admin"),
            SqlAlchemyUnitOfWork(db),
        )
    yield Site(web_app(settings, catalog), catalog, runtime, members)
    runtime.engine.dispose()


@pytest.fixture
def member(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "eins@maler.example")
    return client
