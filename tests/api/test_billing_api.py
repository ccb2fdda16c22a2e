"""Billing's invoices API on the worked example continued: pooling's real events (placed,
confirmed, received, a corrected receipt) handed to billing as its consumer would; the
members' invoices, their documents, and who may see them."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from billing.bootstrap import handlers as billing_handlers
from shared import events
from tests.api.conftest import Headers, Service
from tests.api.test_after_order import RECEIVED, book, confirmed, correct, receipt
from tests.api.test_pooling_api import DISP, SIL, worked_example
from tests.support.einvoice import assert_valid_invoice

__all__ = ["worked_example"]  # the fixture, used by name

TODAY = date(2026, 3, 16)
GROSS = {1: "226.10", 2: "149.94", 3: "416.50", 4: "69.97"}


def member_registered(member_id: int, **fields: Any) -> events.Event:
    payload = {
        "member_id": member_id,
        "name": f"Malerbetrieb {member_id}",
        "trade": "painter",
        "email": f"m{member_id}@maler.example",
        "postcode": "44135",
        "street": f"Hauptstraße {member_id}",
        "city": "Dortmund",
    } | fields
    return events.Event.of("catalog.member.registered", payload)


def product_updated(sku: str, name: str, unit: str, rate: str = "19") -> events.Event:
    payload = {"sku": sku, "name": name, "unit": unit, "vat_rate": Decimal(rate)}
    return events.Event.of("catalog.product.updated", payload)


def hand_over(billing: Service, pooling: Service, seen: int = 0) -> int:
    """Pooling's order events from the ``seen``-th on, to billing; how many there are."""
    react = billing_handlers(billing.runtime.settings, billing.runtime.outbox, lambda: TODAY)
    outcomes = [e for e in pooling.outbox() if e["event_type"].startswith("pooling.order.")]
    for body in outcomes[seen:]:
        billing.deliver(react, events.load(body))
    return len(outcomes)


@pytest.fixture
def received(worked_example: Service, billing: Service, admin: Headers) -> int:
    """The worked example received (12 DISP-10L of 14, 72 SIL-300), billing told of it all."""
    react = billing_handlers(billing.runtime.settings, billing.runtime.outbox, lambda: TODAY)
    billing.deliver(react, member_registered(1, vat_id="DE136695976"))
    billing.deliver(react, member_registered(2, language="en", legal_name="Maler Zwei GmbH"))
    for member_id in (3, 4):
        billing.deliver(react, member_registered(member_id))
    billing.deliver(react, product_updated(DISP, "Dispersionsfarbe weiß, 10 l Eimer", "Eimer"))
    order_id = confirmed(worked_example, admin)
    assert book(worked_example, admin, order_id, receipt(RECEIVED)).status_code == 201
    hand_over(billing, worked_example)
    return order_id


