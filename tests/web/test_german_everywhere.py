"""Every page of every role, in German and in English: a German page shows no English.

The member, a supplier's desk and the office walk every GET page of the page blueprints
(the JSON API, static files and downloads left out), with pooling's real API behind the
pages and a closed pool so that orders exist. A German page fails when its visible text
holds a msgid of catalog's catalogue whose German differs from it, or an English word
that only English UI text uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.api.conftest import Service
from tests.web.conftest import Site, csrf_token, sign_in
from tests.web.test_supplier_portal import (  # noqa: F401
    A_DESK,
    B_DESK,
    order_id,
    pooling,
)

PO = Path(__file__).resolve().parents[2] / (
    "services/web/web/translations/de/LC_MESSAGES/messages.po"
)
PAGE_BLUEPRINTS_LEFT_OUT = {"static"}
DOWNLOADS = re.compile(r"\.(csv|pdf|xml|json)$|/attachments/|/html$|/logout$")
# Words English UI text uses and German text does not (data such as names is removed
# first); each is matched as a whole word, case-sensitively.
TELLTALE = (
    "the", "The", "your", "Your", "with", "and", "for", "from", "been", "has", "have",
    "this", "This", "which", "please", "Please", "should", "cannot", "could", "there",
    "were", "would", "does", "Save", "Cancel", "Back", "Search", "Sign", "Order", "Orders",
    "Supplier", "Suppliers", "Members", "Member", "Need", "Needs", "Price", "Quantity",
    "Total", "Savings", "Delivery", "Invoice", "Invoices", "Settings", "unavailable",
    "Change", "Remove", "Confirm", "Reject", "Open", "Closed", "Next", "Previous", "None",
    "yes", "Yes", "No", "Date", "Amount", "Pending", "Sent", "Failed", "Role",
    "admin", "member", "supplier", "Filter", "Show", "Download", "Product", "Products",
)  # fmt: skip
WORD = re.compile(r"[A-Za-zÄÖÜäöüß_]+")
# a name for machines, shown as it is: a queue (notify.member-directory.dead), a setting
IDENTIFIER = re.compile(r"[a-z0-9_]+([.-][a-z0-9_]+)+")


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes outside scripts and styles, labels
    in attributes, the caption of buttons; never what is typed into a field."""

    SKIPPED = {"script", "style", "textarea", "title"}
    SPOKEN = ("aria-label", "title", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self.actions: list[str] = []  # where the page's forms post to
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self.actions.append(attributes.get("action") or "")
        if tag in self.SKIPPED:
            self.skipping += 1
        self.pieces += [attributes[a] or "" for a in self.SPOKEN if attributes.get(a)]
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.pieces.append(attributes.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.pieces.append(data)


def visible_pieces(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return [" ".join(piece.split()) for piece in parser.pieces if piece.strip()]


def form_actions(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.actions


def english_msgids() -> list[re.Pattern[str]]:
    """Each msgid whose German differs from it, as a pattern for one whole text piece
    (a placeholder stands for any text)."""
    with PO.open("rb") as po:
        catalog = read_po(po)
    patterns = []
    for message in catalog:
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        german = message.string if isinstance(message.string, str) else message.string[0]
        if not msgid or not german or german == msgid or not WORD.search(msgid):
            continue
        parts = re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", " ".join(msgid.split()))
        patterns.append(re.compile(".+".join(re.escape(p) for p in parts)))
    return patterns


def english_in(pieces: list[str], msgids: list[re.Pattern[str]], data: list[str]) -> list[str]:
    found = []
    for piece in pieces:
        if piece in data or IDENTIFIER.fullmatch(piece.strip()):
            continue
        text = piece
        for value in data:
            text = text.replace(value, "•")
        if any(msgid.fullmatch(text) for msgid in msgids):
            found.append(piece)
            continue
        if set(WORD.findall(text)) & set(TELLTALE):
            found.append(piece)
    return found


def test_the_piece_finder_finds_english_and_passes_german() -> None:
    msgids = english_msgids()
    html = (
        '<p>Post a need</p><button aria-label="Close the menu">x</button>'
        '<input type="text" value="the paint"><script>var the = 1;</script>'
        "<p>Bedarf melden</p><td>Supplier A</td>"
    )
    found = english_in(visible_pieces(html), msgids, ["Supplier A"])
    assert found == ["Post a need", "Close the menu"]


def page_rules(app: Flask) -> Iterator[Rule]:
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        if "GET" not in (rule.methods or ()) or rule.rule.startswith("/api/"):
            continue
        if blueprint in PAGE_BLUEPRINTS_LEFT_OUT or not blueprint or DOWNLOADS.search(rule.rule):
            continue
        yield rule


def address(rule: Rule, values: dict[str, object]) -> str | None:
    if any(argument not in values for argument in rule.arguments):
        return None
    path = rule.rule
    for argument in rule.arguments:
        path = re.sub(rf"<(?:[^<>:]+:)?{argument}>", str(values[argument]), path)
    return path


POOLING = "127.0.0.1:9"


@pytest.fixture
def service_urls() -> dict[str, str]:
    """Pooling answers (through its test client); notify and billing are away."""
    away = "http://127.0.0.1:8"
    return {"ZIRKEL_NOTIFY_URL": away, "ZIRKEL_BILLING_URL": away}


@pytest.fixture
def only_pooling(pooling: Service) -> None:  # noqa: F811
    """Calls to pooling reach its app (the fixture serves it); the others find no one."""


@pytest.fixture
def walkers(site: Site, only_pooling: None) -> dict[str, FlaskClient]:
    clients = {}
    for role, email in (("member", "eins@maler.example"), ("supplier", A_DESK)):
        clients[role] = site.client()
        sign_in(clients[role], email)
    clients["office"] = site.client()
    sign_in(clients["office"], "admin@zirkel.example")
    return clients


@pytest.fixture
def values(site: Site, pooling: Service) -> dict[str, object]:  # noqa: F811
    """What the routes' ids are filled with: the member's need, the closed pool's order,
    this year and month, the product; a token no one was sent."""
    token = site.app.extensions["zirkel.tokens"].issue("member", site.member_ids[0])
    posted = site.api().post(
        "/api/v1/needs",
        json={"sku": "DISP-10L", "quantity": "7"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert posted.status_code == 201, posted.get_json()
    need_id = posted.get_json()["id"]
    today = date.today()
    return {
        "need_id": need_id,
        "order_id": order_id(pooling),
        "year": today.year,
        "month": today.month,
        "sku": "DISP-10L",
        "member_id": site.member_ids[0],
        "supplier_id": 1,
        "product_id": 1,
        "token": "kein-gueltiger-link",
        "window_id": 1,
        "invoice_id": 1,
        "queue": "pooling.orders",
        "message_id": "1",
        "name": "1",
    }


DATA = ["Maler Eins", "Maler Zwei", "Supplier A", "Supplier B", "Dispersionsfarbe 10 l"]
DATA += ["DISP-10L", "SIL-300", "eins@maler.example", "admin@zirkel.example", A_DESK, "Zirkel"]
DATA += [B_DESK, "Isle of Man"]


def walk(client: FlaskClient, app: Flask, values: dict[str, object]) -> dict[str, str]:
    """Each page this client is shown (also one saying a service is away, a link has
    expired or the page is not the client's), by its address; none fails."""
    pages = {}
    for rule in page_rules(app):
        path = address(rule, values)
        if path is None:
            continue
        response = client.get(path)
        assert response.status_code != 500, (path, response.get_data(as_text=True)[-2000:])
        if not 300 <= response.status_code < 400 and response.mimetype == "text/html":
            pages[path] = response.get_data(as_text=True)
    return pages


NOT_SENT = re.compile(r"^/(logout|language)|/(remove|cancel|delete|close|confirm|reject)$")


def sent_empty(client: FlaskClient, pages: dict[str, str]) -> dict[str, str]:
    """Each form of the pages sent empty (its CSRF token alone), by its address: the
    answer that refuses it, in German. Forms that end or remove something are not sent."""
    answers = {}
    actions = {a or path for path, html in pages.items() for a in form_actions(html)}
    token = csrf_token(pages["/help"])
    for action in sorted(a for a in actions if a.startswith("/") and not NOT_SENT.search(a)):
        response = client.post(action, data={"csrf_token": token})
        assert response.status_code != 500, (action, response.get_data(as_text=True)[-2000:])
        if not 300 <= response.status_code < 400 and response.mimetype == "text/html":
            answers[action] = response.get_data(as_text=True)
    return answers


@pytest.mark.parametrize("role", ["member", "supplier", "office"])
def test_every_page_is_german_and_also_english(
    site: Site, walkers: dict[str, FlaskClient], values: dict[str, object], role: str
) -> None:
    client = walkers[role]
    german = walk(client, site.app, values)
    assert len(german) >= {"member": 15, "supplier": 4, "office": 25}[role], sorted(german)
    msgids = english_msgids()
    english = {
        path: english_in(visible_pieces(html), msgids, DATA) for path, html in german.items()
    }
    assert {path: found for path, found in english.items() if found} == {}
    refusals = sent_empty(client, german)
    english = {
        path: english_in(visible_pieces(html), msgids, DATA) for path, html in refusals.items()
    }
    assert {path: found for path, found in english.items() if found} == {}
    with client.session_transaction() as session:
        session["lang"] = "en"
    in_english = walk(client, site.app, values)
    assert in_english.keys() == german.keys()
    assert all('<html lang="en">' in html for html in in_english.values())
