"""Input refused where it enters, naming the field: text nobody can see, digits of other
scripts, and decimals sent as JSON numbers (the contract says strings)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from marshmallow import ValidationError
from marshmallow.fields import Field, Integer, List, Nested, Number

from shared.fields import BoundedDecimal
from tests.api.conftest import Created, Headers, Service
from tests.api.test_pooling_api import A, close, supplier
from tests.api.test_pooling_api import worked_example as worked_example  # the fixture
from tests.support.notify_events import member_registered, reactions

NUMBER_REFUSED = 'A JSON number is refused here: send decimals as strings, e.g. "12.50".'
INVISIBLE = "Must not contain control or invisible characters."
BLANK = "Must contain visible text."
# Blank or invisible: empty, spaces, a zero-width space, a no-break space and a joiner,
# a bidi override, a bell, a Hangul filler (a letter that draws nothing).
UNSEEN = ["", "   ", "\u200b", "\u00a0\u2060", "\u202e", "\u0007", "\u3164"]


@pytest.fixture
def member(make_member: Any, make_product: Any) -> Created:
    make_product("DISP-10L")
    return make_member()


def refused(response: Any, field: str, message: str | None = None) -> list[str]:
    assert response.status_code == 422, response.get_json()
    messages = response.get_json()["details"][field]
    if message is not None:
        assert messages == [message]
    return messages


@pytest.mark.parametrize("site", UNSEEN)
def test_a_blank_or_invisible_delivery_site_is_refused(
    catalog: Service, member: Created, site: str
) -> None:
    body = {"sku": "DISP-10L", "quantity": "3", "delivery_site": site}
    response = catalog.client.post("/api/v1/needs", json=body, headers=member.headers)
    assert refused(response, "delivery_site")[0] in (BLANK, INVISIBLE)
    assert catalog.client.get("/api/v1/needs", headers=member.headers).get_json() == []


@pytest.mark.parametrize("site", UNSEEN)
def test_a_need_s_site_cannot_be_changed_to_a_blank_or_invisible_one(
    catalog: Service, member: Created, site: str
) -> None:
    body = {"sku": "DISP-10L", "quantity": "3", "delivery_site": "Hof"}
    need = catalog.client.post("/api/v1/needs", json=body, headers=member.headers).get_json()
    path = f"/api/v1/needs/{need['id']}"
    response = catalog.client.patch(path, json={"delivery_site": site}, headers=member.headers)
    assert refused(response, "delivery_site")[0] in (BLANK, INVISIBLE)
    assert catalog.client.get(path, headers=member.headers).get_json()["delivery_site"] == "Hof"


def test_a_visible_site_and_a_note_of_several_lines_are_taken(
    catalog: Service, member: Created
) -> None:
    body = {
        "sku": "DISP-10L",
        "quantity": "3",
        "delivery_site": "Baustelle Hörde, Halle 3",
        "note": "Bitte anrufen:\n0231 123456",
    }
    response = catalog.client.post("/api/v1/needs", json=body, headers=member.headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["note"] == "Bitte anrufen:\n0231 123456"


@pytest.mark.parametrize(
    ("path", "field", "value"),
    [
        ("/api/v1/members", "name", "\u200b"),
        ("/api/v1/members", "name", "   "),
        ("/api/v1/members", "email", "office@maler\u200b.example"),
        ("/api/v1/suppliers", "name", "\u2800"),
        ("/api/v1/suppliers", "email", "orders@baustoff.example\u200d"),
        ("/api/v1/products", "name", "\u200e"),
        ("/api/v1/products", "unit", "\t"),
    ],
)
def test_names_and_addresses_nobody_can_see_are_refused(
    catalog: Service, admin: Headers, path: str, field: str, value: str
) -> None:
    valid = {
        "/api/v1/members": {
            "name": "Malerbetrieb Kaya",
            "trade": "painter",
            "email": "office@maler.example",
            "postcode": "44135",
        },
        "/api/v1/suppliers": {
            "name": "Baustoffe Ruhr",
            "email": "orders@baustoff.example",
            "shipping_fee": "25.00",
        },
        "/api/v1/products": {"sku": "DISP-10L", "name": "Dispersionsfarbe", "unit": "Eimer"},
    }[path]
    response = catalog.client.post(path, json=valid | {field: value}, headers=admin)
    refused(response, field)
    assert catalog.client.get(path, headers=admin).get_json() == []


# Arabic-Indic, Persian and full-width digits, one full-width five, a line break after.
NOT_A_POSTCODE = [
    "\u0664\u0664\u0661\u0663\u0665",
    "\u06f4\u06f4\u06f1\u06f3\u06f5",
    "\uff14\uff14\uff11\uff13\uff15",
    "4413\uff15",
    "44135\n",
]


@pytest.mark.parametrize("postcode", NOT_A_POSTCODE)
def test_a_postcode_is_five_ascii_digits(
    catalog: Service, admin: Headers, make_member: Any, postcode: str
) -> None:
    body = {"name": "Maler", "trade": "painter", "email": "m@maler.example", "postcode": postcode}
    response = catalog.client.post("/api/v1/members", json=body, headers=admin)
    refused(response, "postcode", "Five digits.")


@pytest.mark.parametrize("sku", ["DISP\u0661", "DISP-10L\n", "\uff24\uff29\uff33\uff30"])
def test_a_sku_is_ascii_letters_and_digits(catalog: Service, admin: Headers, sku: str) -> None:
    body = {"sku": sku, "name": "Dispersionsfarbe", "unit": "Eimer"}
    refused(catalog.client.post("/api/v1/products", json=body, headers=admin), "sku")


@pytest.mark.parametrize("limit", ["\u00b2", "\u0661\u0660", "1\u0660"])
def test_a_count_in_the_query_is_ascii_digits_never_a_500(
    catalog: Service, pooling: Service, admin: Headers, limit: str
) -> None:
    closed = pooling.client.get(f"/api/v1/pools/closed?limit={limit}", headers=admin)
    refused(closed, "limit", "1 to 100.")
    audit = catalog.client.get(f"/api/v1/ops/audit?limit={limit}", headers=admin)
    refused(audit, "limit", "1 to 1000.")


@pytest.mark.parametrize("quantity", ["3", "3.0", "1e2"])
def test_a_quantity_as_a_json_number_is_refused(
    catalog: Service, member: Created, quantity: str
) -> None:
    text = '{"sku": "DISP-10L", "quantity": ' + quantity + "}"
    response = catalog.client.post(
        "/api/v1/needs", data=text, content_type="application/json", headers=member.headers
    )
    refused(response, "quantity", NUMBER_REFUSED)
    assert catalog.client.get("/api/v1/needs", headers=member.headers).get_json() == []


def test_prices_and_fees_as_json_numbers_are_refused(
    catalog: Service, admin: Headers, make_supplier: Any, make_product: Any
) -> None:
    make_product("DISP-10L")
    supplier_body = {"name": "Baustoffe Ruhr", "email": "o@b.example", "shipping_fee": 25}
    response = catalog.client.post("/api/v1/suppliers", json=supplier_body, headers=admin)
    refused(response, "shipping_fee", NUMBER_REFUSED)
    made = make_supplier()
    offer = {"pack_size": 1, "tiers": [{"min_quantity": "0", "unit_price": 42.5}]}
    response = catalog.client.put(f"/api/v1/offers/{made.id}/DISP-10L", json=offer, headers=admin)
    details = response.get_json()["details"]
    assert response.status_code == 422
    assert details["pack_size"] == [NUMBER_REFUSED]
    assert details["tiers"] == {"0": {"unit_price": [NUMBER_REFUSED]}}


def test_a_membership_fee_as_a_json_number_is_refused(notify: Service, admin: Headers) -> None:
    notify.deliver(reactions(notify), member_registered(1))
    path = "/api/v1/members/1/preferences"
    response = notify.client.put(path, json={"membership_fee": 120}, headers=admin)
    refused(response, "membership_fee", NUMBER_REFUSED)
    taken = notify.client.put(path, json={"membership_fee": "120.00"}, headers=admin)
    assert taken.get_json()["membership_fee"] == "120.00"


@pytest.mark.parametrize("reason", ["", "  \n ", "\u200b\u200b", "Lieferant\u202e"])
def test_a_rejection_needs_a_reason_one_can_read(
    worked_example: Service, admin: Headers, reason: str
) -> None:
    [order] = close(worked_example, admin)["orders"]
    response = worked_example.client.post(
        f"/api/v1/orders/{order['id']}/reject",
        json={"reason": reason},
        headers=supplier(worked_example, A),
    )
    refused(response, "reason")
    assert worked_example.outbox("pooling.order.rejected") == []


def test_ids_and_years_in_a_path_are_ascii_digits(
    worked_example: Service, notify: Service, admin: Headers
) -> None:
    [order] = close(worked_example, admin)["orders"]
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in str(order["id"]))
    found = worked_example.client.get(f"/api/v1/orders/{order['id']}", headers=admin)
    assert found.status_code == 200
    assert (
        worked_example.client.get(f"/api/v1/orders/{arabic_indic}", headers=admin).status_code
        == 404
    )
    notify.deliver(reactions(notify), member_registered(1))
    year = "\u0662\u0660\u0662\u0666"
    response = notify.client.get(f"/api/v1/members/1/statements/{year}", headers=admin)
    assert response.status_code == 404


def test_a_count_in_other_digits_is_not_read_as_one(
    catalog: Service, admin: Headers, make_product: Any
) -> None:
    make_product("DISP-10L")
    make_product("SIL-300", "Silikon", "Kartusche")
    for limit in ("\u0661", "abc"):  # neither is a count: the default of 50 applies
        listed = catalog.client.get(f"/api/v1/products?limit={limit}", headers=admin)
        assert [p["sku"] for p in listed.get_json()] == ["DISP-10L", "SIL-300"], limit


def body_decimals(schema: Any, path: str) -> Iterator[tuple[str, Field]]:
    """Every field a request body of ``schema`` may carry a decimal in (nested too)."""
    schema = schema() if isinstance(schema, type) else schema
    for name, field in schema.fields.items():
        inner = field.inner if isinstance(field, List) else field
        if field.dump_only:
            continue
        if isinstance(inner, Nested):
            yield from body_decimals(inner.schema, f"{path}.{name}")
        elif isinstance(inner, Number | BoundedDecimal) and not isinstance(inner, Integer):
            yield f"{path}.{name}", inner


def test_every_decimal_a_request_body_takes_refuses_a_json_number() -> None:
    """Each service's request bodies, as its OpenAPI operations name them: every decimal
    is one of shared.fields' decimals, which take a JSON string only."""
    found = {}
    for service in ("catalog", "pooling", "notify", "billing"):
        operations = importlib.import_module(f"{service}.entrypoints.openapi").OPERATIONS
        for name, operation in operations.items():
            if operation.body is not None:
                found |= dict(body_decimals(operation.body, name))
    assert "catalog_api.post_need.quantity" in found
    assert "pooling_receipts.book_receipt.lines.received_quantity" in found
    assert "billing_accounts.book_member_payment.amount" in found
    for where, field in found.items():
        assert isinstance(field, BoundedDecimal), where
        for number in (12, 12.5):
            with pytest.raises(ValidationError) as refused:
                field.deserialize(number)
            assert refused.value.messages == [NUMBER_REFUSED], where
