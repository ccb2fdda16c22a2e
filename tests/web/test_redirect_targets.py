"""Where the pages send a browser after signing in or choosing the language: a path on
this site only (issue 15). Another host, a scheme or a target a browser would read as one
goes to the start page; a control character in the target is a 400 page, never a 500."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import PASSWORD, Site, csrf_token

EMAIL = "eins@maler.example"
HOME = "/"

# each would take a browser to another host (or run script) if sent as Location
FOREIGN = [
    "//evil.example",
    "//evil.example/needs",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "https://evil.example/",
    "http:/evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "evil.example/needs",
    " //evil.example",
    "needs",
]
# control characters: a browser drops tab and newlines, so "/\t/x" would be "//x"
CONTROLLED = ["/\t/evil.example", "/\r\n/x", "/\n/x", "/\r/x", "/needs\x7f", "/\x1b/x", "/\x85/x"]


def sign_in_to(client: FlaskClient, target: str):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    data = {"email": EMAIL, "password": PASSWORD, "csrf_token": token}
    return client.post(f"/login?next={quote(target, safe='')}", data=data)


def choose_language(client: FlaskClient, target: str):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/language", data={"lang": "en", "next": target, "csrf_token": token})


GO = {"sign-in": sign_in_to, "language": choose_language}


def signed_in(client: FlaskClient) -> bool:
    return client.get("/needs").status_code == 200


@pytest.mark.parametrize("way", GO)
@pytest.mark.parametrize("target", FOREIGN)
def test_a_target_off_this_site_goes_to_the_start_page(site: Site, way: str, target: str) -> None:
    response = GO[way](site.client(), target)

    assert response.status_code == 302
    assert response.location == HOME
    assert not urlsplit(response.location).netloc


@pytest.mark.parametrize("way", GO)
@pytest.mark.parametrize("target", ["/needs", "/needs/new?sku=DISP-10L", "/pool#fortschritt"])
def test_a_path_on_this_site_is_followed(site: Site, way: str, target: str) -> None:
    response = GO[way](site.client(), target)

    assert response.status_code == 302
    assert response.location == target


def test_the_sign_in_page_s_own_query_is_percent_encoded_and_followed(site: Site) -> None:
    response = sign_in_to(site.client(), "/needs?note=%0D%0A")

    assert (response.status_code, response.location) == (302, "/needs?note=%0D%0A")


@pytest.mark.parametrize("way", GO)
@pytest.mark.parametrize("target", CONTROLLED)
def test_a_control_character_in_the_target_is_a_400_page(site: Site, way: str, target: str) -> None:
    client = site.client()
    response = GO[way](client, target)

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Ziel" in response.get_data(as_text=True)  # says what was wrong, in German
    assert "Location" not in response.headers
    assert not signed_in(client), "refused before anyone is signed in"


def test_a_refused_target_changes_no_language(site: Site) -> None:
    client = site.client()
    assert choose_language(client, "/\r\n/x").status_code == 400

    assert 'lang="de"' in client.get("/login").get_data(as_text=True)
