"""The office's receipt and depot pages through Flask's test client, with pooling's real
API app behind them (in this process, as in test_supplier_portal): the worked example
confirmed, then received short on the page (12 DISP-10L, 72 SIL-300)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Service
from tests.web.conftest import Site, csrf_token, sign_in
from tests.web.test_supplier_portal import A_DESK, order_id, order_status, pooling

__all__ = ["pooling"]  # the fixture, used by name

SIL_STOCK = "#lot-SIL-300-"


@pytest.fixture
def confirmed(pooling: Service) -> int:
    """The worked example's order, confirmed by supplier A (pooling is behind the pages)."""
    oid = order_id(pooling)
    answer = pooling.client.post(
        f"/api/v1/orders/{oid}/confirm",
        json={"expected_delivery": "2030-03-14"},
        headers=pooling.token("supplier", 1),
    )
    assert answer.status_code == 200, answer.get_json()
    return oid


@pytest.fixture
def office(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "admin@zirkel.example")
    return client


def receipt_form(page: str, disp: str, sil: str, action: str, **more: str) -> dict[str, str]:
    return {
        "csrf_token": csrf_token(page),
        "lines-0-sku": "DISP-10L",
        "lines-0-received_quantity": disp,
        "lines-1-sku": "SIL-300",
        "lines-1-received_quantity": sil,
        "action": action,
        "correcting": "1" if 'name="correcting" type="hidden" value="1"' in page else "0",
    } | more


def submit(office: FlaskClient, oid: int, disp: str, sil: str, action: str, **more: str) -> Any:
    url = f"/admin/orders/{oid}/receipt"
    page = office.get(url).get_data(as_text=True)
    return office.post(url, data=receipt_form(page, disp, sil, action, **more))


def test_the_page_prefills_the_ordered_quantities(office: FlaskClient, confirmed: int) -> None:
    response = office.get(f"/admin/orders/{confirmed}/receipt")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="lines-0-received_quantity" type="text" value="14"' in page
    assert 'name="lines-1-received_quantity" type="text" value="72"' in page
    assert "Buchen" in page and "Aufteilung zeigen" in page
    assert 'name="viewport"' in page


def test_the_split_is_shown_before_booking_and_nothing_is_booked(
    office: FlaskClient, pooling: Service, confirmed: int
) -> None:
    response = submit(office, confirmed, "12", "72", "preview")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="preview"' in page
    assert "190,00\xa0€" in page and "58,80\xa0€" in page  # m1 and m4 pay
    assert "33,60\xa0€" in page  # the depot's 8 SIL-300
    assert '<strong id="preview-total">758,40\xa0€</strong>' in page
    assert 'value="12"' in page  # the typed quantities stay in the form
    assert order_status(pooling)["status"] == "confirmed"


def test_booking_a_short_receipt_and_correcting_it(
    office: FlaskClient, pooling: Service, confirmed: int
) -> None:
    booked = submit(office, confirmed, "12", "72", "book")

    assert booked.status_code == 302
    order = order_status(pooling)
    assert order["status"] == "received" and order["total"] == "758.40"
    page = office.get(booked.location).get_data(as_text=True)
    assert 'id="booking-0"' in page and "Korrektur" not in page.split('id="booked-title"')[1][:400]
    assert 'name="lines-0-received_quantity" type="text" value="12"' in page

    corrected = submit(office, confirmed, "13", "72", "book")

    assert corrected.status_code == 302
    page = office.get(corrected.location).get_data(as_text=True)
    assert 'id="booking-0"' in page and 'id="booking-1"' in page
    assert "Korrektur 1" in page and "DISP-10L 13" in page
    assert order_status(pooling)["lines"][0]["received_quantity"] == "13"


def test_bad_quantities_are_refused_beside_their_line(
    office: FlaskClient, pooling: Service, confirmed: int
) -> None:
    for disp, sil, error in (
        ("-1", "72", "lines-0-received_quantity-error"),
        ("12", "7.0001", "lines-1-received_quantity-error"),
        ("", "72", "lines-0-received_quantity-error"),
        ("15", "72", "lines-0-received_quantity-error"),  # more than the 14 ordered
    ):
        response = submit(office, confirmed, disp, sil, "book")

        assert response.status_code == 422, (disp, sil)
        page = response.get_data(as_text=True)
        assert f'id="{error}"' in page, (disp, sil)
        assert 'role="alert"' in page
    assert order_status(pooling)["status"] == "confirmed"


def test_an_over_delivery_the_office_takes_in_goes_to_the_depot(
    office: FlaskClient, pooling: Service, confirmed: int
) -> None:
    booked = submit(office, confirmed, "15", "72", "book", **{"lines-0-extra_to_depot": "y"})

    assert booked.status_code == 302
    depot = office.get("/admin/depot").get_data(as_text=True)
    assert 'id="lot-DISP-10L-' in depot and 'id="lot-SIL-300-' in depot


