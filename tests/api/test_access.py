"""Who may call what: every endpoint of the three APIs against every role.

Roles: anonymous, the member who owns the data, another member, the supplier who owns
the order or offer, another supplier, the admin. A role that may not call an endpoint
gets 401 (no token) or 403/404 (a token, but not its business), and changes nothing;
a role that may gets past the checks (any answer but 401 and 403).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text

from billing.bootstrap import handlers as billing_handlers
from notify.bootstrap import handlers as notify_handlers
from pooling.bootstrap import handlers as pooling_handlers
from shared import events
from shared.messaging import subscriptions_of
from shared.openapi import SPEC_PATH
from tests.api.conftest import ADMIN_TOKEN, Headers, Service, bearer
from tests.api.test_pooling_api import DISP, need_posted, offer_updated, supplier_updated
from tests.support.supplier_einvoice import Bill, Line, cii_xml

ROLES = ("anonymous", "member", "other_member", "supplier", "other_supplier", "admin")


@dataclass
class World:
    services: dict[str, Service]
    headers: dict[str, Headers]


@pytest.fixture
def world(
    catalog: Service, pooling: Service, notify: Service, billing: Service, admin: Headers
) -> World:
    """Members 1 and 2, suppliers 1 and 2; member 1's need went into order 1 at supplier 1,
    and billing invoiced it as if it had been received whole (invoice 1)."""
    tokens = {}
    for n, role in enumerate(("member", "other_member"), start=1):
        body = {"name": f"Firma {n}", "trade": "painter", "email": f"m{n}@x.example"}
        created = catalog.client.post(
            "/api/v1/members", json=body | {"postcode": "44135"}, headers=admin
        ).get_json()
        tokens[role] = bearer(created["api_token"])
    for n, role in enumerate(("supplier", "other_supplier"), start=1):
        body = {"name": f"Handel {n}", "email": f"s{n}@x.example", "shipping_fee": "25.00"}
        created = catalog.client.post("/api/v1/suppliers", json=body, headers=admin).get_json()
        tokens[role] = bearer(created["api_token"])
    product = {"sku": DISP, "name": "Dispersionsfarbe", "unit": "Eimer"}
    catalog.client.post("/api/v1/products", json=product, headers=admin)
    offer = {"pack_size": "1", "tiers": [{"min_quantity": "0", "unit_price": "42.00"}]}
    catalog.client.put(f"/api/v1/offers/1/{DISP}", json=offer, headers=admin)
    need = {"sku": DISP, "quantity": "6"}
    assert (
        catalog.client.post("/api/v1/needs", json=need, headers=tokens["member"]).status_code == 201
    )

    react = pooling_handlers(pooling.runtime.settings, pooling.runtime.outbox)
    for event in (
        supplier_updated(1, "25.00", "500.00"),
        supplier_updated(2, "19.00", None),
        offer_updated(1, DISP, "1", [("0", "42.00")]),
        need_posted(1, 1, DISP, "6"),
    ):
        pooling.deliver(react, event)
    assert pooling.client.post("/api/v1/pools/close", headers=admin).status_code == 200
    [placed] = pooling.outbox("pooling.order.placed")
    react = notify_handlers(notify.runtime.settings, notify.runtime.outbox)
    notify.deliver(react, events.load(placed))
    invoice_member_1(billing, catalog, events.load(placed))

    headers = {"anonymous": {}, "admin": admin} | tokens
    services = {"catalog": catalog, "pooling": pooling, "notify": notify, "billing": billing}
    return World(services, headers)


def invoice_member_1(billing: Service, catalog: Service, placed: events.Event) -> None:
    """Billing told of the members and of order 1, received whole: member 1's invoice 1."""
    react = billing_handlers(billing.runtime.settings, billing.runtime.outbox)
    for body in catalog.outbox("catalog.member.registered"):
        billing.deliver(react, events.load(body))
    billing.deliver(react, placed)
    p = placed.payload
    lines = [
        line
        | {"received_quantity": line["ordered_quantity"], "received_value": line["line_total"]}
        | {"depot_quantity": line["surplus_quantity"]}
        | {"allocations": [a | {"received": a["quantity"]} for a in line["allocations"]]}
        for line in p["lines"]
    ]
    for line in lines:
        del line["packs"], line["line_total"], line["surplus_quantity"]
    received = {k: p[k] for k in ("order_id", "window_id", "supplier_id", "shipping_fee", "total")}
    received |= {"revision": 0, "short": False, "lines": lines, "member_savings": []}
    billing.deliver(react, events.Event.of("pooling.order.received", received))
    with billing.runtime.engine.connect() as db:
        assert db.scalar(text("SELECT member_id FROM invoices WHERE id = 1")) == 1
    supplier_invoice = cii_xml(Bill("W-1", "1", (Line(DISP, "6", "42.00"),)))
    headers = bearer(ADMIN_TOKEN) | {"Content-Type": "application/xml"}
    posted = billing.client.post(
        "/api/v1/supplier-invoices", data=supplier_invoice, headers=headers
    )
    assert posted.get_json()["id"] == 1 and posted.get_json()["supplier_id"] == 1


