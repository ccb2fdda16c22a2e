"""The pool page as the members' shop window: product and supplier names, the member's
own products first, what the next tier and free shipping would take, the cutoff with day
and time, the savings so far, and the part the page refreshes while open.

Pooling is faked by its answers (``/pools/current`` and ``/pools/current/outlook`` of the
design's worked example); catalog is the real one of the ``site`` fixture.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask.testing import FlaskClient

from catalog.service_layer import commands, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.db import transaction
from tests.web.conftest import Site, csrf_token, sign_in

A, B = 1, 2
SUPPLIERS = {A: "Farben Nord", B: "Baustoff Süd"}


def pool_now() -> dict[str, Any]:
    disp = [
        {"supplier_id": A, "ordered_quantity": "14", "unit_price": "38.0000"}
        | {"next_tier": {"min_quantity": "25", "unit_price": "34.5000", "missing": "11"}},
        {"supplier_id": B, "ordered_quantity": "14", "unit_price": "40.0000"}
        | {"next_tier": {"min_quantity": "20", "unit_price": "37.0000", "missing": "6"}},
    ]
    sil = [
        {"supplier_id": A, "ordered_quantity": "72", "unit_price": "4.2000"}
        | {"next_tier": {"min_quantity": "120", "unit_price": "3.6000", "missing": "56"}}
    ]
    return {
        "window_id": 7,
        "closes_at": "2026-12-03T11:00:00+00:00",
        "needs": 5,
        "members": 4,
        "products": [
            {"sku": "DISP-10L", "quantity": "14", "depot_quantity": "0", "offers": disp},
            {"sku": "SIL-300", "quantity": "64", "depot_quantity": "0", "offers": sil},
        ],
    }


def weighed(supplier_id: int, pack: str, tiers: list, line: str, more: str, saves: str) -> dict:
    reach = {"min_quantity": tiers[-1][0], "unit_price": tiers[-1][1]}
    return {
        "supplier_id": supplier_id,
        "pack_size": pack,
        "tiers": [{"min_quantity": q, "unit_price": p} for q, p in tiers],
        "line_total": line,
        "next_tier": reach | {"more": more, "saves_per_unit": saves},
        "free_shipping_more": "0",
    }


def outlook_now() -> dict[str, Any]:
    disp_a = weighed(
        A, "1", [("0", "42.00"), ("10", "38.00"), ("25", "34.50")], "532.00", "11", "3.50"
    )
    disp_b = weighed(B, "1", [("0", "40.00"), ("20", "37.00")], "560.00", "6", "3.00")
    sil_a = weighed(A, "12", [("0", "4.20"), ("120", "3.60")], "302.40", "45", "0.60")
    return {
        "window_id": 7,
        "products": [
            {"sku": "DISP-10L", "supplier_id": A, "offers": [disp_a, disp_b]},
            {"sku": "SIL-300", "supplier_id": A, "offers": [sil_a]},
        ],
        "suppliers": [
            {"supplier_id": A, "shipping_fee": "25.00", "free_shipping_from": "500.00"}
            | {"lines_total": "834.40", "fee": "0.00"},
            {"supplier_id": B, "shipping_fee": "19.00", "free_shipping_from": "300.00"}
            | {"lines_total": "0.00", "fee": "19.00"},
        ],
        "pool": {"baseline": "1006.80", "paid": "800.80", "saved": "206.00"},
        "own": {"baseline": "259.00", "paid": "228.00", "saved": "31.00"},
        "optimal": True,
    }


class FakePooling:
    """Pooling's answers by path; what each path was asked with."""

    def __init__(self) -> None:
        self.answers: dict[str, Any] = {
            "/pools/current": pool_now(),
            "/pools/current/outlook": outlook_now(),
        }
        self.asked: list[tuple[str, str, int | None]] = []

    def __call__(self, service: str, path: str, role: str, subject_id: int | None) -> Any:
        assert service == "pooling"
        self.asked.append((path, role, subject_id))
        return copy.deepcopy(self.answers.get(path))


