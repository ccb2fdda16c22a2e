"""The sign-in page while catalog cannot answer, and what a page refuses before it asks."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError

from tests.web.conftest import Site, csrf_token


def lost_connection(*_: object, **__: object) -> None:
    raise OperationalError(
        "INSERT INTO sign_in_tries ...", {}, Exception("server closed the connection")
    )


def test_a_sign_in_while_catalogs_database_is_away_is_the_503_page(site: Site, monkeypatch) -> None:
    monkeypatch.setattr("catalog.service_layer.sign_in.count_try", lost_connection)
    browser = site.client()
    token = csrf_token(browser.get("/login").get_data(as_text=True))
    data = {"email": "a@b.example", "password": "x" * 10, "csrf_token": token}
    response = browser.post("/login", data=data)
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "Bitte versuchen Sie es gleich noch einmal" in response.get_data(as_text=True)


def test_a_signed_in_page_while_catalog_is_away_is_the_503_page(
    site: Site, member: FlaskClient, monkeypatch
) -> None:
    monkeypatch.setattr("catalog.service_layer.sign_in.signed_in_user", lost_connection)
    response = member.get("/needs")
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "Bitte versuchen Sie es gleich noch einmal" in response.get_data(as_text=True)


def test_nul_in_a_form_field_is_an_error_page(site: Site) -> None:
    response = site.client().post("/login", data={"email": "a\x00@b.example", "password": "x"})
    assert response.status_code == 400 and response.mimetype == "text/html"
