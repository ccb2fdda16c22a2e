"""The design's worked example through the real processes, as a cooperative would live it:
needs posted over HTTP, the pool closed over HTTP, savings read from notify and e-mailed
to each member through a real SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from shared.settings import SERVICES, WEB
from tests.support.servers import throwaway_database, throwaway_vhost
from tests.support.smtp import SmtpServer
from tests.support.stack import ADMIN_TOKEN, Client, Stack, wait_until
from zirkel.demo_data import WORKED_EXAMPLE

pytestmark = pytest.mark.e2e

EXPECTED_SAVED = ["31.00", "50.20", "57.80", "67.00"]


@pytest.fixture(params=["embedded", "rabbitmq+postgres"])
def stack(request: pytest.FixtureRequest, tmp_path: Path, smtp: SmtpServer) -> Iterator[Stack]:
    if request.param == "embedded":
        yield from Stack(tmp_path, smtp_port=smtp.port).running()
        return
    with throwaway_vhost() as broker, throwaway_database() as database:
        stack = Stack(tmp_path, broker_url=broker, database_url=database, smtp_port=smtp.port)
        yield from stack.running()


def test_worked_example_end_to_end(stack: Stack, smtp: SmtpServer) -> None:
    admin = Client(stack, ADMIN_TOKEN)
    members = set_up_cooperative(admin)
    for need in WORKED_EXAMPLE.needs:
        member_id, token = members[need.member_index]
        body = {"sku": need.sku, "quantity": str(need.quantity)}
        created = Client(stack, token).ok("POST", "catalog", "/needs", json=body)
        assert created["status"] == "open" and created["member_id"] == member_id

    wait_until(lambda: pooled(admin) == {"DISP-10L": "14", "SIL-300": "64"}, 30, "needs pooled")
    closed = admin.ok("POST", "pooling", "/pools/close")

    assert Decimal(closed["total_cost"]) == Decimal("834.40")
    assert [Decimal(o["total"]) for o in closed["orders"]] == [Decimal("834.40")]
    assert Decimal(closed["members_saved"]) == Decimal("206.00")
    for (member_id, token), saved in zip(members, EXPECTED_SAVED, strict=True):
        member = Client(stack, token)
        report = wait_until(lambda m=member, i=member_id: savings(m, i), 30, "savings reported")
        assert report["saved"] == saved
        assert report["windows"][0]["window_id"] == closed["window_id"]
    try:
        wait_until(lambda: len(smtp.mailbox.messages) >= 9, 60, "an order and a report to each")
    finally:
        sent = sorted((m["To"], m["Subject"]) for m in smtp.mailbox.messages)
    assert len(sent) == 9, sent
    for m, saved in zip(WORKED_EXAMPLE.members, EXPECTED_SAVED, strict=True):
        mails = smtp.mailbox.to(m.email)
        [order] = [mail for mail in mails if mail["Subject"].startswith("Sammelbestellung")]
        assert "gespart" not in order["Subject"]  # the window's savings: in the report
        assert order["Date"] and order["Message-ID"]
        [report] = [mail for mail in mails if mail["Subject"].startswith("Ihre Ersparnis")]
        assert report["Subject"].endswith(f": {saved.replace('.', ',')} €")
        assert report["List-Unsubscribe"].startswith(f"<{stack.url('web')}/unsubscribe/")
    [order_mail] = smtp.mailbox.to(WORKED_EXAMPLE.suppliers[0].email)
    attachments = sorted(part.get_filename() for part in order_mail.iter_attachments())
    order_id = closed["orders"][0]["id"]
    assert attachments == sorted(
        [f"bestellung-{order_id}.csv", f"aufteilung-{order_id}.csv", f"bestellung-{order_id}.pdf"]
    )
    assert {d["status"] for d in admin.ok("GET", "notify", "/deliveries")} == {"sent"}
    assert admin.ok("GET", "notify", "/savings/dashboard")["saved"] == "206.00"
    dashboard = admin.ok("GET", "catalog", "/ops/dashboard")
    assert {s["service"]: s["status"] for s in dashboard["services"]} == dict.fromkeys(
        (*SERVICES, WEB), "ready"
    )
    assert not [a for a in dashboard["alerts"] if a["kind"] == "dead-letters"]
    assert "Control socket" not in stack.logs()  # no web process takes another's socket
    order_id = closed["orders"][0]["id"]
    first_need = Client(stack, members[0][1]).ok("GET", "catalog", "/needs")[0]["id"]
    wait_until(
        lambda: admin.ok("GET", "catalog", f"/needs/{first_need}")["order_id"] == order_id,
        30,
        "catalog to learn the order",
    )


def set_up_cooperative(admin: Client) -> list[tuple[int, str]]:
    suppliers = [
        admin.ok(
            "POST",
            "catalog",
            "/suppliers",
            json={
                "name": s.name,
                "email": s.email,
                "shipping_fee": str(s.shipping_fee),
                "free_shipping_from": str(s.free_shipping_from),
            },
        )["id"]
        for s in WORKED_EXAMPLE.suppliers
    ]
    for p in WORKED_EXAMPLE.products:
        admin.ok(
            "POST", "catalog", "/products", json={"sku": p.sku, "name": p.name, "unit": p.unit}
        )
    for offer in WORKED_EXAMPLE.offers:
        tiers = [{"min_quantity": str(q), "unit_price": str(u)} for q, u in offer.tiers]
        admin.ok(
            "PUT",
            "catalog",
            f"/offers/{suppliers[offer.supplier_index]}/{offer.sku}",
            json={"pack_size": str(offer.pack_size), "tiers": tiers},
        )
    members = []
    for m in WORKED_EXAMPLE.members:
        body = {"name": m.name, "trade": m.trade, "email": m.email, "postcode": m.postcode}
        created = admin.ok("POST", "catalog", "/members", json=body)
        members.append((created["id"], created["api_token"]))
    return members


def pooled(admin: Client) -> dict[str, str]:
    pool = admin.ok("GET", "pooling", "/pools/current")
    return {p["sku"]: p["quantity"] for p in pool["products"] if p["offers"]}


def savings(member: Client, member_id: int) -> dict | None:
    report = member.ok("GET", "notify", f"/members/{member_id}/savings")
    return report if report["windows"] else None
