"""The office's supplier form refuses a webhook URL notify would not post to, with the
reason beside the field (the same schema as the API: tests/api/test_webhook_url_entry.py)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from catalog.adapters.orm import Supplier
from shared.db import transaction
from tests.web.conftest import Site
from tests.web.test_admin_pages import admin as admin  # the fixture
from tests.web.test_admin_pages import submit
from tests.web.test_admin_supplier_channel import SECRET, TERMS

WEBHOOK = TERMS | {"delivery_channel": "webhook", "webhook_secret": SECRET}


@pytest.mark.parametrize(
    ("url", "error"),
    [
        (
            "http://192.168.178.20/orders",
            "An eine private Adresse werden keine Bestellungen gesendet.",
        ),
        (
            "http://169.254.169.254/latest/meta-data/",
            "An eine Link-Local-Adresse werden keine Bestellungen gesendet.",
        ),
        ("http://[::1]:8003/api", "An eine Loopback-Adresse werden keine Bestellungen gesendet."),
        (
            "https://farben:geheim@erp.farben-nord.example/orders",
            "Eine Webhook-URL darf keinen Benutzernamen und kein Passwort enthalten.",
        ),
    ],
)
def test_an_internal_webhook_url_is_refused_beside_the_field(
    site: Site, admin: FlaskClient, url: str, error: str
) -> None:
    response = submit(admin, "/admin/suppliers", **WEBHOOK | {"webhook_url": url})

    assert response.status_code == 422
    assert f'id="webhook_url-error">{error}</p>' in response.get_data(as_text=True)
    with transaction(site.runtime.sessions) as db:
        assert db.scalars(select(Supplier)).all() == []
