"""Fixtures for the HTTP API tests: one app per service on its own SQLite file.

The apps run without a broker: catalog events are read from its outbox table,
and pooling and notify are fed events through their reaction handlers, the way
the idempotent consumer would hand them over (JSON round trip, one transaction).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from shared import events
from shared.db import transaction
from shared.runtime import Runtime
from shared.settings import Settings

ADMIN_TOKEN = "admin-token-for-tests"

Headers = dict[str, str]


def bearer(token: str) -> Headers:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Service:
    """A service's app under test, its test client and its runtime (engine, tables, outbox)."""

    app: Flask
    client: FlaskClient
    runtime: Runtime

    def outbox(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """The events this service has written to its outbox, oldest first."""
        table = self.runtime.tables["outbox"]
        with self.runtime.engine.connect() as connection:
            rows = connection.execute(select(table.c.body).order_by(table.c.id)).all()
        bodies = [json.loads(row.body) for row in rows]
        for body in bodies:
            events.load(body)  # every event a service writes keeps its contract
        return [b for b in bodies if event_type is None or b["event_type"] == event_type]

    def token(self, role: str, subject_id: int | None = None) -> Headers:
        """A bearer header signed with the shared secret, as catalog would issue it."""
        return bearer(self.app.extensions["zirkel.tokens"].issue(role, subject_id))

    def deliver(self, handlers: Mapping[str, Callable[..., None]], event: events.Event) -> None:
        """Hand ``event`` to its handler as the consumer would: validated, one transaction."""
        received = events.load(json.loads(json.dumps(events.dump(event))))
        with transaction(self.runtime.sessions) as session:
            handlers[received.event_type](session, received)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(
        {
            "ZIRKEL_SECRET_KEY": "x" * 32,
            "ZIRKEL_ADMIN_TOKEN": ADMIN_TOKEN,
            "ZIRKEL_VAR_DIR": str(tmp_path),
        }
    )


def _service(create_app: Callable[[Settings], Flask], settings: Settings) -> Iterator[Service]:
    app = create_app(settings)
    runtime: Runtime = app.extensions["zirkel.runtime"]
    runtime.migrate()
    yield Service(app, app.test_client(), runtime)
    runtime.engine.dispose()


@pytest.fixture
def catalog(settings: Settings) -> Iterator[Service]:
    from catalog.entrypoints.app import create_app

    yield from _service(create_app, settings)


@pytest.fixture
def pooling(settings: Settings) -> Iterator[Service]:
    from pooling.entrypoints.app import create_app

    yield from _service(create_app, settings)


@pytest.fixture
def notify(settings: Settings) -> Iterator[Service]:
    from notify.entrypoints.app import create_app

    yield from _service(create_app, settings)


@pytest.fixture
def billing(settings: Settings) -> Iterator[Service]:
    from billing.entrypoints.app import create_app

    yield from _service(create_app, settings)


@pytest.fixture
def admin() -> Headers:
    return bearer(ADMIN_TOKEN)


@dataclass
class Created:
    """A resource created through the API: its JSON and, if it has one, its caller's header."""

    body: dict[str, Any]
    headers: Headers

    @property
    def id(self) -> int:
        return int(self.body["id"])


def _created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def make_member(catalog: Service, admin: Headers) -> Callable[..., Created]:
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> Created:
        n = next(counter)
        body = {
            "name": f"Malerbetrieb {n}",
            "trade": "painter",
            "email": f"office{n}@maler.example",
            "postcode": "44135",
        } | fields
        member = _created(catalog.client.post("/api/v1/members", json=body, headers=admin))
        return Created(member, bearer(member["api_token"]))

    return make


@pytest.fixture
def make_supplier(catalog: Service, admin: Headers) -> Callable[..., Created]:
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> Created:
        n = next(counter)
        body = {
            "name": f"Baustoffhandel {n}",
            "email": f"orders{n}@baustoff.example",
            "shipping_fee": "25.00",
            "free_shipping_from": "500.00",
        } | fields
        supplier = _created(catalog.client.post("/api/v1/suppliers", json=body, headers=admin))
        return Created(supplier, bearer(supplier["api_token"]))

    return make


@pytest.fixture
def make_product(catalog: Service, admin: Headers) -> Callable[..., dict[str, Any]]:
    def make(sku: str = "DISP-10L", name: str = "Dispersionsfarbe 10 l", unit: str = "bucket"):
        body = {"sku": sku, "name": name, "unit": unit}
        return _created(catalog.client.post("/api/v1/products", json=body, headers=admin))

    return make


@pytest.fixture
def make_offer(catalog: Service, admin: Headers) -> Callable[..., dict[str, Any]]:
    def make(
        supplier_id: int,
        sku: str,
        pack_size: str = "1",
        tiers: tuple[tuple[str, str], ...] = (("0", "42.00"), ("10", "38.00")),
    ) -> dict[str, Any]:
        body = {
            "pack_size": pack_size,
            "tiers": [{"min_quantity": q, "unit_price": p} for q, p in tiers],
        }
        response = catalog.client.put(
            f"/api/v1/offers/{supplier_id}/{sku}", json=body, headers=admin
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return make
