"""Sign-in rate limits per e-mail and address (the real user is never locked out), and
sessions that end at sign-out: an old cookie no longer works."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from flask.testing import FlaskClient

from catalog.service_layer import sign_in as limits
from shared.db import utcnow
from tests.web.conftest import PASSWORD, Site, csrf_token, sign_in, web_app

EMAIL = "eins@maler.example"


def attempt(client: FlaskClient, email: str = EMAIL, password: str = "falsch-falsch"):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def from_address(site: Site, address: str) -> FlaskClient:
    client = site.client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_after_five_failures_the_pair_waits_even_with_the_right_password(site: Site) -> None:
    attacker = from_address(site, "203.0.113.7")
    for _ in range(limits.PAIR_LIMIT):
        assert attempt(attacker).status_code == 422
    refused = attempt(attacker, password=PASSWORD)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "Zu viele fehlgeschlagene Anmeldungen" in refused.get_data(as_text=True)
    assert "_user_id" not in _cookie_session(site, attacker)


def test_the_real_user_signs_in_from_another_address_meanwhile(site: Site) -> None:
    attacker = from_address(site, "203.0.113.7")
    for _ in range(limits.PAIR_LIMIT + 2):
        attempt(attacker)
    owner = from_address(site, "198.51.100.4")
    assert attempt(owner, password=PASSWORD).status_code == 302
    assert owner.get("/needs").status_code == 200
    # and another e-mail from the attacker's address is still only counted, not refused
    assert attempt(attacker, email="zwei@maler.example", password=PASSWORD).status_code == 302


def test_one_address_trying_many_e_mails_is_refused_too(site: Site) -> None:
    sprayer = from_address(site, "192.0.2.9")
    for n in range(limits.ADDRESS_LIMIT):
        assert attempt(sprayer, email=f"raten{n}@maler.example").status_code == 422
    assert attempt(sprayer, email="zwei@maler.example", password=PASSWORD).status_code == 429
    assert attempt(
        from_address(site, "192.0.2.10"), "zwei@maler.example", PASSWORD
    ).status_code == (302)


def test_the_wait_ends_when_the_failures_leave_the_window(site: Site, monkeypatch) -> None:
    attacker = from_address(site, "203.0.113.7")
    for _ in range(limits.PAIR_LIMIT):
        attempt(attacker)
    assert attempt(attacker, password=PASSWORD).status_code == 429
    later = utcnow() + limits.WINDOW + timedelta(seconds=1)
    monkeypatch.setattr(limits, "utcnow", lambda: later)
    assert attempt(attacker, password=PASSWORD).status_code == 302


def test_a_success_forgets_the_failures_of_that_pair(site: Site) -> None:
    client = from_address(site, "198.51.100.4")
    for _ in range(limits.PAIR_LIMIT - 1):
        attempt(client)
    assert attempt(client, password=PASSWORD).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/needs").get_data(True))})
    for _ in range(limits.PAIR_LIMIT - 1):
        assert attempt(client).status_code == 422


def test_limits_are_shared_through_the_database(site: Site) -> None:
    """Two web processes (here: two web apps asking one catalog) count the same failures."""
    other = web_app(site.runtime.settings, site.catalog).test_client()
    other.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    attacker = from_address(site, "203.0.113.7")
    for n in range(limits.PAIR_LIMIT):
        attempt(attacker if n % 2 else other)
    assert attempt(attacker, password=PASSWORD).status_code == 429


def test_an_old_cookie_no_longer_works_after_sign_out(site: Site) -> None:
    client = site.client()
    sign_in(client, EMAIL)
    old_cookie = client.get_cookie("session").value
    assert client.get("/needs").status_code == 200
    token = csrf_token(client.get("/needs").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302

    replay = site.client()
    replay.set_cookie("session", old_cookie)
    response = replay.get("/needs")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_a_session_ends_after_its_lifetime_even_when_used(site: Site, monkeypatch) -> None:
    client = site.client()
    sign_in(client, EMAIL)
    later = utcnow() + limits.SESSION_LIFETIME + timedelta(minutes=1)
    monkeypatch.setattr(limits, "utcnow", lambda: later)
    assert client.get("/needs").status_code == 302


def test_signing_out_elsewhere_keeps_this_session(site: Site) -> None:
    here, there = site.client(), from_address(site, "203.0.113.7")
    sign_in(here, EMAIL)
    sign_in(there, EMAIL)
    token = csrf_token(there.get("/needs").get_data(as_text=True))
    there.post("/logout", data={"csrf_token": token})
    assert there.get("/needs").status_code == 302
    assert here.get("/needs").status_code == 200


def _cookie_session(site: Site, client: FlaskClient) -> dict:
    cookie = client.get_cookie("session")
    if cookie is None:
        return {}
    serializer = site.app.session_interface.get_signing_serializer(site.app)
    return serializer.loads(cookie.value)


def test_behind_a_trusted_proxy_the_forwarded_address_counts(site: Site) -> None:
    proxied = web_app(dataclasses.replace(site.runtime.settings, trusted_proxies=1), site.catalog)

    def via_proxy(client_address: str) -> FlaskClient:
        client = proxied.test_client()
        client.environ_base.update(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=client_address)
        return client

    attacker = via_proxy("203.0.113.7")
    for _ in range(limits.PAIR_LIMIT):
        attempt(attacker)
    assert attempt(attacker, password=PASSWORD).status_code == 429
    assert attempt(via_proxy("198.51.100.4"), password=PASSWORD).status_code == 302


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(site: Site) -> None:
    for n in range(limits.PAIR_LIMIT):
        client = from_address(site, "203.0.113.7")
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"198.51.100.{n}"
        attempt(client)
    client = from_address(site, "203.0.113.7")
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.99"
    assert attempt(client, password=PASSWORD).status_code == 429
