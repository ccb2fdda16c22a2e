"""What a post of a need costs the database: a post without an Idempotency-Key is two
inserts (the need's checks the product and the member as it goes), one with a key a
look-up (which finds an earlier post under the key) and the two inserts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import event

if TYPE_CHECKING:
    from tests.api.conftest import Created, Headers, Service

NEED = {"sku": "DISP-10L", "quantity": "12"}
PLAIN_POST = ["BEGIN IMMEDIATE", "INSERT INTO needs", "INSERT INTO outbox"]
KEYED_POST = [
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


def test_a_post_without_a_key_is_two_inserts(catalog: Service, member: Created) -> None:
    statements_of(catalog, member.headers)  # the first connection sets itself up
    plain = statements_of(catalog, member.headers)
    assert opening(plain) == PLAIN_POST
    insert_need = plain[1]
    assert "JOIN members ON members.id = ? AND members.active" in insert_need
    assert "idempotency_key" not in insert_need and "ON CONFLICT" not in insert_need


def test_a_key_adds_its_look_up_and_a_post_sent_again_runs_only_that(
    catalog: Service, member: Created
) -> None:
    statements_of(catalog, member.headers)
    keyed = member.headers | {"Idempotency-Key": "k-1"}
    first = statements_of(catalog, keyed)
    assert opening(first) == KEYED_POST
    assert "idempotency_key" in first[1] and "ON CONFLICT DO NOTHING" in first[2]
    assert opening(statements_of(catalog, keyed)) == KEYED_POST[:2]
