"""Operating the messaging on RabbitMQ (throwaway vhost): the queue monitor from the
management API and from passive declarations, dead letters listed, replayed once, discarded,
every replay and discard in the audit log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from catalog.entrypoints.app import create_app
from pooling.adapters import orm
from pooling.bootstrap import build_runtime
from shared.consumer import EventConsumer
from shared.events import Event, dump
from shared.messaging import connect, declare_topology, subscriptions_of
from shared.publishing import Publisher
from shared.runtime import Runtime
from shared.settings import Settings
from tests.integration.test_messaging import need_posted
from tests.support.consumers import pooling_consumer
from tests.support.servers import throwaway_vhost
from tests.support.stack import wait_until

pytestmark = pytest.mark.rabbitmq

ADMIN = {"Authorization": "Bearer ops-admin-token"}
POOLING = subscriptions_of("pooling")[0]
DEAD = POOLING.dead_letter_queue_name
NOTIFY_QUEUE = subscriptions_of("notify")[0].queue_name


def make_settings(tmp_path: Path, broker: str, management: str) -> Settings:
    return Settings.from_env(
        {
            "ZIRKEL_SECRET_KEY": "o" * 32,
            "ZIRKEL_ADMIN_TOKEN": "ops-admin-token",
            "ZIRKEL_VAR_DIR": str(tmp_path),
            "ZIRKEL_BROKER_URL": broker,
            "ZIRKEL_RABBITMQ_MANAGEMENT_URL": management,
            "ZIRKEL_CONSUMER_MAX_RETRIES": "0",
        }
    )


@pytest.fixture
def settings(tmp_path: Path, management_url: str) -> Iterator[Settings]:
    """A vhost of its own: no consumer of another test is counted here."""
    with throwaway_vhost() as broker:
        settings = make_settings(tmp_path, broker, management_url)
        with connect(settings) as connection:
            declare_topology(connection)
        yield settings


def catalog_client(settings: Settings) -> FlaskClient:
    app = create_app(settings)
    app.extensions["zirkel.runtime"].migrate()
    return app.test_client()


@pytest.fixture
def catalog(settings: Settings) -> FlaskClient:
    return catalog_client(settings)


@pytest.fixture
def pooling(settings: Settings) -> Runtime:
    runtime = build_runtime(settings)
    runtime.migrate()
    return runtime


@pytest.fixture
def consumer(pooling: Runtime) -> Iterator[EventConsumer]:
    with pooling_consumer(pooling, max_retries=0) as running:
        yield running


def publish(settings: Settings, body: Any, routing_key: str) -> None:
    with connect(settings) as connection:
        text = body if isinstance(body, str) else json.dumps(body)
        Publisher(connection, settings.confirm_timeout).publish(
            text,
            routing_key=routing_key,
            message_id=None if isinstance(body, str) else body["event_id"],
        )


def queue_row(snapshot: dict[str, Any], name: str) -> dict[str, Any]:
    return next(q for q in snapshot["queues"] if q["name"] == name)


def letters(catalog: FlaskClient) -> list[dict[str, Any]]:
    response = catalog.get(f"/api/v1/ops/dead-letters/{DEAD}", headers=ADMIN)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["dead_letters"]


def pooled(runtime: Runtime) -> list[tuple[int, str]]:
    with runtime.engine.connect() as db:
        rows = db.execute(select(orm.PooledNeed.need_id, orm.PooledNeed.quantity)).all()
    return [(need_id, str(quantity)) for need_id, quantity in rows]


def processed(runtime: Runtime) -> int:
    inbox = runtime.tables["inbox"]
    with runtime.engine.connect() as db:
        return db.scalar(select(func.count()).select_from(inbox))


def test_the_monitor_reads_the_management_api_else_declares_passively(
    settings: Settings, catalog: FlaskClient, tmp_path: Path
) -> None:
    for need_id in (1, 2):
        publish(settings, dump(need_posted(need_id)), "catalog.need.posted.v1")

    def from_management() -> dict[str, Any] | None:
        snapshot = catalog.get("/api/v1/ops/queues", headers=ADMIN).get_json()
        assert snapshot["source"] == "management"
        row = queue_row(snapshot, POOLING.queue_name)
        return snapshot if (row["ready"], row["consumers"]) == (2, 0) else None

    # The management API refreshes its queue figures every few seconds, so a consumer
    # an earlier test closed may still be counted for a while.
    snapshot = wait_until(from_management, 15, "the management API to count 2 ready, 0 consumers")
    row = queue_row(snapshot, POOLING.queue_name)
    assert row["unacknowledged"] == 0 and row["consumers"] == 0
    assert {"publish_rate", "deliver_rate", "ack_rate"} <= row.keys()
    assert {q["name"] for q in snapshot["queues"]} >= {POOLING.queue_name, DEAD, NOTIFY_QUEUE}

    broken = make_settings(tmp_path / "broken", settings.broker_url, "http://127.0.0.1:1")
    passive = catalog_client(broken).get("/api/v1/ops/queues", headers=ADMIN).get_json()
    assert passive["source"] == "passive"
    assert "management API unavailable" in passive["reason"]
    assert queue_row(passive, POOLING.queue_name) == {
        "name": POOLING.queue_name,
        "messages": 2,
        "consumers": 0,
    }


def test_only_admins_operate(catalog: FlaskClient) -> None:
    member = catalog.application.extensions["zirkel.tokens"].issue("member", 1)
    headers = {"Authorization": f"Bearer {member}"}
    assert catalog.get("/api/v1/ops/queues", headers=headers).status_code == 403
    assert catalog.get("/api/v1/ops/audit").status_code == 401
    response = catalog.get("/api/v1/ops/dead-letters/no.such.dead", headers=ADMIN)
    assert response.status_code == 404
    assert "queue" in response.get_json()["details"]


def test_dead_letters_are_listed_replayed_once_and_discarded(
    settings: Settings,
    catalog: FlaskClient,
    pooling: Runtime,
    consumer: EventConsumer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    publish(settings, "{not json", "catalog.need.posted.v1")

    def broken(session: object, event: Event) -> None:
        raise RuntimeError("supplier terms table is on fire")

    monkeypatch.setitem(consumer.handlers, "catalog.need.posted", broken)
    event = dump(need_posted(7))
    publish(settings, event, "catalog.need.posted.v1")
    listed = wait_until(lambda: len(found := letters(catalog)) == 2 and found, 10, "2 letters")
    monkeypatch.undo()  # the handler is mended

    def seen(found: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
        return sorted((f["message_id"], f["reason"], f["body"]) for f in found)

    assert seen(letters(catalog)) == seen(listed)  # listing takes nothing away
    malformed, failed = (
        (listed[0], listed[1]) if listed[1]["message_id"] == event["event_id"] else listed[::-1]
    )
    assert malformed["reason"].startswith("invalid event")
    assert malformed["routing_key"] == "catalog.need.posted.v1"
    assert malformed["body"] == "{not json"
    assert "on fire" in failed["reason"]
    assert failed["headers"]["x-zirkel-death-queue"] == POOLING.queue_name

    path = f"/api/v1/ops/dead-letters/{DEAD}/{event['event_id']}"
    replayed = catalog.post(f"{path}/replay", headers=ADMIN)
    assert replayed.status_code == 200, replayed.get_json()
    wait_until(lambda: pooled(pooling) == [(7, "6")], 10, "the replayed need pooled")
    again = catalog.post(f"{path}/replay", headers=ADMIN)
    assert again.status_code == 404
    assert "message_id" in again.get_json()["details"]

    discard = f"/api/v1/ops/dead-letters/{DEAD}/{malformed['message_id']}/discard"
    assert catalog.post(discard, headers=ADMIN).status_code == 200
    assert letters(catalog) == []
    assert pooled(pooling) == [(7, "6")] and processed(pooling) == 1

    audit = catalog.get("/api/v1/ops/audit", headers=ADMIN).get_json()
    assert [(a["action"], a["message_id"]) for a in audit] == [
        ("discard", malformed["message_id"]),
        ("replay", event["event_id"]),
    ]
    assert all(a["actor"] == "admin (ZIRKEL_ADMIN_TOKEN)" for a in audit)
    assert audit[1]["queue"] == DEAD and "on fire" in audit[1]["reason"]


def test_the_operations_page_shows_the_management_apis_figures(
    settings: Settings, catalog: FlaskClient
) -> None:
    from catalog.service_layer.commands import CreateUser
    from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
    from catalog.service_layer.users import create_user
    from shared.db import transaction
    from tests.web.conftest import PASSWORD, sign_in, web_app

    runtime = catalog.application.extensions["zirkel.runtime"]
    with transaction(runtime.sessions) as db:
        admin = CreateUser("buero@zirkel.example", PASSWORD, role="admin", language="en")
        create_user(admin, SqlAlchemyUnitOfWork(db))
    office = web_app(settings, catalog.application).test_client()
    sign_in(office, "buero@zirkel.example")
    publish(settings, dump(need_posted(3)), "catalog.need.posted.v1")

    page = office.get("/admin/ops").get_data(as_text=True)
    assert "Figures from RabbitMQ's management API (rates per second)." in page
    assert f'<th scope="row">{POOLING.queue_name}</th>' in page
    assert "Acked/s" in page and "Nobody consumes pooling.catalog-changes." in page
