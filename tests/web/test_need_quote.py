"""The need form shows the chosen product's packs, tiers and pooled price, and what the
need being written would change, before it is posted (without JavaScript: a second
button). Pooling's ``/pools/current/quote`` is faked by its answers."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import Site, csrf_token
from tests.web.test_pages import needs_of

A, B = 1, 2


def offer(supplier_id: int, tiers: list, now: str, after: str | None, goods: str | None) -> dict:
    progress = {"supplier_id": supplier_id, "ordered_quantity": "14", "next_tier": None}
    return {
        "supplier_id": supplier_id,
        "pack_size": "1",
        "tiers": [{"min_quantity": q, "unit_price": p} for q, p in tiers],
        "now": progress | {"unit_price": now},
        "with_need": None if after is None else progress | {"unit_price": after},
        "goods": goods,
    }


class FakeQuote:
    def __init__(self) -> None:
        self.status = 200
        self.asked: list[dict[str, list[str]]] = []

    def __call__(self, service: str, path: str, role: str, subject_id: int | None) -> Any:
        assert (service, urlsplit(path).path, role) == ("pooling", "/pools/current/quote", "member")
        query = parse_qs(urlsplit(path).query)
        self.asked.append(query)
        if self.status != 200:
            return None if self.status >= 500 else (self.status, {"error": "x"})
        quantity = query.get("quantity", [None])[0]
        at_a = [("0", "42.00"), ("10", "38.00"), ("25", "34.50")]
        at_b = [("0", "40.00"), ("20", "37.00")]
        offers = [
            offer(A, at_a, "38.00", quantity and "38.00", quantity and "228.00"),
            offer(B, at_b, "40.00", quantity and "37.00", quantity and "222.00"),
        ]
        body = {"sku": query["sku"][0], "pooled": "14", "depot_quantity": "0"}
        return 200, body | {"quantity": quantity, "offers": offers}


@pytest.fixture
def pooling(monkeypatch: pytest.MonkeyPatch) -> FakeQuote:
    fake = FakeQuote()
    monkeypatch.setattr("web.pages.need_quote.fetch_answer", fake)
    names = {A: "Farben Nord", B: "Baustoff Süd"}
    monkeypatch.setattr("web.pages.need_quote.supplier_names", lambda: names)
    return fake


def preview(client: FlaskClient, **fields: str):
    token = csrf_token(client.get("/needs/new").get_data(as_text=True))
    return client.post("/needs/new", data={"csrf_token": token, "preview": "1"} | fields)


def test_a_chosen_product_shows_packs_tiers_and_the_pooled_price(
    member: FlaskClient, pooling: FakeQuote
) -> None:
    page = member.get("/needs/new?sku=DISP-10L").get_data(as_text=True)
    assert "Dispersionsfarbe 10 l im Pool" in page and "Jetzt 14\xa0Eimer im Pool." in page
    assert "Farben Nord</strong>:" in page and "jetzt 38,00\xa0€ je Eimer" in page
    assert "Gebinde: 1\xa0Eimer" in page and "ab 25: 34,50\xa0€" in page
    assert "wählen Sie „Preise zeigen“" in page
    assert pooling.asked == [{"sku": ["DISP-10L"]}]
    assert "im Pool" not in member.get("/needs/new").get_data(as_text=True)  # none chosen


def test_show_prices_says_what_the_need_changes_and_posts_nothing(
    site: Site, member: FlaskClient, pooling: FakeQuote
) -> None:
    response = preview(member, sku="Dispersionsfarbe 10 l", quantity="6,5")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and needs_of(site) == []
    assert pooling.asked[-1] == {"sku": ["DISP-10L"], "quantity": ["6.5"]}
    assert "Mit Ihrem Bedarf (6,5\xa0Eimer): 37,00\xa0€ je Eimer, Ihre Ware 222,00\xa0€." in page
    assert page.count("Ihr Bedarf senkt den Preis für alle (bisher 40,00\xa0€).") == 1  # at B
    assert 'value="6,5"' in page  # the form keeps what was typed


def test_a_quantity_no_need_may_have_asks_for_the_prices_now(
    member: FlaskClient, pooling: FakeQuote
) -> None:
    for typed in ("0", "abc", "1,0001", "-3"):
        preview(member, sku="DISP-10L", quantity=typed)
        assert pooling.asked[-1] == {"sku": ["DISP-10L"]}, typed


def test_no_offer_or_no_pooling_is_said(member: FlaskClient, pooling: FakeQuote) -> None:
    pooling.status = 404
    page = preview(member, sku="DISP-10L", quantity="3").get_data(as_text=True)
    assert "Noch kein Lieferant bietet dieses Produkt an." in page
    pooling.status = 503
    page = preview(member, sku="DISP-10L", quantity="3").get_data(as_text=True)
    assert "Die Preise können gerade nicht angezeigt werden." in page


def test_posting_still_posts(site: Site, member: FlaskClient, pooling: FakeQuote) -> None:
    token = csrf_token(member.get("/needs/new").get_data(as_text=True))
    answer = member.post(
        "/needs/new", data={"csrf_token": token, "sku": "DISP-10L", "quantity": "6"}
    )
    assert answer.status_code == 302 and len(needs_of(site)) == 1


def test_the_quote_follows_the_typing(site: Site, member: FlaskClient, pooling: FakeQuote) -> None:
    form = member.get("/needs/new").get_data(as_text=True)
    assert 'data-quote-url="/needs/quote"' in form and "need_quote.js" in form
    answer = member.get("/needs/quote?sku=Dispersionsfarbe+10+l&quantity=6")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    html = answer.get_json()["html"]
    assert "Mit Ihrem Bedarf (6\xa0Eimer): 37,00\xa0€ je Eimer, Ihre Ware 222,00\xa0€." in html
    assert "<html" not in html and needs_of(site) == []
    assert member.get("/needs/quote?sku=disp&quantity=6").get_json()["html"].strip() == ""
    assert site.client().get("/needs/quote?sku=DISP-10L").status_code == 302  # sign in first