@dataclass(frozen=True)
class Endpoint:
    service: str
    method: str
    path: str
    allowed: frozenset[str]
    body: Any = None

    def __str__(self) -> str:
        return f"{self.service} {self.method} {self.path}"


def endpoint(service: str, method: str, path: str, *allowed: str, body: Any = None) -> Endpoint:
    return Endpoint(service, method, path, frozenset(allowed), body)


DEAD = subscriptions_of("pooling")[0].dead_letter_queue_name
ANYONE = ("member", "other_member", "supplier", "other_supplier", "admin")
NEED = {"sku": DISP, "quantity": "2"}
SIGN_IN = {"email": "m1@x.example", "password": "falsch-falsch", "address": "192.0.2.1"}
SESSION = {"session_id": "no-such-session", "user_id": 1}
CONFIRM = {"token": "x", "password": "geheim-123"}
NEW_USER = {"email": "buero@x.example", "password": "geheim-123", "role": "admin"}
ENDPOINTS = [
    endpoint("catalog", "POST", "/api/v1/members", "admin", body={"name": "X"}),
    endpoint("catalog", "GET", "/api/v1/members", "admin"),
    endpoint("catalog", "GET", "/api/v1/members/1", "admin", "member"),
    endpoint("catalog", "PUT", "/api/v1/members/1", "admin", body={}),
    endpoint("catalog", "POST", "/api/v1/suppliers", "admin", body={"name": "X"}),
    endpoint("catalog", "GET", "/api/v1/suppliers", *ANYONE),
    endpoint("catalog", "GET", "/api/v1/suppliers/1", "supplier", "admin"),
    endpoint("catalog", "PUT", "/api/v1/suppliers/1", "supplier", "admin", body={}),
    endpoint("catalog", "POST", "/api/v1/products", "admin", body={"sku": "X"}),
    endpoint("catalog", "GET", "/api/v1/products", *ANYONE),
    endpoint("catalog", "PUT", f"/api/v1/products/{DISP}", "admin", body={}),
    endpoint("catalog", "PUT", f"/api/v1/offers/1/{DISP}", "admin", "supplier", body={}),
    endpoint("catalog", "GET", "/api/v1/offers", *ANYONE),
    endpoint("catalog", "POST", "/api/v1/needs", "member", "other_member", "admin", body=NEED),
    endpoint("catalog", "GET", "/api/v1/needs", "member", "other_member", "admin"),
    endpoint("catalog", "GET", "/api/v1/needs/1", "member", "admin"),
    endpoint("catalog", "PATCH", "/api/v1/needs/1", "member", "admin", body={"note": "x"}),
    endpoint("catalog", "POST", "/api/v1/needs/1/cancel", "member", "admin"),
    endpoint("catalog", "GET", "/api/v1/ops/queues", "admin"),
    endpoint("catalog", "GET", "/api/v1/ops/audit", "admin"),
    endpoint("catalog", "GET", "/api/v1/ops/dashboard", "admin"),
    endpoint("catalog", "GET", "/api/v1/ops/queues/history", "admin"),
    endpoint("catalog", "GET", "/api/v1/ops/overview", "admin"),
    endpoint("catalog", "GET", "/api/v1/product-index", *ANYONE),
    endpoint("catalog", "GET", "/api/v1/member-names", "supplier", "other_supplier", "admin"),
    endpoint(
        "catalog",
        "PUT",
        "/api/v1/members/1/flexibility",
        "member",
        "admin",
        body={"flexible_percent": 5},
    ),
    endpoint("catalog", "POST", "/api/v1/members/1/deactivate", "admin"),
    endpoint("catalog", "POST", "/api/v1/members/1/reactivate", "admin"),
    endpoint("catalog", "POST", "/api/v1/suppliers/1/deactivate", "admin"),
    endpoint("catalog", "POST", "/api/v1/suppliers/1/reactivate", "admin"),
    endpoint("pooling", "GET", "/api/v1/pools/current", *ANYONE),
    endpoint("pooling", "GET", "/api/v1/pools/current/outlook", "member", "other_member", "admin"),
    endpoint("pooling", "GET", "/api/v1/pools/current/quote", "member", "other_member", "admin"),
    endpoint("pooling", "POST", "/api/v1/pools/close", "admin"),
    endpoint("pooling", "GET", "/api/v1/pools/closed", "admin"),
    endpoint("pooling", "GET", "/api/v1/orders", *ANYONE),
    endpoint("pooling", "GET", "/api/v1/orders/1", "member", "supplier", "admin"),
    endpoint("pooling", "POST", "/api/v1/orders/1/confirm", "supplier", "admin", body={}),
    endpoint(
        "pooling", "POST", "/api/v1/orders/1/reject", "supplier", "admin", body={"reason": "x"}
    ),
    endpoint("notify", "GET", "/api/v1/members/1/savings", "member", "admin"),
    endpoint("notify", "GET", "/api/v1/notifications", "member", "other_member", "admin"),
    endpoint("notify", "GET", "/api/v1/members/1/reports/1", "member", "admin"),
    endpoint("notify", "GET", "/api/v1/members/1/statements/2026", "member", "admin"),
    endpoint("notify", "GET", "/api/v1/members/1/statements/2026/11", "member", "admin"),
    endpoint("notify", "GET", "/api/v1/members/1/statements/2026.pdf", "member", "admin"),
    endpoint("notify", "GET", "/api/v1/members/1/statements/2026/11.csv", "member", "admin"),
    endpoint("notify", "GET", "/api/v1/savings/dashboard", "admin"),
    endpoint("notify", "GET", "/api/v1/members/1/preferences", "member", "admin"),
    endpoint("notify", "PUT", "/api/v1/members/1/preferences", "member", "admin", body={}),
    endpoint("notify", "GET", "/api/v1/supplier-deliveries/1", "admin"),
    # the e-mail's signed token is the credential: anyone holding the link may use it
    endpoint("notify", "POST", "/api/v1/unsubscribe", *ROLES, body={"token": "forged"}),
    endpoint("notify", "POST", "/api/v1/supplier-deliveries/1/retry", "admin"),
    endpoint("notify", "GET", "/api/v1/deliveries", "admin"),
    endpoint("notify", "POST", "/api/v1/invoices/1/resend", "admin"),
    endpoint("notify", "GET", "/api/v1/invoices/1/deliveries", "admin"),
    endpoint("catalog", "POST", "/api/v1/sign-ins", "admin", body=SIGN_IN),
    endpoint("catalog", "POST", "/api/v1/web-sessions/user", "admin", body=SESSION),
    endpoint("catalog", "POST", "/api/v1/web-sessions/close", "admin", body=SESSION),
    endpoint("catalog", "GET", "/api/v1/users", "admin"),
    endpoint("catalog", "POST", "/api/v1/users", "admin", body=NEW_USER),
    endpoint("catalog", "PUT", "/api/v1/users/1/language", "admin", body={"language": "en"}),
    endpoint("catalog", "PUT", "/api/v1/users/1/active", "admin", body={"active": True}),
    endpoint("catalog", "POST", "/api/v1/password-resets", "admin", body={"email": "x"}),
    endpoint("catalog", "POST", "/api/v1/password-resets/check", "admin", body={"token": "x"}),
    endpoint("catalog", "POST", "/api/v1/password-resets/confirm", "admin", body=CONFIRM),
    endpoint("catalog", "POST", "/api/v1/price-lists/1", "admin", "supplier"),
    endpoint("catalog", "GET", "/api/v1/price-lists/1", "admin", "supplier"),
    endpoint(
        "catalog", "GET", "/api/v1/price-lists/template", "admin", "supplier", "other_supplier"
    ),
    endpoint("catalog", "GET", "/api/v1/ops/dashboard", "admin"),
    endpoint("catalog", "GET", f"/api/v1/ops/dead-letters/{DEAD}", "admin"),
    endpoint("catalog", "POST", f"/api/v1/ops/dead-letters/{DEAD}/nothing/replay", "admin"),
    endpoint("catalog", "POST", f"/api/v1/ops/dead-letters/{DEAD}/nothing/discard", "admin"),
    endpoint("pooling", "GET", "/api/v1/orders/1/document.csv", "supplier", "admin"),
    endpoint("pooling", "GET", "/api/v1/orders/1/allocations.csv", "supplier", "admin"),
    endpoint("pooling", "GET", "/api/v1/orders/1/document.pdf", "supplier", "admin"),
    endpoint("pooling", "POST", "/api/v1/orders/1/receipt", "admin", body={"lines": []}),
    endpoint("pooling", "PUT", "/api/v1/orders/1/receipt", "admin", body={"lines": []}),
    endpoint("pooling", "GET", "/api/v1/orders/1/receipts", "admin"),
    endpoint("pooling", "GET", "/api/v1/depot", "admin"),
    endpoint("pooling", "GET", "/api/v1/orders/1/distribution", "member", "supplier", "admin"),
    endpoint("pooling", "GET", "/api/v1/orders/1/site-receipts", "member", "admin"),
    endpoint(
        "pooling",
        "POST",
        "/api/v1/orders/1/site-receipt",
        "member",
        body={"lines": [{"sku": DISP, "received_quantity": "1"}]},
    ),
    endpoint("pooling", "POST", "/api/v1/depot/write-offs", "admin", body={}),
    endpoint("billing", "GET", "/api/v1/invoices", "member", "other_member", "admin"),
    endpoint("billing", "GET", "/api/v1/invoices/windows", "admin"),
    endpoint("billing", "GET", "/api/v1/invoices/1", "member", "admin"),
    endpoint("billing", "GET", "/api/v1/invoices/1/document.pdf", "member", "admin"),
    endpoint("billing", "GET", "/api/v1/invoices/1/document.xml", "member", "admin"),
    endpoint("billing", "GET", "/api/v1/members/1/account", "member", "admin"),
    endpoint("billing", "GET", "/api/v1/members/1/account.csv", "member", "admin"),
    endpoint("billing", "GET", "/api/v1/accounts.csv", "admin"),
    endpoint("billing", "POST", "/api/v1/members/1/payments", "admin", body={}),
    endpoint("billing", "POST", "/api/v1/settlements", "admin", body={}),
    endpoint("billing", "GET", "/api/v1/settlements", "admin"),
    endpoint("billing", "GET", "/api/v1/settlements/1", "admin"),
    endpoint("billing", "GET", "/api/v1/settlements/1/direct-debits.xml", "admin"),
    endpoint("billing", "GET", "/api/v1/settlements/1/credit-transfers.xml", "admin"),
    endpoint("billing", "POST", "/api/v1/settlements/1/submit", "admin", body={}),
    endpoint("billing", "POST", "/api/v1/settlements/1/cancel", "admin", body={}),
    endpoint(
        "billing",
        "POST",
        "/api/v1/supplier-invoices",
        "supplier",
        "other_supplier",
        "admin",
        body={},
    ),
    endpoint("billing", "GET", "/api/v1/supplier-invoices", "supplier", "other_supplier", "admin"),
    endpoint("billing", "GET", "/api/v1/supplier-invoices/1", "supplier", "admin"),
    endpoint("billing", "GET", "/api/v1/supplier-invoices/1/document", "supplier", "admin"),
    endpoint(
        "billing", "PUT", "/api/v1/supplier-invoices/1/orders", "admin", body={"order_ids": [1]}
    ),
    endpoint(
        "billing", "POST", "/api/v1/supplier-invoices/1/accept", "admin", body={"reason": "x"}
    ),
    endpoint(
        "billing", "POST", "/api/v1/supplier-invoices/1/dispute", "admin", body={"reason": "x"}
    ),
]


