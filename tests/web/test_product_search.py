"""Product search as you type: the JSON endpoint and the need form's combobox markup."""

from __future__ import annotations

import time
from decimal import Decimal

from flask.testing import FlaskClient
from sqlalchemy import select, update

from catalog.adapters.orm import Need, Product
from catalog.service_layer import commands, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.db import transaction
from tests.support.slow_writer import writing_slowly
from tests.web.conftest import Site
from tests.web.test_need_form_once import filled_form


def add_products(site: Site) -> None:
    with transaction(site.runtime.sessions) as db:
        for sku, name in (
            ("SIL-300", "Silikon weiß 300 ml"),
            ("SIL_X", "Silikon grau"),
            ("GIPS-25", "Gips 25 kg"),
        ):
            handlers.add_product(commands.AddProduct(sku, name, "piece"), SqlAlchemyUnitOfWork(db))


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
        assert skus(member.get("/products/search?q=gips")) == ["GIPS-25"]
        took = time.monotonic() - started
    assert took < 1.0


def test_a_signed_in_member_searches_by_name_or_sku_in_any_case(
    site: Site, member: FlaskClient
) -> None:
    add_products(site)
    assert skus(member.get("/products/search?q=silikon")) == ["SIL-300", "SIL_X"]
    assert skus(member.get("/products/search?q=disp")) == ["DISP-10L"]
    assert skus(member.get("/products/search?q=GRAU")) == ["SIL_X"]
    assert skus(member.get("/products/search?q=sil&limit=1")) == ["SIL-300"]


def add_german_products(site: Site) -> None:
    with transaction(site.runtime.sessions) as db:
        for sku, name, unit in (
            ("GKB-125", "Gipskartonplatte 12,5 mm", "board"),
            ("DUE-8", "Dübel 8 mm", "piece"),
            ("DAEMM-100", "Daemmplatte WLG 035", "board"),
            ("OEL-1L", "Öl für Holz 1 l", "bottle"),
            ("GRUND-AUSSEN", "Grundierung für außen", "bucket"),
            ("SPA-W", "Spachtel WEISS", "bucket"),
        ):
            handlers.add_product(commands.AddProduct(sku, name, unit), SqlAlchemyUnitOfWork(db))


def test_umlauts_and_sharp_s_are_found_either_way(site: Site, member: FlaskClient) -> None:
    add_products(site)
    add_german_products(site)
    for term in ("weiss", "weiß", "WEISS", "Weiß"):
        assert skus(member.get(f"/products/search?q={term}")) == ["SIL-300", "SPA-W"], term
    assert skus(member.get("/products/search?q=duebel")) == ["DUE-8"]
    assert skus(member.get("/products/search?q=Dübel")) == ["DUE-8"]
    assert skus(member.get("/products/search?q=dämm")) == ["DAEMM-100"]
    assert skus(member.get("/products/search?q=DÄMMPLATTE")) == ["DAEMM-100"]
    assert skus(member.get("/products/search?q=oel")) == ["OEL-1L"]
    assert skus(member.get("/products/search?q=Öl")) == ["OEL-1L"]
    assert skus(member.get("/products/search?q=fuer aussen")) == ["GRUND-AUSSEN"]
    assert skus(member.get("/products/search?q=AUßEN")) == ["GRUND-AUSSEN"]


def test_part_of_the_name_and_words_in_any_order(site: Site, member: FlaskClient) -> None:
    add_products(site)
    add_german_products(site)
    assert skus(member.get("/products/search?q=gipskarton")) == ["GKB-125"]
    assert skus(member.get("/products/search?q=karton")) == ["GKB-125"]
    assert skus(member.get("/products/search?q=platte gips")) == ["GKB-125"]
    assert skus(member.get("/products/search?q=platte")) == ["DAEMM-100", "GKB-125"]
    assert skus(member.get("/products/search?q=platte holz")) == []


