"""``/metrics`` on every service: Prometheus text, request latency and the outbox backlog."""

from __future__ import annotations

import pytest

from tests.api.conftest import Headers, Service
from tests.api.test_pooling_api import feed, need_cancelled, need_posted


@pytest.mark.parametrize("name", ["catalog", "pooling", "notify"])
def test_metrics_are_served_without_a_token(request: pytest.FixtureRequest, name: str) -> None:
    service: Service = request.getfixturevalue(name)
    assert service.client.get("/health/live").status_code == 200

    response = service.client.get("/metrics")

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert (
        f'zirkel_http_request_duration_seconds_count{{endpoint="/health/live",'
        f'method="GET",service="{name}",status="200"}}'
    ) in text
    assert f'zirkel_outbox_unsent{{service="{name}"}} 0.0' in text
    assert f'zirkel_outbox_oldest_unsent_age_seconds{{service="{name}"}} 0.0' in text


def test_the_backlog_counts_unsent_events(catalog: Service, admin: Headers) -> None:
    body = {"sku": "DISP-10L", "name": "Dispersionsfarbe 10 l", "unit": "bucket"}
    assert catalog.client.post("/api/v1/products", json=body, headers=admin).status_code == 201
    supplier = {"name": "B", "email": "b@x.example", "shipping_fee": "1.00"}
    supplier["free_shipping_from"] = None
    assert catalog.client.post("/api/v1/suppliers", json=supplier, headers=admin).status_code == 201
    unsent = len(catalog.outbox())
    assert unsent > 0

    text = catalog.client.get("/metrics").get_data(as_text=True)

    assert f'zirkel_outbox_unsent{{service="catalog"}} {float(unsent)}' in text
    age = next(
        line for line in text.splitlines() if line.startswith("zirkel_outbox_oldest_unsent_age")
    )
    assert 0 < float(age.split()[-1]) < 60


def test_pooling_reports_the_open_pool(pooling: Service) -> None:
    def open_needs() -> str:
        text = pooling.client.get("/metrics").get_data(as_text=True)
        return next(line for line in text.splitlines() if line.startswith("zirkel_pool_open"))

    assert open_needs() == 'zirkel_pool_open_needs{service="pooling"} 0.0'
    feed(pooling, need_posted(1, 1, "DISP-10L", "6"), need_posted(2, 2, "DISP-10L", "8"))
    feed(pooling, need_posted(3, 3, "SIL-300", "20"), need_cancelled(2, 2, "DISP-10L"))
    assert open_needs() == 'zirkel_pool_open_needs{service="pooling"} 2.0'


def test_a_database_failure_leaves_out_the_backlog_only(notify: Service) -> None:
    with notify.runtime.engine.begin() as db:
        db.exec_driver_sql("DROP TABLE outbox")
    notify.client.get("/health/live")

    response = notify.client.get("/metrics")

    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "zirkel_http_request_duration_seconds_bucket" in text
    assert "zirkel_outbox_unsent{" not in text
