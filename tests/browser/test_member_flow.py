"""A member in a real headless Chromium: sign in, post a need, fix a bad quantity, cancel it.

Catalog's web process runs on gunicorn as in production; pooling and notify are
not started, so their pages must say they are unavailable instead of failing.
Screenshots at 360 px and 1280 px go to artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from catalog.entrypoints.app import build_runtime
from catalog.service_layer import commands, handlers
from catalog.service_layer.users import create_user
from shared.db import transaction
from shared.settings import SERVICES, Settings
from tests.support.stack import Stack, free_port, wait_until

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
EMAIL, PASSWORD = "info@kowalski-maler.example", "zirkel-demo"


def _require_browser() -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium chromium-driver)"
    elif shutil.which("chromedriver") is None and not Path("/usr/bin/chromedriver").exists():
        reason = "chromium-driver is missing"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "the playwright package is missing (pip install -e '.[test]')"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture
def catalog_web(tmp_path: Path) -> Iterator[str]:
    """Catalog's gunicorn on a free port, with a product, a member and its user."""
    stack = Stack(tmp_path)
    stack.ports = {service: free_port() for service in SERVICES}
    settings = Settings.from_env(stack.env)
    runtime = build_runtime(settings)
    runtime.migrate()
    with transaction(runtime.sessions) as db:
        handlers.add_product(db, commands.AddProduct("DISP-10L", "Dispersionsfarbe 10 l", "Eimer"))
        member = handlers.register_member(
            db, commands.RegisterMember("Malerbetrieb Kowalski", "painter", EMAIL, "44135")
        )
        create_user(db, EMAIL, PASSWORD, member_id=member.id)
    runtime.engine.dispose()
    stack.start_process("catalog-web", "web", "catalog")
    url = stack.url("catalog")
    try:
        wait_until(lambda: _answers(f"{url}/login"), 60, "catalog's web process")
        yield url
    except BaseException:
        print(stack.logs())
        raise
    finally:
        stack.stop()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def test_a_member_posts_fixes_and_cancels_a_need(catalog_web: str) -> None:
    _require_browser()
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
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

            page.get_by_role("link", name="Bedarf melden").first.click()
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
            _screenshots(page, "need-form-error")

            page.get_by_label("Menge").fill("12,5")
            page.get_by_role("button", name="Bedarf melden").click()
            row = page.locator("tbody tr").first
            expect(row).to_contain_text("Dispersionsfarbe 10 l")
            expect(row).to_contain_text("12,5")
            expect(row).to_contain_text("offen")
            _screenshots(page, "my-needs")

            row.get_by_role("button", name="Stornieren").click()
            expect(page.get_by_role("status")).to_contain_text("storniert")
            expect(page.locator("tbody tr").first).to_contain_text("storniert")
            expect(page.locator("tbody tr").first.get_by_role("button")).to_have_count(0)

            page.get_by_role("link", name="Der Pool jetzt").click()
            expect(page.get_by_role("status")).to_contain_text("kann gerade nicht angezeigt")
            _screenshots(page, "pool-unavailable")

            page.get_by_role("button", name="English").click()
            expect(page.get_by_role("heading", name="The pool now")).to_be_visible()
        finally:
            browser.close()


def _screenshots(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """The page as it looks on a phone (360 px) and on a desktop (1280 px)."""
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
