"""The pages ask catalog through its typed client: an outage is the "briefly unavailable"
page, a refusal its error page, and every call goes as the signed-in user."""

from __future__ import annotations

import dataclasses

import requests
from flask.testing import FlaskClient

from shared.auth import Principal
from shared.logging import correlation
from tests.web.conftest import Site, csrf_token, sign_in
from web.clients import EXTENSION, build_clients


def test_a_page_says_so_while_catalog_does_not_answer(site: Site) -> None:
    office = site.client()
    sign_in(office, "admin@zirkel.example")
    settings = site.app.extensions["zirkel.settings"]
    urls = settings.service_urls | {"catalog": "http://127.0.0.1:9"}
    away = dataclasses.replace(settings, service_urls=urls)
    tokens = site.app.extensions["zirkel.tokens"]
    site.app.extensions[EXTENSION] = build_clients(away, tokens, requests.Session())
    response = office.get("/admin/members")
    assert response.status_code == 503
    assert "Kurz nicht erreichbar" in response.get_data(as_text=True)


def test_a_need_catalog_does_not_know_is_a_404_page(member: FlaskClient) -> None:
    token = csrf_token(member.get("/needs").get_data(as_text=True))
    response = member.post("/needs/4711/cancel", data={"csrf_token": token})
    assert response.status_code == 404


def test_each_call_carries_a_short_lived_token_of_the_signed_in_user(
    site: Site, member: FlaskClient
) -> None:
    tokens = site.catalog.extensions["zirkel.tokens"]  # catalog reads what the pages send
    shown: list[tuple[Principal | None, float | None]] = []
    read = tokens._read

    def watching(token: str) -> tuple[Principal | None, float | None]:
        shown.append(read(token))
        return shown[-1]

    tokens._read = watching
    assert member.get("/needs").status_code == 200
    mine = [
        expires for who, expires in shown if who == Principal("member", 1, "eins@maler.example")
    ]
    assert mine and all(expires is not None for expires in mine)


def test_a_page_that_asks_catalog_in_process_leaves_no_correlation_id_behind(
    member: FlaskClient,
) -> None:
    """The page's request and the API request served inside it share ``g``; each resets
    the correlation id it set, so the thread's next lines carry none."""
    response = member.get("/needs/new", headers={"X-Correlation-ID": "page-1"})
    assert response.status_code == 200
    assert response.headers["X-Correlation-ID"] == "page-1"
    assert correlation.get() == ""