@pytest.fixture
def pooling(site: Site, monkeypatch: pytest.MonkeyPatch) -> FakePooling:
    fake = FakePooling()
    monkeypatch.setattr("web.pages.pool_window.fetch", fake)
    monkeypatch.setattr("web.pages.pool_window.supplier_names", lambda: dict(SUPPLIERS))
    with transaction(site.runtime.sessions) as db:
        handlers.add_product(
            commands.AddProduct("SIL-300", "Acryl-Dichtstoff 300 ml", "Kartusche"),
            SqlAlchemyUnitOfWork(db),
        )
    return fake


def post_need(client: FlaskClient, sku: str, quantity: str) -> None:
    token = csrf_token(client.get("/needs/new").get_data(as_text=True))
    answer = client.post("/needs/new", data={"sku": sku, "quantity": quantity, "csrf_token": token})
    assert answer.status_code == 302, answer.get_data(as_text=True)


def test_products_and_suppliers_by_name_with_the_cutoffs_day_and_time(
    member: FlaskClient, pooling: FakePooling, site: Site
) -> None:
    page = member.get("/pool").get_data(as_text=True)
    assert "Dispersionsfarbe 10 l" in page and "Acryl-Dichtstoff 300 ml" in page
    assert "Farben Nord" in page and "Baustoff Süd" in page and "Lieferant 1" not in page
    # 11:00 UTC is noon in Berlin
    assert "Runde 7 schließt am Donnerstag, 3. Dezember 2026 um 12:00 Uhr." in page
    assert "14\xa0Eimer im Pool" in page and "64\xa0Kartuschen im Pool" in page
    assert ("/pools/current/outlook", "member", site.member_ids[0]) in pooling.asked


def test_what_the_next_tier_would_take_and_save(member: FlaskClient, pooling: FakePooling) -> None:
    page = member.get("/pool").get_data(as_text=True)
    assert "noch 11\xa0Eimer bis 34,50\xa0€ — alle sparen dann 3,50\xa0€ je Eimer" in page
    assert "noch 45\xa0Kartuschen bis 3,60\xa0€ — alle sparen dann 0,60\xa0€ je Kartusche" in page
    assert '<progress max="100" value="56"' in page  # 14 of the 25 DISP at A: 14 + 11
    assert "Gebinde: 12\xa0Kartuschen" in page and "ab 120: 3,60\xa0€" in page
    assert page.count("ein Abschluss jetzt bestellt hier") == 2  # DISP and SIL at A


def test_what_free_shipping_would_take(member: FlaskClient, pooling: FakePooling) -> None:
    pooling.answers["/pools/current/outlook"]["products"][0]["offers"][1]["free_shipping_more"] = (
        "3"
    )
    page = member.get("/pool").get_data(as_text=True)
    assert "Farben Nord: 834,40\xa0€ im Pool, liefert versandkostenfrei" in page
    assert "noch 3\xa0Eimer, dann liefert Baustoff Süd versandkostenfrei" in page
    assert 'class="shipping-bar" max="100" value="0"' in page  # B: nothing ordered there yet
    assert (
        "Baustoff Süd: hier würde jetzt nichts bestellt; versandkostenfrei ab 300,00\xa0€,"
        " sonst 19,00\xa0€" in page
    )
    pooling.answers["/pools/current/outlook"]["suppliers"][1]["lines_total"] = "120.00"
    page = member.get("/pool").get_data(as_text=True)
    assert (
        "Baustoff Süd: 120,00\xa0€ von 300,00\xa0€ für versandkostenfreie Lieferung, noch"
        " 180,00\xa0€ — alle sparen dann 19,00\xa0€ Versand" in page
    )
    assert '<progress max="100" value="40"' in page
    pooling.answers["/pools/current/outlook"]["suppliers"][1]["free_shipping_from"] = None
    page = member.get("/pool").get_data(as_text=True)
    assert "Baustoff Süd: Versand 19,00\xa0€, nie versandkostenfrei" in page


def test_the_savings_so_far_of_the_pool_and_the_member(
    member: FlaskClient, pooling: FakePooling
) -> None:
    page = member.get("/pool").get_data(as_text=True)
    assert (
        "Bisher spart der Pool seinen Mitgliedern 206,00\xa0€ gegenüber dem Einzelkauf"
        " (allein 1.006,80\xa0€, im Pool 800,80\xa0€)." in page
    )
    assert "Sie sparen bisher 31,00\xa0€ (allein 259,00\xa0€, im Pool 228,00\xa0€)." in page


