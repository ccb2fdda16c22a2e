"""A database connection lost mid-request (PostgreSQL restarted, backends terminated) is a
503 to retry with nothing stored, on the API and on the pages; never a 500."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from tests.api.conftest import Headers, Service


def lost_connection(*_: object, **__: object) -> None:
    raise OperationalError(
        "INSERT INTO needs ...", {}, Exception("server closed the connection unexpectedly")
    )


def test_a_lost_database_connection_is_a_503_to_retry(
    catalog: Service, make_member, make_product, monkeypatch
) -> None:
    make_product()
    member = make_member()
    monkeypatch.setattr("catalog.service_layer.handlers.post_need", lost_connection)
    response = catalog.client.post(
        "/api/v1/needs", json={"sku": "DISP-10L", "quantity": "2"}, headers=member.headers
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.get_json() == {
        "error": "The database is unavailable for a moment; try again.",
        "details": {"database": ["unavailable"]},
    }
    monkeypatch.undo()
    assert catalog.client.get("/api/v1/needs", headers=member.headers).get_json() == []
    assert catalog.outbox("catalog.need.posted") == []


def test_pages_show_the_503_as_a_page(catalog: Service, monkeypatch) -> None:
    monkeypatch.setattr("catalog.service_layer.sign_in.count_try", lost_connection)
    page = catalog.client.get("/login")
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1]
    response = catalog.client.post(
        "/login",
        data={"email": "a@b.example", "password": "x" * 10, "csrf_token": token.split('"')[0]},
    )
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "Bitte versuchen Sie es gleich noch einmal" in response.get_data(as_text=True)


def test_pooling_too(pooling: Service, admin: Headers, monkeypatch) -> None:
    monkeypatch.setattr("shared.web.transaction", lost_connection)
    assert pooling.client.get("/api/v1/pools/current", headers=admin).status_code == 503
