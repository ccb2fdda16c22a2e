"""The office's pages through Flask's test client: members, suppliers, products, offers, pool."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from catalog.adapters.orm import Member, Offer, Supplier
from shared.db import transaction
from tests.web.conftest import Site, csrf_token, sign_in

ADMIN_PAGES = [
    "/admin",
    "/admin/members",
    "/admin/suppliers",
    "/admin/products",
    "/admin/offers",
    "/admin/pool",
]


@pytest.fixture
def admin(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "admin@zirkel.example")
    return client


def submit(client: FlaskClient, path: str, **fields: str):
    token = csrf_token(client.get(path).get_data(as_text=True))
    return client.post(path, data=fields | {"csrf_token": token})


def add_supplier(admin: FlaskClient, name: str = "Farben Nord") -> None:
    response = submit(
        admin,
        "/admin/suppliers",
        name=name,
        email="bestellung@farben-nord.example",
        shipping_fee="25,00",
        free_shipping_from="400",
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def supplier_id(site: Site) -> int:
    with transaction(site.runtime.sessions) as db:
        return db.scalars(select(Supplier.id)).one()


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_refuse_a_member(member: FlaskClient, path: str) -> None:
    response = member.get(path)
    assert response.status_code == 403
    assert "Kein Zugriff" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_send_a_stranger_to_the_sign_in(site: Site, path: str) -> None:
    response = site.client().get(path)
    assert response.status_code == 302 and response.location.startswith("/login")


def test_a_member_cannot_close_the_pool(member: FlaskClient, monkeypatch) -> None:
    sent = []
    monkeypatch.setattr("web.pages.admin_pool.send", lambda *args: sent.append(args))
    token = csrf_token(member.get("/needs").get_data(as_text=True))
    response = member.post("/admin/pool/close", data={"window_id": "1", "csrf_token": token})
    assert response.status_code == 403 and sent == []


def test_the_header_links_the_admin_pages(admin: FlaskClient) -> None:
    page = admin.get("/admin/members").get_data(as_text=True)
    for path in [*ADMIN_PAGES, "/admin/users"]:
        assert f'href="{path}"' in page


def test_registering_a_member(site: Site, admin: FlaskClient) -> None:
    response = submit(
        admin,
        "/admin/members",
        name="Fliesen Yilmaz",
        trade="tiler",
        email="info@yilmaz.example",
        postcode="44137",
    )
    assert response.status_code == 302
    page = admin.get("/admin/members").get_data(as_text=True)
    assert "Mitglied Fliesen Yilmaz angelegt." in page
    assert (
        '<th scope="row">Fliesen Yilmaz</th><td data-label="Gewerk">Fliesenleger</td>'
        '<td data-label="E-Mail">info@yilmaz.example</td>' in page
    )


def test_a_bad_postcode_is_shown_beside_the_field_and_kept(site: Site, admin: FlaskClient) -> None:
    response = submit(
        admin,
        "/admin/members",
        name="Dach Weber",
        trade="roofer",
        email="x@y.example",
        postcode="12",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="postcode-error">Fünf Ziffern.</p>' in page
    assert 'value="12"' in page and 'value="Dach Weber"' in page
    assert '<option selected value="roofer">Dachdecker</option>' in page
    with transaction(site.runtime.sessions) as db:
        assert db.scalar(select(Member).where(Member.name == "Dach Weber")) is None


def test_an_empty_name_and_a_bad_email_are_refused_in_english(admin: FlaskClient) -> None:
    token = csrf_token(admin.get("/admin/members").get_data(as_text=True))
    admin.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    response = submit(admin, "/admin/members", name=" ", trade="painter", email="kein", postcode="")
    page = response.get_data(as_text=True)
    assert 'id="name-error">This field is required.</p>' in page
    assert 'id="email-error">Not a valid email address.</p>' in page
    assert 'id="postcode-error">This field is required.</p>' in page


def test_registering_a_supplier(site: Site, admin: FlaskClient) -> None:
    add_supplier(admin)
    with transaction(site.runtime.sessions) as db:
        supplier = db.scalars(select(Supplier)).one()
        assert (supplier.shipping_fee, supplier.free_shipping_from) == (
            Decimal("25.00"),
            Decimal("400"),
        )
    page = admin.get("/admin/suppliers").get_data(as_text=True)
    assert "Farben Nord" in page and "25,00\xa0€" in page and "400,00\xa0€" in page


def test_a_fee_with_three_decimals_is_refused(admin: FlaskClient) -> None:
    response = submit(
        admin, "/admin/suppliers", name="Holz Süd", email="a@b.example", shipping_fee="1,234"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="shipping_fee-error">Höchstens 2 Nachkommastellen.</p>' in page
    assert 'value="1,234"' in page


def test_adding_a_product_and_refusing_its_sku_twice(admin: FlaskClient) -> None:
    fields = {"sku": "GIPS-25", "name": "Gipsputz 25 kg", "unit": "Sack"}
    assert submit(admin, "/admin/products", **fields).status_code == 302
    page = admin.get("/admin/products").get_data(as_text=True)
    assert (
        '<td data-label="Artikelnummer">GIPS-25</td><td data-label="Name">Gipsputz 25 kg</td>'
        '<td data-label="Einheit">Sack</td>' in page
    )
    again = submit(admin, "/admin/products", **fields)
    assert again.status_code == 422
    assert "Ein Produkt mit der Artikelnummer GIPS-25 gibt es schon." in again.get_data(
        as_text=True
    )
    bad = submit(admin, "/admin/products", sku="mit leerzeichen", name="x", unit="")
    page = bad.get_data(as_text=True)
    assert 'id="sku-error">Buchstaben, Ziffern und . _ / -, höchstens 40.</p>' in page
    assert 'id="unit-error">Dieses Feld ist erforderlich.</p>' in page


def offer_fields(supplier: int, *rows: tuple[str, str], pack_size: str = "1") -> dict[str, str]:
    fields = {"supplier_id": str(supplier), "sku": "DISP-10L", "pack_size": pack_size}
    for index, (start, price) in enumerate(rows):
        fields |= {f"tiers-{index}-min_quantity": start, f"tiers-{index}-unit_price": price}
    return fields


def test_setting_an_offer_with_tiers(site: Site, admin: FlaskClient) -> None:
    add_supplier(admin)
    fields = offer_fields(supplier_id(site), ("0", "38,00"), ("25", "34,5"))
    response = submit(admin, "/admin/offers", **fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    with transaction(site.runtime.sessions) as db:
        offer = db.scalars(select(Offer).options(selectinload(Offer.tiers))).one()
        tiers = [(t.min_quantity, t.unit_price) for t in offer.tiers]
    assert tiers == [(Decimal("0"), Decimal("38.00")), (Decimal("25"), Decimal("34.5"))]
    page = admin.get("/admin/offers").get_data(as_text=True)
    assert "ab 0: 38,00\xa0€" in page and "ab 25: 34,50\xa0€" in page
    change = admin.get(f"/admin/offers?supplier_id={supplier_id(site)}&sku=DISP-10L")
    assert 'name="tiers-1-unit_price" type="text" value="34.5"' in change.get_data(as_text=True)


def test_a_price_below_a_cent_is_shown_beside_its_row(site: Site, admin: FlaskClient) -> None:
    add_supplier(admin)
    fields = offer_fields(supplier_id(site), ("0", "38"), ("", ""), ("25", "0.001"))
    response = submit(admin, "/admin/offers", **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="tiers-2-unit_price-error">Muss mindestens 0,01 sein.</p>' in page
    assert 'name="tiers-2-unit_price" type="text" value="0.001"' in page
    with transaction(site.runtime.sessions) as db:
        assert db.scalars(select(Offer)).all() == []


def test_tiers_must_start_at_zero(site: Site, admin: FlaskClient) -> None:
    add_supplier(admin)
    fields = offer_fields(supplier_id(site), ("10", "38"), ("5", "36"))
    page = submit(admin, "/admin/offers", **fields).get_data(as_text=True)
    assert 'id="tiers-error">Die erste Stufe muss bei der Menge 0 beginnen. ' in page
    assert "Die Stufen müssen mit steigender Menge aufeinander folgen.</p>" in page
    assert 'name="tiers-0-min_quantity" type="text" value="10"' in page
    page = submit(admin, "/admin/offers", **offer_fields(supplier_id(site), pack_size="0"))
    text = page.get_data(as_text=True)
    assert 'id="pack_size-error">Muss größer als 0 sein.</p>' in text


def test_an_offer_without_tiers_is_refused(site: Site, admin: FlaskClient) -> None:
    add_supplier(admin)
    response = submit(admin, "/admin/offers", **offer_fields(supplier_id(site)))
    assert response.status_code == 422
    assert "Bitte mindestens eine Stufe ausfüllen." in response.get_data(as_text=True)


CLOSED = {
    "window_id": 7,
    "orders": [{"id": 3, "supplier_id": 2, "shipping_fee": "0.00", "total": "1234.50"}],
    "total_cost": "1234.50",
    "members_baseline": "1400.00",
    "members_paid": "1234.50",
    "members_saved": "165.50",
    "unoffered": [],
    "optimal": True,
}
OFFER = {"supplier_id": 2, "ordered_quantity": "14", "unit_price": "38.0000", "next_tier": None}
PRODUCT = {"sku": "DISP-10L", "quantity": "14", "offers": [OFFER]}
POOL = {"window_id": 7, "closes_at": "2026-12-03T11:00:00+00:00", "products": [PRODUCT]}


def close(admin: FlaskClient, monkeypatch, answer) -> tuple[int, str, list]:
    sent: list = []
    monkeypatch.setattr("web.pages.admin_pool.fetch", lambda *args: POOL)
    page = admin.get("/admin/pool").get_data(as_text=True)
    assert 'name="window_id" type="hidden" value="7"' in page
    monkeypatch.setattr("web.pages.admin_pool.send", lambda *args: sent.append(args) or answer)
    response = admin.post(
        "/admin/pool/close", data={"window_id": "7", "csrf_token": csrf_token(page)}
    )
    return response.status_code, response.get_data(as_text=True), sent


def test_closing_the_pool_shows_the_result(admin: FlaskClient, monkeypatch) -> None:
    status, page, sent = close(admin, monkeypatch, (200, CLOSED))
    assert status == 200
    assert sent == [("pooling", "/pools/close", "admin", {"window_id": 7})]
    assert "Runde 7 ist abgeschlossen." in page
    assert "1.234,50\xa0€" in page and "165,50\xa0€" in page and "#3" in page


def test_closing_a_pool_someone_closed_first(admin: FlaskClient, monkeypatch) -> None:
    answer = (409, {"error": "That round is closed already."})
    status, page, _sent = close(admin, monkeypatch, answer)
    assert status == 409
    assert "Runde 7 war schon abgeschlossen, vielleicht von jemand anderem." in page


def test_closing_when_pooling_does_not_answer(admin: FlaskClient, monkeypatch) -> None:
    status, page, _sent = close(admin, monkeypatch, None)
    assert status == 503
    assert "Pooling antwortet nicht, es wurde nichts abgeschlossen." in page


def test_the_pool_page_says_so_when_pooling_is_down(admin: FlaskClient) -> None:
    page = admin.get("/admin/pool").get_data(as_text=True)
    assert "Der Pool kann gerade nicht angezeigt werden" in page
    assert "/admin/pool/close" not in page


def test_an_empty_pool_has_no_close_button(admin: FlaskClient, monkeypatch) -> None:
    empty = POOL | {"products": []}
    monkeypatch.setattr("web.pages.admin_pool.fetch", lambda *args: empty)
    page = admin.get("/admin/pool").get_data(as_text=True)
    assert "Der Pool ist bisher leer." in page and "/admin/pool/close" not in page


def test_closing_needs_the_csrf_token(admin: FlaskClient, monkeypatch) -> None:
    sent: list = []
    monkeypatch.setattr("web.pages.admin_pool.send", lambda *args: sent.append(args))
    assert admin.post("/admin/pool/close", data={"window_id": "7"}).status_code == 400
    assert sent == []
