"""A member in a real headless Chromium: sign in, post a need, fix a bad quantity, cancel it.

Catalog's web process runs on gunicorn as in production; pooling and notify are
not started, so their pages must say they are unavailable instead of failing.
Screenshots at 360 px and 1280 px go to artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
    follow_menu,
    require_browser,
    screenshots,
)

pytestmark = pytest.mark.e2e

EMAIL, PASSWORD = "info@kowalski-maler.example", "zirkel-demo"


def seed_member(db: Session, _runtime: Runtime) -> None:
    """A product, and a member with its user."""
    handlers.add_product(
        commands.AddProduct("DISP-10L", "Dispersionsfarbe 10 l", "Eimer"), SqlAlchemyUnitOfWork(db)
    )
    member = handlers.register_member(
        commands.RegisterMember("Malerbetrieb Kowalski", "painter", EMAIL, "44135"),
        SqlAlchemyUnitOfWork(db),
    )
    create_user(commands.CreateUser(EMAIL, PASSWORD, member_id=member.id), SqlAlchemyUnitOfWork(db))


@pytest.fixture
def catalog_web(tmp_path: Path) -> Iterator[str]:
    with catalog_web_alone(tmp_path, seed_member) as url:
        yield url


def test_a_member_posts_fixes_and_cancels_a_need(catalog_web: str) -> None:
    require_browser()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740}, locale="de-DE")
            page.goto(f"{catalog_web}/login")
            expect(page.locator("html")).to_have_attribute("lang", "de")
            page.get_by_label("E-Mail").fill(EMAIL)
            page.get_by_label("Passwort").fill(PASSWORD)
            page.get_by_role("button", name="Anmelden").click()
            expect(page.get_by_role("heading", name="Meine Bedarfe")).to_be_visible()

            follow_menu(page, "Bedarf melden")
            page.get_by_label("Produkt (Artikelnummer oder Name)").fill("DISP-10L")
            page.get_by_label("Menge").fill("0")
            page.get_by_label("Lieferadresse / Baustelle").fill("Baustelle Hohe Straße 5")
            page.get_by_role("button", name="Bedarf melden").click()
            error = page.locator("#quantity-error")
            expect(error).to_have_text("Muss größer als 0 sein.")
            expect(page.get_by_label("Menge")).to_have_value("0")
            expect(page.get_by_label("Lieferadresse / Baustelle")).to_have_value(
                "Baustelle Hohe Straße 5"
            )
            screenshots(page, "need-form-error")

            page.get_by_label("Menge").fill("12,5")
            page.get_by_role("button", name="Bedarf melden").click()
            row = page.locator("tbody tr").first
            expect(row).to_contain_text("Dispersionsfarbe 10 l")
            expect(row).to_contain_text("12,5")
            expect(row).to_contain_text("offen")
            screenshots(page, "my-needs")

            row.get_by_role("link", name="Stornieren").click()  # asks first
            expect(page.get_by_role("heading", name=re.compile("stornieren\\?$"))).to_be_visible()
            page.get_by_role("link", name="Nein, behalten").click()
            expect(page.locator("tbody tr").first).to_contain_text("offen")
            page.locator("tbody tr").first.get_by_role("link", name="Stornieren").click()
            page.get_by_role("button", name="Ja, stornieren").click()  # pooling is not running:
            expect(page.get_by_role("status")).to_contain_text("Stornierung")  # no verdict
            expect(page.locator("tbody tr").first).to_contain_text("Stornierung angefragt")
            expect(page.locator("tbody tr").first.get_by_role("link")).to_have_count(0)

            follow_menu(page, "Der Pool jetzt")
            expect(page.get_by_role("status")).to_contain_text("kann gerade nicht angezeigt")
            screenshots(page, "pool-unavailable")

            page.get_by_role("button", name="English").click()
            expect(page.get_by_role("heading", name="The pool now")).to_be_visible()
        finally:
            browser.close()
