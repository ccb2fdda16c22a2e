"""Each service's OpenAPI description, and every JSON endpoint fuzzed from it.

Schemathesis generates valid and invalid requests from ``GET /api/v1/openapi.json`` and
calls the WSGI app in-process with an admin's and a member's token. No answer may be a
500; a refused request (4xx) stores nothing; a 400 or 422 names the field (or the body) it refuses.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from sqlalchemy import func, inspect, select, table

from shared.openapi import SPEC_PATH, undocumented
from tests.api.conftest import Service

EXAMPLES = int(os.environ.get("ZIRKEL_FUZZ_EXAMPLES", "12"))  # more for a deeper hunt


def test_every_api_route_is_in_the_description(
    catalog: Service, pooling: Service, notify: Service, billing: Service
) -> None:
    for service in (catalog, pooling, notify, billing):
        operations = service.app.extensions["zirkel.openapi.operations"]
        assert undocumented(service.app, operations) == [], (
            "list the route in <service>/entrypoints/openapi.py OPERATIONS"
        )
        spec = service.client.get(SPEC_PATH).get_json()
        assert spec["openapi"].startswith("3.")
        described = [op for path in spec["paths"].values() for op in path.values()]
        assert len(described) >= len(operations)
        assert all(op.get("summary") for op in described if isinstance(op, dict)), [
            op["operationId"] for op in described if isinstance(op, dict) and not op["summary"]
        ]


def test_the_description_uses_the_views_schemas(catalog: Service) -> None:
    spec = catalog.client.get(SPEC_PATH).get_json()
    need_in = spec["components"]["schemas"]["NeedIn"]
    assert set(need_in["required"]) == {"sku", "quantity"}
    quantity = need_in["properties"]["quantity"]
    assert quantity["type"] == "string" and quantity["format"] == "decimal"
    assert quantity["pattern"] == r"^[0-9]{1,6}(\.[0-9]{1,3})?$"
    post = spec["paths"]["/api/v1/needs"]["post"]
    assert post["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NeedOut"
    }
    assert spec["paths"]["/api/v1/needs/{need_id}"]["parameters"][0]["schema"]["type"] == (
        "integer"
    )


def stored(service: Service) -> dict[str, int]:
    """How many rows each table of the service holds."""
    engine = service.runtime.engine
    with engine.connect() as db:
        names = inspect(db).get_table_names()
        return {
            name: db.scalar(select(func.count()).select_from(table(name)))
            for name in names
            if name != "alembic_version"
        }


def check(service: Service, case: Any, headers: dict[str, str]) -> None:
    before = stored(service)
    response = case.call(headers=headers)
    where = f"{case.method} {case.formatted_path} {case.body!r}"
    assert response.status_code < 500, f"{where} -> {response.status_code} {response.text}"
    if 400 <= response.status_code < 500 and response.status_code != 405:
        assert stored(service) == before, f"{where} stored something and answered 4xx"
        body = response.json()
        assert body.get("error"), f"{where} -> {body}"
        if response.status_code in (400, 422):  # says which field or the body
            assert isinstance(body["details"], dict) and body["details"], f"{where} -> {body}"


def fuzz(service: Service, callers: list[dict[str, str]]) -> int:
    schema = schemathesis.openapi.from_wsgi(SPEC_PATH, service.app)
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in GenerationMode:

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def examples(case: Any) -> None:
                nonlocal calls
                for headers in callers:
                    check(service, case, headers)
                    calls += 1

            examples()
    return calls


@pytest.fixture
def callers(catalog: Service, admin: dict[str, str], make_member: Any) -> list[dict[str, str]]:
    return [admin, make_member().headers]


def test_fuzz_catalog(catalog: Service, callers: list[dict[str, str]]) -> None:
    assert fuzz(catalog, callers) > 100


def test_fuzz_pooling(pooling: Service, callers: list[dict[str, str]]) -> None:
    assert fuzz(pooling, callers) > 50


def test_fuzz_notify(notify: Service, callers: list[dict[str, str]]) -> None:
    assert fuzz(notify, callers) > 20


def test_fuzz_billing(billing: Service, callers: list[dict[str, str]]) -> None:
    assert fuzz(billing, callers) > 20


def test_a_route_left_out_of_the_operations_is_named(catalog: Service) -> None:
    from flask import Blueprint

    extra = Blueprint("extra_api", __name__, url_prefix="/api/v1")
    extra.add_url_rule("/stock", "stock", lambda: {})
    catalog.app.register_blueprint(extra)
    operations = catalog.app.extensions["zirkel.openapi.operations"]
    assert undocumented(catalog.app, operations) == ["/api/v1/stock (extra_api.stock)"]


def test_the_description_needs_no_token(pooling: Service) -> None:
    response = pooling.client.get(SPEC_PATH)
    assert response.status_code == 200
    assert "/api/v1/pools/close" in response.get_json()["paths"]