def invoices(billing: Service, headers: Headers, query: str = "") -> list[dict[str, Any]]:
    response = billing.client.get(f"/api/v1/invoices{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["invoices"]


def test_the_worked_example_is_invoiced_to_the_cent(
    received: int, billing: Service, admin: Headers
) -> None:
    found = sorted(invoices(billing, admin), key=lambda i: i["member_id"])

    assert [(i["member_id"], i["gross_total"]) for i in found] == list(GROSS.items())
    assert [(i["net_total"], i["vat_total"]) for i in found] == [
        ("190.00", "36.10"),
        ("126.00", "23.94"),
        ("350.00", "66.50"),
        ("58.80", "11.17"),
    ]
    assert sorted(i["number"] for i in found) == [f"ZK-2026-00000{n}" for n in (1, 2, 3, 4)]
    m3 = found[2]
    assert m3["vat_breakdown"] == [{"rate": "19", "taxable": "350.00", "vat": "66.50"}]
    assert [
        (ln["sku"], ln["quantity"], ln["unit_price"], ln["net_amount"]) for ln in m3["lines"]
    ] == [
        (DISP, "7", "38.00", "266.00"),
        (SIL, "20", "4.20", "84.00"),
    ]
    assert m3["lines"][0]["description"] == "Dispersionsfarbe weiß, 10 l Eimer"
    assert m3["savings"] == "69.80" and m3["type"] == "invoice" and m3["corrects"] is None
    issued = billing.outbox("billing.invoice.issued")
    assert [e["payload"]["gross_total"] for e in issued] == list(GROSS.values())
    assert {e["payload"]["language"] for e in issued} == {"de", "en"}


def test_every_document_passes_the_en16931_rules(
    received: int, billing: Service, admin: Headers
) -> None:
    for invoice in invoices(billing, admin):
        url = f"/api/v1/invoices/{invoice['id']}/document"
        pdf, xml = (billing.client.get(f"{url}.{form}", headers=admin) for form in ("pdf", "xml"))
        assert pdf.status_code == xml.status_code == 200
        assert pdf.mimetype == "application/pdf" and xml.mimetype == "application/xml"
        assert f'filename="{invoice["number"]}.pdf"' in pdf.headers["Content-Disposition"]
        assert_valid_invoice(pdf.data, xml.data)
        text = xml.data.decode()
        assert f"<ram:BuyerReference>{invoice['member_id']}</ram:BuyerReference>" in text
    english = next(i for i in invoices(billing, admin) if i["member_id"] == 2)
    xml = billing.client.get(f"/api/v1/invoices/{english['id']}/document.xml", headers=admin).data
    assert b"Maler Zwei GmbH" in xml and b"What buying together" in xml


def test_a_member_sees_only_its_own_invoices(received: int, billing: Service) -> None:
    mine = invoices(billing, billing.token("member", 1))
    assert [i["member_id"] for i in mine] == [1]
    assert invoices(billing, billing.token("member", 1), "?member_id=2") == []
    others = invoices(billing, billing.token("member", 2))
    for path in ("", "/document.pdf", "/document.xml"):
        url = f"/api/v1/invoices/{others[0]['id']}{path}"
        response = billing.client.get(url, headers=billing.token("member", 1))
        assert response.status_code == 404, path
        assert billing.client.get(url, headers=billing.token("member", 2)).status_code == 200


def test_the_office_filters_by_member_and_window(
    received: int, billing: Service, admin: Headers
) -> None:
    assert [i["member_id"] for i in invoices(billing, admin, "?member_id=3")] == [3]
    assert len(invoices(billing, admin, "?window_id=1")) == 4
    assert invoices(billing, admin, "?window_id=2") == []
    response = billing.client.get("/api/v1/invoices?member_id=x", headers=admin)
    assert response.status_code == 422 and "member_id" in response.get_json()["details"]


def test_the_office_pages_back_through_the_invoices(
    received: int, billing: Service, admin: Headers
) -> None:
    newest = [i["id"] for i in invoices(billing, admin)]
    first = invoices(billing, admin, "?limit=3")
    rest = invoices(billing, admin, f"?limit=3&before={first[-1]['id']}")

    assert [i["id"] for i in first + rest] == newest == sorted(newest, reverse=True)
    assert invoices(billing, admin, f"?before={newest[-1]}") == []
    response = billing.client.get("/api/v1/invoices?before=0", headers=admin)
    assert response.status_code == 422 and "before" in response.get_json()["details"]


def test_a_corrected_receipt_credits_the_invoice_and_issues_a_new_one(
    received: int, worked_example: Service, billing: Service, admin: Headers
) -> None:
    seen = hand_over(billing, worked_example)
    response = correct(worked_example, admin, received, receipt({DISP: "14", SIL: "72"}))
    assert response.status_code == 200, response.get_json()

    hand_over(billing, worked_example, seen)

    found = invoices(billing, admin)
    assert len(found) == 8  # m1 and m3 get 6 and 8 DISP-10L now: two credit notes, two invoices
    credits = [i for i in found if i["type"] == "credit_note"]
    assert sorted((c["member_id"], c["gross_total"]) for c in credits) == [
        (1, "226.10"),
        (3, "416.50"),
    ]
    newest = {i["member_id"]: i for i in reversed(found) if i["type"] == "invoice"}
    assert (newest[1]["net_total"], newest[3]["net_total"]) == ("228.00", "388.00")
    numbers = sorted(i["number"] for i in found)
    assert numbers == [f"ZK-2026-{n:06d}" for n in range(1, 9)]
    for credit in credits:
        assert credit["corrects"]["number"] in numbers
        xml = billing.client.get(f"/api/v1/invoices/{credit['id']}/document.xml", headers=admin)
        pdf = billing.client.get(f"/api/v1/invoices/{credit['id']}/document.pdf", headers=admin)
        assert b"<ram:TypeCode>381</ram:TypeCode>" in xml.data
        assert_valid_invoice(pdf.data, xml.data)
    json.dumps(found)  # plain JSON all through
