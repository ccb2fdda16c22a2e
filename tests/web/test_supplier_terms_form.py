"""The office's supplier form takes the payment terms (Skonto, net days) and the bank
account; a wrong IBAN or half a Skonto is refused beside its field, in German."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.web.conftest import Site
from tests.web.test_directory_pages import add_supplier, admin, outbox, submit

__all__ = ["admin"]  # the fixture, used by name

BASE = {"name": "Farben Nord", "email": "a@nord.example", "shipping_fee": "25,00"}


def test_the_office_sets_terms_and_sees_them_again(site: Site, admin: FlaskClient) -> None:
    supplier_id = add_supplier(site, with_offer=False)
    url = f"/admin/suppliers/{supplier_id}/edit"
    terms = {"skonto_percent": "2,5", "skonto_days": "10", "net_days": "30"}
    bank = {"iban": "DE89 3704 0044 0532 0130 00", "bic": "COBADEFFXXX"}
    response = submit(admin, url, **BASE, **terms, **bank)
    assert response.status_code == 302, response.get_data(as_text=True)
    *_, changed = outbox(site, "catalog.supplier.updated")
    assert (changed["skonto_percent"], changed["skonto_days"], changed["net_days"]) == (
        "2.5",
        10,
        30,
    )
    assert (changed["iban"], changed["bic"]) == ("DE89370400440532013000", "COBADEFFXXX")
    page = admin.get(url).get_data(as_text=True)
    assert 'value="2,5"' in page and 'value="DE89370400440532013000"' in page
    assert "Zahlungsbedingungen und Bankverbindung" in page


def test_wrong_terms_are_refused_beside_the_field(site: Site, admin: FlaskClient) -> None:
    supplier_id = add_supplier(site, with_offer=False)
    url = f"/admin/suppliers/{supplier_id}/edit"
    response = submit(admin, url, **BASE, iban="DE89370400440532013001")
    assert response.status_code == 422
    assert "Keine gültige IBAN: Die Prüfziffern stimmen nicht." in response.get_data(as_text=True)
    response = submit(admin, url, **BASE, skonto_percent="2")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ein Skonto braucht seinen Prozentsatz und seine Tage." in page
    assert 'id="skonto_days-error"' in page
    assert len(outbox(site, "catalog.supplier.updated")) == 1  # only the registration
