"""Product search as you type: the JSON endpoint and the need form's combobox markup."""

from __future__ import annotations

import time
from decimal import Decimal

from flask.testing import FlaskClient
from sqlalchemy import update

from catalog.adapters.orm import Product
from catalog.service_layer import commands, handlers
from shared.db import transaction
from tests.support.slow_writer import writing_slowly
from tests.web.conftest import Site


def add_products(site: Site) -> None:
    with transaction(site.runtime.sessions) as db:
        for sku, name in (
            ("SIL-300", "Silikon weiß 300 ml"),
            ("SIL_X", "Silikon grau"),
            ("GIPS-25", "Gips 25 kg"),
        ):
            handlers.add_product(db, commands.AddProduct(sku, name, "piece"))


def skus(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.get_json()
    return [p["sku"] for p in response.get_json()]


def test_a_signed_in_member_searches_while_a_long_write_holds_the_lock(
    site: Site, member: FlaskClient
) -> None:
    """Her session and the products are read without waiting for the writer (SQLite)."""
    add_products(site)
    renamed = update(Product).where(Product.sku == "GIPS-25").values(name="Gips 30 kg")
    with writing_slowly(site.runtime.sessions, renamed, seconds=3.0):
        started = time.monotonic()
        assert skus(member.get("/api/v1/products?q=gips")) == ["GIPS-25"]
        took = time.monotonic() - started
    assert took < 1.0


def test_a_signed_in_member_searches_by_name_or_sku_in_any_case(
    site: Site, member: FlaskClient
) -> None:
    add_products(site)
    assert skus(member.get("/api/v1/products?q=silikon")) == ["SIL-300", "SIL_X"]
    assert skus(member.get("/api/v1/products?q=disp")) == ["DISP-10L"]
    assert skus(member.get("/api/v1/products?q=WEISS")) == []
    assert skus(member.get("/api/v1/products?q=sil&limit=1")) == ["SIL-300"]


def test_a_typed_wildcard_is_a_plain_character(site: Site, member: FlaskClient) -> None:
    add_products(site)
    assert skus(member.get("/api/v1/products?q=SIL_")) == ["SIL_X"]
    assert skus(member.get("/api/v1/products?q=%25")) == []


def test_the_limit_is_bounded(member: FlaskClient) -> None:
    response = member.get("/api/v1/products?limit=500")
    assert response.status_code == 400
    assert response.get_json()["details"] == {"limit": ["From 1 to 50."]}


def test_a_token_searches_too_and_a_stranger_not(site: Site) -> None:
    with transaction(site.runtime.sessions) as db:
        terms = commands.RegisterSupplier("Farben Nord", "o@farben.example", Decimal(25), None)
        supplier = handlers.register_supplier(db, site.runtime.outbox, terms)
    token = site.app.extensions["zirkel.tokens"].issue("supplier", supplier.id)
    headers = {"Authorization": f"Bearer {token}"}
    assert skus(site.client().get("/api/v1/products?q=disp", headers=headers)) == ["DISP-10L"]
    assert site.client().get("/api/v1/products?q=disp").status_code == 401


def test_a_session_changes_nothing_over_the_api(member: FlaskClient) -> None:
    """The API is exempt from CSRF, so a signed-in browser is no principal for a change."""
    response = member.post("/api/v1/needs", json={"sku": "DISP-10L", "quantity": "2"})
    assert response.status_code == 401
    assert member.get("/api/v1/needs").status_code == 401


def test_the_need_form_offers_the_combobox_and_keeps_the_plain_field(member: FlaskClient) -> None:
    page = member.get("/needs/new").get_data(as_text=True)
    assert '<script src="/static/combobox.js" defer></script>' in page
    assert 'data-combobox="products"' in page and 'data-search-url="/api/v1/products"' in page
    assert 'list="products"' in page and '<datalist id="products">' in page  # without JS
    assert "Produkte gefunden" in page
    script = member.get("/static/combobox.js")
    assert script.status_code == 200 and 'setAttribute("role", "combobox")' in script.get_data(
        as_text=True
    )
