"""Billing's invoice list searched, sorted and paged on PostgreSQL, as in production: the
amounts sorted by value, the text found whatever its case, a ``%`` taken as itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import Service
from tests.api.test_invoice_search import found
from tests.support.billing_world import issue_worked_example
from tests.support.servers import settings_on, throwaway_database


@pytest.fixture
def billing(tmp_path: Path) -> Iterator[Service]:
    from billing.entrypoints.app import create_app

    with throwaway_database() as url:
        app = create_app(settings_on(url, tmp_path))
        runtime = app.extensions["zirkel.runtime"]
        runtime.migrate()
        issue_worked_example(app)
        yield Service(app, app.test_client(), runtime)
        runtime.engine.dispose()


def test_the_office_searches_sorts_and_pages_on_postgresql(billing: Service) -> None:
    assert found(billing, "sort=gross_total&dir=desc") == (["3", "6", "5", "1", "2", "4"], 6)
    assert found(billing, "sort=net_total&dir=asc&per_page=2&page=3") == (["6", "3"], 6)
    assert found(billing, "q=MALERBETRIEB 1&type=invoice&sort=member") == (["1", "6"], 2)
    assert found(billing, "q=zk-2026-00000&sort=number&dir=desc&per_page=1") == (["6"], 6)
    assert found(billing, "q=50%25") == ([], 0)
