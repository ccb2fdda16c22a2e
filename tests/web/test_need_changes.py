"""A member's needs: cancelling asks first on a page of its own (a plain link and a form,
no JavaScript), and an ordered need links to its order."""

from __future__ import annotations

from decimal import Decimal

from flask.testing import FlaskClient

from catalog.adapters.orm import Need
from shared.db import transaction
from tests.web.conftest import Site, csrf_token, sign_in
from tests.web.test_pages import needs_of, outbox_events, post_need


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


def outbox_types(site: Site) -> list[str]:
    return [e["event_type"] for e in outbox_events(site)]


def test_an_open_need_is_changed_until_the_cutoff(site: Site, member: FlaskClient) -> None:
    post_need(member, quantity="12", delivery_site="Hof")
    need_id = needs_of(site)[0].id
    assert f'href="/needs/{need_id}/edit"' in member.get("/needs").get_data(as_text=True)
    form = member.get(f"/needs/{need_id}/edit").get_data(as_text=True)
    assert f"Bedarf {need_id} ändern" in form and "Dispersionsfarbe 10 l" in form
    assert 'name="quantity" required type="text" value="12"' in form and 'value="Hof"' in form
    data = {"csrf_token": csrf_token(form), "quantity": "20,5", "up_to": "24"}
    data |= {"needed_by": "2026-12-18", "delivery_site": "Baustelle Nord", "note": ""}
    response = member.post(f"/needs/{need_id}/edit", data=data)
    assert response.status_code == 302
    need = needs_of(site)[0]
    assert (need.quantity, need.up_to, need.delivery_site) == (
        Decimal("20.5"),
        Decimal(24),
        "Baustelle Nord",
    )
    assert str(need.needed_by) == "2026-12-18" and need.status == "open"
    assert outbox_types(site)[-1] == "catalog.need.changed"
    assert f"Bedarf {need_id} geändert." in member.get("/needs").get_data(as_text=True)
    again = member.get(f"/needs/{need_id}/edit").get_data(as_text=True)
    assert 'value="20,5"' in again  # as a German types it


def test_a_change_is_refused_beside_its_field(site: Site, member: FlaskClient) -> None:
    post_need(member, quantity="12")
    need_id = needs_of(site)[0].id
    token = csrf_token(member.get(f"/needs/{need_id}/edit").get_data(as_text=True))
    response = member.post(
        f"/needs/{need_id}/edit", data={"csrf_token": token, "quantity": "12", "up_to": "5"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="up_to-error">Muss mindestens so groß wie die Menge sein.</p>' in page
    assert needs_of(site)[0].up_to is None
    assert "catalog.need.changed" not in outbox_types(site)


def test_only_an_open_need_of_ones_own_is_changed_on_the_page(
    site: Site, member: FlaskClient
) -> None:
    other = site.client()
    sign_in(other, "zwei@maler.example")
    post_need(other)
    others = needs_of(site)[0].id
    assert member.get(f"/needs/{others}/edit").status_code == 404
    post_need(member)
    mine = needs_of(site)[-1].id
    token = csrf_token(member.get("/needs").get_data(as_text=True))
    member.post(f"/needs/{mine}/cancel", data={"csrf_token": token})
    gone = member.get(f"/needs/{mine}/edit", follow_redirects=True).get_data(as_text=True)
    assert f"Bedarf {mine} ist nicht mehr offen." in gone
