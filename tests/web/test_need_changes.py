"""A member's needs: cancelling asks first on a page of its own (a plain link and a form,
no JavaScript), and an ordered need links to its order."""

from __future__ import annotations

from flask.testing import FlaskClient

from catalog.adapters.orm import Need
from shared.db import transaction
from tests.web.conftest import Site, csrf_token, sign_in
from tests.web.test_pages import needs_of, post_need


def test_cancelling_asks_first(site: Site, member: FlaskClient) -> None:
    post_need(member, quantity="12", delivery_site="Baustelle Hohe Straße 5")
    need_id = needs_of(site)[0].id
    listed = member.get("/needs").get_data(as_text=True)
    assert f'href="/needs/{need_id}/cancel"' in listed
    assert f'action="/needs/{need_id}/cancel"' not in listed  # one click cancels nothing
    asked = member.get(f"/needs/{need_id}/cancel")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and needs_of(site)[0].status == "open"
    assert f"Bedarf {need_id} stornieren?" in page
    assert "Dispersionsfarbe 10 l" in page and "12\xa0Eimer" in page
    assert "Baustelle Hohe Straße 5" in page
    assert f'action="/needs/{need_id}/cancel"' in page and 'href="/needs">Nein, behalten' in page
    response = member.post(f"/needs/{need_id}/cancel", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302 and needs_of(site)[0].status == "cancel_requested"
    again = member.get(f"/needs/{need_id}/cancel", follow_redirects=True)
    assert f"Bedarf {need_id} ist nicht mehr offen." in again.get_data(as_text=True)


def test_another_members_need_has_no_cancel_page(site: Site, member: FlaskClient) -> None:
    other = site.client()
    sign_in(other, "zwei@maler.example")
    post_need(other)
    need_id = needs_of(site)[0].id
    assert member.get(f"/needs/{need_id}/cancel").status_code == 404
    assert member.get("/needs/4711/cancel").status_code == 404
    assert site.client().get(f"/needs/{need_id}/cancel").status_code == 302  # sign in first


def test_an_ordered_need_links_to_its_order(site: Site, member: FlaskClient) -> None:
    post_need(member)
    need_id = needs_of(site)[0].id
    with transaction(site.runtime.sessions) as db:
        need = db.get(Need, need_id)
        need.status, need.order_id = "ordered", 42
    page = member.get("/needs").get_data(as_text=True)
    assert '<a href="/orders/42">Bestellung 42</a>' in page
    assert f'href="/needs/{need_id}/cancel"' not in page
