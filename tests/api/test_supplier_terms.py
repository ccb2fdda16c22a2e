"""A supplier's payment terms (Skonto percent and days, net days) and bank account (IBAN
checked by schwifty, BIC): kept by catalog, announced in ``catalog.supplier.updated`` and
kept by billing for paying the supplier's accepted invoices."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from billing.adapters.supplier_invoice_orm import SupplierRow
from billing.bootstrap import handlers as billing_handlers
from shared import events
from tests.api.conftest import Headers, Service

SUPPLIER = {"name": "Baustoffhandel A", "email": "a@handel.example", "shipping_fee": "25.00"}
TERMS = {
    "skonto_percent": "2",
    "skonto_days": 10,
    "net_days": 30,
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "COBADEFFXXX",
}


def register(catalog: Service, admin: Headers, **fields: Any) -> Any:
    return catalog.client.post("/api/v1/suppliers", json=SUPPLIER | fields, headers=admin)


def test_terms_are_kept_announced_and_known_to_billing(
    catalog: Service, billing: Service, admin: Headers
) -> None:
    response = register(catalog, admin, **TERMS)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["skonto_percent"], body["skonto_days"], body["net_days"]) == ("2", 10, 30)
    assert (body["iban"], body["bic"]) == ("DE89370400440532013000", "COBADEFFXXX")
    [announced] = catalog.outbox("catalog.supplier.updated")
    assert announced["payload"]["iban"] == "DE89370400440532013000"
    assert announced["payload"]["skonto_percent"] == "2"

    billing.deliver(
        billing_handlers(billing.runtime.settings, billing.runtime.outbox), events.load(announced)
    )
    with billing.runtime.engine.connect() as db:
        row = db.execute(select(SupplierRow)).one()
    assert (str(row.skonto_percent), row.skonto_days, row.net_days) == ("2", 10, 30)
    assert (row.iban, row.bic, row.name) == (
        "DE89370400440532013000",
        "COBADEFFXXX",
        SUPPLIER["name"],
    )


def test_a_change_replaces_the_terms(catalog: Service, admin: Headers) -> None:
    supplier_id = register(catalog, admin, **TERMS).get_json()["id"]
    changed = SUPPLIER | {"skonto_percent": "3.5", "skonto_days": 14, "net_days": 60}
    response = catalog.client.put(f"/api/v1/suppliers/{supplier_id}", json=changed, headers=admin)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["skonto_percent"] == "3.5" and response.get_json()["iban"] is None
    assert catalog.outbox("catalog.supplier.updated")[-1]["payload"]["net_days"] == 60


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"iban": "DE89370400440532013001"}, "iban"),
        ({"iban": "XX00"}, "iban"),
        ({"bic": "NOT A BIC"}, "bic"),
        ({"skonto_percent": "2"}, "skonto_days"),
        ({"skonto_days": 10}, "skonto_percent"),
        ({"skonto_percent": "2", "skonto_days": 40, "net_days": 30}, "skonto_days"),
        ({"skonto_percent": "100", "skonto_days": 10}, "skonto_percent"),
        ({"skonto_percent": "2.555", "skonto_days": 10}, "skonto_percent"),
        ({"skonto_percent": "2", "skonto_days": "zehn"}, "skonto_days"),
        ({"net_days": 400}, "net_days"),
    ],
)
def test_terms_that_make_no_sense_are_refused_beside_the_field(
    catalog: Service, admin: Headers, fields: dict[str, Any], field: str
) -> None:
    response = register(catalog, admin, **fields)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["details"]
    assert catalog.outbox("catalog.supplier.updated") == []