def test_the_members_own_products_come_first_and_marked(
    member: FlaskClient, pooling: FakePooling, site: Site
) -> None:
    page = member.get("/pool").get_data(as_text=True)
    assert page.index("Acryl-Dichtstoff") < page.index("Dispersionsfarbe")  # by name
    assert "Ihr Bedarf" not in page
    post_need(member, "SIL-300", "20")
    post_need(member, "SIL-300", "4")
    post_need(member, "DISP-10L", "6")
    cancelled = member.get("/needs").get_data(as_text=True)
    need_id = int(cancelled.split('id="need-')[1].split('"')[0])  # the newest: DISP 6
    token = csrf_token(cancelled)
    member.post(f"/needs/{need_id}/cancel", data={"csrf_token": token})
    page = member.get("/pool").get_data(as_text=True)
    assert "Ihr Bedarf: 24\xa0Kartuschen" in page and "Ihr Bedarf: 6" not in page
    other = site.client()
    sign_in(other, "zwei@maler.example")
    post_need(other, "DISP-10L", "8")
    assert (
        "Ihr Bedarf" not in member.get("/pool").get_data(as_text=True).split("Dispersionsfarbe")[1]
    )
    shown = other.get("/pool").get_data(as_text=True)
    assert shown.index("Dispersionsfarbe") < shown.index("Acryl-Dichtstoff")
    assert 'class="card product own" id="product-DISP-10L"' in shown


def test_the_page_refreshes_its_figures_while_open(
    member: FlaskClient, pooling: FakePooling, site: Site
) -> None:
    page = member.get("/pool").get_data(as_text=True)
    assert 'data-refresh-url="/pool/progress.json"' in page and "pool_window.js" in page
    pooling.answers["/pools/current"]["products"][0]["quantity"] = "20"
    answer = member.get("/pool/progress.json")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    body = answer.get_json()
    assert body["window_id"] == 7 and "20\xa0Eimer im Pool" in body["html"]
    assert "<html" not in body["html"]
    assert site.client().get("/pool/progress.json").status_code == 302  # signed out: sign in


def test_without_the_outlook_the_tiers_still_show(
    member: FlaskClient, pooling: FakePooling
) -> None:
    pooling.answers["/pools/current/outlook"] = None
    page = member.get("/pool").get_data(as_text=True)
    assert "14 \u00d7 38,00\xa0€" in page and "noch 11 bis 34,50\xa0€" in page
    assert "Bisher spart der Pool" not in page


def test_how_much_more_flexibility_reaches_a_tier(
    member: FlaskClient, pooling: FakePooling
) -> None:
    pooling.answers["/pools/current"]["products"][0]["flexible"] = "6"
    page = member.get("/pool").get_data(as_text=True)
    assert "Flexible Bedarfe würden bis zu 6\xa0Eimer mehr nehmen." in page
    assert "5 mehr flexible Menge („bis zu“) würde sie erreichen" in page  # 11 at A
    assert "mit den flexiblen Bedarfen erreichbar" in page  # 6 at B


def test_what_the_depot_serves_first(member: FlaskClient, pooling: FakePooling) -> None:
    pooling.answers["/pools/current"]["products"][1]["depot_quantity"] = "8"
    page = member.get("/pool").get_data(as_text=True)
    assert "8\xa0Kartuschen aus dem Lager" in page
    pooling.answers["/pools/current"]["products"][1]["depot_quantity"] = "0"
    assert "aus dem Lager" not in member.get("/pool").get_data(as_text=True)


def test_an_empty_pool_says_when_it_closes(member: FlaskClient, pooling: FakePooling) -> None:
    pooling.answers["/pools/current"]["products"] = []
    page = member.get("/pool").get_data(as_text=True)
    assert (
        "Der Pool ist bisher leer. Er schließt am Donnerstag, 3. Dezember 2026 um 12:00 Uhr."
        in page
    )
    assert not [path for path, _role, _id in pooling.asked if path.endswith("outlook")]
