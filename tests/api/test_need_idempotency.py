"""POST /api/v1/needs with an Idempotency-Key: a post sent again after its answer was lost
finds the need the first one made; a key is the member's own; a bad key is refused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.api.conftest import Created, Headers, Service

SKU = "DISP-10L"
KEY = "8e03978e-40d5-43e8-bc93-6894a57f9324"
NEED = {"sku": SKU, "quantity": "12.50", "needed_by": "2026-12-01", "note": "Halle 2"}


@pytest.fixture
def member(make_member: Any, make_product: Any) -> Created:
    make_product(SKU)
    make_product("SIL-300", "Silikon 300 ml", "cartridge")
    return make_member()


def post(catalog: Service, headers: Headers, key: str | None = KEY, **body: Any) -> Any:
    extra = {} if key is None else {"Idempotency-Key": key}
    return catalog.client.post("/api/v1/needs", json=NEED | body, headers=headers | extra)


def needs_of(catalog: Service, headers: Headers) -> list[dict[str, Any]]:
    response = catalog.client.get("/api/v1/needs", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def test_a_post_sent_again_answers_with_the_need_it_made(catalog: Service, member: Created) -> None:
    first = post(catalog, member.headers)
    again = post(catalog, member.headers)
    assert first.status_code == 201, first.get_json()
    assert "Idempotent-Replayed" not in first.headers
    assert again.status_code == 201, again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert [n["id"] for n in needs_of(catalog, member.headers)] == [first.get_json()["id"]]
    posted = catalog.outbox("catalog.need.posted")
    assert [e["payload"]["need_id"] for e in posted] == [first.get_json()["id"]]


def test_the_answer_sent_again_is_the_first_one_even_after_a_cancel(
    catalog: Service, member: Created
) -> None:
    first = post(catalog, member.headers).get_json()
    cancelled = catalog.client.post(f"/api/v1/needs/{first['id']}/cancel", headers=member.headers)
    assert cancelled.get_json()["status"] == "cancel_requested"
    again = post(catalog, member.headers)
    assert again.status_code == 201
    assert again.get_json() == first
    assert len(needs_of(catalog, member.headers)) == 1


def test_without_a_key_every_post_makes_a_need(catalog: Service, member: Created) -> None:
    ids = {post(catalog, member.headers, key=None).get_json()["id"] for _ in range(2)}
    assert len(ids) == 2
    assert len(catalog.outbox("catalog.need.posted")) == 2


@pytest.mark.parametrize(
    "change",
    [
        {"quantity": "13"},
        {"sku": "SIL-300"},
        {"needed_by": None},
        {"note": "Halle 3"},
        {"delivery_site": "Baustelle Hafenstraße 3, 44137 Dortmund"},
    ],
)
def test_the_key_with_another_need_is_refused(
    catalog: Service, member: Created, change: dict[str, Any]
) -> None:
    first = post(catalog, member.headers).get_json()
    refused = post(catalog, member.headers, **change)
    assert refused.status_code == 422, refused.get_json()
    body = refused.get_json()
    assert "Idempotency-Key" in body["error"]
    assert "Idempotency-Key" in body["details"]
    assert f"need {first['id']}" in body["details"]["Idempotency-Key"][0]
    assert len(needs_of(catalog, member.headers)) == 1
    assert len(catalog.outbox("catalog.need.posted")) == 1


def test_the_same_amount_written_otherwise_is_the_same_need(
    catalog: Service, member: Created
) -> None:
    first = post(catalog, member.headers).get_json()
    again = post(catalog, member.headers, quantity="12.500")
    assert again.status_code == 201
    assert again.get_json()["id"] == first["id"]


def test_keys_are_each_members_own(catalog: Service, member: Created, make_member: Any) -> None:
    other = make_member()
    mine = post(catalog, member.headers).get_json()
    theirs = post(catalog, other.headers, quantity="3")
    assert theirs.status_code == 201, theirs.get_json()
    assert theirs.get_json()["id"] != mine["id"]
    assert theirs.get_json()["member_id"] == other.id
    assert len(catalog.outbox("catalog.need.posted")) == 2


def test_an_admin_posting_for_a_member_uses_that_members_keys(
    catalog: Service, member: Created, admin: Headers
) -> None:
    mine = post(catalog, member.headers).get_json()
    again = post(catalog, admin, member_id=member.id)
    assert again.status_code == 201
    assert again.get_json() == mine


def test_a_refused_post_keeps_no_key(catalog: Service, member: Created) -> None:
    refused = post(catalog, member.headers, quantity="0")
    assert refused.status_code == 422
    unknown = post(catalog, member.headers, sku="NOPE-1")
    assert unknown.status_code == 422
    posted = post(catalog, member.headers)
    assert posted.status_code == 201
    assert "Idempotent-Replayed" not in posted.headers


@pytest.mark.parametrize(
    "key",
    [
        "",
        " ",
        "x" * 65,
        " leading-space",
        "trailing-space ",
        "tab\tinside",
        "schl\u00fcssel",
    ],
)
def test_a_bad_key_is_refused_naming_the_header(
    catalog: Service, member: Created, key: str
) -> None:
    refused = post(catalog, member.headers, key=key)
    assert refused.status_code == 400, refused.get_json()
    body = refused.get_json()
    assert "Idempotency-Key" in body["details"], body
    assert needs_of(catalog, member.headers) == []
    assert catalog.outbox("catalog.need.posted") == []


@pytest.mark.parametrize("key", ["k", "x" * 64, '"' + KEY + '"', "order 2026/11 #7"])
def test_any_printable_key_up_to_64_characters_is_taken(
    catalog: Service, member: Created, key: str
) -> None:
    first = post(catalog, member.headers, key=key)
    assert first.status_code == 201, first.get_json()
    assert post(catalog, member.headers, key=key).get_json() == first.get_json()
    assert len(needs_of(catalog, member.headers)) == 1


def test_the_description_names_the_header(catalog: Service) -> None:
    from shared.openapi import SPEC_PATH

    post_op = catalog.client.get(SPEC_PATH).get_json()["paths"]["/api/v1/needs"]["post"]
    (header,) = [p for p in post_op["parameters"] if p["in"] == "header"]
    assert header["name"] == "Idempotency-Key" and header["required"] is False
    assert header["schema"]["maxLength"] == 64
    assert "24 hours" in header["description"]
