"""Suppliers' invoices on the worked example continued (rule 14): supplier A invoices what
arrived (12 DISP-10L at 38.00, 72 SIL-300 at 4.20, 758.40 net) as a Factur-X PDF made with
the library; it matches. One wrong price shows exactly that difference; the office accepts
or disputes; only matched or accepted invoices are payable."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from billing.adapters.supplier_invoice_orm import SupplierInvoiceOrderRow, SupplierInvoiceRow
from billing.adapters.supplier_invoice_repository import payable_supplier_invoices
from billing.bootstrap import handlers as billing_handlers
from billing.bootstrap import sepa_files
from notify.adapters.supplier_orm import SupplierDelivery
from notify.bootstrap import handlers as notify_handlers
from shared import events
from shared.db import transaction
from tests.api.conftest import Headers, Service
from tests.api.test_after_order import RECEIVED, book, confirmed, receipt
from tests.api.test_billing_api import TODAY, hand_over
from tests.api.test_pooling_api import DISP, SIL, A, B, supplier_updated, worked_example
from tests.api.test_settlement_api import MARCH
from tests.support.supplier_einvoice import Bill, Line, cii_xml, facturx_bomb, facturx_pdf, ubl_xml
from tests.unit.billing.test_einvoice_reader import LAUGHS
from tests.unit.billing.test_settlement import assert_valid, texts

__all__ = ["worked_example"]  # the fixture, used by name

URL = "/api/v1/supplier-invoices"


def bill(order_id: int, number: str = "RE-2026-0815", disp_price: str = "38.00") -> Bill:
    return Bill(
        number=number,
        order=f"Bestellung {order_id}",
        lines=(Line(DISP, RECEIVED[DISP], disp_price), Line(SIL, RECEIVED[SIL], "4.20")),
    )


@pytest.fixture
def received(worked_example: Service, billing: Service, admin: Headers) -> int:
    """The worked example confirmed and received, billing told of the order's course."""
    order_id = confirmed(worked_example, admin)
    assert book(worked_example, admin, order_id, receipt(RECEIVED)).status_code == 201
    hand_over(billing, worked_example)
    return order_id


def upload(billing: Service, headers: Headers, data: bytes, media: str) -> Any:
    return billing.client.post(URL, data=data, headers=headers | {"Content-Type": media})


def test_the_supplier_uploads_a_matching_facturx_invoice(received: int, billing: Service) -> None:
    supplier_a = billing.token("supplier", A)
    response = upload(billing, supplier_a, facturx_pdf(bill(received)), "application/pdf")

    assert response.status_code == 201, response.get_json()
    found = response.get_json()
    assert (found["number"], found["issued_on"], found["currency"]) == (
        "RE-2026-0815",
        "2026-03-17",
        "EUR",
    )
    assert found["seller"] == {"name": "Baustoffhandel A GmbH", "vat_id": "DE123456789"}
    assert (found["net_total"], found["vat_total"], found["gross_total"]) == (
        "758.40",
        "144.10",
        "902.50",
    )
    assert [
        (ln["sku"], ln["quantity"], ln["unit_price"], ln["net_amount"]) for ln in found["lines"]
    ] == [
        (DISP, "12", "38.00", "456.00"),
        (SIL, "72", "4.20", "302.40"),
    ]
    assert found["match"] == {"status": "matched", "differences": []}
    assert found["order_ids"] == [received] and found["supplier_id"] == A and found["payable"]
    mine = billing.client.get(URL, headers=supplier_a).get_json()["supplier_invoices"]
    assert [i["id"] for i in mine] == [found["id"]]
    assert billing.client.get(URL, headers=billing.token("supplier", B)).get_json() == {
        "supplier_invoices": []
    }
    other = billing.client.get(f"{URL}/{found['id']}", headers=billing.token("supplier", B))
    assert other.status_code == 404
    document = billing.client.get(f"{URL}/{found['id']}/document", headers=supplier_a)
    assert document.mimetype == "application/pdf" and document.data[:5] == b"%PDF-"


