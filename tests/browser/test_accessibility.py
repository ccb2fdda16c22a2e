"""Keyboard and screen-reader use in a real headless Chromium (catalog's web process alone).

A member finds a product by typing part of its name, picks it with the arrow keys
and Enter, and posts the need without touching the mouse; every main page's form
controls have an accessible name in Chromium's accessibility tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from catalog.service_layer import commands, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from catalog.service_layer.users import create_user
from shared.runtime import Runtime
from tests.browser.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    catalog_web_alone,
    screenshots,
)
from tests.browser.test_member_flow import EMAIL, PASSWORD

pytestmark = pytest.mark.e2e

ADMIN_EMAIL = "buero@zirkel.example"
MEMBER_PAGES = ["/needs/new", "/needs", "/orders", "/pool", "/savings"]
ADMIN_PAGES = [
    "/admin/members",
    "/admin/members/1/edit",
    "/admin/suppliers",
    "/admin/suppliers/1/edit",
    "/admin/products",
    "/admin/offers",
    "/admin/users",
    "/admin/needs",
    "/admin/deliveries",
    "/admin/pool",
]
# Roles of form controls in Chromium's ARIA snapshot; each must be followed by its name.
CONTROL = re.compile(r"^\s*- (textbox|combobox|button|checkbox|radio|spinbutton|listbox)\b(.*)$")


def seed_shop(db: Session, runtime: Runtime) -> None:
    """Products, a supplier, a member with its user, and the office."""
    for sku, name in (
        ("DISP-10L", "Dispersionsfarbe 10 l"),
        ("DISP-5L", "Dispersionsfarbe 5 l"),
        ("SIL-300", "Silikon weiß 300 ml"),
    ):
        handlers.add_product(commands.AddProduct(sku, name, "Eimer"), SqlAlchemyUnitOfWork(db))
    handlers.register_supplier(
        commands.RegisterSupplier("Farben Nord", "a@nord.example", Decimal(25), None),
        SqlAlchemyUnitOfWork(db, runtime.outbox),
    )
    member = handlers.register_member(
        commands.RegisterMember("Malerbetrieb Kowalski", "painter", EMAIL, "44135"),
        SqlAlchemyUnitOfWork(db),
    )
    create_user(commands.CreateUser(EMAIL, PASSWORD, member_id=member.id), SqlAlchemyUnitOfWork(db))
    create_user(commands.CreateUser(ADMIN_EMAIL, PASSWORD, role="admin"), SqlAlchemyUnitOfWork(db))


@pytest.fixture
def catalog_web(tmp_path: Path) -> Iterator[str]:
    with catalog_web_alone(tmp_path, seed_shop) as url:
        yield url


def _sign_in_by_keyboard(page, url: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/login")
    _tab_to(page, "email")  # focused on arrival
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda address: "/login" not in address)


def _tab_to(page, element_id: str, limit: int = 40) -> None:  # type: ignore[no-untyped-def]
    for _ in range(limit):
        if page.evaluate("document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} cannot be reached with Tab")


def _unnamed_controls(page) -> list[str]:  # type: ignore[no-untyped-def]
    snapshot = page.locator("body").aria_snapshot()
    unnamed = []
    for line in snapshot.splitlines():
        found = CONTROL.match(line)
        if found and not found.group(2).strip().startswith('"'):
            unnamed.append(line.strip())
    return unnamed


def test_a_need_found_by_name_and_posted_with_the_keyboard_alone(catalog_web: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740}, locale="de-DE")
            _sign_in_by_keyboard(page, catalog_web, EMAIL)
            expect(page.get_by_role("heading", name="Meine Bedarfe")).to_be_visible()
            page.goto(f"{catalog_web}/needs/new")
            page.keyboard.press("Tab")  # the skip link comes first and leads past the menu
            assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
            ring = page.evaluate(
                "(() => { const s = getComputedStyle(document.activeElement);"
                " return [s.outlineStyle, s.outlineWidth, s.outlineColor]; })()"
            )
            assert ring == ["solid", "3px", "rgb(255, 191, 71)"]  # focus is visible
            page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.id") == "main"
            product = page.get_by_role("combobox", name="Produkt (Artikelnummer oder Name)")
            expect(product).to_have_attribute("aria-expanded", "false")
            _tab_to(page, "sku")
            page.keyboard.type("ispersions", delay=30)
            options = page.get_by_role("option")
            expect(options).to_have_count(2)
            expect(product).to_have_attribute("aria-expanded", "true")
            expect(page.get_by_role("status").last).to_contain_text("2 Produkte gefunden")
            page.keyboard.press("ArrowDown")
            page.keyboard.press("ArrowDown")
            expect(options.nth(1)).to_have_attribute("aria-selected", "true")
            active = product.get_attribute("aria-activedescendant")
            assert active == options.nth(1).get_attribute("id")
            screenshots(page, "need-form-search")
            page.keyboard.press("ArrowUp")
            page.keyboard.press("Enter")  # picks; does not send the form
            expect(product).to_have_value("DISP-10L")
            expect(product).to_have_attribute("aria-expanded", "false")
            expect(page).to_have_url(re.compile(r"/needs/new(#main)?$"))  # not sent

            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.id") == "quantity"
            page.keyboard.type("7,5")
            page.keyboard.press("Enter")
            expect(page.get_by_role("status").first).to_contain_text("gemeldet")
            row = page.locator("tbody tr").first
            expect(row).to_contain_text("Dispersionsfarbe 10 l")
            expect(row).to_contain_text("7,5")

            page.goto(f"{catalog_web}/needs/new")
            _tab_to(page, "sku")
            page.keyboard.type("sil", delay=30)
            expect(page.get_by_role("option")).to_have_count(1)
            page.keyboard.press("Escape")
            expect(page.get_by_role("option")).to_have_count(0)
            expect(product).to_have_value("sil")  # Escape closes the list, keeps the text
        finally:
            browser.close()


def test_every_form_control_of_the_main_pages_has_a_name(catalog_web: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="de-DE")
            page.goto(f"{catalog_web}/login")
            assert _unnamed_controls(page) == []
            page.get_by_role("button", name="Anmelden").click()  # refused: errors on the page
            assert _unnamed_controls(page) == []
            _sign_in_by_keyboard(page, catalog_web, EMAIL)
            for path in MEMBER_PAGES:
                page.goto(f"{catalog_web}{path}")
                assert _unnamed_controls(page) == [], path
            page.goto(f"{catalog_web}/needs/new")
            page.get_by_role("button", name="Bedarf melden").click()
            summary = page.get_by_role("alert")
            assert "Bitte korrigieren" in summary.inner_text()
            assert _unnamed_controls(page) == []
            screenshots(page, "need-form-error-summary")

            admin = browser.new_page(viewport={"width": 1280, "height": 800}, locale="de-DE")
            _sign_in_by_keyboard(admin, catalog_web, ADMIN_EMAIL)
            for path in ADMIN_PAGES:
                admin.goto(f"{catalog_web}{path}")
                assert _unnamed_controls(admin) == [], path
            admin.goto(f"{catalog_web}/admin/members/1/edit")
            screenshots(admin, "admin-member-edit")
            admin.goto(f"{catalog_web}/admin/suppliers/1/remove")
            screenshots(admin, "admin-supplier-remove")
        finally:
            browser.close()
