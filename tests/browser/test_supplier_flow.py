"""A supplier's order desk in a real headless Chromium on the full stack.

The worked example is set up and closed over the API (one member names a building
site); supplier A's desk signs in, reads its order with the split per delivery
site, confirms it with a delivery day, and pooling has it confirmed.
Screenshots of the order page at 360 px and 1280 px go to artifacts/screenshots/.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from catalog.bootstrap import build_runtime
from catalog.service_layer import commands
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from catalog.service_layer.users import create_user
from shared.db import transaction
from shared.settings import Settings
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, screenshots
from tests.e2e.test_worked_example import pooled, set_up_cooperative
from tests.support.stack import ADMIN_TOKEN, Client, Stack, wait_until
from zirkel.demo_data import WORKED_EXAMPLE

pytestmark = pytest.mark.e2e

DESK, PASSWORD, SITE = "lager@supplier-a.example", "pw-12345", "Baustelle Hohe Straße 5"


def _closed_order(stack: Stack) -> int:
    admin = Client(stack, ADMIN_TOKEN)
    members = set_up_cooperative(admin)
    for need in WORKED_EXAMPLE.needs:
        body = {"sku": need.sku, "quantity": str(need.quantity)}
        if need.member_index == 2:
            body["delivery_site"] = SITE
        Client(stack, members[need.member_index][1]).ok("POST", "catalog", "/needs", json=body)
    wait_until(lambda: pooled(admin) == {"DISP-10L": "14", "SIL-300": "64"}, 30, "needs pooled")
    [order] = admin.ok("POST", "pooling", "/pools/close")["orders"]
    runtime = build_runtime(Settings.from_env(stack.env))
    with transaction(runtime.sessions) as db:
        create_user(
            commands.CreateUser(DESK, PASSWORD, role="supplier", supplier_id=order["supplier_id"]),
            SqlAlchemyUnitOfWork(db),
        )
    runtime.engine.dispose()
    return int(order["id"])


def test_the_supplier_confirms_its_order_in_the_browser(stack: Stack) -> None:
    from playwright.sync_api import expect, sync_playwright

    order_id = _closed_order(stack)
    url = stack.url("web")
    when = date.today() + timedelta(days=4)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740}, locale="de-DE")
            page.goto(f"{url}/login")
            page.get_by_label("E-Mail").fill(DESK)
            page.get_by_label("Passwort").fill(PASSWORD)
            page.get_by_role("button", name="Anmelden").click()
            expect(page.get_by_role("heading", name="Bestellungen")).to_be_visible()
            page.get_by_role("link", name=f"Bestellung {order_id}").click()
            expect(page.locator("#order-total")).to_have_text("834,40\xa0€")
            expect(page.locator("#line-DISP-10L")).to_contain_text(f"{SITE}: 8")
            screenshots(page, "supplier-order")
            page.get_by_label("Voraussichtliche Lieferung").fill(when.isoformat())
            page.get_by_role("button", name="Bestellung bestätigen").click()
            expect(page.locator(".flash.ok").first).to_contain_text("bestätigt")
        finally:
            browser.close()
    shown = Client(stack, ADMIN_TOKEN).ok("GET", "pooling", f"/orders/{order_id}")
    assert (shown["status"], shown["expected_delivery"]) == ("confirmed", when.isoformat())
