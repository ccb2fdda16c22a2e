"""The need form posts a need once: each rendering carries a hidden key, so a double click
or a browser sending the form again after a lost answer makes one need, and the member
sees that need either way."""

from __future__ import annotations

import html
import json
import re

from flask.testing import FlaskClient
from sqlalchemy import select

from catalog.adapters.orm import Need
from shared.db import transaction
from tests.web.conftest import Site, csrf_token

POST_KEY = re.compile(r'name="post_key" type="hidden" value="([^"]*)"')


def post_key(page: str) -> str:
    found = POST_KEY.search(page)
    assert found, "no post key on the form"
    return found.group(1)


def filled_form(client: FlaskClient, **fields: str) -> dict[str, str]:
    """The need form as the browser holds it once the member has filled it in."""
    page = client.get("/needs/new").get_data(as_text=True)
    data = {"sku": "DISP-10L", "quantity": "12", "note": "Halle 2"} | fields
    return data | {"csrf_token": csrf_token(page), "post_key": post_key(page)}


def stored_needs(site: Site) -> list[int]:
    with transaction(site.runtime.sessions) as db:
        return list(db.scalars(select(Need.id).order_by(Need.id)))


def posted_events(site: Site) -> int:
    table = site.runtime.tables["outbox"]
    with site.runtime.engine.connect() as db:
        bodies = [json.loads(body) for body in db.scalars(select(table.c.body))]
    return sum(b["event_type"] == "catalog.need.posted" for b in bodies)


def test_each_rendering_carries_its_own_key(member: FlaskClient) -> None:
    first = post_key(member.get("/needs/new").get_data(as_text=True))
    second = post_key(member.get("/needs/new").get_data(as_text=True))
    assert first != second
    assert re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", first)


def test_a_form_sent_twice_posts_one_need_and_shows_it(site: Site, member: FlaskClient) -> None:
    form = filled_form(member)
    first = member.post("/needs/new", data=form)
    again = member.post("/needs/new", data=form)  # a double click, or a resubmit
    assert first.status_code == again.status_code == 302
    assert again.location == first.location
    [need_id] = stored_needs(site)
    assert posted_events(site) == 1
    shown = member.get(again.location).get_data(as_text=True)
    assert f"Bedarf {need_id} gemeldet." in html.unescape(shown)


def test_a_form_changed_after_sending_is_not_taken_for_the_same_need(
    site: Site, member: FlaskClient
) -> None:
    form = filled_form(member)
    assert member.post("/needs/new", data=form).status_code == 302
    [need_id] = stored_needs(site)
    changed = member.post("/needs/new", data=form | {"quantity": "20"})
    assert changed.status_code == 422
    page = html.unescape(changed.get_data(as_text=True))
    assert f"Bedarf {need_id}" in page and "mit anderen Werten" in page
    assert stored_needs(site) == [need_id]
    renewed = post_key(page)
    assert renewed != form["post_key"]
    sent_again = member.post("/needs/new", data=form | {"quantity": "20", "post_key": renewed})
    assert sent_again.status_code == 302
    assert len(stored_needs(site)) == 2


def test_a_refused_form_keeps_its_key_and_posts_once_corrected(
    site: Site, member: FlaskClient
) -> None:
    form = filled_form(member)
    refused = member.post("/needs/new", data=form | {"quantity": "0"})
    assert refused.status_code == 422
    assert post_key(refused.get_data(as_text=True)) == form["post_key"]
    assert member.post("/needs/new", data=form).status_code == 302
    assert member.post("/needs/new", data=form).status_code == 302
    assert len(stored_needs(site)) == 1


def test_a_mangled_key_is_refused_and_renewed(site: Site, member: FlaskClient) -> None:
    form = filled_form(member)
    refused = member.post("/needs/new", data=form | {"post_key": "not-a-key"})
    assert refused.status_code == 422
    page = html.unescape(refused.get_data(as_text=True))
    assert "nicht mehr aktuell" in page
    assert post_key(page) != "not-a-key"
    assert stored_needs(site) == []


def test_the_csrf_token_is_still_required(site: Site, member: FlaskClient) -> None:
    form = filled_form(member)
    del form["csrf_token"]
    assert member.post("/needs/new", data=form).status_code == 400
    assert stored_needs(site) == []


def test_two_members_forms_never_share_a_need(site: Site, member: FlaskClient) -> None:
    from tests.web.conftest import sign_in

    other = site.client()
    sign_in(other, "zwei@maler.example")
    form = filled_form(member)
    assert member.post("/needs/new", data=form).status_code == 302
    theirs = filled_form(other) | {"post_key": form["post_key"]}
    assert other.post("/needs/new", data=theirs).status_code == 302
    assert len(stored_needs(site)) == 2


def test_the_form_offers_up_to_and_refuses_less_than_the_quantity(
    site: Site, member: FlaskClient
) -> None:
    page = member.get("/needs/new").get_data(as_text=True)
    assert 'name="up_to"' in page and "Bis zu (flexibel)" in page
    refused = member.post("/needs/new", data=filled_form(member, quantity="30", up_to="20"))
    assert refused.status_code == 422
    assert "Muss mindestens so groß wie die Menge sein." in html.unescape(
        refused.get_data(as_text=True)
    )
    assert stored_needs(site) == []
    posted = member.post("/needs/new", data=filled_form(member, quantity="30", up_to="36"))
    assert posted.status_code == 302
    with transaction(site.runtime.sessions) as db:
        (need,) = db.scalars(select(Need))
        assert (need.quantity, need.up_to) == (30, 36)
