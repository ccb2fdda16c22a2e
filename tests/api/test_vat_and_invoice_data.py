"""Catalog's side of the money (rules 12-13): products carry a VAT rate, members what their
invoices and SEPA mandate need; both reach the other services by catalog's events."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.api.conftest import Created, Headers, Service
from tests.api.test_input_at_the_edge import refused

PRODUCT = {"sku": "DISP-10L", "name": "Dispersionsfarbe 10 l", "unit": "Eimer"}
MEMBER = {"name": "Malerbetrieb Kowalski", "trade": "painter", "email": "info@kowalski.example"}
ADDRESS = {
    "postcode": "44139",
    "legal_name": "Malerbetrieb Kowalski GmbH",
    "street": "Hohe Straße 12",
    "city": "Dortmund",
    "country": "DE",
    "vat_id": "DE 136 695 976",
}
MANDATE = {
    "iban": "DE89 3704 0044 0532 0130 00",
    "mandate_reference": "ZK-M-0001",
    "mandate_signed_on": "2026-01-15",
}


def add_product(catalog: Service, admin: Headers, **fields: Any) -> Any:
    return catalog.client.post("/api/v1/products", json=PRODUCT | fields, headers=admin)


def test_a_product_carries_19_percent_unless_set(catalog: Service, admin: Headers) -> None:
    response = add_product(catalog, admin)

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["vat_rate"] == "19"
    [listed] = catalog.client.get("/api/v1/products", headers=admin).get_json()
    assert listed["vat_rate"] == "19"


@pytest.mark.parametrize(("sent", "shown"), [("7", "7"), ("0", "0"), ("7.00", "7"), ("19", "19")])
def test_a_product_takes_7_and_0_percent(
    catalog: Service, admin: Headers, sent: str, shown: str
) -> None:
    response = add_product(catalog, admin, vat_rate=sent)

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["vat_rate"] == shown


@pytest.mark.parametrize("rate", ["16", "5", "-7", "abc", "", "7.5"])
def test_another_vat_rate_is_refused_naming_the_field(
    catalog: Service, admin: Headers, rate: str
) -> None:
    refused(add_product(catalog, admin, vat_rate=rate), "vat_rate")
    assert catalog.client.get("/api/v1/products", headers=admin).get_json() == []


def test_a_vat_rate_sent_as_a_json_number_is_refused(catalog: Service, admin: Headers) -> None:
    refused(add_product(catalog, admin, vat_rate=7), "vat_rate")


def test_every_new_or_changed_product_is_announced_with_its_rate(
    catalog: Service, admin: Headers
) -> None:
    assert add_product(catalog, admin, vat_rate="7").status_code == 201

    changed = catalog.client.put(
        "/api/v1/products/DISP-10L",
        json={"name": "Dispersionsfarbe weiß", "unit": "Eimer", "vat_rate": "19"},
        headers=admin,
    )

    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["vat_rate"] == "19"
    payloads = [e["payload"] for e in catalog.outbox("catalog.product.updated")]
    assert payloads == [
        {"sku": "DISP-10L", "name": "Dispersionsfarbe 10 l", "unit": "Eimer", "vat_rate": "7"},
        {"sku": "DISP-10L", "name": "Dispersionsfarbe weiß", "unit": "Eimer", "vat_rate": "19"},
    ]


def test_an_offer_carries_its_products_rate_and_follows_a_change(
    catalog: Service, admin: Headers, make_supplier: Any, make_offer: Any
) -> None:
    supplier = make_supplier()
    assert add_product(catalog, admin, vat_rate="7").status_code == 201
    make_offer(supplier.id, "DISP-10L")

    changed = catalog.client.put(
        "/api/v1/products/DISP-10L",
        json={"name": PRODUCT["name"], "unit": "Eimer", "vat_rate": "0"},
        headers=admin,
    )

    assert changed.status_code == 200, changed.get_json()
    offers = [e["payload"] for e in catalog.outbox("catalog.offer.updated")]
    assert [(o["supplier_id"], o["vat_rate"]) for o in offers] == [
        (supplier.id, "7"),
        (supplier.id, "0"),
    ]


def test_a_product_with_offers_keeps_its_unit(
    catalog: Service, admin: Headers, make_supplier: Any, make_offer: Any
) -> None:
    assert add_product(catalog, admin).status_code == 201
    make_offer(make_supplier().id, "DISP-10L")

    changed = catalog.client.put(
        "/api/v1/products/DISP-10L", json={"name": "Farbe", "unit": "Liter"}, headers=admin
    )

    assert changed.status_code == 409
    assert "unit" in changed.get_json()["details"]


def test_only_an_admin_changes_a_product_and_an_unknown_one_is_404(
    catalog: Service, admin: Headers, make_member: Any
) -> None:
    assert add_product(catalog, admin).status_code == 201
    body = {"name": "Farbe", "unit": "Eimer", "vat_rate": "7"}
    member = make_member()

    assert catalog.client.put("/api/v1/products/DISP-10L", json=body).status_code == 401
    answer = catalog.client.put("/api/v1/products/DISP-10L", json=body, headers=member.headers)
    assert answer.status_code == 403
    assert catalog.client.put("/api/v1/products/NOPE", json=body, headers=admin).status_code == 404


def register(catalog: Service, admin: Headers, **fields: Any) -> Any:
    body = MEMBER | {"postcode": "44139"} | fields
    return catalog.client.post("/api/v1/members", json=body, headers=admin)


def test_a_member_is_registered_with_its_invoice_address_and_mandate(
    catalog: Service, admin: Headers
) -> None:
    response = register(catalog, admin, **ADDRESS, **MANDATE)

    assert response.status_code == 201, response.get_json()
    member = response.get_json()
    assert {key: member[key] for key in (*ADDRESS, *MANDATE)} == ADDRESS | MANDATE | {
        "vat_id": "DE136695976",
        "iban": "DE89370400440532013000",
    }


def test_without_an_address_a_member_is_in_germany_with_nothing_else(
    catalog: Service, admin: Headers
) -> None:
    member = register(catalog, admin).get_json()

    assert member["country"] == "DE"
    for key in ("legal_name", "street", "city", "vat_id", "iban", "mandate_reference"):
        assert member[key] is None


def test_the_registration_event_carries_everything_an_invoice_needs(
    catalog: Service, admin: Headers
) -> None:
    member_id = register(catalog, admin, **ADDRESS, **MANDATE).get_json()["id"]

    [event] = catalog.outbox("catalog.member.registered")

    assert event["payload"] == {
        "member_id": member_id,
        **MEMBER,
        **ADDRESS,
        "vat_id": "DE136695976",
        "iban": "DE89370400440532013000",
        "mandate_reference": "ZK-M-0001",
        "mandate_signed_on": "2026-01-15",
        "language": "de",
        "active": True,
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("vat_id", "DE123456789", "Not a valid VAT id: its check digits do not match."),
        ("vat_id", "DE12345", None),
        ("vat_id", "136695976", None),
        ("iban", "DE88370400440532013000", "Not a valid IBAN: its check digits do not match."),
        ("iban", "DE8937040044053201300", None),
        ("iban", "XX89370400440532013000", None),
        ("country", "Deutschland", None),
        ("country", "de", None),
        ("country", "EU", None),
        ("mandate_reference", "ZK M 1", None),
        ("mandate_reference", "M" * 36, None),
        ("street", "\u200b", None),
        ("legal_name", "x" * 201, None),
    ],
)
def test_broken_invoice_data_is_refused_naming_the_field(
    catalog: Service, admin: Headers, field: str, value: str, message: str | None
) -> None:
    body = ADDRESS | MANDATE | {field: value}

    refused(register(catalog, admin, **body), field, message)

    assert catalog.client.get("/api/v1/members", headers=admin).get_json() == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"mandate_reference": "ZK-M-1", "mandate_signed_on": None}, "mandate_signed_on"),
        ({"mandate_reference": None, "mandate_signed_on": "2026-01-15"}, "mandate_reference"),
        ({"iban": None}, "iban"),
        (
            {"mandate_signed_on": (date.today() + timedelta(days=2)).isoformat()},
            "mandate_signed_on",
        ),
    ],
)
def test_a_mandate_needs_its_reference_day_and_iban(
    catalog: Service, admin: Headers, fields: dict[str, Any], field: str
) -> None:
    refused(register(catalog, admin, **(MANDATE | fields)), field)


def test_a_member_abroad_has_its_own_postcode_and_vat_id(catalog: Service, admin: Headers) -> None:
    abroad = {"postcode": "1010", "city": "Wien", "country": "AT", "vat_id": "ATU13585627"}

    response = register(catalog, admin, **abroad)

    assert response.status_code == 201, response.get_json()
    assert refused(register(catalog, admin, postcode="1010"), "postcode") == ["Five digits."]


def test_the_office_changes_a_members_invoice_data_and_the_change_is_announced(
    catalog: Service, admin: Headers, make_member: Any
) -> None:
    member: Created = make_member()
    body = MEMBER | ADDRESS | MANDATE

    changed = catalog.client.put(f"/api/v1/members/{member.id}", json=body, headers=admin)

    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["vat_id"] == "DE136695976"
    assert "api_token" not in changed.get_json()
    shown = catalog.client.get(f"/api/v1/members/{member.id}", headers=member.headers).get_json()
    assert shown["street"] == "Hohe Straße 12"
    last = catalog.outbox("catalog.member.registered")[-1]["payload"]
    assert (last["member_id"], last["legal_name"], last["iban"]) == (
        member.id,
        "Malerbetrieb Kowalski GmbH",
        "DE89370400440532013000",
    )


def test_a_change_with_a_broken_iban_changes_nothing(
    catalog: Service, admin: Headers, make_member: Any
) -> None:
    member: Created = make_member()
    body = MEMBER | ADDRESS | MANDATE | {"iban": "DE00370400440532013000"}

    refused(catalog.client.put(f"/api/v1/members/{member.id}", json=body, headers=admin), "iban")

    shown = catalog.client.get(f"/api/v1/members/{member.id}", headers=admin).get_json()
    assert shown["iban"] is None
    assert len(catalog.outbox("catalog.member.registered")) == 1


def test_only_an_admin_changes_a_member_and_an_unknown_one_is_404(
    catalog: Service, admin: Headers, make_member: Any
) -> None:
    member: Created = make_member()
    body = MEMBER | {"postcode": "44139"}
    url = f"/api/v1/members/{member.id}"

    assert catalog.client.put(url, json=body, headers=member.headers).status_code == 403
    assert catalog.client.put(url, json=body).status_code == 401
    assert catalog.client.put("/api/v1/members/999", json=body, headers=admin).status_code == 404