def test_every_described_operation_is_in_the_table(world: World) -> None:
    """A new endpoint in a service's OpenAPI description needs its row above."""
    parameter = re.compile(r"\{[a-z_]+\}")
    concrete = re.compile(rf"/(\d+|nothing|{re.escape(DISP)}|{re.escape(DEAD)})(?=/|\.|$)")
    download = re.compile(r"(?<=/\*)\.(csv|pdf)$")  # /2026.pdf: the year, then its form
    tabled = {
        (p.service, p.method, download.sub(".*", concrete.sub("/*", p.path))) for p in ENDPOINTS
    }
    for name, service in world.services.items():
        spec = service.client.get(SPEC_PATH).get_json()
        for path, operations in spec["paths"].items():
            for method in operations:
                if method == "parameters":
                    continue
                key = (name, method.upper(), parameter.sub("*", path))
                assert key in tabled, f"add {key} to ENDPOINTS"


def call(world: World, point: Endpoint, role: str) -> Any:
    client = world.services[point.service].client
    kwargs: dict[str, Any] = {"headers": world.headers[role]}
    if point.body is not None:
        kwargs["json"] = point.body
    return client.open(point.path, method=point.method, **kwargs)


@pytest.mark.parametrize("point", ENDPOINTS, ids=str)
def test_every_role_gets_what_it_may_and_no_more(world: World, point: Endpoint) -> None:
    refused = [role for role in ROLES if role not in point.allowed]
    for role in refused:  # first, so that nothing they might change is changed yet
        response = call(world, point, role)
        expected = {401} if role == "anonymous" else {403, 404}
        assert response.status_code in expected, (role, response.status_code, response.get_json())
    for role in point.allowed:
        response = call(world, point, role)
        assert response.status_code not in (401, 403), (role, response.get_json())


