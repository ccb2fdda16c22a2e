"""Users the office deactivates: no sign-in, sessions over, calls made for them refused."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from catalog.adapters.orm import User
from shared.db import transaction
from tests.web.conftest import PASSWORD, Site, csrf_token, sign_in

EINS = "eins@maler.example"


@pytest.fixture
def office(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "admin@zirkel.example")
    return client


def user_id(site: Site, email: str) -> int:
    with transaction(site.runtime.sessions) as db:
        return db.scalar(select(User.id).where(User.email == email))


def post(client: FlaskClient, path: str, page: str, **fields: str) -> Any:
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **fields})


def tried(client: FlaskClient, email: str, password: str = PASSWORD) -> int:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    data = {"email": email, "password": password, "csrf_token": token}
    return client.post("/login", data=data).status_code


def deactivate(site: Site, office: FlaskClient, email: str, action: str = "deactivate") -> None:
    path = f"/admin/users/{user_id(site, email)}/{action}"
    assert post(office, path, "/admin/users").status_code == 302


def test_a_deactivated_user_cannot_sign_in_and_its_sessions_end(
    site: Site, office: FlaskClient, member: FlaskClient
) -> None:
    assert member.get("/needs").status_code == 200
    deactivate(site, office, EINS)
    assert member.get("/needs").status_code == 302  # signed out at once
    assert tried(site.client(), EINS) == 422  # the right password is refused like a wrong one
    page = office.get("/admin/users?status=inactive").get_data(as_text=True)
    eins, zwei = user_id(site, EINS), user_id(site, "zwei@maler.example")
    assert f'id="user-{eins}"' in page and f'id="user-{zwei}"' not in page
    assert "deaktiviert" in page
    deactivate(site, office, EINS, "reactivate")
    assert tried(site.client(), EINS) == 302


def test_a_deactivated_users_api_calls_are_refused(site: Site, office: FlaskClient) -> None:
    member_id = site.member_ids[0]
    tokens = site.catalog.extensions["zirkel.tokens"]
    token = tokens.issue("member", member_id, lifetime=60, by=EINS)
    headers = {"Authorization": f"Bearer {token}"}
    client = site.api()
    assert client.get(f"/api/v1/members/{member_id}", headers=headers).status_code == 200
    deactivate(site, office, EINS)
    refused = client.get(f"/api/v1/members/{member_id}", headers=headers)
    assert refused.status_code == 401
    firm_token = {"Authorization": f"Bearer {tokens.issue('member', member_id)}"}
    assert client.get(f"/api/v1/members/{member_id}", headers=firm_token).status_code == 200


def test_the_office_cannot_lock_itself_out(site: Site, office: FlaskClient) -> None:
    post(office, f"/admin/users/{user_id(site, 'admin@zirkel.example')}/deactivate", "/admin/users")
    assert office.get("/admin/users").status_code == 200


def test_only_the_office_deactivates(site: Site, member: FlaskClient) -> None:
    path = f"/admin/users/{user_id(site, 'zwei@maler.example')}/deactivate"
    assert post(member, path, "/needs").status_code == 403