def test_one_wrong_price_shows_exactly_that_difference_and_is_not_payable(
    received: int, billing: Service, admin: Headers
) -> None:
    response = upload(
        billing, admin, cii_xml(bill(received, disp_price="39.00")), "application/xml"
    )
    assert response.status_code == 201, response.get_json()
    found = response.get_json()
    assert found["match"]["status"] == "differences"
    assert found["match"]["differences"][0] == {
        "field": "line:DISP-10L:unit_price",
        "expected": "38.00",
        "found": "39.00",
    }
    assert {d["field"] for d in found["match"]["differences"][1:]} == {
        "net_total",
        "vat_total",
        "gross_total",
    }
    assert found["supplier_id"] == A and not found["payable"]
    with transaction(billing.runtime.sessions) as session:
        assert payable_supplier_invoices(session) == []


def test_the_office_accepts_with_a_reason_then_it_is_payable(
    received: int, billing: Service, admin: Headers
) -> None:
    found = upload(billing, admin, ubl_xml(bill(received, disp_price="39.00")), "application/xml")
    invoice_id = found.get_json()["id"]
    url = f"{URL}/{invoice_id}/accept"
    assert billing.client.post(url, json={}, headers=admin).status_code == 422
    supplier_a = billing.token("supplier", A)
    assert billing.client.post(url, json={"reason": "x"}, headers=supplier_a).status_code == 403
    response = billing.client.post(
        url, json={"reason": "Preis telefonisch vereinbart"}, headers=admin
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["decision"] == "accepted" and response.get_json()["payable"]
    with transaction(billing.runtime.sessions) as session:
        [payable] = payable_supplier_invoices(session, supplier_id=A)
    assert (payable.id, str(payable.gross_total)) == (invoice_id, "916.78")
    again = billing.client.post(f"{URL}/{invoice_id}/dispute", json={"reason": "y"}, headers=admin)
    assert again.status_code == 409


def test_a_dispute_is_announced_and_mailed_to_the_supplier(
    received: int, billing: Service, notify: Service, admin: Headers
) -> None:
    response = upload(
        billing, admin, cii_xml(bill(received, disp_price="39.00")), "application/xml"
    )
    invoice_id = response.get_json()["id"]
    disputed = billing.client.post(
        f"{URL}/{invoice_id}/dispute", json={"reason": "Preis 38,00 bestätigt"}, headers=admin
    )
    assert disputed.status_code == 200 and disputed.get_json()["decision"] == "disputed"
    [event] = billing.outbox("billing.supplier_invoice.disputed")
    payload = event["payload"]
    assert (payload["supplier_id"], payload["number"], payload["reason"]) == (
        A,
        "RE-2026-0815",
        "Preis 38,00 bestätigt",
    )
    assert payload["differences"][0]["field"] == "line:DISP-10L:unit_price"

    react = notify_handlers(notify.runtime.settings, notify.runtime.outbox)
    entry = supplier_updated(A, "25.00", "500.00")
    notify.deliver(react, replace(entry, email="a@handel.example"))
    for _twice in range(2):
        notify.deliver(react, events.load(event))
    with notify.runtime.engine.connect() as db:
        [mail] = db.execute(select(SupplierDelivery)).all()
    assert (mail.kind, mail.subject_id, mail.supplier_id) == ("dispute", invoice_id, A)
    assert (mail.channel, mail.to, mail.status) == ("email", "a@handel.example", "pending")
    assert "RE-2026-0815" in mail.subject and "Preis 38,00 bestätigt" in mail.body
    assert "DISP-10L: Einzelpreis (bestätigt) / unit price (confirmed): 38.00 — 39.00" in mail.body


def test_an_invoice_disputed_again_after_its_orders_were_assigned_reaches_the_supplier_again(
    received: int, billing: Service, notify: Service, admin: Headers
) -> None:
    response = upload(
        billing, admin, cii_xml(bill(received, disp_price="39.00")), "application/xml"
    )
    url = f"{URL}/{response.get_json()['id']}"
    first = billing.client.post(f"{url}/dispute", json={"reason": "Preis 38,00"}, headers=admin)
    assert first.get_json()["disputes"] == 1
    reopened = billing.client.put(f"{url}/orders", json={"order_ids": [received]}, headers=admin)
    assert reopened.get_json()["decision"] == "open", reopened.get_json()
    second = billing.client.post(f"{url}/dispute", json={"reason": "Noch immer"}, headers=admin)
    assert second.status_code == 200 and second.get_json()["disputes"] == 2
    announced = billing.outbox("billing.supplier_invoice.disputed")
    numbered = [(e["payload"]["dispute_number"], e["payload"]["reason"]) for e in announced]
    assert numbered == [(1, "Preis 38,00"), (2, "Noch immer")]

    react = notify_handlers(notify.runtime.settings, notify.runtime.outbox)
    entry = supplier_updated(A, "25.00", "500.00")
    notify.deliver(react, replace(entry, email="a@handel.example"))
    for _twice in range(2):
        for event in announced:
            notify.deliver(react, events.load(event))
    with notify.runtime.engine.connect() as db:
        mails = db.execute(select(SupplierDelivery).order_by(SupplierDelivery.id)).all()
    assert [(m.kind, m.dispute_number, m.status) for m in mails] == [
        ("dispute", 1, "pending"),
        ("dispute", 2, "pending"),
    ]
    assert "Noch immer" in mails[1].body and "erneut" in mails[1].subject


def test_an_invoice_without_an_order_number_waits_for_the_office(
    received: int, billing: Service, admin: Headers
) -> None:
    nameless = replace(bill(received), order=None)
    found = upload(billing, admin, cii_xml(nameless), "application/xml").get_json()
    assert found["match"]["status"] == "unmatched" and found["supplier_id"] is None
    url = f"{URL}/{found['id']}"
    accept = billing.client.post(f"{url}/accept", json={"reason": "passt"}, headers=admin)
    assert accept.status_code == 409
    missing = billing.client.put(f"{url}/orders", json={"order_ids": [999]}, headers=admin)
    assert missing.status_code == 422
    assigned = billing.client.put(f"{url}/orders", json={"order_ids": [received]}, headers=admin)
    assert assigned.status_code == 200, assigned.get_json()
    assert assigned.get_json()["match"]["status"] == "matched"
    assert assigned.get_json()["supplier_id"] == A


def test_two_invoices_for_one_order_each_match_their_part(
    received: int, billing: Service, admin: Headers
) -> None:
    first = Bill("RE-1", str(received), (Line(DISP, "12", "38.00"),))
    second = Bill("RE-2", str(received), (Line(SIL, "72", "4.20"),))
    for part in (first, second):
        found = upload(billing, admin, cii_xml(part), "application/xml").get_json()
        assert found["match"]["status"] == "matched", found["match"]
    twice = upload(billing, admin, cii_xml(replace(first, number="RE-3")), "application/xml")
    assert twice.get_json()["match"]["status"] == "differences"
    same = upload(billing, admin, cii_xml(first), "application/xml")
    assert same.status_code == 409


def test_an_invoice_before_the_goods_is_matched_when_they_arrive(
    worked_example: Service, billing: Service, admin: Headers
) -> None:
    order_id = confirmed(worked_example, admin)
    seen = hand_over(billing, worked_example)
    early = upload(billing, admin, cii_xml(bill(order_id)), "application/xml").get_json()
    assert early["match"]["status"] == "unmatched"
    assert early["match"]["differences"] == [
        {"field": f"order:{order_id}:status", "expected": "received", "found": "confirmed"}
    ]
    assert book(worked_example, admin, order_id, receipt(RECEIVED)).status_code == 201
    hand_over(billing, worked_example, seen)
    later = billing.client.get(f"{URL}/{early['id']}", headers=admin).get_json()
    assert later["match"]["status"] == "matched"


def test_another_suppliers_order_is_refused_to_a_supplier(received: int, billing: Service) -> None:
    response = upload(
        billing, billing.token("supplier", B), cii_xml(bill(received)), "application/xml"
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("data", "media", "status", "says"),
    [
        (
            b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
            "application/xml",
            422,
            "DOCTYPE",
        ),
        (LAUGHS, "application/xml", 422, "DOCTYPE"),
        (b"%PDF-1.7 broken", "application/pdf", 422, "PDF"),
        (
            facturx_bomb(bill(1), inflated_mib=64),
            "application/pdf",
            422,
            "invoice XML is larger than 1024 KiB",
        ),
        (b"a;b;c", "text/csv", 415, "application/xml"),
        (b"<" * (50 * 1024 * 1024), "application/xml", 413, ""),
    ],
)
def test_unreadable_hostile_and_oversized_files_are_refused_and_nothing_is_kept(
    received: int, billing: Service, admin: Headers, data: bytes, media: str, status: int, says: str
) -> None:
    response = upload(billing, admin, data, media)
    assert response.status_code == status
    assert says in response.get_json()["error"]
    assert_nothing_kept(billing, admin)


def test_a_foreign_currency_invoice_is_refused(
    received: int, billing: Service, admin: Headers
) -> None:
    danish = replace(bill(received), currency="DKK")
    response = upload(billing, admin, cii_xml(danish), "application/xml")
    assert response.status_code == 422 and "DKK" in response.get_json()["error"]
    assert_nothing_kept(billing, admin)


def assert_nothing_kept(billing: Service, admin: Headers) -> None:
    """No invoice listed, no row of one or of its orders, no event of one."""
    assert billing.client.get(URL, headers=admin).get_json() == {"supplier_invoices": []}
    with transaction(billing.runtime.sessions) as session:
        for table in (SupplierInvoiceRow, SupplierInvoiceOrderRow):
            assert session.scalar(select(func.count()).select_from(table)) == 0
    assert not [e for e in billing.outbox() if "supplier_invoice" in e["event_type"]]


def test_a_multipart_upload_is_read_like_a_body(
    received: int, billing: Service, admin: Headers
) -> None:
    from io import BytesIO

    response = billing.client.post(
        URL,
        data={"file": (BytesIO(facturx_pdf(bill(received))), "rechnung.pdf")},
        headers=admin,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["match"]["status"] == "matched"


def test_a_settlement_pays_the_matched_invoice_on_its_skonto_day_less_the_skonto(
    received: int, billing: Service, admin: Headers
) -> None:
    """A's terms: 2 % within 10 days, net 30, its account known; its invoice of 17 March
    (902.50 gross) matched, so the March run pays 884.45 on 27 March, once."""
    plain = supplier_updated(A, "25.00", "500.00")
    terms = replace(plain, skonto_percent=Decimal("2"), skonto_days=10, net_days=30)
    terms = replace(terms, iban="DE02120300000000202051", bic="BYLADEM1001")
    billing.deliver(billing_handlers(billing.runtime.settings, billing.runtime.outbox), terms)
    billing.app.extensions["zirkel.sepa_files"] = sepa_files(
        billing.runtime.settings, lambda: TODAY
    )
    wrong = upload(billing, admin, facturx_pdf(bill(received, "RE-1", "39.00")), "application/pdf")
    assert wrong.status_code == 201 and not wrong.get_json()["payable"]
    right = upload(billing, admin, facturx_pdf(bill(received, "RE-2")), "application/pdf")
    assert right.get_json()["payable"]

    run = billing.client.post("/api/v1/settlements", json=MARCH, headers=admin).get_json()

    assert (run["paid"], run["skonto"]) == ("884.45", "18.05")
    transfers = billing.client.get(run["credit_transfers"], headers=admin)
    document = assert_valid(transfers.get_data(), "pain.001.001.03")
    assert texts(document, "InstdAmt") == ["884.45"]
    assert texts(document, "ReqdExctnDt") == ["2026-03-27"]
    assert texts(document, "IBAN")[-1] == "DE02120300000000202051"
    again = billing.client.post("/api/v1/settlements", json=MARCH, headers=admin).get_json()
    assert again["paid"] == "0.00" and again["credit_transfers"] is None