def test_members_see_only_their_own_needs_orders_notifications_and_invoices(
    world: World,
) -> None:
    catalog, pooling, notify = (world.services[s] for s in ("catalog", "pooling", "notify"))
    billing = world.services["billing"]
    assert (
        billing.client.get("/api/v1/invoices", headers=world.headers["other_member"]).get_json()[
            "invoices"
        ]
        == []
    )
    other = world.headers["other_member"]
    assert catalog.client.get("/api/v1/needs", headers=other).get_json() == []
    assert pooling.client.get("/api/v1/orders", headers=other).get_json() == []
    assert notify.client.get("/api/v1/notifications", headers=other).get_json() == []
    mine = notify.client.get("/api/v1/notifications", headers=world.headers["member"]).get_json()
    assert {n["member_id"] for n in mine} == {1}


def test_suppliers_see_only_their_own_orders(world: World) -> None:
    pooling = world.services["pooling"]
    assert (
        pooling.client.get("/api/v1/orders", headers=world.headers["other_supplier"]).get_json()
        == []
    )
    [order] = pooling.client.get("/api/v1/orders", headers=world.headers["supplier"]).get_json()
    assert order["supplier_id"] == 1


def test_health_and_metrics_need_no_token(world: World) -> None:
    for service in world.services.values():
        for path in ("/health/live", "/metrics", SPEC_PATH):
            assert service.client.get(path).status_code == 200, path


def test_every_answer_carries_the_security_headers(world: World) -> None:
    for service in world.services.values():
        for path in ("/health/live", "/api/v1/notifications", "/no/such/page"):
            headers = service.client.get(path).headers
            assert headers["X-Content-Type-Options"] == "nosniff", path
            assert headers["X-Frame-Options"] == "DENY", path
            assert "default-src 'self'" in headers["Content-Security-Policy"], path
