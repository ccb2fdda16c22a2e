"""The office registers a supplier that gets its orders by a signed webhook."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from catalog.adapters.orm import Supplier
from shared.db import transaction
from tests.web.conftest import Site
from tests.web.test_admin_pages import admin as admin  # the fixture
from tests.web.test_admin_pages import submit

SECRET = "whsec-farben-nord-4711"
TERMS = {
    "name": "Farben Nord",
    "email": "bestellung@farben-nord.example",
    "shipping_fee": "25,00",
}


def test_a_webhook_supplier_is_registered_and_its_secret_not_shown(
    site: Site, admin: FlaskClient
) -> None:
    fields = TERMS | {
        "delivery_channel": "webhook",
        "webhook_url": "https://erp.farben-nord.example/orders",
        "webhook_secret": SECRET,
    }
    assert submit(admin, "/admin/suppliers", **fields).status_code == 302

    with transaction(site.runtime.sessions) as db:
        supplier = db.scalars(select(Supplier)).one()
        assert (supplier.delivery_channel, supplier.webhook_secret) == ("webhook", SECRET)
    page = admin.get("/admin/suppliers").get_data(as_text=True)
    assert '<td data-label="Bestellungen per">Signierter Webhook</td>' in page
    assert SECRET not in page


def test_a_webhook_without_its_secret_is_refused_beside_the_field(admin: FlaskClient) -> None:
    fields = TERMS | {
        "delivery_channel": "webhook",
        "webhook_url": "https://erp.farben-nord.example/orders",
    }

    response = submit(admin, "/admin/suppliers", **fields)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        'id="webhook_secret-error">Ein Webhook braucht ein Geheimnis mit mindestens 16 Zeichen.</p>'
        in page
    )
    bad_url = submit(admin, "/admin/suppliers", **fields | {"webhook_url": "ftp://x.example"})
    assert 'id="webhook_url-error">Keine gültige URL.</p>' in bad_url.get_data(as_text=True)
