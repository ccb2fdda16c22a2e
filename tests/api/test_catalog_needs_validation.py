"""POST /api/v1/needs: what a member may post, what is refused, and that refusals store nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.api.conftest import Created, Headers, Service

SKU = "DISP-10L"


@pytest.fixture
def member(make_member: Any, make_product: Any) -> Created:
    make_product(SKU)
    return make_member()


def post_need(catalog: Service, headers: Headers, **body: Any) -> Any:
    return catalog.client.post("/api/v1/needs", json={"sku": SKU, **body}, headers=headers)


def post_raw(catalog: Service, headers: Headers, text: str | bytes, content_type: str) -> Any:
    return catalog.client.post(
        "/api/v1/needs", data=text, content_type=content_type, headers=headers
    )


def assert_error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error", "details"}
    assert isinstance(body["error"], str) and body["error"]
    if field is not None:
        assert field in body["details"], body
    return body


def assert_nothing_stored(catalog: Service, headers: Headers) -> None:
    listed = catalog.client.get("/api/v1/needs", headers=headers)
    assert listed.status_code == 200
    assert listed.get_json() == []
    assert catalog.outbox("catalog.need.posted") == []


BAD_QUANTITIES = [
    "0",
    "-1",
    "0.0",
    "abc",
    "",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "1e400",
    "1000000",
    "999999.9999",
    "1.0001",
    True,
    6,
    None,
    [],
    {},
    "9" * 5000,
]


@pytest.mark.parametrize("quantity", BAD_QUANTITIES, ids=lambda q: repr(q)[:20])
def test_a_bad_quantity_is_refused_with_the_field_named(
    catalog: Service, member: Created, quantity: Any
) -> None:
    body = assert_error(post_need(catalog, member.headers, quantity=quantity), 422, "quantity")
    assert body["details"]["quantity"]
    assert_nothing_stored(catalog, member.headers)


def test_a_raw_nan_literal_is_malformed_json(catalog: Service, member: Created) -> None:
    text = '{"sku":"DISP-10L","quantity":NaN}'
    assert_error(post_raw(catalog, member.headers, text, "application/json"), 400)
    assert_nothing_stored(catalog, member.headers)


def test_a_raw_huge_number_literal_is_refused(catalog: Service, member: Created) -> None:
    text = '{"sku":"DISP-10L","quantity":1e400}'
    assert_error(post_raw(catalog, member.headers, text, "application/json"), 422, "quantity")
    assert_nothing_stored(catalog, member.headers)


def test_an_unknown_sku_is_refused(catalog: Service, member: Created) -> None:
    response = catalog.client.post(
        "/api/v1/needs", json={"sku": "NO-SUCH-SKU", "quantity": "5"}, headers=member.headers
    )
    assert_error(response, 422, "sku")
    assert_nothing_stored(catalog, member.headers)


@pytest.mark.parametrize(
    "text",
    ['{"sku": "DISP-10L", "quantity": "5"', "not json at all", '{"sku": }', b'{"sku": "\xff"}'],
    ids=["unterminated", "prose", "broken", "not-utf8"],
)
def test_malformed_json_is_a_bad_request(
    catalog: Service, member: Created, text: str | bytes
) -> None:
    assert_error(post_raw(catalog, member.headers, text, "application/json"), 400)
    assert_nothing_stored(catalog, member.headers)


def test_a_form_post_is_an_unsupported_media_type(catalog: Service, member: Created) -> None:
    response = catalog.client.post(
        "/api/v1/needs", data={"sku": SKU, "quantity": "5"}, headers=member.headers
    )
    assert_error(response, 415)
    text = json.dumps({"sku": SKU, "quantity": "5"})
    assert_error(post_raw(catalog, member.headers, text, "text/plain"), 415)
    assert_nothing_stored(catalog, member.headers)


def test_a_json_list_is_a_bad_request(catalog: Service, member: Created) -> None:
    text = json.dumps([{"sku": SKU, "quantity": "5"}])
    assert_error(post_raw(catalog, member.headers, text, "application/json"), 400)
    assert_nothing_stored(catalog, member.headers)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic YWRtaW46YWRtaW4="}],
    ids=["missing", "wrong", "basic"],
)
def test_without_a_valid_token_nothing_is_posted(
    catalog: Service, member: Created, headers: Headers
) -> None:
    assert_error(post_need(catalog, headers, quantity="5"), 401)
    assert_nothing_stored(catalog, member.headers)


def test_a_supplier_cannot_post_needs(
    catalog: Service, member: Created, make_supplier: Any
) -> None:
    supplier = make_supplier()
    assert_error(post_need(catalog, supplier.headers, quantity="5"), 403)
    assert_nothing_stored(catalog, member.headers)


def test_a_member_cannot_post_for_another_member(
    catalog: Service, member: Created, make_member: Any
) -> None:
    other = make_member()
    response = post_need(catalog, member.headers, quantity="5", member_id=other.id)
    assert_error(response, 403)
    assert_nothing_stored(catalog, member.headers)
    assert_nothing_stored(catalog, other.headers)


def test_a_member_may_name_itself(catalog: Service, member: Created) -> None:
    response = post_need(catalog, member.headers, quantity="5", member_id=member.id)
    assert response.status_code == 201
    assert response.get_json()["member_id"] == member.id


def test_an_admin_must_say_for_which_member(
    catalog: Service, member: Created, admin: Headers
) -> None:
    assert_error(post_need(catalog, admin, quantity="5"), 422, "member_id")
    assert_nothing_stored(catalog, member.headers)


def test_an_admin_posting_for_an_unknown_member_is_refused(
    catalog: Service, member: Created, admin: Headers
) -> None:
    assert_error(post_need(catalog, admin, quantity="5", member_id=999), 422, "member_id")
    assert_nothing_stored(catalog, admin)


def test_an_admin_posting_for_an_impossible_member_id_is_refused(
    catalog: Service, member: Created, admin: Headers
) -> None:
    response = post_need(catalog, admin, quantity="5", member_id=10**20)
    assert_error(response, 422, "member_id")


def test_an_admin_may_post_for_a_member(catalog: Service, member: Created, admin: Headers) -> None:
    response = post_need(catalog, admin, quantity="5", member_id=member.id)
    assert response.status_code == 201
    listed = catalog.client.get("/api/v1/needs", headers=member.headers).get_json()
    assert [need["id"] for need in listed] == [response.get_json()["id"]]


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        ("12.500", "12.5"),
        ("12.5", "12.5"),
        ("0.001", "0.001"),
        ("999999.999", "999999.999"),
    ],
    ids=repr,
)
def test_a_valid_need_is_accepted_and_echoed_exactly(
    catalog: Service, member: Created, quantity: Any, expected: str
) -> None:
    response = post_need(catalog, member.headers, quantity=quantity)

    assert response.status_code == 201, response.get_json()
    need = response.get_json()
    assert isinstance(need["quantity"], str)
    assert Decimal(need["quantity"]) == Decimal(expected)
    assert need["status"] == "open"
    assert need["sku"] == SKU
    assert need["member_id"] == member.id
    shown = catalog.client.get(f"/api/v1/needs/{need['id']}", headers=member.headers)
    assert Decimal(shown.get_json()["quantity"]) == Decimal(expected)
    [posted] = catalog.outbox("catalog.need.posted")
    assert posted["payload"]["need_id"] == need["id"]
    assert Decimal(posted["payload"]["quantity"]) == Decimal(expected)


def test_a_json_decimal_number_is_refused_not_rounded(catalog: Service, member: Created) -> None:
    text = '{"sku": "DISP-10L", "quantity": 0.1}'
    response = post_raw(catalog, member.headers, text, "application/json")
    assert_error(response, 422, "quantity")
    assert_nothing_stored(catalog, member.headers)


def test_a_flexible_need_carries_its_up_to_into_the_event(
    catalog: Service, member: Created
) -> None:
    posted = post_need(catalog, member.headers, quantity="30", up_to="36")
    assert posted.status_code == 201, posted.get_data(as_text=True)
    assert posted.get_json()["up_to"] == "36"
    shown = catalog.client.get(f"/api/v1/needs/{posted.get_json()['id']}", headers=member.headers)
    assert shown.get_json()["up_to"] == "36"
    (event,) = catalog.outbox("catalog.need.posted")
    assert event["payload"]["up_to"] == "36"


def test_a_strict_need_has_no_up_to(catalog: Service, member: Created) -> None:
    posted = post_need(catalog, member.headers, quantity="30")
    assert posted.status_code == 201
    assert posted.get_json()["up_to"] is None
    (event,) = catalog.outbox("catalog.need.posted")
    assert event["payload"]["up_to"] is None


@pytest.mark.parametrize("up_to", ["29.999", "0", "-1", "abc", "1.0001"])
def test_an_up_to_below_the_quantity_or_malformed_is_refused(
    catalog: Service, member: Created, up_to: str
) -> None:
    assert_error(post_need(catalog, member.headers, quantity="30", up_to=up_to), 422, "up_to")
    assert_nothing_stored(catalog, member.headers)
