"""Posting needs with an Idempotency-Key on PostgreSQL, as in production: two posts with
one key at the same moment make one need and one event, and both are answered with it; a
post without a key runs the statements it always ran. And a cancellation meeting the order
placed of its need: it waits for the order and is refused, never overwriting it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select

from catalog.adapters.orm import Need, Product
from catalog.service_layer import commands, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.db import transaction
from shared.runtime import Runtime
from tests.support.servers import settings_on

NEED = {"sku": "DISP-10L", "quantity": "12"}


@pytest.fixture
def catalog(tmp_path: Path, postgres_url: str) -> Iterator[Flask]:
    from catalog.entrypoints.app import create_app

    app = create_app(settings_on(postgres_url, tmp_path))
    runtime: Runtime = app.extensions["zirkel.runtime"]
    runtime.migrate()
    with transaction(runtime.sessions) as db:  # the database lasts the whole test run
        db.execute(Need.__table__.delete())
        db.execute(runtime.tables["outbox"].delete())
    yield app
    runtime.engine.dispose()


@pytest.fixture
def member(catalog: Flask) -> dict[str, str]:
    """A new member's bearer header (the product is added once per database)."""
    runtime: Runtime = catalog.extensions["zirkel.runtime"]
    with transaction(runtime.sessions) as db:
        if db.scalar(select(Product.id).where(Product.sku == "DISP-10L")) is None:
            handlers.add_product(
                commands.AddProduct("DISP-10L", "Dispersionsfarbe", "Eimer"),
                SqlAlchemyUnitOfWork(db),
            )
        member_id = handlers.register_member(
            commands.RegisterMember("Maler", "painter", "m@maler.example", "44135"),
            SqlAlchemyUnitOfWork(db),
        ).id
    token = catalog.extensions["zirkel.tokens"].issue("member", member_id)
    return {"Authorization": f"Bearer {token}"}


def post(catalog: Flask, headers: dict[str, str], key: str | None) -> Any:
    extra = {} if key is None else {"Idempotency-Key": key}
    return catalog.test_client().post("/api/v1/needs", json=NEED, headers=headers | extra)


def posted_events(catalog: Flask) -> list[dict[str, Any]]:
    runtime: Runtime = catalog.extensions["zirkel.runtime"]
    table = runtime.tables["outbox"]
    with runtime.engine.connect() as db:
        bodies = [json.loads(body) for body in db.scalars(select(table.c.body))]
    return [b for b in bodies if b["event_type"] == "catalog.need.posted"]


def stored_needs(catalog: Flask) -> list[int]:
    runtime: Runtime = catalog.extensions["zirkel.runtime"]
    with transaction(runtime.sessions) as db:
        return list(db.scalars(select(Need.id)))


def post_at_once(catalog: Flask, headers: dict[str, str], key: str, posts: int) -> list[Any]:
    """``posts`` posts of one need with one key from as many threads, each released only
    when all have looked the key up and found nothing: all of them try to insert."""
    engine = catalog.extensions["zirkel.runtime"].engine
    all_looked_up = threading.Barrier(posts, timeout=30)

    def before_insert(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO needs"):
            all_looked_up.wait()

    answers: list[Any] = [None] * posts

    def send(i: int) -> None:
        answers[i] = post(catalog, headers, key)

    event.listen(engine, "before_cursor_execute", before_insert)
    try:
        threads = [threading.Thread(target=send, args=(i,)) for i in range(posts)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        event.remove(engine, "before_cursor_execute", before_insert)
    return answers


@pytest.mark.parametrize("posts", [2, 4])
def test_posts_with_one_key_at_once_make_one_need(
    catalog: Flask, member: dict[str, str], posts: int
) -> None:
    answers = post_at_once(catalog, member, "8e03978e-40d5-43e8-bc93-6894a57f9324", posts)
    assert [a.status_code for a in answers] == [201] * posts, [a.get_json() for a in answers]
    assert len({json.dumps(a.get_json(), sort_keys=True) for a in answers}) == 1
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == [""] + ["true"] * (
        posts - 1
    )
    [need_id] = stored_needs(catalog)
    assert answers[0].get_json()["id"] == need_id
    assert [e["payload"]["need_id"] for e in posted_events(catalog)] == [need_id]


def statements_of(catalog: Flask, send: Any) -> list[str]:
    engine = catalog.extensions["zirkel.runtime"].engine
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()[:3]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert send().status_code == 201
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_a_post_is_two_inserts_and_a_key_adds_one_look_up(
    catalog: Flask, member: dict[str, str]
) -> None:
    post(catalog, member, None)  # the pool's first connection sets itself up
    plain = ["INSERT INTO needs", "INSERT INTO outbox"]
    assert statements_of(catalog, lambda: post(catalog, member, None)) == plain
    keyed = statements_of(catalog, lambda: post(catalog, member, "k-1"))
    assert len(keyed) == 3 and keyed[0].startswith("SELECT products.id") and keyed[1:] == plain
    assert statements_of(catalog, lambda: post(catalog, member, "k-1")) == keyed[:1]


def test_a_cancel_waits_for_an_order_being_placed_and_is_refused(
    catalog: Flask, member: dict[str, str]
) -> None:
    from catalog.service_layer.reactions import on_order_placed
    from tests.api.test_need_cancellation import order_placed

    need = post(catalog, member, None).get_json()
    runtime: Runtime = catalog.extensions["zirkel.runtime"]
    answers: list[Any] = []

    def cancel() -> None:
        url = f"/api/v1/needs/{need['id']}/cancel"
        answers.append(catalog.test_client().post(url, headers=member))

    with transaction(runtime.sessions) as db:
        uow = SqlAlchemyUnitOfWork(db, runtime.outbox)
        on_order_placed(order_placed(need, 7), uow)  # holds the need until it commits
        thread = threading.Thread(target=cancel)
        thread.start()
        thread.join(1.0)
        assert thread.is_alive(), "the cancel did not wait for the order"
    thread.join(30)

    assert answers[0].status_code == 409, answers[0].get_json()
    shown = catalog.test_client().get(f"/api/v1/needs/{need['id']}", headers=member).get_json()
    assert (shown["status"], shown["order_id"]) == ("ordered", 7)
