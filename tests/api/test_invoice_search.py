"""Billing's invoices API as the office's list asks it: searched by number or member,
narrowed by kind, sorted and paged in the database, with ``X-Total-Count``. Billing holds
the worked example (m1 226.10, a credit note and 271.32; m2 149.94; m3 416.50; m4 69.97)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import Service
from tests.support.billing_world import billing_app, issue_worked_example


@pytest.fixture
def billing(tmp_path: Path) -> Iterator[Service]:
    for app in billing_app(tmp_path / "billing"):
        issue_worked_example(app)
        yield Service(app, app.test_client(), app.extensions["zirkel.runtime"])


def found(billing: Service, query: str, role: str = "admin", **who: Any) -> tuple[list[str], int]:
    """The numbers of the invoices the query finds, and ``X-Total-Count``."""
    headers = billing.token(role, *who.values())
    response = billing.client.get(f"/api/v1/invoices?{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    numbers = [i["number"][-1:] for i in response.get_json()["invoices"]]
    return numbers, int(response.headers["X-Total-Count"])


def test_the_office_searches_by_number_or_member_and_by_kind(billing: Service) -> None:
    assert found(billing, "") == (["6", "5", "4", "3", "2", "1"], 6)
    assert found(billing, "q=zk-2026-000003") == (["3"], 1)
    assert found(billing, "q=malerbetrieb 1") == (["6", "5", "1"], 3)
    assert found(billing, "q=MALERBETRIEB%201&type=credit_note") == (["5"], 1)
    assert found(billing, "type=invoice&member_id=1") == (["6", "1"], 2)
    assert found(billing, "q=50%25") == ([], 0)  # a % is looked for, not a wildcard


def test_the_office_sorts_and_pages(billing: Service) -> None:
    by_gross = "sort=gross_total&dir=desc"
    assert found(billing, by_gross) == (["3", "6", "5", "1", "2", "4"], 6)  # by value
    assert found(billing, "sort=gross_total&dir=asc&per_page=2&page=2") == (["1", "5"], 6)
    assert found(billing, "sort=member&per_page=4&page=1")[0] == ["1", "5", "6", "2"]
    assert found(billing, "sort=number&per_page=4&page=3") == ([], 6)
    assert found(billing, "sort=issued_on&dir=asc&per_page=3")[0] == ["1", "2", "3"]


def test_a_member_searches_only_its_own(billing: Service) -> None:
    assert found(billing, "q=ZK", "member", member_id=2) == (["2"], 1)
    assert found(billing, "member_id=1", "member", member_id=2) == ([], 0)


@pytest.mark.parametrize(
    "query, field",
    [
        ("sort=colour", "sort"),
        ("sort=number&dir=up", "dir"),
        ("type=bill", "type"),
        ("page=0", "page"),
        ("per_page=501", "per_page"),
    ],
)
def test_what_the_list_cannot_mean_is_refused_naming_the_field(
    billing: Service, query: str, field: str
) -> None:
    response = billing.client.get(f"/api/v1/invoices?{query}", headers=billing.token("admin"))
    assert response.status_code == 422 and field in response.get_json()["details"]


def test_the_office_learns_which_windows_were_invoiced(billing: Service) -> None:
    response = billing.client.get("/api/v1/invoices/windows", headers=billing.token("admin"))
    assert response.get_json() == {"windows": [1]}
    other = billing.client.get("/api/v1/invoices/windows", headers=billing.token("member", 1))
    assert other.status_code == 403
