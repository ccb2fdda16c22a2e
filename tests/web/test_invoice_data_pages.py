"""The office's pages for the money: products with their VAT rate, members with their invoice
address and mandate (a broken VAT id or IBAN refused beside its field, in German or
English), the cooperative's own data; and a supplier's price list to download."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from catalog.adapters.orm import Member, Product
from catalog.service_layer import commands, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from catalog.service_layer.users import create_user
from shared.db import transaction
from tests.web.conftest import PASSWORD, Site, sign_in
from tests.web.test_admin_pages import admin as admin  # the fixture
from tests.web.test_admin_pages import submit
from tests.web.test_directory_pages import outbox

INVOICE_DATA = {
    "legal_name": "Malerbetrieb Drei GmbH",
    "street": "Hohe Straße 31",
    "postcode": "44139",
    "city": "Dortmund",
    "country": "DE",
    "vat_id": "DE 814 273 650",
    "iban": "DE69 4405 0199 0104 5678 91",
    "mandate_reference": "ZK-M-0003",
    "mandate_signed_on": "2025-01-15",
}
NEW_MEMBER = {"name": "Maler Drei", "trade": "painter", "email": "drei@maler.example"}


def member_named(site: Site, name: str) -> Member | None:
    with transaction(site.runtime.sessions) as db:
        member = db.scalar(select(Member).where(Member.name == name))
        if member is not None:
            db.expunge(member)
        return member


def test_the_office_registers_a_member_with_invoice_address_and_mandate(
    site: Site, admin: FlaskClient
) -> None:
    response = submit(admin, "/admin/members", **NEW_MEMBER, **INVOICE_DATA)

    assert response.status_code == 302, response.get_data(as_text=True)
    member = member_named(site, "Maler Drei")
    assert member is not None
    assert (member.vat_id, member.iban) == ("DE814273650", "DE69440501990104567891")
    assert (member.mandate_reference, member.mandate_signed_on) == ("ZK-M-0003", date(2025, 1, 15))
    *_, announced = outbox(site, "catalog.member.registered")
    assert announced["legal_name"] == "Malerbetrieb Drei GmbH"
    assert announced["mandate_signed_on"] == "2025-01-15"
    listed = admin.get("/admin/members").get_data(as_text=True)
    assert "Hohe Straße 31" in listed and "DE814273650" in listed and "ZK-M-0003" in listed


@pytest.mark.parametrize(
    ("field", "value", "german", "english"),
    [
        (
            "vat_id",
            "DE814273651",
            "Keine gültige USt-IdNr.: Die Prüfziffer stimmt nicht.",
            "Not a valid VAT id: its check digits do not match.",
        ),
        (
            "iban",
            "DE70440501990104567891",
            "Keine gültige IBAN: Die Prüfziffern stimmen nicht.",
            "Not a valid IBAN: its check digits do not match.",
        ),
        (
            "iban",
            "DE6944050199010456789",
            "Keine gültige IBAN: Bitte Länderkennung und Länge prüfen",
            "Not a valid IBAN: check its country code and length",
        ),
    ],
)
def test_a_broken_vat_id_or_iban_is_refused_beside_its_field(
    site: Site, admin: FlaskClient, field: str, value: str, german: str, english: str
) -> None:
    response = submit(admin, "/admin/members", **NEW_MEMBER, **INVOICE_DATA | {field: value})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and f'aria-describedby="{field}-error"' in page
    error = page.split(f'id="{field}-error">')[1].split("</p>")[0]
    assert german in error
    assert f'value="{value}"' in page  # kept to be corrected
    assert member_named(site, "Maler Drei") is None

    admin.post("/language", data={"lang": "en", "csrf_token": _token(admin)})
    english_page = submit(admin, "/admin/members", **NEW_MEMBER, **INVOICE_DATA | {field: value})
    assert english in english_page.get_data(as_text=True).split(f'id="{field}-error">')[1]


def _token(client: FlaskClient) -> str:
    from tests.web.conftest import csrf_token

    return csrf_token(client.get("/admin/members").get_data(as_text=True))


def test_a_mandate_without_its_day_is_refused_beside_the_day(
    site: Site, admin: FlaskClient
) -> None:
    fields = INVOICE_DATA | {"mandate_signed_on": ""}

    response = submit(admin, "/admin/members", **NEW_MEMBER, **fields)

    assert response.status_code == 422
    assert 'id="mandate_signed_on-error"' in response.get_data(as_text=True)


def test_changing_a_members_invoice_data_shows_it_and_tells_the_others(
    site: Site, admin: FlaskClient
) -> None:
    member_id = site.member_ids[0]
    edit = f"/admin/members/{member_id}/edit"
    fields = {"name": "Maler Eins", "trade": "painter", "email": "eins@maler.example"}

    response = submit(admin, edit, **fields, **INVOICE_DATA)

    assert response.status_code == 302, response.get_data(as_text=True)
    page = admin.get(edit).get_data(as_text=True)
    assert 'value="DE814273650"' in page and 'value="2025-01-15"' in page
    assert '<option selected value="DE">' in page
    *_, announced = outbox(site, "catalog.member.registered")
    assert (announced["member_id"], announced["iban"]) == (member_id, "DE69440501990104567891")


def test_the_product_form_takes_a_vat_rate_and_the_list_shows_it(
    site: Site, admin: FlaskClient
) -> None:
    response = submit(
        admin, "/admin/products", sku="VOB-C", name="VOB Teil C", unit="Stk", vat_rate="7"
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    page = admin.get("/admin/products").get_data(as_text=True)
    row = page.split('id="product-VOB-C"')[1].split("</tr>")[0]
    assert "7\u00a0%" in row
    assert "19\u00a0%" in page.split('id="product-DISP-10L"')[1].split("</tr>")[0]
    [announced] = [p for p in outbox(site, "catalog.product.updated") if p["sku"] == "VOB-C"]
    assert announced["vat_rate"] == "7"


def test_a_rate_not_offered_is_refused_beside_the_field(admin: FlaskClient) -> None:
    response = submit(admin, "/admin/products", sku="X-1", name="X", unit="Stk", vat_rate="16")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="vat_rate-error"' in page
    assert "Nur die Umsatzsteuersätze 19, 7 oder 0 sind möglich." in page


def test_the_office_changes_a_products_rate(site: Site, admin: FlaskClient) -> None:
    edit = "/admin/products/DISP-10L/edit"
    assert '<option selected value="19">' in admin.get(edit).get_data(as_text=True)

    response = submit(admin, edit, name="Dispersionsfarbe 10 l", unit="bucket", vat_rate="0")

    assert response.status_code == 302, response.get_data(as_text=True)
    with transaction(site.runtime.sessions) as db:
        product = db.scalar(select(Product).where(Product.sku == "DISP-10L"))
        assert product.vat_rate == Decimal(0)
    assert admin.get("/admin/products/NOPE/edit").status_code == 404


def test_a_product_with_offers_keeps_its_unit_on_the_page(site: Site, admin: FlaskClient) -> None:
    with transaction(site.runtime.sessions) as db:
        supplier = handlers.register_supplier(
            commands.RegisterSupplier("Farben Nord", "f@nord.example", Decimal(25), None),
            SqlAlchemyUnitOfWork(db, site.runtime.outbox),
        )
        offer = commands.SetOffer(supplier.id, "DISP-10L", Decimal(1), ((Decimal(0), Decimal(9)),))
        handlers.set_offer(offer, SqlAlchemyUnitOfWork(db, site.runtime.outbox))

    edit = "/admin/products/DISP-10L/edit"
    response = submit(admin, edit, name="Dispersionsfarbe", unit="Liter", vat_rate="19")

    assert response.status_code == 422
    assert "Ein Produkt mit Angeboten behält seine Einheit." in response.get_data(as_text=True)


def test_the_office_sees_the_cooperatives_own_data(admin: FlaskClient) -> None:
    assert 'href="/admin/settings"' in admin.get("/admin/members").get_data(as_text=True)

    page = admin.get("/admin/settings").get_data(as_text=True)

    for shown in (
        "Handwerkszirkel Dortmund eG",
        "Rheinische Straße 1",
        "44137",
        "DE136695976",
        "314/5802/0815",
        "DE89370400440532013000",
        "COBADEFFXXX",
        "Amtsgericht Dortmund GnR 1234",
        "buero@handwerkszirkel.example",
        "ZIRKEL_COOPERATIVE_VAT_ID",
    ):
        assert shown in page
    assert "<form" not in page.split("<main")[1]  # read-only


def test_the_settings_page_is_for_the_office_alone(site: Site, member: FlaskClient) -> None:
    assert member.get("/admin/settings").status_code == 403
    assert site.client().get("/admin/settings").status_code == 302


def test_a_supplier_downloads_its_offers_as_a_price_list(site: Site) -> None:
    with transaction(site.runtime.sessions) as db:
        supplier = handlers.register_supplier(
            commands.RegisterSupplier("Farben Nord", "f@nord.example", Decimal(25), None),
            SqlAlchemyUnitOfWork(db, site.runtime.outbox),
        )
        tiers = ((Decimal(0), Decimal("42.00")), (Decimal(10), Decimal("38.00")))
        offer = commands.SetOffer(supplier.id, "DISP-10L", Decimal(1), tiers)
        handlers.set_offer(offer, SqlAlchemyUnitOfWork(db, site.runtime.outbox))
        create_user(
            commands.CreateUser(
                "desk@nord.example", PASSWORD, role="supplier", supplier_id=supplier.id
            ),
            SqlAlchemyUnitOfWork(db),
        )
    client = site.client()
    sign_in(client, "desk@nord.example")
    assert 'href="/supplier/price-list.csv"' in client.get("/supplier/price-list").get_data(
        as_text=True
    )

    response = client.get("/supplier/price-list.csv")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data(as_text=True) == (
        "\ufeffsku;name;unit;pack_size;tiers;valid_from;vat_rate\r\n"
        "DISP-10L;Dispersionsfarbe 10 l;bucket;1;0:42,00|10:38,00;;19\r\n"
    )