def test_a_second_clerk_booking_the_same_receipt_gets_409(
    office: FlaskClient, site: Site, pooling: Service, confirmed: int
) -> None:
    url = f"/admin/orders/{confirmed}/receipt"
    other = site.client()
    sign_in(other, "admin@zirkel.example")
    seen = other.get(url).get_data(as_text=True)
    assert submit(office, confirmed, "12", "72", "book").status_code == 302

    late = other.post(url, data=receipt_form(seen, "14", "72", "book"))

    assert late.status_code == 409  # not taken as a correction of a receipt it never saw
    assert "inzwischen gebucht" in late.get_data(as_text=True)
    assert order_status(pooling)["lines"][0]["received_quantity"] == "12"
    bookings = f"/api/v1/orders/{confirmed}/receipts"
    assert len(pooling.client.get(bookings, headers=pooling.token("admin")).get_json()) == 1


def test_the_depot_page_shows_stock_value_and_movements_and_writes_off(
    office: FlaskClient, confirmed: int
) -> None:
    assert submit(office, confirmed, "12", "72", "book").status_code == 302
    page = office.get("/admin/depot").get_data(as_text=True)
    assert '<strong id="depot-value">33,60\xa0€</strong>' in page
    assert "Packungsüberschuss" in page and "4,20\xa0€" in page

    token = csrf_token(page)
    lot = f"SIL-300:{confirmed}"
    empty = office.post("/admin/depot/write-offs", data={"csrf_token": token, "lot": lot})
    too_much = office.post(
        "/admin/depot/write-offs",
        data={"csrf_token": token, "lot": lot, "quantity": "9", "reason": "Bruch"},
    )
    done = office.post(
        "/admin/depot/write-offs",
        data={"csrf_token": token, "lot": lot, "quantity": "2", "reason": "Bruch im Lager"},
    )

    assert empty.status_code == 422
    assert 'id="reason-error"' in empty.get_data(as_text=True)
    assert 'id="quantity-error"' in empty.get_data(as_text=True)
    assert too_much.status_code == 422
    assert "nur noch 8 übrig" in too_much.get_data(as_text=True)
    assert done.status_code == 302
    page = office.get("/admin/depot").get_data(as_text=True)
    assert '<strong id="depot-value">25,20\xa0€</strong>' in page
    assert "Abgeschrieben" in page and "Bruch im Lager" in page


def test_a_correction_taking_back_stock_that_left_the_depot_is_refused_beside_its_line(
    office: FlaskClient, pooling: Service, confirmed: int
) -> None:
    assert submit(office, confirmed, "12", "72", "book").status_code == 302
    page = office.get("/admin/depot").get_data(as_text=True)
    write_off = {"lot": f"SIL-300:{confirmed}", "quantity": "8", "reason": "Bruch"}
    done = office.post("/admin/depot/write-offs", data=write_off | {"csrf_token": csrf_token(page)})
    assert done.status_code == 302

    refused = submit(office, confirmed, "12", "64", "book")

    assert refused.status_code == 422
    shown = refused.get_data(as_text=True)
    error = shown.split('id="lines-1-received_quantity-error">')[1].split("</p>")[0]
    assert "Pooling hat diese Menge abgelehnt" in error and "SIL-300" in error
    assert order_status(pooling)["lines"][1]["received_quantity"] == "72"


def test_forms_without_the_csrf_token_are_refused(office: FlaskClient, confirmed: int) -> None:
    page = office.get(f"/admin/orders/{confirmed}/receipt").get_data(as_text=True)
    data = receipt_form(page, "12", "72", "book")
    del data["csrf_token"]

    assert office.post(f"/admin/orders/{confirmed}/receipt", data=data).status_code == 400
    write_off = {"lot": f"SIL-300:{confirmed}", "quantity": "1", "reason": "x"}
    assert office.post("/admin/depot/write-offs", data=write_off).status_code == 400


@pytest.mark.parametrize("who", ["eins@maler.example", A_DESK, None])
def test_only_the_office_reaches_the_pages(
    site: Site, pooling: Service, confirmed: int, who: str | None
) -> None:
    client = site.client()
    if who:
        sign_in(client, who)
    refused = 403 if who else 302  # the anonymous are sent to sign in
    receipt = f"/admin/orders/{confirmed}/receipt"
    for path in ("/admin/orders", receipt, "/admin/depot"):
        response = client.get(path)
        assert response.status_code == refused, path
        assert who or urlsplit(response.location).path == "/login"
    page = client.get("/login").get_data(as_text=True)  # a valid CSRF token of the session
    posted = client.post(receipt, data=receipt_form(page, "12", "72", "book"))
    write_off = {"csrf_token": csrf_token(page), "lot": f"SIL-300:{confirmed}", "quantity": "1"}
    written = client.post("/admin/depot/write-offs", data=write_off | {"reason": "weg"})

    assert (posted.status_code, written.status_code) == (refused, refused)
    assert order_status(pooling)["status"] == "confirmed"


def test_the_office_order_list_links_each_receipt(office: FlaskClient, confirmed: int) -> None:
    page = office.get("/admin/orders").get_data(as_text=True)

    assert f'href="/admin/orders/{confirmed}/receipt"' in page and "Wareneingang buchen" in page
