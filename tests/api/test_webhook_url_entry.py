"""Catalog refuses a webhook URL notify would refuse to post to, beside the field: not
http(s), a user name or password in it, or a host written as an internal address the
operator did not allow. Host names pass here: notify checks them at each delivery.

The operator of these tests allows the cooperative's LAN, 192.168.10.0/24.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pytest

from shared.settings import Settings
from shared.webhook_addresses import parse_networks
from tests.api.test_supplier_channels import WEBHOOK, put

if TYPE_CHECKING:
    from tests.api.conftest import Created, Headers, Service


@pytest.fixture
def settings(settings: Settings) -> Settings:
    lan = parse_networks("192.168.10.0/24")
    return dataclasses.replace(settings, webhook_allowed_networks=lan)


REFUSED = {
    "http://10.0.0.5/orders": "Orders are not sent to a private address.",
    "http://127.0.0.1:8003/api/v1/deliveries": "Orders are not sent to a loopback address.",
    "http://2130706433/orders": "Orders are not sent to a loopback address.",
    "http://[::1]:8001/": "Orders are not sent to a loopback address.",
    "http://169.254.169.254/latest/meta-data/": "Orders are not sent to a link-local address.",
    "https://[fe80::1]/orders": "Orders are not sent to a link-local address.",
    "https://[fd00::5]/orders": "Orders are not sent to a unique-local address.",
    "http://100.64.0.1/orders": "Orders are not sent to a shared (carrier-grade NAT) address.",
    "http://224.0.0.1/orders": "Orders are not sent to a multicast address.",
    "http://0.0.0.0:8002/orders": "Orders are not sent to an unspecified address.",
    "http://192.168.11.20/orders": "Orders are not sent to a private address.",  # not the LAN
    "https://ruhr:geheim@erp.ruhr.example/orders": (
        "A webhook URL may not contain a user name or password."
    ),
    "https://token@erp.ruhr.example/orders": (
        "A webhook URL may not contain a user name or password."
    ),
}


@pytest.mark.parametrize(("url", "message"), REFUSED.items())
def test_an_internal_or_credentialed_webhook_url_is_refused_naming_the_field(
    catalog: Service, admin: Headers, make_supplier: Any, url: str, message: str
) -> None:
    supplier: Created = make_supplier()

    response = put(catalog, admin, supplier.id, WEBHOOK | {"webhook_url": url})

    assert response.status_code == 422, response.get_json()
    assert response.get_json()["details"] == {"webhook_url": [message]}
    shown = catalog.client.get(f"/api/v1/suppliers/{supplier.id}", headers=admin).get_json()
    assert shown["delivery_channel"] == "email"


@pytest.mark.parametrize(
    "url", ["http://127.1/orders", "http://0x7f.0.0.1/", "https://[::ffff:10.0.0.5]/orders"]
)
def test_odd_spellings_of_internal_addresses_are_refused_too(
    catalog: Service, admin: Headers, make_supplier: Any, url: str
) -> None:
    supplier: Created = make_supplier()

    response = put(catalog, admin, supplier.id, WEBHOOK | {"webhook_url": url})

    assert response.status_code == 422
    assert list(response.get_json()["details"]) == ["webhook_url"]


def test_a_new_supplier_with_an_internal_webhook_is_not_registered(
    catalog: Service, admin: Headers
) -> None:
    body = WEBHOOK | {"webhook_url": "http://10.0.0.5/orders"}

    response = catalog.client.post("/api/v1/suppliers", json=body, headers=admin)

    assert response.status_code == 422
    assert "webhook_url" in response.get_json()["details"]
    assert catalog.client.get("/api/v1/suppliers", headers=admin).get_json() == []


def test_a_supplier_cannot_point_its_own_webhook_inside_either(
    catalog: Service, make_supplier: Any
) -> None:
    supplier: Created = make_supplier()
    body = WEBHOOK | {"webhook_url": "http://169.254.169.254/latest/meta-data/"}

    response = put(catalog, supplier.headers, supplier.id, body)

    assert response.status_code == 422
    assert response.get_json()["details"] == {
        "webhook_url": ["Orders are not sent to a link-local address."]
    }


@pytest.mark.parametrize(
    "url",
    [
        "https://erp.ruhr.example/zirkel/orders",
        "https://93.184.215.14/orders",
        "https://[2a00:1450:4001::1]/orders",
        "http://192.168.10.20:8080/zirkel",  # the cooperative's LAN, allowed by the operator
        "http://intern.ruhr.example/orders",  # a name: checked by notify at each delivery
    ],
)
def test_public_addresses_host_names_and_allowed_networks_are_taken(
    catalog: Service, admin: Headers, make_supplier: Any, url: str
) -> None:
    supplier: Created = make_supplier()

    response = put(catalog, admin, supplier.id, WEBHOOK | {"webhook_url": url})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["webhook_url"] == url
    assert catalog.outbox("catalog.supplier.updated")[-1]["payload"]["webhook_url"] == url
