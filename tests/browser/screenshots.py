"""Screenshots of the main pages at 1280 px and 360 px into docs/screenshots/, for the
README: the pool page, the need form, the office's overview and a supplier's order, on the
full stack with the worked example's pool closed.

    .venv/bin/python -m tests.browser.screenshots   (or: make screenshots)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.browser.cooperative import DESK, MEMBER, OFFICE, closed_cooperative, sign_in
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS
from tests.support.stack import Stack

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SHOWN = {MEMBER: ("pool", "need-form"), OFFICE: ("office-overview",), DESK: ("supplier-order",)}
SIZES = ({"width": 1280, "height": 800}, {"width": 360, "height": 740})


def main() -> None:
    from playwright.sync_api import sync_playwright

    DOCS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as var, sync_playwright() as p:
        for stack in Stack(Path(var)).running():
            cooperative = closed_cooperative(stack)
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                fill_the_pool(browser, cooperative.url)
                for email, names in SHOWN.items():
                    pages = cooperative.main_pages()[email]
                    for viewport in SIZES:
                        page = browser.new_page(viewport=viewport, locale="de-DE")
                        sign_in(page, cooperative.url, email)
                        for name in names:
                            page.goto(f"{cooperative.url}{pages[name]}")
                            page.wait_for_load_state("networkidle")
                            shot = DOCS / f"{name}-{viewport['width']}.png"
                            page.screenshot(path=str(shot))
                            print(f"{shot} ({shot.stat().st_size // 1024} KB)")
                        page.close()
            finally:
                browser.close()


def fill_the_pool(browser, url: str) -> None:  # type: ignore[no-untyped-def]
    """The member posts needs into the new round, so that the pool page shows them."""
    page = browser.new_page(locale="de-DE")
    sign_in(page, url, MEMBER)
    for sku, quantity in (("DISP-10L", "8"), ("SIL-300", "24")):
        page.goto(f"{url}/needs/new")
        page.get_by_label("Produkt (Artikelnummer oder Name)").fill(sku)
        page.get_by_label("Menge").fill(quantity)
        page.get_by_role("button", name="Bedarf melden").click()
        page.wait_for_url(f"{url}/needs")
    for _ in range(30):  # until pooling has the needs from catalog's events
        page.goto(f"{url}/pool")
        if page.get_by_role("heading", level=2).count():
            break
        page.wait_for_timeout(1000)
    else:
        raise AssertionError(f"the pool shows no product: {page.content()[-3000:]}")
    page.close()


if __name__ == "__main__":
    main()
