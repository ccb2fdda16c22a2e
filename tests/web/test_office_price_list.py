"""The office uploads a supplier's price list on the supplier's page, as the supplier
would in its portal (one view serves both): German Excel's files, every problem of every
row in the page's language, the supplier's current list and the template to download."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from catalog.adapters.orm import Offer, Product
from catalog.service_layer import commands, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from catalog.service_layer.users import create_user
from shared.db import transaction
from tests.web.conftest import PASSWORD, Site, csrf_token, sign_in
from tests.web.test_accessibility import Page

PAGE = "/admin/suppliers/{}/price-list"
# as German Excel's plain "CSV" saves it: Windows-1252, semicolons, decimal commas, dates
EXCEL = (
    "sku;name;unit;pack_size;tiers;valid_from;vat_rate\r\n"
    "DISP-10L;Dispersionsfarbe 10 l;bucket;1;0:41,00|10:37,50;01.03.2030;19\r\n"
    "GRUND-5L;Tiefgrund für Holz 5 l;bucket;1;0:12,50;;7\r\n"
).encode("cp1252")


@pytest.fixture
def suppliers(site: Site) -> list[int]:
    with transaction(site.runtime.sessions) as db:
        ids = [
            handlers.register_supplier(
                commands.RegisterSupplier(name, "a@b.example", Decimal(25), None),
                SqlAlchemyUnitOfWork(db, site.runtime.outbox),
            ).id
            for name in ("Farben Nord", "Farben Süd")
        ]
        create_user(
            commands.CreateUser(
                "lager@farben-nord.example", PASSWORD, role="supplier", supplier_id=ids[0]
            ),
            SqlAlchemyUnitOfWork(db),
        )
    return ids


@pytest.fixture
def office(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "admin@zirkel.example")
    return client


def upload(client: FlaskClient, page: str, data: bytes, **fields: Any) -> Any:
    token = csrf_token(client.get(page).get_data(as_text=True))
    form = {"file": (io.BytesIO(data), "preise.csv"), "csrf_token": token} | fields
    return client.post(page, data=form, content_type="multipart/form-data")


def offers(site: Site) -> dict[tuple[int, str], Any]:
    with transaction(site.runtime.sessions) as db:
        return {
            (o.supplier_id, o.product.sku): (o.valid_from, o.tiers[0].unit_price)
            for o in db.scalars(select(Offer))
        }


def test_the_office_uploads_a_suppliers_price_list_as_excel_saves_it(
    site: Site, office: FlaskClient, suppliers: list[int]
) -> None:
    sued = suppliers[1]

    response = upload(office, PAGE.format(sued), EXCEL)

    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    assert "Preisliste von Farben Süd" in page and "2 Angebote gesetzt" in page
    assert "Angebote von Farben Süd" in page and "Tiefgrund für Holz 5 l" in page
    assert offers(site) == {
        (sued, "DISP-10L"): (date(2030, 3, 1), Decimal("41.00")),
        (sued, "GRUND-5L"): (None, Decimal("12.50")),
    }
    with transaction(site.runtime.sessions) as db:
        grund = db.scalars(select(Product).where(Product.sku == "GRUND-5L")).one()
        assert grund.vat_rate == Decimal(7)


def test_every_problem_of_every_row_is_listed_in_german_and_nothing_stored(
    site: Site, office: FlaskClient, suppliers: list[int]
) -> None:
    bad = EXCEL + (
        "SIL-300;Silikon;cartridge;0;0:4,20;;19\r\nKREPP;Krepp;roll;1;0-3,00;31.02.2030;19\r\n"
    ).encode("cp1252")

    response = upload(office, PAGE.format(suppliers[0]), bad)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Die Preisliste wurde nicht gespeichert: 3 Probleme." in page
    assert (
        '<td data-label="Zeile">4</td>'
        '<td data-label="Spalte">pack_size</td>'
        '<td data-label="Problem">Muss größer als 0 sein.</td>' in page
    )
    assert (
        '<td data-label="Zeile">5</td>'
        '<td data-label="Spalte">tiers</td>'
        '<td data-label="Problem">Staffel 1 (0-3,00) ist nicht Mindestmenge:Stückpreis' in page
    )
    assert '<td data-label="Zeile">5</td><td data-label="Spalte">valid_from</td>' in page
    assert offers(site) == {}


def test_the_problems_in_english_when_the_office_reads_english(
    office: FlaskClient, suppliers: list[int]
) -> None:
    token = csrf_token(office.get("/admin/suppliers").get_data(as_text=True))
    office.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    bad = EXCEL + "SIL-300;Silikon;cartridge;0;0:4,20;;19\r\n".encode("cp1252")

    page = upload(office, PAGE.format(suppliers[0]), bad).get_data(as_text=True)

    assert "Price list of Farben Nord" in page
    assert (
        '<td data-label="Row">4</td>'
        '<td data-label="Column">pack_size</td>'
        '<td data-label="Problem">Must be greater than 0.</td>' in page
    )


def test_the_upload_needs_its_csrf_token(
    site: Site, office: FlaskClient, suppliers: list[int]
) -> None:
    data = {"file": (io.BytesIO(EXCEL), "preise.csv")}
    response = office.post(PAGE.format(suppliers[0]), data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and offers(site) == {}


def test_the_office_downloads_the_suppliers_list_and_the_template(
    office: FlaskClient, suppliers: list[int]
) -> None:
    sued = suppliers[1]
    upload(office, PAGE.format(sued), EXCEL)
    page = office.get(PAGE.format(sued)).get_data(as_text=True)
    assert f'href="/admin/suppliers/{sued}/price-list.csv"' in page
    assert 'href="/admin/price-list-template.csv"' in page

    listed = office.get(f"/admin/suppliers/{sued}/price-list.csv")
    template = office.get("/admin/price-list-template.csv")

    assert f'filename="preisliste-{sued}.csv"' in listed.headers["Content-Disposition"]
    text = listed.get_data().decode("utf-8")
    assert text.startswith("\ufeffsku;name;unit;pack_size;tiers;valid_from;vat_rate\r\n")
    assert "GRUND-5L;Tiefgrund für Holz 5 l;bucket;1;0:12,50;;7\r\n" in text
    assert 'filename="preisliste-vorlage.csv"' in template.headers["Content-Disposition"]
    assert template.get_data().decode("utf-8").startswith("\ufeffsku;name;unit;")


def test_the_suppliers_page_leads_to_its_price_list(
    office: FlaskClient, suppliers: list[int]
) -> None:
    page = office.get(f"/admin/suppliers/{suppliers[0]}/edit").get_data(as_text=True)
    assert f'href="{PAGE.format(suppliers[0])}" id="supplier-price-list"' in page
    assert office.get(PAGE.format(999)).status_code == 404


@pytest.mark.parametrize(
    "path", [PAGE.format(1), "/admin/suppliers/1/price-list.csv", "/admin/price-list-template.csv"]
)
def test_only_the_office_reaches_a_suppliers_price_list(
    site: Site, member: FlaskClient, suppliers: list[int], path: str
) -> None:
    assert member.get(path).status_code == 403
    desk = site.client()
    sign_in(desk, "lager@farben-nord.example")
    assert desk.get(path).status_code == 403
    assert site.client().get(path).status_code == 302  # a stranger signs in first


def test_the_supplier_downloads_the_template_in_its_portal(
    site: Site, suppliers: list[int]
) -> None:
    desk = site.client()
    sign_in(desk, "lager@farben-nord.example")
    page = desk.get("/supplier/price-list").get_data(as_text=True)
    assert 'href="/supplier/price-list-template.csv"' in page

    template = desk.get("/supplier/price-list-template.csv")

    assert template.status_code == 200 and template.mimetype == "text/csv"
    assert 'filename="preisliste-vorlage.csv"' in template.headers["Content-Disposition"]
    assert template.get_data().decode("utf-8").startswith("\ufeffsku;name;unit;")


def test_the_page_is_accessible_with_its_problems_shown(
    office: FlaskClient, suppliers: list[int]
) -> None:
    bad = EXCEL + "SIL-300;Silikon;cartridge;0;0:4,20;;19\r\n".encode("cp1252")

    page = Page(upload(office, PAGE.format(suppliers[0]), bad).get_data(as_text=True))

    assert page.problems() == [] and page.alerts == 1
