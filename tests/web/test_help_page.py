"""The help page explains tiers, pack rounding, the depot, "alone (share)" and the savings
with a worked example, in German and English, to anyone; the pages using these words link
to it; every page names its icon."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import Site

SECTIONS = ("round", "tiers", "packs", "depot", "alone", "savings", "example")


def in_english(client: FlaskClient) -> FlaskClient:
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


def test_the_help_is_german_by_default_and_open_to_everyone(site: Site) -> None:
    page = site.client().get("/help").get_data(as_text=True)
    assert "So funktioniert der Pool" in page and 'lang="de"' in page
    for section in SECTIONS:
        assert f'id="{section}"' in page and f'href="#{section}"' in page, section
    for words in ("Staffelpreise", "Packungsrundung", "Das Depot", "Allein (anteilig)"):
        assert words in page, words
    assert "9 Kartons = 108 Kartuschen" in page and "255,00 €" in page
    assert "cartridge" not in page


def test_the_help_in_english(site: Site) -> None:
    page = in_english(site.client()).get("/help").get_data(as_text=True)
    assert "How the pool works" in page and 'lang="en"' in page
    assert "Pack rounding" in page and "Alone (share)" in page
    assert "9 boxes = 108 cartridges" in page and "€255.00" in page
    assert "Kartusche" not in page


@pytest.mark.parametrize(
    ("path", "topic"),
    [("/pool", "tiers"), ("/needs/new", "packs"), ("/savings", "savings"), ("/orders", "savings")],
)
def test_the_pages_using_the_words_link_to_their_section(
    member: FlaskClient, path: str, topic: str
) -> None:
    page = member.get(path).get_data(as_text=True)
    assert f'<a class="help-link" href="/help#{topic}">Was heißt das?</a>' in page, path


def test_every_page_has_the_icon_and_the_help_in_its_header(site: Site) -> None:
    page = site.client().get("/login").get_data(as_text=True)
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in page
    assert '<a href="/help">Hilfe</a>' in page
    icon = site.client().get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.data
    old_name = site.client().get("/favicon.ico")
    assert old_name.status_code == 301 and old_name.location.endswith("/static/favicon.svg")
