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


def test_pooling_too(pooling: Service, admin: Headers, monkeypatch) -> None:
    monkeypatch.setattr("shared.web.transaction", lost_connection)
    assert pooling.client.get("/api/v1/pools/current", headers=admin).status_code == 503