def test_a_trade_finds_what_its_members_asked_for(site: Site, member: FlaskClient) -> None:
    """The fixture's members are painters; a tiler asks for the Gipskarton."""
    add_products(site)
    add_german_products(site)
    with transaction(site.runtime.sessions) as db:
        tiler = handlers.register_member(
            commands.RegisterMember("Fliesen Drei", "tiler", "drei@fliesen.example", "44137"),
            SqlAlchemyUnitOfWork(db),
        ).id
    for member_id, sku in ((site.member_ids[0], "SIL-300"), (tiler, "GKB-125")):
        need = {"member_id": member_id, "sku": sku, "quantity": "2"}
        posted = site.api().post("/api/v1/needs", json=need, headers=admin_headers(site))
        assert posted.status_code == 201, posted.get_json()
    assert skus(member.get("/products/search?q=maler")) == ["SIL-300"]
    assert skus(member.get("/products/search?q=Painter")) == ["SIL-300"]
    assert skus(member.get("/products/search?q=fliesenleger")) == ["GKB-125"]
    assert skus(member.get("/products/search?q=tiler")) == ["GKB-125"]
    assert skus(member.get("/products/search?q=maler silikon")) == ["SIL-300"]
    assert skus(member.get("/products/search?q=maler gips")) == []
    assert skus(member.get("/products/search?q=dachdecker")) == []


def admin_headers(site: Site) -> dict[str, str]:
    token = site.app.extensions["zirkel.tokens"].issue("admin")
    return {"Authorization": f"Bearer {token}"}


def test_the_need_form_takes_a_name_typed_with_ss_or_ae(site: Site, member: FlaskClient) -> None:
    """Without the combobox a member types the name; "weiss" is the product "weiß"."""
    add_products(site)
    form = filled_form(member, sku="silikon WEISS 300 ml", quantity="24")
    assert member.post("/needs/new", data=form).status_code == 302
    with transaction(site.runtime.sessions) as db:
        [need] = db.scalars(select(Need))
        assert need.product.sku == "SIL-300"


def test_a_typed_wildcard_is_a_plain_character(site: Site, member: FlaskClient) -> None:
    add_products(site)
    assert skus(member.get("/products/search?q=SIL_")) == ["SIL_X"]
    assert skus(member.get("/products/search?q=%25")) == []


def test_the_limit_is_bounded(site: Site, member: FlaskClient) -> None:
    assert member.get("/products/search?q=disp&limit=51").status_code == 400
    assert member.get("/products/search?q=disp&limit=0").status_code == 400
    token = site.app.extensions["zirkel.tokens"].issue("admin")
    response = site.api().get(
        "/api/v1/products?limit=500", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 400
    assert response.get_json()["details"] == {"limit": ["From 1 to 50."]}


def test_a_stranger_searches_nothing(site: Site) -> None:
    response = site.client().get("/products/search?q=disp")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_token_searches_too_and_a_stranger_not(site: Site) -> None:
    with transaction(site.runtime.sessions) as db:
        terms = commands.RegisterSupplier("Farben Nord", "o@farben.example", Decimal(25), None)
        supplier = handlers.register_supplier(terms, SqlAlchemyUnitOfWork(db, site.runtime.outbox))
    token = site.app.extensions["zirkel.tokens"].issue("supplier", supplier.id)
    headers = {"Authorization": f"Bearer {token}"}
    assert skus(site.api().get("/api/v1/products?q=disp", headers=headers)) == ["DISP-10L"]
    assert site.api().get("/api/v1/products?q=disp").status_code == 401


def test_the_web_service_serves_no_api(member: FlaskClient) -> None:
    """A signed-in browser reaches catalog's API only through the pages."""
    response = member.post("/api/v1/needs", json={"sku": "DISP-10L", "quantity": "2"})
    assert response.status_code == 404
    assert member.get("/api/v1/needs").status_code == 404


def test_the_need_form_offers_the_combobox_and_keeps_the_plain_field(member: FlaskClient) -> None:
    page = member.get("/needs/new").get_data(as_text=True)
    assert '<script src="/static/combobox.js" defer></script>' in page
    assert 'data-combobox="products"' in page and 'data-search-url="/products/search"' in page
    assert 'list="products"' in page and '<datalist id="products">' in page  # without JS
    assert "Produkte gefunden" in page
    script = member.get("/static/combobox.js")
    assert script.status_code == 200 and 'setAttribute("role", "combobox")' in script.get_data(
        as_text=True
    )
