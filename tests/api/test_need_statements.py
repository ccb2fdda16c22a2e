"""What a post of a need costs the database: a post without an Idempotency-Key runs the
statements it ran before keys existed (one look-up, two inserts), and a key adds none."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import event

if TYPE_CHECKING:
    from tests.api.conftest import Created, Headers, Service

NEED = {"sku": "DISP-10L", "quantity": "12"}
PLAIN_POST = [
    "BEGIN IMMEDIATE",
    "SELECT products.id, products.sku,",
    "INSERT INTO needs",
    "INSERT INTO outbox",
]


@pytest.fixture
def member(make_member: Any, make_product: Any) -> Created:
    make_product("DISP-10L")
    return make_member()


def statements_of(catalog: Service, headers: Headers) -> list[str]:
    """Each statement the post sends, in full."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    engine = catalog.runtime.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = catalog.client.post("/api/v1/needs", json=NEED, headers=headers)
        assert response.status_code == 201, response.get_json()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def opening(statements: list[str]) -> list[str]:
    return [" ".join(s.split()[:3]) for s in statements]


def test_a_post_without_a_key_runs_the_statements_it_always_ran(
    catalog: Service, member: Created
) -> None:
    statements_of(catalog, member.headers)  # the first connection sets itself up
    plain = statements_of(catalog, member.headers)
    assert opening(plain) == PLAIN_POST
    look_up, insert_need = plain[1], plain[2]
    assert " needs" not in look_up and "idempotency_key" not in look_up
    assert "idempotency_key" not in insert_need and "ON CONFLICT" not in insert_need


def test_a_key_adds_no_statement_and_a_post_sent_again_runs_one(
    catalog: Service, member: Created
) -> None:
    statements_of(catalog, member.headers)
    keyed = member.headers | {"Idempotency-Key": "k-1"}
    first = statements_of(catalog, keyed)
    assert opening(first) == PLAIN_POST
    assert "idempotency_key" in first[1] and "ON CONFLICT DO NOTHING" in first[2]
    assert opening(statements_of(catalog, keyed)) == PLAIN_POST[:2]
