"""Quantities are written with their unit as a reader expects them: "24 Kartuschen",
"1 Rolle" in German, "24 cartridges", "1 roll" in English, whichever language the office
typed the unit in; a unit not known here stays as typed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import session
from flask.testing import FlaskClient
from flask_babel import refresh

from catalog.service_layer import commands, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.db import transaction
from tests.web.conftest import Site
from tests.web.test_need_form_once import filled_form
from web.pages.units import in_units

NB = "\u00a0"


@pytest.mark.parametrize(
    ("quantity", "unit", "german", "english"),
    [
        ("24", "Kartusche", "24 Kartuschen", "24 cartridges"),
        ("1", "Rolle", "1 Rolle", "1 roll"),
        ("1.000", "roll", "1 Rolle", "1 roll"),
        (Decimal("0.5"), "Rolle", "0,5 Rollen", "0.5 rolls"),
        ("2", "Sack", "2 Säcke", "2 bags"),
        ("6", "bucket", "6 Eimer", "6 buckets"),
        ("1", "Stk", "1 Stück", "1 piece"),
        ("1250", "Platte", "1.250 Platten", "1,250 boards"),
        ("12.5", "m²", "12,5 m²", "12.5 m²"),
        ("3", "Fass", "3 Fass", "3 Fass"),
    ],
)
def test_a_quantity_in_its_unit(
    site: Site, quantity: object, unit: str, german: str, english: str
) -> None:
    with site.app.test_request_context():
        assert in_units(quantity, unit) == german.replace(" ", NB, 1)
        session["lang"] = "en"
        refresh()
        assert in_units(quantity, unit) == english.replace(" ", NB, 1)


def test_no_quantity_is_a_dash_and_no_unit_the_number_alone(site: Site) -> None:
    with site.app.test_request_context():
        assert in_units(None, "Rolle") == "\u2013"
        assert in_units("7", "") == "7"


def test_my_needs_show_their_units(site: Site, member: FlaskClient) -> None:
    with transaction(site.runtime.sessions) as db:
        handlers.add_product(
            commands.AddProduct("SIL-300", "Silikon weiß", "Kartusche"), SqlAlchemyUnitOfWork(db)
        )
        handlers.add_product(
            commands.AddProduct("VLIES-1", "Malervlies", "Rolle"), SqlAlchemyUnitOfWork(db)
        )
    for sku, quantity in (("SIL-300", "24"), ("VLIES-1", "1")):
        form = filled_form(member, sku=sku, quantity=quantity)
        assert member.post("/needs/new", data=form).status_code == 302
    page = member.get("/needs").get_data(as_text=True)
    assert f"24{NB}Kartuschen" in page and f"1{NB}Rolle<" in page
