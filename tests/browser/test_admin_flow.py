"""The office and a member in a real headless Chromium on the full stack.

The worked example's suppliers, products, offers and members are set up over
the API as the end-to-end test does; member m1 posts its need in the browser,
the admin closes the pool in the browser, and m1 sees what it saved.
Screenshots of the admin's pool page at 360 px and 1280 px go to artifacts/screenshots/.
"""

from __future__ import annotations

import pytest

from catalog.bootstrap import build_runtime
from catalog.service_layer import commands
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from catalog.service_layer.users import create_user
from shared.db import transaction
from shared.settings import Settings
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, follow_menu, screenshots, sign_in
from tests.e2e.test_worked_example import pooled, set_up_cooperative
from tests.support.stack import ADMIN_TOKEN, Client, Stack, wait_until
from zirkel.demo_data import WORKED_EXAMPLE

pytestmark = pytest.mark.e2e

ADMIN_EMAIL, MEMBER_EMAIL, PASSWORD = (
    "buero@zirkel.example",
    "m1@worked-example.example",
    "pw-12345",
)
M2_EMAIL, OUTSIDER_EMAIL = "m2@worked-example.example", "neu@worked-example.example"


def _set_up(stack: Stack) -> None:
    """The worked example over the API; every need but m1's; a sign-in for m1 and the office."""
    members = set_up_cooperative(Client(stack, ADMIN_TOKEN))
    for need in WORKED_EXAMPLE.needs:
        if need.member_index != 0:
            body = {"sku": need.sku, "quantity": str(need.quantity)}
            Client(stack, members[need.member_index][1]).ok("POST", "catalog", "/needs", json=body)
    outsider = Client(stack, ADMIN_TOKEN).ok(
        "POST",
        "catalog",
        "/members",
        json={"name": "Neu", "trade": "tiler", "email": OUTSIDER_EMAIL, "postcode": "44135"},
    )
    runtime = build_runtime(Settings.from_env(stack.env))
    with transaction(runtime.sessions) as db:
        create_user(
            commands.CreateUser(ADMIN_EMAIL, PASSWORD, role="admin"), SqlAlchemyUnitOfWork(db)
        )
        create_user(
            commands.CreateUser(MEMBER_EMAIL, PASSWORD, member_id=members[0][0]),
            SqlAlchemyUnitOfWork(db),
        )
        create_user(
            commands.CreateUser(M2_EMAIL, PASSWORD, member_id=members[1][0]),
            SqlAlchemyUnitOfWork(db),
        )
        create_user(
            commands.CreateUser(OUTSIDER_EMAIL, PASSWORD, member_id=outsider["id"]),
            SqlAlchemyUnitOfWork(db),
        )
    runtime.engine.dispose()


def test_the_office_closes_the_pool_and_the_member_sees_savings(stack: Stack) -> None:
    from playwright.sync_api import expect, sync_playwright

    _set_up(stack)
    url = stack.url("web")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            member = browser.new_page(viewport={"width": 360, "height": 740}, locale="de-DE")
            sign_in(member, url, MEMBER_EMAIL, PASSWORD)
            follow_menu(member, "Bedarf melden")
            member.get_by_label("Produkt (Artikelnummer oder Name)").fill("DISP-10L")
            member.get_by_label("Menge").fill("6")
            member.get_by_role("button", name="Bedarf melden").click()
            expect(member.locator("tbody tr").first).to_contain_text("offen")

            admin_client = Client(stack, ADMIN_TOKEN)
            expected = {"DISP-10L": "14", "SIL-300": "64"}
            wait_until(lambda: pooled(admin_client) == expected, 30, "needs pooled")

            admin = browser.new_page(viewport={"width": 360, "height": 740}, locale="de-DE")
            sign_in(admin, url, ADMIN_EMAIL, PASSWORD)
            follow_menu(admin, "Pool", exact=True)
            close = admin.get_by_role("button", name="jetzt abschließen")
            expect(close).to_be_visible()
            screenshots(admin, "admin-pool")
            close.click()
            expect(admin.get_by_role("heading", name="ist abgeschlossen")).to_be_visible()
            expect(admin.locator(".closed")).to_contain_text("834,40\xa0€")
            expect(admin.locator(".closed")).to_contain_text("206,00\xa0€")
            screenshots(admin, "admin-pool-closed")

            def saved_shown() -> bool:
                member.goto(f"{url}/savings")
                saved = member.locator(".totals .saved dd")
                return saved.count() == 1 and saved.inner_text().replace("\xa0", " ") == "31,00 €"

            wait_until(saved_shown, 30, "m1's savings on its page")
            expect(member.locator("#cumulative-summary")).to_contain_text("31,00\xa0€")
            screenshots(member, "savings-chart")
            _my_orders(browser, member, url, Client(stack, ADMIN_TOKEN))
        finally:
            browser.close()


def _my_orders(browser, member, url: str, admin_client: Client) -> None:  # type: ignore[no-untyped-def]
    """m1 sees its order confirmed with its own lines; m2 its own; a stranger nothing."""
    from playwright.sync_api import expect

    [order] = admin_client.ok("GET", "pooling", "/orders")
    body = {"expected_delivery": "2026-12-02"}
    admin_client.ok("POST", "pooling", f"/orders/{order['id']}/confirm", json=body)

    follow_menu(member, "Meine Bestellungen")
    window = member.locator("section.window")
    expect(window).to_contain_text("259,00\xa0€")  # alone
    expect(window).to_contain_text("228,00\xa0€")  # pooled
    expect(window).to_contain_text("31,00\xa0€")  # saved
    expect(window).to_contain_text("bestätigt")
    expect(window).to_contain_text("Lieferung erwartet am 02.12.2026")
    screenshots(member, "my-orders")
    member.get_by_role("link", name=f"Bestellung {order['id']}").click()
    lines = member.locator("table.lines tbody tr")
    expect(lines).to_have_count(1)
    expect(lines.first).to_contain_text("DISP-10L")
    expect(lines.first).to_contain_text("38,00\xa0€")
    expect(lines.first).to_contain_text("228,00\xa0€")
    screenshots(member, "order-detail")

    other = browser.new_page(viewport={"width": 360, "height": 740}, locale="de-DE")
    sign_in(other, url, M2_EMAIL, PASSWORD)
    other.goto(f"{url}/orders/{order['id']}")
    expect(other.locator("table.lines tbody tr")).to_have_count(1)
    expect(other.locator("table.lines tbody")).to_contain_text("SIL-300")
    expect(other.locator("table.lines tbody")).not_to_contain_text("DISP-10L")

    stranger = browser.new_page(viewport={"width": 360, "height": 740}, locale="de-DE")
    sign_in(stranger, url, OUTSIDER_EMAIL, PASSWORD)
    response = stranger.goto(f"{url}/orders/{order['id']}")
    assert response is not None and response.status == 404
    expect(stranger.get_by_role("heading", name="Nicht gefunden")).to_be_visible()
