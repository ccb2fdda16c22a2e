"""Every page's markup: labels, headings in order, table headers with scope, errors tied."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from catalog.service_layer import commands, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.db import transaction
from tests.web.conftest import Site, csrf_token, sign_in

CONTROLS = {"input", "select", "textarea"}
NOT_CONTROLS = {"hidden", "submit", "button"}


class Page(HTMLParser):
    """What the checks need of a page, collected in one pass."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.labelled: set[str] = set()
        self.controls: list[dict[str, str]] = []
        self.headings: list[int] = []
        self.unscoped_th = 0
        self.links: list[str] = []
        self.alerts = 0
        self.lang = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "label" and "for" in a:
            self.labelled.add(a["for"])
        elif tag in CONTROLS and a.get("type") not in NOT_CONTROLS:
            self.controls.append(a | {"tag": tag})
        elif tag in {"h1", "h2", "h3", "h4"}:
            self.headings.append(int(tag[1]))
        elif tag == "th" and a.get("scope") not in {"col", "row", "colgroup", "rowgroup"}:
            self.unscoped_th += 1
        elif tag == "a":
            self.links.append(a.get("href", ""))
        if a.get("role") == "alert":
            self.alerts += 1

    def problems(self) -> list[str]:
        found = []
        for control in self.controls:
            named = control.get("id") in self.labelled or control.get("aria-label")
            if not named:
                found.append(f"no label for {control}")
            for target in control.get("aria-describedby", "").split():
                if target not in self.ids:
                    found.append(f"aria-describedby={target} points nowhere")
        if self.headings.count(1) != 1:
            found.append(f"{self.headings.count(1)} h1 headings")
        for before, after in zip(self.headings, self.headings[1:], strict=False):
            if after > before + 1:
                found.append(f"h{before} is followed by h{after}")
        if self.unscoped_th:
            found.append(f"{self.unscoped_th} th without scope")
        if not self.links or self.links[0] != "#main" or "main" not in self.ids:
            found.append("the first link is not the skip link to #main")
        if self.lang not in {"de", "en"}:
            found.append("no language on <html>")
        return found


MEMBER_PAGES = ["/login", "/needs/new", "/needs", "/orders", "/pool", "/savings"]
ADMIN_PAGES = [
    "/admin",
    "/admin/members",
    "/admin/suppliers",
    "/admin/products",
    "/admin/offers",
    "/admin/users",
    "/admin/pool",
    "/admin/members/1/edit",
    "/admin/members/1/remove",
    "/admin/products/DISP-10L/edit",
    "/admin/settings",
]


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_member_pages(member: FlaskClient, path: str) -> None:
    assert Page(member.get(path).get_data(as_text=True)).problems() == []


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages(site: Site, path: str) -> None:
    admin = site.client()
    sign_in(admin, "admin@zirkel.example")
    assert Page(admin.get(path).get_data(as_text=True)).problems() == []


def test_a_refused_form_is_summed_up_as_an_alert_linking_its_fields(member: FlaskClient) -> None:
    token = csrf_token(member.get("/needs/new").get_data(as_text=True))
    response = member.post("/needs/new", data={"sku": "", "quantity": "x", "csrf_token": token})
    page = Page(response.get_data(as_text=True))
    assert page.problems() == []
    assert page.alerts == 1 and "#sku" in page.links and "#quantity" in page.links
    sku = next(c for c in page.controls if c.get("id") == "sku")
    assert sku["aria-invalid"] == "true" and sku["aria-describedby"] == "sku-error"


def test_a_refused_tier_editor_links_its_rows(site: Site) -> None:
    with transaction(site.runtime.sessions) as db:
        supplier = commands.RegisterSupplier("Farben Nord", "a@nord.example", Decimal(25), None)
        supplier_id = handlers.register_supplier(
            supplier, SqlAlchemyUnitOfWork(db, site.runtime.outbox)
        ).id
    admin = site.client()
    sign_in(admin, "admin@zirkel.example")
    token = csrf_token(admin.get("/admin/offers").get_data(as_text=True))
    data = {"supplier_id": str(supplier_id), "sku": "DISP-10L", "pack_size": "1"}
    data |= {"tiers-0-min_quantity": "0", "tiers-0-unit_price": "abc"}
    response = admin.post("/admin/offers", data=data | {"csrf_token": token})
    page = Page(response.get_data(as_text=True))
    assert page.problems() == [] and page.alerts == 1
    assert "#tiers-0-unit_price" in page.links
