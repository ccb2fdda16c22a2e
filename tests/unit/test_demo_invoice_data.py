"""The demo cooperative's members carry invoice addresses the API would take: VAT ids and
IBANs whose check digits match, mandates with their reference and day."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

from catalog.entrypoints.schemas import MemberIn
from zirkel.demo_data import DEMO, WORKED_EXAMPLE
from zirkel.seed import registration


def test_every_demo_member_passes_the_apis_checks() -> None:
    for member in DEMO.members:
        fields = asdict(registration(member))
        body = {
            key: value.isoformat() if hasattr(value, "isoformat") else value
            for key, value in fields.items()
            if value is not None
        }

        loaded = MemberIn().load(body)

        assert loaded["street"] and loaded["city"] == "Dortmund"
        assert (loaded["mandate_reference"] is None) == (loaded["mandate_signed_on"] is None)


def test_the_demo_has_members_with_and_without_vat_id_and_mandate() -> None:
    invoices = [member.invoice for member in DEMO.members]

    assert all(invoices)
    assert {invoice.vat_id is None for invoice in invoices if invoice} == {True, False}
    assert {invoice.mandate_reference is None for invoice in invoices if invoice} == {True, False}


def test_the_worked_examples_products_stay_at_19_percent() -> None:
    assert {product.vat_rate for product in WORKED_EXAMPLE.products} == {Decimal("19")}
