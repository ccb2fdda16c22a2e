"""Savings statements (month and year, against the membership fee; JSON, CSV, PDF) and the
cooperative's dashboard, checked against the worked example (saved 31.00, 50.20, 57.80,
67.00; 206.00 in all)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from tests.support.notify_events import (
    CLOSED,
    after,
    invoice_issued,
    placed_at,
    reactions,
    register_members,
)
from tests.support.notify_events import second_order as rolls_order

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service

D = Decimal


@pytest.fixture
def closed(notify: Service) -> None:
    """The worked example closed in March 2026; member 1 saves 10.00 more in April at
    supplier 2 (window 2); a window of 2025 does not count in 2026."""
    react = reactions(notify)
    register_members(notify, react)
    notify.deliver(react, placed_at(CLOSED.replace(year=2025), order_id=9, window_id=9))
    notify.deliver(react, placed_at(CLOSED))
    april = after(CLOSED, days=28)
    event = rolls_order(april, window_id=2)
    event.payload["member_savings"][0].update(
        baseline=D("60.00"), paid=D("50.00"), saved=D("10.00")
    )
    notify.deliver(react, event)


def statement(notify: Service, path: str, member_id: int = 1, headers: Headers | None = None):
    return notify.client.get(
        f"/api/v1/members/{member_id}/statements/{path}",
        headers=headers or notify.token("member", member_id),
    )


def test_a_months_statement_against_a_twelfth_of_the_fee(notify: Service, closed: None) -> None:
    body = statement(notify, "2026/3").get_json()

    assert (body["baseline"], body["paid"], body["saved"]) == ("259.00", "228.00", "31.00")
    assert (body["membership_fee"], body["net"], body["covers_fee"]) == ("20.00", "11.00", True)
    assert [w["window_id"] for w in body["windows"]] == [1]


def test_a_years_statement_with_its_months(notify: Service, closed: None) -> None:
    body = statement(notify, "2026").get_json()

    assert (body["saved"], body["membership_fee"], body["net"]) == ("41.00", "240.00", "-199.00")
    assert body["covers_fee"] is False
    saved = {m["month"]: m["saved"] for m in body["months"]}
    assert (saved[3], saved[4], saved[5]) == ("31.00", "10.00", "0.00")
    for member_id, expected in ((2, "50.20"), (3, "57.80"), (4, "67.00")):
        assert statement(notify, "2026", member_id).get_json()["saved"] == expected


def test_the_office_sets_a_members_fee(notify: Service, closed: None, admin: Headers) -> None:
    fee = {"membership_fee": "30.00"}
    path = "/api/v1/members/4/preferences"
    refused = notify.client.put(path, json=fee, headers=notify.token("member", 4))
    assert refused.status_code == 403
    assert "membership_fee" in refused.get_json()["details"]
    assert notify.client.put(path, json=fee, headers=admin).status_code == 200

    body = statement(notify, "2026", 4).get_json()

    assert (body["membership_fee"], body["net"], body["covers_fee"]) == ("30.00", "37.00", True)
    assert statement(notify, "2026/3", 4).get_json()["membership_fee"] == "2.50"


def test_only_the_member_and_the_office_read_a_statement(
    notify: Service, closed: None, admin: Headers
) -> None:
    assert statement(notify, "2026", 1, notify.token("member", 2)).status_code == 403
    assert statement(notify, "2026", 1, notify.token("supplier", 1)).status_code == 403
    assert statement(notify, "2026", 1, admin).status_code == 200
    bad = statement(notify, "2026/13")
    assert bad.status_code == 404
    assert set(bad.get_json()) == {"error", "details"}


def test_the_statement_as_csv(notify: Service, closed: None) -> None:
    response = statement(notify, "2026.csv")

    assert response.headers["Content-Type"].startswith("text/csv")
    assert 'filename="zirkel-savings-1-2026.csv"' in response.headers["Content-Disposition"]
    rows = response.get_data(as_text=True).splitlines()
    assert rows[0] == "window_id;closed_on;baseline;paid;saved;invoiced_vat;invoiced_gross"
    assert rows[1] == "1;2026-03-12;259.00;228.00;31.00;0.00;0.00"  # not invoiced yet
    assert rows[2] == "2;2026-04-09;60.00;50.00;10.00;0.00;0.00"
    assert rows[-3:] == [
        "total;;319.00;278.00;41.00;0.00;0.00",
        "membership_fee;;;;240.00",
        "net;;;;-199.00",
    ]


def test_the_statement_as_pdf_in_the_members_language(notify: Service, closed: None) -> None:
    german = statement(notify, "2026/3.pdf")
    assert german.headers["Content-Type"] == "application/pdf"
    assert german.data.startswith(b"%PDF")
    assert b"Ersparnisnachweis M\xe4rz 2026" in german.data
    assert b"Handwerkszirkel Dortmund eG" in german.data  # the order PDFs' cooperative too
    assert b"31,00 \x80" in german.data  # the euro sign in Windows-1252

    english = statement(notify, "2026.pdf", 3)
    assert b"Savings statement 2026" in english.data
    assert b"\x8057.80" in english.data


def test_the_cooperatives_dashboard(notify: Service, closed: None, admin: Headers) -> None:
    response = notify.client.get("/api/v1/savings/dashboard?year=2026", headers=admin)

    assert response.status_code == 200
    body = response.get_json()
    assert (body["saved"], body["members"]) == ("216.00", 4)
    months = {m["month"]: m["saved"] for m in body["months"]}
    assert (months[3], months[4]) == ("206.00", "10.00")
    suppliers = {s["supplier_id"]: s["saved"] for s in body["suppliers"]}
    assert suppliers == {1: "206.00", 2: "10.00"}
    trades = {t["trade"]: (t["saved"], t["members"]) for t in body["trades"]}
    assert trades == {
        "painter": ("98.80", 2),  # 31.00 + 10.00 + 57.80
        "mason": ("50.20", 1),
        "tiler": ("67.00", 1),
    }
    last_year = notify.client.get("/api/v1/savings/dashboard?year=2025", headers=admin).get_json()
    assert last_year["saved"] == "206.00"


def test_only_the_office_sees_the_dashboard(notify: Service, closed: None) -> None:
    response = notify.client.get("/api/v1/savings/dashboard", headers=notify.token("member", 1))
    assert response.status_code == 403


@pytest.fixture
def invoiced(notify: Service, closed: None) -> None:
    """Member 1's window 1 invoiced 190.00 + 36.10, then credited whole and invoiced again
    at 200.00 + 38.00 after a corrected receipt; its window 2 invoiced 50.00 + 9.50."""
    react = reactions(notify)
    notify.deliver(react, invoice_issued(1, 1, "190.00", "36.10"))
    notify.deliver(react, invoice_issued(2, 2, "126.00", "23.94"))  # another member's
    notify.deliver(react, invoice_issued(5, 1, "190.00", "36.10", kind="credit_note"))
    notify.deliver(react, invoice_issued(6, 1, "200.00", "38.00"))
    notify.deliver(react, invoice_issued(7, 1, "50.00", "9.50", window_id=2))


def test_a_statement_shows_what_each_window_was_invoiced(notify: Service, invoiced: None) -> None:
    body = statement(notify, "2026").get_json()

    windows = {w["window_id"]: (w["invoiced_vat"], w["invoiced_gross"]) for w in body["windows"]}
    assert windows == {1: ("38.00", "238.00"), 2: ("9.50", "59.50")}  # credit note taken off
    assert (body["invoiced_vat"], body["invoiced_gross"]) == ("47.50", "297.50")
    months = {m["month"]: (m["invoiced_vat"], m["invoiced_gross"]) for m in body["months"]}
    assert months[3] == ("38.00", "238.00") and months[4] == ("9.50", "59.50")
    assert months[5] == ("0.00", "0.00")
    march = statement(notify, "2026/3").get_json()
    assert (march["invoiced_vat"], march["invoiced_gross"], march["saved"]) == (
        "38.00",
        "238.00",
        "31.00",
    )
    other = statement(notify, "2026", 2).get_json()
    assert (other["invoiced_vat"], other["invoiced_gross"]) == ("23.94", "149.94")


def test_the_statements_downloads_show_what_was_invoiced(notify: Service, invoiced: None) -> None:
    rows = statement(notify, "2026.csv").get_data(as_text=True).splitlines()
    assert rows[1] == "1;2026-03-12;259.00;228.00;31.00;38.00;238.00"
    assert rows[-3] == "total;;319.00;278.00;41.00;47.50;297.50"

    german = statement(notify, "2026.pdf").data
    assert b"berechnet brutto" in german and b"297,50 \x80" in german
    second = statement(notify, "2026.pdf", 2).data
    assert b"Ersparnisnachweis 2026" in second and b"149,94 \x80" in second
