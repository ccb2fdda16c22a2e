"""The design's worked example continued through the real processes, on the embedded
default and on RabbitMQ + PostgreSQL: supplier A confirms, the office books the receipt
of 12 DISP-10L and 72 SIL-300; catalog shows what each need received, notify the savings
on the received quantities, the depot holds 8 SIL-300 worth 33.60, and billing issues
each member's invoice (VAT 19 %) with gapless numbers and valid e-invoice documents;
notify e-mails each member its invoice with the PDF, and the office's page lists them;
a settlement run collects the four gross totals by SEPA direct debit, once. Then a
second window: m2 needs 10 SIL-300, the depot serves 8 at book value and a new
order brings 2."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import requests

from billing.domain.business_days import on_or_before
from shared.auth import TokenAuthority
from tests.e2e.test_worked_example import pooled, savings, set_up_cooperative, stack
from tests.support.einvoice import assert_valid_invoice
from tests.support.smtp import SmtpServer
from tests.support.stack import ADMIN_TOKEN, Client, Stack, wait_until
from tests.support.supplier_einvoice import Bill, Line, facturx_pdf
from tests.unit.billing.test_settlement import assert_valid, texts
from zirkel.demo_data import WORKED_EXAMPLE

pytestmark = pytest.mark.e2e

__all__ = ["stack"]  # the fixture, used by name

PAID = ["190.00", "126.00", "350.00", "58.80"]
SAVED = ["29.00", "50.20", "69.80", "67.00"]
INVOICED = [  # net, VAT, gross
    ("190.00", "36.10", "226.10"),
    ("126.00", "23.94", "149.94"),
    ("350.00", "66.50", "416.50"),
    ("58.80", "11.17", "69.97"),
]
SUPPLIER_IBAN = "DE89370400440532013000"
RECEIVED = {1: "5", 2: "30", 3: "7", 4: "20", 5: "14"}  # by the need's place in the example


def test_the_worked_example_received_short_end_to_end(stack: Stack, smtp: SmtpServer) -> None:
    admin = Client(stack, ADMIN_TOKEN)
    members = set_up_cooperative(admin)
    give_mandates(admin, members)
    give_terms(admin, WORKED_EXAMPLE.suppliers[0])
    need_ids = []
    for need in WORKED_EXAMPLE.needs:
        _member_id, token = members[need.member_index]
        body = {"sku": need.sku, "quantity": str(need.quantity)}
        need_ids.append(Client(stack, token).ok("POST", "catalog", "/needs", json=body)["id"])
    wait_until(lambda: pooled(admin) == {"DISP-10L": "14", "SIL-300": "64"}, 30, "needs pooled")
    [order] = admin.ok("POST", "pooling", "/pools/close")["orders"]
    for (member_id, token), _saved in zip(members, SAVED, strict=True):
        member = Client(stack, token)
        wait_until(lambda m=member, i=member_id: savings(m, i), 30, "savings reported")

    confirm = {"expected_delivery": "2030-03-14"}
    admin.ok("POST", "pooling", f"/orders/{order['id']}/confirm", json=confirm)
    lines = [{"sku": "DISP-10L", "received_quantity": "12"}]
    lines.append({"sku": "SIL-300", "received_quantity": "72"})
    received = admin.ok("POST", "pooling", f"/orders/{order['id']}/receipt", json={"lines": lines})

    paid: dict[int, Decimal] = {}
    for line in received["lines"]:
        for a in line["allocations"]:
            paid[a["member_id"]] = paid.get(a["member_id"], Decimal(0)) + Decimal(a["paid"])
    assert [paid[member_id] for member_id, _token in members] == [Decimal(p) for p in PAID]
    depot = admin.ok("GET", "pooling", "/depot")
    assert [(lot["sku"], lot["quantity"], lot["book_value"]) for lot in depot["lots"]] == [
        ("SIL-300", "8", "33.60")
    ]
    for place, need_id in enumerate(need_ids, start=1):
        wait_until(
            lambda n=need_id, q=RECEIVED[place]: received_as(admin, n) == ("received", q),
            60,
            f"catalog to show need {need_id} received",
        )
    for (member_id, token), saved in zip(members, SAVED, strict=True):
        member = Client(stack, token)
        wait_until(
            lambda m=member, i=member_id, s=saved: (savings(m, i) or {}).get("saved") == s,
            60,
            f"member {member_id}'s savings on what arrived",
        )
    invoices = check_invoices(stack, admin, members)
    check_invoice_mails(smtp, invoices)
    check_office_page(stack, invoices)
    issued_on = invoices[0]["issued_on"]
    check_supplier_invoices(stack, order, date.fromisoformat(issued_on))
    check_settlement(admin, members, issued_on)
    second_window_served_from_the_depot(stack, admin, members[1], order["id"])
    dashboard = admin.ok("GET", "catalog", "/ops/dashboard")
    assert not [a for a in dashboard["alerts"] if a["kind"] == "dead-letters"]


def second_window_served_from_the_depot(
    stack: Stack, admin: Client, m2: tuple[int, str], first_order: int
) -> None:
    """m2 needs 10 SIL-300: 8 from the depot at 4.20, 2 in a new order of one pack, whose
    fee (25.00, below A's 500.00) m2 pays alone; its baseline is the 10 alone (75.40)."""
    member_id, token = m2
    member = Client(stack, token)
    need = member.ok("POST", "catalog", "/needs", json={"sku": "SIL-300", "quantity": "10"})
    wait_until(lambda: pooled(admin) == {"SIL-300": "10"}, 30, "the second need pooled")
    closed = admin.ok("POST", "pooling", "/pools/close")
    parts = [(a["need_id"], a["order_id"], a["quantity"]) for a in closed["depot_allocations"]]
    assert parts == [(need["id"], first_order, "8")]
    assert closed["from_depot"] == [{"sku": "SIL-300", "quantity": "8", "value": "33.60"}]
    [order] = closed["orders"]
    [line] = order["lines"]
    assert [(a["need_id"], a["quantity"]) for a in line["allocations"]] == [(need["id"], "2")]
    assert (closed["members_paid"], closed["members_saved"]) == ("67.00", "8.40")
    assert admin.ok("GET", "pooling", "/depot")["lots"] == []
    wait_until(
        lambda: _need(admin, need["id"])[:3] == ("ordered", order["id"], "8"),
        60,
        "catalog to show the depot's part and the order of the rest",
    )
    wait_until(
        lambda: any(
            w["window_id"] == closed["window_id"] and w["saved"] == "8.40"
            for w in (savings(member, member_id) or {}).get("windows", [])
        ),
        60,
        "m2's savings of the second window, depot part included",
    )


def _need(admin: Client, need_id: int) -> tuple[str, int | None, str | None]:
    need = admin.ok("GET", "catalog", f"/needs/{need_id}")
    return need["status"], need["order_id"], need["depot_quantity"]


def check_invoices(
    stack: Stack, admin: Client, members: list[tuple[int, str]]
) -> list[dict[str, Any]]:
    """Each member's invoice from billing, to the cent, numbered without gaps; a member
    sees its own and its documents pass the EN 16931 rules."""

    def issued() -> list[dict]:
        found = admin.ok("GET", "billing", "/invoices")["invoices"]
        return found if len(found) == len(members) else []

    invoices = wait_until(issued, 60, "billing to invoice every member")
    by_member = {i["member_id"]: i for i in invoices}
    figures = [
        tuple(by_member[m][k] for k in ("net_total", "vat_total", "gross_total"))
        for m, _t in members
    ]
    assert figures == INVOICED
    year = invoices[0]["issued_on"][:4]
    assert sorted(i["number"] for i in invoices) == [f"ZK-{year}-00000{n}" for n in (1, 2, 3, 4)]
    member_id, token = members[2]
    member = Client(stack, token)
    [own] = member.ok("GET", "billing", "/invoices")["invoices"]
    assert own["member_id"] == member_id
    documents = [
        member.call("GET", "billing", f"/invoices/{own['id']}/document.{form}").content
        for form in ("pdf", "xml")
    ]
    assert_valid_invoice(*documents)
    return invoices


def check_invoice_mails(smtp: SmtpServer, invoices: list[dict]) -> None:
    """Each member gets its invoice once by e-mail, its PDF attached as billing issued it."""
    by_number = {i["number"]: i for i in invoices}

    def invoice_mails() -> list:
        found = [m for m in smtp.mailbox.messages if m["Subject"].startswith("Rechnung ")]
        return found if len(found) >= len(invoices) else []

    mails = wait_until(invoice_mails, 60, "an invoice e-mail to each member")
    assert len(mails) == len(invoices)
    for mail in mails:
        number = mail["Subject"].split()[1]
        gross = by_number[number]["gross_total"].replace(".", ",")
        assert mail["Subject"] == f"Rechnung {number} über {gross} €"
        [pdf] = list(mail.iter_attachments())
        assert pdf.get_filename() == f"{number}.pdf"
        assert pdf.get_content().startswith(b"%PDF")
    assert sorted(m["To"] for m in mails) == sorted({m["To"] for m in mails})


def check_office_page(stack: Stack, invoices: list[dict]) -> None:
    """The office signs in, lands on its overview, and finds the four invoices on its
    invoices page."""
    email, password = "buero@zirkel.example", "e2e-office-password"
    subprocess.run(
        stack.zirkel("create-user", email, "--admin", "--password-stdin"),
        input=f"{password}\n".encode(),
        env=stack.env,
        check=True,
        capture_output=True,
    )
    browser = requests.Session()
    web = stack.url("web")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', browser.get(f"{web}/login").text)
    assert token is not None
    form = {"email": email, "password": password, "csrf_token": token.group(1)}
    landing = browser.post(f"{web}/login", data=form, timeout=30)
    assert landing.ok and landing.url == f"{web}/admin"  # the overview, every service answering
    assert "<h1>Übersicht</h1>" in landing.text and "nicht verfügbar" not in landing.text
    page = browser.get(f"{web}/admin/invoices", timeout=30)
    assert page.status_code == 200
    assert page.text.count('id="invoice-') == len(invoices) == 4
    for invoice in invoices:
        assert invoice["number"] in page.text
        assert invoice["gross_total"].replace(".", ",") + "\xa0€" in page.text


def give_mandates(admin: Client, members: list[tuple[int, str]]) -> None:
    """Each member's SEPA mandate, entered in catalog, for billing's settlement runs."""
    for (member_id, _token), m in zip(members, WORKED_EXAMPLE.members, strict=True):
        body = {"name": m.name, "trade": m.trade, "email": m.email, "postcode": m.postcode}
        body |= {"iban": "DE02120300000000202051", "mandate_reference": f"ZK-M-{member_id}"}
        admin.ok(
            "PUT",
            "catalog",
            f"/members/{member_id}",
            json=body | {"mandate_signed_on": "2026-01-05"},
        )


def give_terms(admin: Client, supplier: Any) -> None:
    """Supplier A's payment terms (2 % Skonto within 10 days, net 30) and bank account."""
    [found] = [s for s in admin.ok("GET", "catalog", "/suppliers") if s["name"] == supplier.name]
    body = {k: found[k] for k in ("name", "email", "shipping_fee", "free_shipping_from")}
    body |= {"skonto_percent": "2", "skonto_days": 10, "net_days": 30}
    body |= {"iban": SUPPLIER_IBAN, "bic": "COBADEFFXXX"}
    admin.ok("PUT", "catalog", f"/suppliers/{found['id']}", json=body)


def check_settlement(admin: Client, members: list[tuple[int, str]], issued_on: str) -> None:
    """A run for the invoices' day collects each member's gross total in one valid pain.008
    and pays A's matched invoice (902.50 gross) less 2 % Skonto (18.05) on its Skonto day
    (the business day before, when that is a weekend or TARGET closing day) in one valid
    pain.001; the run is booked on the members' accounts only once the office
    marks it submitted; a second run, before and after that, collects and pays nothing."""
    period = {"period_start": issued_on, "period_end": issued_on}
    run = admin.ok("POST", "billing", "/settlements", json=period)
    collected = {c["member_id"]: c["amount"] for c in run["collections"]}
    assert [collected.get(m) for m, _t in members] == [gross for _n, _v, gross in INVOICED]
    pain = admin.call("GET", "billing", run["direct_debits"].removeprefix("/api/v1")).content
    document = assert_valid(pain, "pain.008.001.02")
    assert sorted(texts(document, "InstdAmt")) == sorted(g for _n, _v, g in INVOICED)
    assert (run["paid"], run["skonto"]) == ("884.45", "18.05")
    pain = admin.call("GET", "billing", run["credit_transfers"].removeprefix("/api/v1")).content
    document = assert_valid(pain, "pain.001.001.03")
    skonto_day = on_or_before(date.fromisoformat(issued_on) + timedelta(days=10))
    assert texts(document, "ReqdExctnDt") == [skonto_day.isoformat()]
    assert texts(document, "InstdAmt") == ["884.45"]
    assert SUPPLIER_IBAN in texts(document, "IBAN")
    first_member = members[0][0]
    assert balance(admin, first_member) == INVOICED[0][2]
    pending = admin.ok("POST", "billing", "/settlements", json=period)
    assert (pending["collected"], pending["paid"]) == ("0.00", "0.00")
    submitted = admin.ok("POST", "billing", f"/settlements/{run['id']}/submit", json={})
    assert submitted["state"] == "submitted"
    assert balance(admin, first_member) == "0.00"
    again = admin.ok("POST", "billing", "/settlements", json=period)
    assert again["collected"] == "0.00" and again["direct_debits"] is None
    assert again["paid"] == "0.00" and again["credit_transfers"] is None


def balance(admin: Client, member_id: int) -> str:
    return admin.ok("GET", "billing", f"/members/{member_id}/account")["balance"]


def check_supplier_invoices(stack: Stack, order: dict, issued_on: date) -> None:
    """Supplier A sends a Factur-X invoice with one wrong price: it shows exactly that
    difference and is not payable; its invoice for what arrived (758.40 net) matches."""
    authority = TokenAuthority(stack.env["ZIRKEL_SECRET_KEY"])
    supplier = Client(stack, authority.issue("supplier", order["supplier_id"]))

    def send(number: str, disp_price: str) -> dict:
        lines = (Line("DISP-10L", "12", disp_price), Line("SIL-300", "72", "4.20"))
        pdf = facturx_pdf(Bill(number, f"Bestellung {order['id']}", lines, issued_on=issued_on))
        headers = {"Content-Type": "application/pdf"}
        return supplier.ok("POST", "billing", "/supplier-invoices", data=pdf, headers=headers)

    wrong = send("RE-1", "39.00")
    assert wrong["match"]["differences"][0] == {
        "field": "line:DISP-10L:unit_price",
        "expected": "38.00",
        "found": "39.00",
    }
    assert not wrong["payable"]
    matched = send("RE-2", "38.00")
    assert (matched["net_total"], matched["gross_total"]) == ("758.40", "902.50")
    assert matched["match"] == {"status": "matched", "differences": []} and matched["payable"]


def received_as(admin: Client, need_id: int) -> tuple[str, str | None]:
    need = admin.ok("GET", "catalog", f"/needs/{need_id}")
    return need["status"], need["received_quantity"]
