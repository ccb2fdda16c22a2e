"""The main pages of each role on a phone (360 px) in a real headless Chromium, on the
full stack with a closed pool: none scrolls sideways, and the menu, folded away behind
its button, opens, with JavaScript and without."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.cooperative import (
    DESK,
    MEMBER,
    OFFICE,
    Cooperative,
    closed_cooperative,
    sign_in,
)
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, require_browser
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
# The outermost elements reaching past the screen's right edge, to name in a failure.
TOO_WIDE = """() => [...document.querySelectorAll("body *")].filter(e =>
    e.getBoundingClientRect().right > innerWidth + 1 &&
    e.parentElement.getBoundingClientRect().right <= innerWidth + 1
).slice(0, 3).map(e => e.outerHTML.slice(0, 120))"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One stack for the module's tests: they only read its pages."""
    require_browser()
    yield from Stack(tmp_path_factory.mktemp("phone")).running()


@pytest.fixture(scope="module")
def cooperative(stack: Stack) -> Cooperative:
    return closed_cooperative(stack)


def test_the_main_pages_fit_a_phone_and_their_menu_opens(
    stack: Stack, cooperative: Cooperative
) -> None:
    from playwright.sync_api import expect, sync_playwright

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


# How wide the page is, how far each table's frame scrolls sideways, and how the list's
# first row is laid out.
ORDER_LAYOUT = """(row) => {
    const line = document.querySelector(row);
    if (!line) return {missing: row};
    return {
        page: document.documentElement.scrollWidth,
        frames: [...document.querySelectorAll(".table-wrap")].map(
            frame => frame.scrollWidth - frame.clientWidth),
        line: getComputedStyle(line).display,
        headings: line.closest("table").querySelector("thead").getBoundingClientRect().height,
        labels: [...line.querySelectorAll("td[data-label]")].map(
            td => getComputedStyle(td, "::before").content !== "none"),
    };
}"""


# Each list that reads as cards on a phone: who opens it, and at which address which row
# has how many labelled values.
CARDS = {
    "a supplier's order": (DESK, (("/supplier/orders/{order}", "tr[id^='line-']", 6),)),
    "a supplier's orders": (DESK, (("/supplier/orders", "tr[id^='order-']", 5),)),
    "a member's needs": (MEMBER, (("/needs", "tr[id^='need-']", 5),)),
    "a member's order": (MEMBER, (("/orders/{order}", "table.lines tbody tr", 5),)),
    "a supplier's price list": (DESK, (("/supplier/price-list", "table tbody tr", 5),)),
    "the office's lists": (
        OFFICE,
        (
            ("/admin/members", "tr[id^='member-']", 7),
            ("/admin/suppliers", "tr[id^='supplier-']", 6),
            ("/admin/suppliers/1/price-list", "table tbody tr", 5),
            ("/admin/products", "tr[id^='product-']", 4),
            ("/admin/offers", "tr[id^='offer-']", 4),
            ("/admin/needs", "tr[id^='need-']", 8),
            ("/admin/orders", "tr[id^='order-']", 5),
            ("/admin/users", "tr[id^='user-']", 4),
        ),
    ),
}


@pytest.mark.parametrize("listed", CARDS)
def test_lists_read_as_cards_on_a_phone(
    stack: Stack, cooperative: Cooperative, listed: str
) -> None:
    """At 360 px each row of these lists (an order's lines, a supplier's orders, a member's
    needs, the price lists in the supplier portal and on the office's supplier page, the
    office's lists) is a card of labelled values, neither its table nor the page scrolling
    sideways; at desktop width it stays a table under its headings."""
    from playwright.sync_api import sync_playwright

    who, pages = CARDS[listed]
    wrong = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            shown: dict[str, dict[str, dict]] = {"phone": {}, "desktop": {}}
            for name, viewport in (("phone", PHONE), ("desktop", {"width": 1280, "height": 800})):
                page = browser.new_page(viewport=viewport, locale="de-DE")
                sign_in(page, cooperative.url, who)
                for path, row, _labels in pages:
                    page.goto(cooperative.url + path.format(order=cooperative.order_id))
                    shown[name][path] = page.evaluate(ORDER_LAYOUT, row)
                page.close()
        finally:
            browser.close()
    for path, _row, labels in pages:
        phone, desktop = shown["phone"][path], shown["desktop"][path]
        if "missing" in phone or not (
            phone["page"] <= PHONE["width"]
            and phone["frames"]
            and max(phone["frames"]) <= 1
            and phone["line"] == "block"
            and phone["headings"] <= 1
            and len(phone["labels"]) == labels
            and all(phone["labels"])
            and desktop["line"] == "table-row"
            and desktop["headings"] > 10
            and not any(desktop["labels"])
        ):
            wrong[path] = {"phone": phone, "desktop": desktop}
    assert wrong == {}, f"lists not read as cards at 360 px or not as tables at 1280 px: {wrong}"
