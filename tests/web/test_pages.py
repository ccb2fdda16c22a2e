"""The member web pages through Flask's test client: sign-in, needs, access, CSRF, language."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from catalog.adapters.orm import Need
from shared.db import transaction
from tests.web.conftest import Site, csrf_token, sign_in


def post_need(client: FlaskClient, **fields: str):
    token = csrf_token(client.get("/needs/new").get_data(as_text=True))
    data = {"sku": "DISP-10L", "quantity": "12", "csrf_token": token} | fields
    return client.post("/needs/new", data=data)


def needs_of(site: Site) -> list[Need]:
    with transaction(site.runtime.sessions) as db:
        rows = db.scalars(select(Need).options(joinedload(Need.product)).order_by(Need.id)).all()
        db.expunge_all()
        return list(rows)


def outbox_events(site: Site) -> list[dict]:
    table = site.runtime.tables["outbox"]
    with site.runtime.engine.connect() as connection:
        return [json.loads(r.body) for r in connection.execute(select(table.c.body))]


def test_pages_need_a_sign_in(site: Site) -> None:
    response = site.client().get("/needs")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_a_wrong_password_is_refused_beside_the_field(site: Site) -> None:
    client = site.client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    data = {"email": "eins@maler.example", "password": "falsch-123", "csrf_token": token}
    response = client.post("/login", data=data)
    assert response.status_code == 422
    assert "E-Mail oder Passwort ist falsch." in response.get_data(as_text=True)
    assert client.get("/needs").status_code == 302


def test_sign_in_sets_a_safe_session_cookie(site: Site) -> None:
    client = site.client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    data = {"email": "EINS@maler.example", "password": "geheim-123", "csrf_token": token}
    response = client.post("/login", data=data)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert "Secure" not in cookie  # ZIRKEL_SECURE_COOKIES is off for local runs


def test_posting_a_need_writes_it_and_its_event(site: Site, member: FlaskClient) -> None:
    response = post_need(member, quantity="12,5", needed_by="2026-12-01", delivery_site="Hof")
    assert response.status_code == 302 and response.location == "/needs"
    [need] = needs_of(site)
    assert (need.member_id, need.quantity, need.status) == (
        site.member_ids[0],
        Decimal("12.5"),
        "open",
    )
    [event] = [e for e in outbox_events(site) if e["event_type"] == "catalog.need.posted"]
    assert event["payload"]["need_id"] == need.id
    page = member.get("/needs").get_data(as_text=True)
    assert "Dispersionsfarbe 10 l" in page and "12,5" in page and "offen" in page


def test_a_product_can_be_chosen_by_its_name(site: Site, member: FlaskClient) -> None:
    assert post_need(member, sku="dispersionsfarbe 10 l").status_code == 302
    assert needs_of(site)[0].product.sku == "DISP-10L"


def test_quantity_zero_is_refused_beside_the_field_and_kept(
    site: Site, member: FlaskClient
) -> None:
    response = post_need(member, quantity="0", note="für die Baustelle")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="quantity-error">Muss größer als 0 sein.</p>' in page
    assert (
        'id="quantity" inputmode="decimal" name="quantity" required type="text" value="0"' in page
    )
    assert "für die Baustelle</textarea>" in page
    assert needs_of(site) == []


def test_an_unknown_product_is_refused_beside_the_field(site: Site, member: FlaskClient) -> None:
    page = post_need(member, sku="NOPE-1").get_data(as_text=True)
    assert 'id="sku-error">Es gibt kein Produkt NOPE-1.</p>' in page
    assert needs_of(site) == []


def test_cancelling_an_open_need(site: Site, member: FlaskClient) -> None:
    post_need(member)
    need_id = needs_of(site)[0].id
    token = csrf_token(member.get("/needs").get_data(as_text=True))
    response = member.post(f"/needs/{need_id}/cancel", data={"csrf_token": token})
    assert response.status_code == 302
    assert needs_of(site)[0].status == "cancel_requested"  # until pooling's verdict
    page = member.get("/needs").get_data(as_text=True)
    assert f"Stornierung von Bedarf {need_id} angefragt." in page
    assert '<span class="status cancel_requested">Stornierung angefragt</span>' in page
    assert f'action="/needs/{need_id}/cancel"' not in page  # no second cancel button
    assert [e["event_type"] for e in outbox_events(site)][-1] == "catalog.need.cancelled"


def test_another_members_need_cannot_be_cancelled_or_seen(site: Site, member: FlaskClient) -> None:
    other = site.client()
    sign_in(other, "zwei@maler.example")
    post_need(other)
    need_id = needs_of(site)[0].id
    token = csrf_token(member.get("/needs").get_data(as_text=True))
    assert member.post(f"/needs/{need_id}/cancel", data={"csrf_token": token}).status_code == 404
    assert needs_of(site)[0].status == "open"
    assert f'id="need-{need_id}"' not in member.get("/needs").get_data(as_text=True)


def test_admin_pages_are_refused_to_a_member(member: FlaskClient) -> None:
    response = member.get("/admin/users")
    assert response.status_code == 403
    assert "Kein Zugriff" in response.get_data(as_text=True)


def test_an_admin_creates_a_members_user(site: Site) -> None:
    admin = site.client()
    sign_in(admin, "admin@zirkel.example")
    token = csrf_token(admin.get("/admin/users").get_data(as_text=True))
    data = {
        "email": "buero@maler.example",
        "password": "neu-und-lang",
        "member_id": str(site.member_ids[1]),
        "language": "en",
        "csrf_token": token,
    }
    assert admin.post("/admin/users", data=data).status_code == 302
    newcomer = site.client()
    sign_in(newcomer, "buero@maler.example", "neu-und-lang")
    assert "My needs" in newcomer.get("/needs").get_data(as_text=True)


def test_every_form_needs_its_csrf_token(site: Site, member: FlaskClient) -> None:
    assert site.client().post("/login", data={"email": "eins@maler.example"}).status_code == 400
    response = member.post("/needs/new", data={"sku": "DISP-10L", "quantity": "3"})
    assert response.status_code == 400
    assert needs_of(site) == []
    assert member.post("/logout").status_code == 400


def test_the_json_api_stays_exempt_from_csrf_and_opens_no_session(
    site: Site, member: FlaskClient
) -> None:
    """A bearer token's call neither sets a cookie nor varies on one; a page does both."""
    token = site.app.extensions["zirkel.tokens"].issue("member", site.member_ids[0])
    response = site.api().post(
        "/api/v1/needs",
        json={"sku": "DISP-10L", "quantity": "2"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers and "Vary" not in response.headers
    page = member.get("/needs")
    assert "Cookie" in page.headers["Vary"] and "Set-Cookie" in page.headers


def test_csrf_checks_follow_flask_wtfs_switch(site: Site, member: FlaskClient) -> None:
    assert member.post("/logout").status_code == 400
    site.app.config["WTF_CSRF_ENABLED"] = False  # as in a test set-up of one's own
    assert member.post("/logout").status_code == 302


def test_every_route_that_changes_something_is_a_checked_page_or_the_exempt_api(
    site: Site,
) -> None:
    """A POST, PUT, PATCH or DELETE goes to a page, whose CSRF token is checked, or to an
    API blueprint exempt from CSRF (bearer tokens); never to both or neither."""
    from web.pages.errors import is_page_request

    app = site.app
    exempt = app.extensions["csrf"]._exempt_blueprints
    changing = [
        r for r in app.url_map.iter_rules() if r.methods & {"POST", "PUT", "PATCH", "DELETE"}
    ]
    assert len(changing) > 20
    for rule in changing:
        blueprint = app.blueprints.get(rule.endpoint.rpartition(".")[0])
        with app.test_request_context(rule.rule):
            assert is_page_request() == (blueprint not in exempt), rule.rule


def test_euros_in_german_and_in_english(site: Site, member: FlaskClient) -> None:
    with site.app.test_request_context():
        from flask import session

        from web.pages.formatting import euro

        assert euro("1234.56") == "1.234,56\xa0€"
        session["lang"] = "en"
        from flask_babel import refresh

        refresh()
        assert euro("1234.56") == "€1,234.56"


def test_switching_the_language(member: FlaskClient) -> None:
    page = member.get("/needs").get_data(as_text=True)
    assert "Meine Bedarfe" in page and 'lang="de"' in page
    token = csrf_token(page)
    response = member.post("/language", data={"lang": "en", "next": "/needs", "csrf_token": token})
    assert response.location == "/needs"
    page = member.get("/needs").get_data(as_text=True)
    assert "My needs" in page and 'lang="en"' in page


@pytest.mark.parametrize(
    ("accepted", "language"),
    [
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9", "de"),
        ("fr,en;q=0.5,de;q=0.4", "en"),
        ("", "de"),
    ],
)
def test_a_visitor_who_chose_nothing_reads_the_browsers_language(
    site: Site, accepted: str, language: str
) -> None:
    page = site.client().get("/login", headers={"Accept-Language": accepted})
    assert f'lang="{language}"' in page.get_data(as_text=True)


def test_a_chosen_language_wins_over_the_browsers(member: FlaskClient) -> None:
    page = member.get("/needs", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="de"' in page  # the member's own language


def test_pool_and_savings_say_so_when_the_services_are_down(member: FlaskClient) -> None:
    pool = member.get("/pool")
    assert pool.status_code == 200
    assert "Der Pool kann gerade nicht angezeigt werden" in pool.get_data(as_text=True)
    savings = member.get("/savings")
    assert savings.status_code == 200
    assert "Ihre Ersparnis kann gerade nicht angezeigt werden" in savings.get_data(as_text=True)


def test_savings_show_euros_and_a_chart(member: FlaskClient, monkeypatch) -> None:
    report = {
        "baseline": "1434.56",
        "paid": "200.00",
        "saved": "1234.56",
        "windows": [{"window_id": 1, "baseline": "1434.56", "paid": "200.00", "saved": "1234.56"}],
    }
    monkeypatch.setattr("web.pages.needs.fetch", lambda *args: report)
    page = member.get("/savings").get_data(as_text=True)
    assert "1.234,56\xa0€" in page and "<svg" in page and "<rect" in page
    assert re.search(r"class=\"bar-value\">1.234,56\xa0€</text>", page), page[page.find("<svg") :][
        :3000
    ]
    assert "In 1 Runde hat Ihnen der Pool bisher 1.234,56\xa0€ gespart" in page


def test_secure_cookies_are_a_setting(tmp_path) -> None:
    from shared.settings import Settings
    from web.entrypoints.app import create_app

    env = {"ZIRKEL_SECRET_KEY": "x" * 32, "ZIRKEL_VAR_DIR": str(tmp_path)}
    app = create_app(Settings.from_env(env | {"ZIRKEL_SECURE_COOKIES": "true"}))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 30 * 60


def test_savings_say_what_flexible_quantities_saved(member: FlaskClient, monkeypatch) -> None:
    windows = [
        {"window_id": 3, "baseline": "259.00", "paid": "207.00", "saved": "52.00"}
        | {"flexibility_saved": "21.00"},
    ]
    report = {"baseline": "259.00", "paid": "207.00", "saved": "52.00"}
    report |= {"flexibility_saved": "21.00", "windows": windows}
    answers = {"notify": report, "pooling": []}
    monkeypatch.setattr("web.pages.needs.fetch", lambda service, *args: answers[service])
    page = member.get("/savings").get_data(as_text=True)
    assert "Davon durch flexible Mengen („bis zu“) bei Ihren eigenen Mengen gespart" in page
    assert "Durch flexible Mengen" in page and "21,00\xa0€" in page


def test_savings_so_far_as_a_labelled_line(member: FlaskClient, monkeypatch) -> None:
    windows = [
        {"window_id": 3, "baseline": "259.00", "paid": "228.00", "saved": "31.00"},
        {"window_id": 4, "baseline": "176.20", "paid": "126.00", "saved": "50.20"},
    ]
    report = {"baseline": "435.20", "paid": "354.00", "saved": "81.20", "windows": windows}
    orders = [{"window_id": 3, "placed_at": "2026-11-06T10:00:00+00:00"}]
    answers = {"notify": report, "pooling": orders}
    monkeypatch.setattr("web.pages.needs.fetch", lambda service, *args: answers[service])
    page = member.get("/savings").get_data(as_text=True)
    assert 'aria-describedby="cumulative-summary"' in page and "<polyline" in page
    assert ">81,20\xa0€</text>" in page and ">#4</text>" in page and ">6. Nov.</text>" in page
    assert (
        "In 2 Runden hat Ihnen der Pool bisher 81,20\xa0€ gespart; am meisten in Runde 4"
        " (50,20\xa0€)." in page
    )
