"""Bad input on the pages and the API: oversized bodies, wrong content types, and HTML in
text fields shown as text."""

from __future__ import annotations

from flask.testing import FlaskClient

from shared.web import MAX_BODY_BYTES
from tests.web.conftest import Site, csrf_token, sign_in
from tests.web.test_pages import needs_of, post_need

SCRIPT = '<script>alert("x")</script><b onmouseover=alert(1)>fett</b>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b onmouseover=alert(1)&gt;"


def test_an_oversized_form_is_a_clear_page_and_stores_nothing(
    site: Site, member: FlaskClient
) -> None:
    response = post_need(member, note="x" * (MAX_BODY_BYTES + 1))
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "Zu groß" in page and "größer als 1 MB" in page
    assert needs_of(site) == []


def test_an_oversized_api_body_is_json_naming_the_body(site: Site) -> None:
    token = site.app.extensions["zirkel.tokens"].issue("member", site.member_ids[0])
    response = site.api().post(
        "/api/v1/needs",
        data=b'{"note": "' + b"x" * MAX_BODY_BYTES + b'"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 413
    assert response.get_json() == {
        "error": "The body is larger than 1 MiB.",
        "details": {"body": ["The body is larger than 1 MiB."]},
    }
    assert needs_of(site) == []


def test_a_page_refuses_a_body_that_is_not_a_form(site: Site, member: FlaskClient) -> None:
    token = csrf_token(member.get("/needs/new").get_data(as_text=True))
    for body, content_type in (
        ('{"sku": "DISP-10L", "quantity": "3"}', "application/json"),
        ("sku=DISP-10L&quantity=3", "text/plain"),
        ("<need/>", "application/xml"),
    ):
        response = member.post(
            "/needs/new", data=body, content_type=content_type, headers={"X-CSRFToken": token}
        )
        assert response.status_code == 415, content_type
        assert "Kein Formular" in response.get_data(as_text=True)
    assert needs_of(site) == []


def test_the_api_refuses_a_form_body_as_json(site: Site) -> None:
    token = site.app.extensions["zirkel.tokens"].issue("member", site.member_ids[0])
    response = site.api().post(
        "/api/v1/needs",
        data={"sku": "DISP-10L", "quantity": "3"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 415 and "application/json" in response.get_json()["error"]


def test_a_csrf_failure_on_the_sign_in_is_a_page(site: Site) -> None:
    response = site.client().post("/login", data={"email": "eins@maler.example"})
    assert response.status_code == 400 and response.mimetype == "text/html"


def test_html_in_a_need_note_is_shown_as_text(site: Site, member: FlaskClient) -> None:
    assert post_need(member, note=SCRIPT, delivery_site=SCRIPT).status_code == 302
    page = member.get("/needs").get_data(as_text=True)
    assert SCRIPT not in page and "<script>alert" not in page
    assert page.count(ESCAPED) == 2


def test_html_in_member_and_supplier_names_is_shown_as_text(site: Site) -> None:
    admin = site.client()
    sign_in(admin, "admin@zirkel.example")
    fields = {
        "/admin/members": dict(trade="tiler", email="x@fliesen.example", postcode="44137"),
        "/admin/suppliers": dict(
            email="b@handel.example", shipping_fee="25.00", free_shipping_from="500.00"
        ),
    }
    for path, more in fields.items():
        token = csrf_token(admin.get(path).get_data(as_text=True))
        response = admin.post(path, data={"name": SCRIPT, "csrf_token": token} | more)
        assert response.status_code == 302, response.get_data(as_text=True)
        page = admin.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and ESCAPED in page, path
    token = site.app.extensions["zirkel.tokens"].issue("admin")
    members = site.api().get("/api/v1/members", headers={"Authorization": f"Bearer {token}"})
    assert SCRIPT in [m["name"] for m in members.get_json()]  # kept as typed, escaped on output


def test_an_invisible_delivery_site_is_refused_beside_the_field(
    site: Site, member: FlaskClient
) -> None:
    response = post_need(member, delivery_site="\u200b\u200b")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    message = "Darf keine Steuerzeichen und keine unsichtbaren Zeichen enthalten."
    assert f'id="delivery_site-error">{message}</p>' in page
    assert needs_of(site) == []


def test_an_office_form_refuses_other_digits_and_invisible_names(site: Site) -> None:
    admin = site.client()
    sign_in(admin, "admin@zirkel.example")
    token = csrf_token(admin.get("/admin/members").get_data(as_text=True))
    fields = {"name": "\u2060", "trade": "tiler", "email": "x@fliesen.example"}
    arabic_indic = "\u0664\u0664\u0661\u0663\u0667"
    response = admin.post(
        "/admin/members", data=fields | {"postcode": arabic_indic, "csrf_token": token}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="postcode-error">Fünf Ziffern.</p>' in page
    invisible = "Darf keine Steuerzeichen und keine unsichtbaren Zeichen enthalten."
    assert f'id="name-error">{invisible}</p>' in page
