"""The main pages of each role on a phone (360 px) in a real headless Chromium, on the
full stack with a closed pool: none scrolls sideways, and the menu, folded away behind
its button, opens, with JavaScript and without."""

from __future__ import annotations

import pytest

from tests.browser.cooperative import closed_cooperative, sign_in
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
# The outermost elements reaching past the screen's right edge, to name in a failure.
TOO_WIDE = """() => [...document.querySelectorAll("body *")].filter(e =>
    e.getBoundingClientRect().right > innerWidth + 1 &&
    e.parentElement.getBoundingClientRect().right <= innerWidth + 1
).slice(0, 3).map(e => e.outerHTML.slice(0, 120))"""


def test_the_main_pages_fit_a_phone_and_their_menu_opens(stack: Stack) -> None:
    from playwright.sync_api import expect, sync_playwright

    cooperative = closed_cooperative(stack)
    wide = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for email, pages in cooperative.main_pages().items():
                for script in (True, False):
                    context = browser.new_context(
                        viewport=PHONE, locale="de-DE", java_script_enabled=script
                    )
                    page = context.new_page()
                    sign_in(page, cooperative.url, email)
                    for name, path in pages.items():
                        page.goto(f"{cooperative.url}{path}")
                        width = page.evaluate("document.documentElement.scrollWidth")
                        if width > PHONE["width"]:
                            wide[f"{name} ({email})"] = (width, page.evaluate(TOO_WIDE))
                    menu = page.get_by_role("navigation", name="Hauptmenü")
                    expect(menu).to_be_hidden()
                    button = page.get_by_role("checkbox", name="Menü", exact=True)
                    expect(button).not_to_be_checked()
                    page.get_by_text("Menü", exact=True).click()
                    expect(button).to_be_checked()
                    expect(menu).to_be_visible()
                    expect(menu.get_by_role("link").first).to_be_visible()
                    page.get_by_text("Menü", exact=True).click()
                    expect(menu).to_be_hidden()
                    context.close()
            desktop = browser.new_page(viewport={"width": 1280, "height": 800}, locale="de-DE")
            sign_in(desktop, cooperative.url, email)
            expect(desktop.get_by_role("navigation", name="Hauptmenü")).to_be_visible()
            expect(desktop.get_by_text("Menü", exact=True)).to_be_hidden()
        finally:
            browser.close()
    assert wide == {}, f"pages scrolling sideways at 360 px: {wide}"
