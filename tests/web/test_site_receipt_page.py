"""A member books what arrived at its own site on the phone page, with pooling's real API
app behind it: the worked example confirmed, m1's 6 DISP-10L at its own address."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.api.conftest import Service
from tests.web.conftest import Site, csrf_token, sign_in
from tests.web.test_receipt_pages import confirmed
from tests.web.test_supplier_portal import pooling

__all__ = ["confirmed", "pooling"]  # the fixtures, used by name


def test_a_member_books_its_site_on_the_page(
    member: FlaskClient, pooling: Service, confirmed: int
) -> None:
    detail = member.get(f"/orders/{confirmed}").get_data(as_text=True)
    assert "Buchen, was bei Firmensitz angekommen ist" in detail
    url = f"/orders/{confirmed}/site-receipt?site=Firmensitz"
    page = member.get(url).get_data(as_text=True)
    assert "Ihr Bedarf hier: 6" in page and 'value="6"' in page
    assert "SIL-300" not in page  # m1 has no SIL-300 there

    form = {
        "csrf_token": csrf_token(page),
        "lines-0-sku": "DISP-10L",
        "lines-0-received_quantity": "abc",
        "correcting": "0",
        "action": "book",
    }
    refused = member.post(url, data=form)
    assert refused.status_code == 422
    booked = member.post(url, data=form | {"lines-0-received_quantity": "5"})

    assert booked.status_code == 302
    parts = pooling.client.get(
        f"/api/v1/orders/{confirmed}/site-receipts", headers=pooling.token("admin")
    ).get_json()
    assert parts == [
        {
            "member_id": 1,
            "delivery_site": "Firmensitz",
            "lines": [{"sku": "DISP-10L", "received_quantity": "5"}],
        }
    ]
    again = member.get(url).get_data(as_text=True)
    assert "Gebucht" in again and "DISP-10L: 5" in again
    assert member.get(f"/orders/{confirmed}/site-receipt?site=Baustelle").status_code == 404


def test_the_distribution_list_for_the_office_and_the_member(
    site: Site, member: FlaskClient, pooling: Service, confirmed: int
) -> None:
    office = site.client()
    sign_in(office, "admin@zirkel.example")
    whole = office.get(f"/admin/orders/{confirmed}/distribution").get_data(as_text=True)
    assert "Verteilliste der Bestellung" in whole
    assert "Maler Eins" in whole and "im Lager" in whole
    assert "geliefert an Firmensitz (Mitglied 1)" in whole
    assert "6 Gebinde SIL-300 (72" in whole and "an Lager Handwerkszirkel Dortmund eG" in whole

    own = member.get(f"/orders/{confirmed}/distribution").get_data(as_text=True)
    assert "geliefert an Firmensitz (Mitglied 1)" in own
    assert "SIL-300" not in own and "Lieferadressen" not in own
    assert "Wo Sie Ihre Ware abholen" in member.get(f"/orders/{confirmed}").get_data(as_text=True)
