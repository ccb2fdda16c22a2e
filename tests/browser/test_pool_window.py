"""The pool page in a real headless Chromium on a phone (360 px): the shop window without
sideways scrolling, and its figures refreshed while it is open; the need form's quote
following what the member types. Catalog's web process is
real; pooling is a small HTTP server answering with the worked example's figures."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy.orm import Session

from catalog.service_layer import commands, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from catalog.service_layer.users import create_user
from shared.runtime import Runtime
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, catalog_web_alone, screenshots, sign_in
from tests.support.stack import Stack
from tests.web.test_need_quote import FakeQuote
from tests.web.test_pool_window import outlook_now, pool_now

pytestmark = pytest.mark.e2e

EMAIL, PASSWORD = "info@kowalski-maler.example", "zirkel-demo"


def seed(db: Session, runtime: Runtime) -> None:
    handlers.add_product(
        commands.AddProduct("DISP-10L", "Dispersionsfarbe 10 l", "Eimer"), SqlAlchemyUnitOfWork(db)
    )
    handlers.add_product(
        commands.AddProduct("SIL-300", "Acryl-Dichtstoff weiß, überstreichbar 300 ml", "Kartusche"),
        SqlAlchemyUnitOfWork(db),
    )
    for name, email in (("Farben Nord", "a@nord.example"), ("Baustoff Süd", "b@sued.example")):
        handlers.register_supplier(
            commands.RegisterSupplier(name, email, Decimal(25), None),
            SqlAlchemyUnitOfWork(db, runtime.outbox),
        )
    member = handlers.register_member(
        commands.RegisterMember("Malerbetrieb Kowalski", "painter", EMAIL, "44135"),
        SqlAlchemyUnitOfWork(db),
    )
    create_user(commands.CreateUser(EMAIL, PASSWORD, member_id=member.id), SqlAlchemyUnitOfWork(db))


class FakePooling(ThreadingHTTPServer):
    """Pooling's two reads the pool page makes, answered from ``answers`` by path."""

    def __init__(self, port: int) -> None:
        self.answers: dict[str, Any] = {
            "/api/v1/pools/current": pool_now(),
            "/api/v1/pools/current/outlook": outlook_now(),
            "/api/v1/pools/current/quote": FakeQuote()(
                "pooling", "/pools/current/quote?sku=DISP-10L&quantity=6", "member", 1
            )[1],
        }
        super().__init__(("127.0.0.1", port), _Answer)


class _Answer(BaseHTTPRequestHandler):
    server: FakePooling

    def do_GET(self) -> None:
        body = self.server.answers.get(urlsplit(self.path).path)
        data = json.dumps(body if body is not None else {"error": "not here"}).encode()
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, FakePooling]]:
    servers: list[FakePooling] = []

    def start_pooling(stack: Stack) -> None:
        servers.append(FakePooling(stack.ports["pooling"]))
        threading.Thread(target=servers[0].serve_forever, daemon=True).start()

    try:
        with catalog_web_alone(tmp_path, seed, start_pooling) as url:
            yield url, servers[0]
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def test_the_pool_page_on_a_phone_refreshes_itself(site: tuple[str, FakePooling]) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, pooling = site
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740}, locale="de-DE")
            page.clock.install()
            page.goto(f"{url}/login")
            page.get_by_label("E-Mail").fill(EMAIL)
            page.get_by_label("Passwort").fill(PASSWORD)
            page.get_by_role("button", name="Anmelden").click()
            page.wait_for_url(lambda address: "/login" not in address)
            page.goto(f"{url}/pool")
            expect(page.get_by_role("heading", name="Dispersionsfarbe 10 l")).to_be_visible()
            expect(page.locator("#pool-window")).to_contain_text(
                "noch 11\xa0Eimer bis 34,50\xa0€ — alle sparen dann 3,50\xa0€ je Eimer"
            )
            expect(page.get_by_label("Weg zur nächsten Preisstaffel").first).to_be_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"the page scrolls sideways: {width} px"
            screenshots(page, "pool-window")

            pooling.answers["/api/v1/pools/current"]["products"][0]["quantity"] = "20"
            page.clock.run_for(31_000)  # the page asks again every 30 seconds
            expect(page.locator("#pool-window")).to_contain_text("20\xa0Eimer im Pool")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
        finally:
            browser.close()


def test_the_need_forms_quote_follows_the_typing(site: tuple[str, FakePooling]) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, _pooling = site
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740}, locale="de-DE")
            sign_in(page, url, EMAIL, PASSWORD)
            page.goto(f"{url}/needs/new")
            page.get_by_label("Produkt (Artikelnummer oder Name)").fill("DISP-10L")
            quote = page.locator("#need-quote")
            expect(quote).to_contain_text("Farben Nord")
            page.get_by_label("Menge").fill("6")
            expect(quote).to_contain_text("Mit Ihrem Bedarf (6\xa0Eimer): 37,00\xa0€ je Eimer")
            expect(quote).to_contain_text(
                "Ihr Bedarf senkt den Preis für alle (bisher 40,00\xa0€)."
            )
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            screenshots(page, "need-form-quote")
        finally:
            browser.close()
