"""The office books a short receipt on a phone (360 px) in a real headless Chromium on the
full stack: the worked example closed and confirmed over the API; the office opens the
order from its order list, types that 12 of the 14 DISP-10L arrived, sees the split
(758,40 € owed, 8 SIL-300 to the depot) before booking, books it, and member 1's savings
follow the received quantities (29.00). Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest

from catalog.bootstrap import build_runtime
from catalog.service_layer import commands
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from catalog.service_layer.users import create_user
from shared.db import transaction
from shared.settings import Settings
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, follow_menu, screenshots, sign_in
from tests.browser.test_admin_flow import ADMIN_EMAIL as OFFICE
from tests.browser.test_admin_flow import PASSWORD
from tests.e2e.test_worked_example import pooled, savings, set_up_cooperative
from tests.support.stack import ADMIN_TOKEN, Client, Stack, wait_until
from zirkel.demo_data import WORKED_EXAMPLE

pytestmark = pytest.mark.e2e


def _confirmed_order(stack: Stack) -> tuple[int, int, Client]:
    """The worked example closed and confirmed; member 1's id and client."""
    admin = Client(stack, ADMIN_TOKEN)
    members = set_up_cooperative(admin)
    for need in WORKED_EXAMPLE.needs:
        body = {"sku": need.sku, "quantity": str(need.quantity)}
        Client(stack, members[need.member_index][1]).ok("POST", "catalog", "/needs", json=body)
    wait_until(lambda: pooled(admin) == {"DISP-10L": "14", "SIL-300": "64"}, 30, "needs pooled")
    [order] = admin.ok("POST", "pooling", "/pools/close")["orders"]
    confirm = {"expected_delivery": "2030-03-14"}
    admin.ok("POST", "pooling", f"/orders/{order['id']}/confirm", json=confirm)
    runtime = build_runtime(Settings.from_env(stack.env))
    with transaction(runtime.sessions) as db:
        create_user(commands.CreateUser(OFFICE, PASSWORD, role="admin"), SqlAlchemyUnitOfWork(db))
    runtime.engine.dispose()
    member_id, token = members[0]
    return int(order["id"]), member_id, Client(stack, token)


def test_the_office_books_a_short_receipt_on_a_phone(stack: Stack) -> None:
    from playwright.sync_api import expect, sync_playwright

    order_id, member_id, member = _confirmed_order(stack)
    url = stack.url("web")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740}, locale="de-DE")
            sign_in(page, url, OFFICE, PASSWORD)
            follow_menu(page, "Bestellungen", exact=True)
            page.locator(f"#order-{order_id}").get_by_role("link").click()
            arrived = page.get_by_role("textbox", name=re.compile("Angekommen"))
            expect(arrived.first).to_have_value("14")
            arrived.first.fill("12")
            page.get_by_role("button", name="Aufteilung zeigen").click()
            expect(page.locator("#preview-total")).to_have_text("758,40\xa0€")
            expect(page.locator("#preview")).to_contain_text("33,60\xa0€")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            screenshots(page, "office-receipt-split")
            page.get_by_role("button", name="Buchen", exact=True).click()
            expect(page.locator(".flash.ok").first).to_contain_text("gebucht")
            expect(page.locator("#booking-0")).to_contain_text("DISP-10L 12")
            screenshots(page, "office-receipt-booked")
        finally:
            browser.close()
    admin = Client(stack, ADMIN_TOKEN)
    order = admin.ok("GET", "pooling", f"/orders/{order_id}")
    assert (order["status"], order["total"]) == ("received", "758.40")
    wait_until(
        lambda: (savings(member, member_id) or {}).get("saved") == "29.00",
        60,
        "member 1's savings on what arrived",
    )
