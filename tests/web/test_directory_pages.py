"""The office changes and removes members and suppliers through the pages."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from catalog.adapters.orm import Member, Need, Supplier
from catalog.service_layer import commands, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from catalog.service_layer.users import create_user
from shared import events
from shared.db import transaction
from tests.web.conftest import PASSWORD, Site, csrf_token, sign_in


@pytest.fixture
def admin(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "admin@zirkel.example")
    return client


def submit(client: FlaskClient, path: str, **fields: str):
    token = csrf_token(client.get(path).get_data(as_text=True))
    return client.post(path, data=fields | {"csrf_token": token})


def outbox(site: Site, event_type: str) -> list[dict]:
    table = site.runtime.tables["outbox"]
    with site.runtime.engine.connect() as connection:
        bodies = [json.loads(r.body) for r in connection.execute(select(table.c.body))]
    for body in bodies:
        events.load(body)  # every event keeps its contract
    return [b["payload"] for b in bodies if b["event_type"] == event_type]


def add_supplier(site: Site, with_offer: bool) -> int:
    with transaction(site.runtime.sessions) as db:
        supplier = handlers.register_supplier(
            commands.RegisterSupplier("Farben Nord", "a@nord.example", Decimal(25), Decimal(400)),
            SqlAlchemyUnitOfWork(db, site.runtime.outbox),
        )
        if with_offer:
            offer = commands.SetOffer(
                supplier.id, "DISP-10L", Decimal(1), ((Decimal(0), Decimal(42)),)
            )
            handlers.set_offer(offer, SqlAlchemyUnitOfWork(db, site.runtime.outbox))
        return supplier.id


def post_need(site: Site, member_id: int) -> int:
    with transaction(site.runtime.sessions) as db:
        need = commands.PostNeed(member_id, "DISP-10L", Decimal(3))
        return handlers.post_need(need, SqlAlchemyUnitOfWork(db, site.runtime.outbox)).id


def test_changing_a_member_tells_notify(site: Site, admin: FlaskClient) -> None:
    member_id = site.member_ids[0]
    page = admin.get(f"/admin/members/{member_id}/edit").get_data(as_text=True)
    assert 'value="Maler Eins"' in page and 'value="eins@maler.example"' in page
    response = submit(
        admin,
        f"/admin/members/{member_id}/edit",
        name="Maler Eins GmbH",
        trade="plumber",
        email="buero@eins.example",
        postcode="44139",
        language="en",
    )
    assert response.status_code == 302 and response.location == "/admin/members"
    assert "Maler Eins GmbH gespeichert." in admin.get("/admin/members").get_data(as_text=True)
    *_, changed = outbox(site, "catalog.member.registered")
    assert changed == {
        "member_id": member_id,
        "name": "Maler Eins GmbH",
        "trade": "plumber",
        "email": "buero@eins.example",
        "postcode": "44139",
        "language": "en",
        "active": True,
        # nothing of the invoice address or mandate was filled in
        "legal_name": None,
        "street": None,
        "city": None,
        "country": "DE",
        "vat_id": None,
        "iban": None,
        "mandate_reference": None,
        "mandate_signed_on": None,
    }


def test_a_bad_change_is_refused_beside_the_field(site: Site, admin: FlaskClient) -> None:
    member_id = site.member_ids[0]
    response = submit(
        admin,
        f"/admin/members/{member_id}/edit",
        name="Maler Eins",
        trade="painter",
        email="eins@maler.example",
        postcode="441",
        language="de",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="postcode-error"' in page and 'aria-describedby="postcode-error"' in page
    with transaction(site.runtime.sessions) as db:
        assert db.get(Member, member_id).postcode == "44135"


def test_changing_a_supplier_tells_pooling(site: Site, admin: FlaskClient) -> None:
    supplier_id = add_supplier(site, with_offer=False)
    page = admin.get(f"/admin/suppliers/{supplier_id}/edit").get_data(as_text=True)
    assert 'value="25,00"' in page and 'value="400,00"' in page
    response = submit(
        admin,
        f"/admin/suppliers/{supplier_id}/edit",
        name="Farben Nord KG",
        email="b@nord.example",
        shipping_fee="19,50",
        free_shipping_from="",
    )
    assert response.status_code == 302
    *_, changed = outbox(site, "catalog.supplier.updated")
    assert changed["name"] == "Farben Nord KG" and changed["shipping_fee"] == "19.50"
    assert changed["free_shipping_from"] is None and changed["active"] is True


def test_a_member_without_history_is_deactivated_and_its_id_never_given_again(
    site: Site, admin: FlaskClient
) -> None:
    member_id = max(site.member_ids)  # the newest: SQLite would hand its id out again
    path = f"/admin/members/{member_id}/remove"
    assert "deaktiviert" in admin.get(path).get_data(as_text=True)
    assert admin.post(path, data={}).status_code == 400  # no CSRF token: nothing happens
    assert submit(admin, path).status_code == 302
    with transaction(site.runtime.sessions) as db:
        assert db.get(Member, member_id).active is False
        newcomer = handlers.register_member(
            commands.RegisterMember("Neu GmbH", "painter", "neu@x.example", "44137"),
            SqlAlchemyUnitOfWork(db, site.runtime.outbox),
        )
        assert newcomer.id > member_id  # a token issued for the old one cannot act for it
    assert outbox(site, "catalog.member.registered")[-2]["active"] is False


def test_a_member_with_history_is_deactivated(site: Site, admin: FlaskClient) -> None:
    member_id = site.member_ids[0]
    signed_in = site.client()
    sign_in(signed_in, "eins@maler.example")
    need_id = post_need(site, member_id)
    path = f"/admin/members/{member_id}/remove"
    assert "deaktiviert" in admin.get(path).get_data(as_text=True)
    assert submit(admin, path).status_code == 302
    with transaction(site.runtime.sessions) as db:
        assert db.get(Member, member_id).active is False
        assert db.get(Need, need_id).status == "cancel_requested"  # pooling decides
    assert outbox(site, "catalog.need.cancelled")[-1]["need_id"] == need_id
    assert outbox(site, "catalog.member.registered")[-1]["active"] is False
    assert signed_in.get("/needs").status_code == 302  # the session has ended
    client = site.client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    data = {"email": "eins@maler.example", "password": "geheim-123", "csrf_token": token}
    assert client.post("/login", data=data).status_code == 422
    api = site.app.extensions["zirkel.tokens"].issue("member", member_id)
    response = site.api().post(
        "/api/v1/needs",
        json={"sku": "DISP-10L", "quantity": "2"},
        headers={"Authorization": f"Bearer {api}"},
    )
    assert response.status_code == 409 and "member_id" in response.get_json()["details"]

    token = csrf_token(admin.get("/admin/members").get_data(as_text=True))
    reactivated = admin.post(f"/admin/members/{member_id}/reactivate", data={"csrf_token": token})
    assert reactivated.status_code == 302
    sign_in(site.client(), "eins@maler.example")


def test_a_supplier_with_offers_is_deactivated_and_its_offers_withdrawn(
    site: Site, admin: FlaskClient
) -> None:
    supplier_id = add_supplier(site, with_offer=True)
    path = f"/admin/suppliers/{supplier_id}/remove"
    assert "aus dem Pool genommen" in admin.get(path).get_data(as_text=True)
    assert submit(admin, path).status_code == 302
    withdrawn = outbox(site, "catalog.offer.updated")[-1]
    assert (withdrawn["supplier_id"], withdrawn["sku"], withdrawn["active"]) == (
        supplier_id,
        "DISP-10L",
        False,
    )
    assert outbox(site, "catalog.supplier.updated")[-1]["active"] is False
    with transaction(site.runtime.sessions) as db:
        assert db.get(Supplier, supplier_id).active is False
    headers = {"Authorization": f"Bearer {site.app.extensions['zirkel.tokens'].issue('admin')}"}
    offer = {"pack_size": "1", "tiers": [{"min_quantity": "0", "unit_price": "40.00"}]}
    response = site.api().put(f"/api/v1/offers/{supplier_id}/DISP-10L", json=offer, headers=headers)
    assert response.status_code == 409
    page = admin.get("/admin/suppliers").get_data(as_text=True)
    assert "deaktiviert" in page and "Reaktivieren" in page


def test_a_deactivated_suppliers_order_desk_cannot_sign_in(site: Site, admin: FlaskClient) -> None:
    supplier_id = add_supplier(site, with_offer=True)
    with transaction(site.runtime.sessions) as db:
        create_user(
            commands.CreateUser(
                "lager@west.example", PASSWORD, role="supplier", supplier_id=supplier_id
            ),
            SqlAlchemyUnitOfWork(db),
        )
    desk = site.client()
    sign_in(desk, "lager@west.example")
    assert desk.get("/supplier/orders").status_code == 200
    assert submit(admin, f"/admin/suppliers/{supplier_id}/remove").status_code == 302
    assert desk.get("/supplier/orders").status_code == 302  # its session ended
    stranger = site.client()
    token = csrf_token(stranger.get("/login").get_data(as_text=True))
    refused = stranger.post(
        "/login", data={"email": "lager@west.example", "password": PASSWORD, "csrf_token": token}
    )
    assert refused.status_code == 422 and "falsch" in refused.get_data(as_text=True)


def test_a_supplier_without_offers_is_deactivated_too(site: Site, admin: FlaskClient) -> None:
    supplier_id = add_supplier(site, with_offer=False)
    assert submit(admin, f"/admin/suppliers/{supplier_id}/remove").status_code == 302
    with transaction(site.runtime.sessions) as db:
        assert db.get(Supplier, supplier_id).active is False


@pytest.mark.parametrize(
    "path", ["/admin/members/1/edit", "/admin/members/1/remove", "/admin/suppliers/1/edit"]
)
def test_a_member_cannot_change_or_remove(member: FlaskClient, path: str) -> None:
    assert member.get(path).status_code == 403
    token = csrf_token(member.get("/needs").get_data(as_text=True))
    assert member.post(path, data={"csrf_token": token}).status_code == 403


def test_a_rejected_order_does_not_bring_back_a_deactivated_members_need(
    site: Site, admin: FlaskClient
) -> None:
    from catalog.bootstrap import handlers as catalog_handlers
    from tests.api.test_need_cancellation import order_placed, order_rejected

    react = catalog_handlers(site.runtime.settings, site.runtime.outbox)
    member_id = site.member_ids[0]
    need = {"id": post_need(site, member_id), "member_id": member_id}
    need_id = need["id"]
    with transaction(site.runtime.sessions) as db:
        react["pooling.order.placed"](db, order_placed(need, 5))
    assert submit(admin, f"/admin/members/{member_id}/remove").status_code == 302
    with transaction(site.runtime.sessions) as db:
        assert db.get(Need, need_id).status == "ordered"  # an order placed stays placed
        react["pooling.order.rejected"](db, order_rejected(need, 5))
    with transaction(site.runtime.sessions) as db:
        assert db.get(Need, need_id).status == "cancel_requested"  # pooling decides
    assert outbox(site, "catalog.need.cancelled")[-1]["need_id"] == need_id


def test_the_office_gives_no_new_sign_in_to_a_deactivated_member(
    site: Site, admin: FlaskClient
) -> None:
    member_id = site.member_ids[0]
    post_need(site, member_id)
    assert submit(admin, f"/admin/members/{member_id}/remove").status_code == 302
    page = admin.get("/admin/users").get_data(as_text=True)
    assert f'<option value="{member_id}">' not in page
    assert f'<option value="{site.member_ids[1]}">' in page


def test_a_webhook_without_its_secret_is_refused_beside_the_field_when_changed(
    site: Site, admin: FlaskClient
) -> None:
    """The change page showed a 500 for this; now the reason stands beside the field."""
    supplier_id = add_supplier(site, with_offer=False)
    fields = {
        "name": "Farben Nord",
        "email": "a@nord.example",
        "shipping_fee": "25",
        "free_shipping_from": "400",
        "delivery_channel": "webhook",
        "webhook_url": "https://erp.farben-nord.example/orders",
    }

    response = submit(admin, f"/admin/suppliers/{supplier_id}/edit", **fields)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    secret = "Webhook-Geheimnis: Ein Webhook braucht ein Geheimnis mit mindestens 16 Zeichen."
    assert f'<a href="#webhook_secret">{secret}</a>' in html
    with transaction(site.runtime.sessions) as db:
        assert db.get(Supplier, supplier_id).delivery_channel == "email"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_unknown_member_is_the_not_found_page_for_every_method(
    admin: FlaskClient, method: str
) -> None:
    token = csrf_token(admin.get("/admin/members").get_data(as_text=True))

    response = admin.open("/admin/members/99999/edit", method=method, data={"csrf_token": token})

    assert response.status_code == 404
    assert "<h1>Nicht gefunden</h1>" in response.get_data(as_text=True)
