"""A supplier order as documents: the CSV for the supplier's system and the German PDF form.

The design's worked example is closed through pooling's API; its one order goes to A.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from tests.api.test_pooling_api import (
    DISP,
    SIL,
    A,
    B,
    close,
    feed,
    member,
    offer_updated,
    supplier,
)
from tests.api.test_pooling_api import worked_example as worked_example  # the fixture

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service

# rule 11: a site's whole packs go there, the rest to the depot's address
DEPOT = "Lager Handwerkszirkel Dortmund eG, Rheinische Straße 1, 44137 Dortmund"
HEADER = (
    "\ufeffsku;product;unit;packs;ordered_quantity;unit_price;line_total;vat_rate;"
    "delivery_address\r\n"
)
WORKED_EXAMPLE_CSV = (
    HEADER + "DISP-10L;DISP-10L;piece;14;14;38,00;532,00;19;\r\n"
    "DISP-10L;;;6;6;;;;Firmensitz (Mitglied 1)\r\n"
    "DISP-10L;;;8;8;;;;Firmensitz (Mitglied 3)\r\n"
    "SIL-300;SIL-300;piece;6;72;4,20;302,40;19;\r\n"
    f"SIL-300;;;6;72;;;;{DEPOT}\r\n"
    "goods;;;;;;834,40;;\r\n"
    "shipping_fee;;;;;;0,00;19;\r\n"
    "total;;;;;;834,40;;\r\n"
    "taxable;;;;;;834,40;19;\r\n"
    "vat;;;;;;158,54;19;\r\n"
    "gross_total;;;;;;992,94;;\r\n"
)
WORKED_EXAMPLE_ALLOCATIONS = (
    "\ufeffsku;product;need_id;member_id;quantity;unit;delivery_site;needed_by\r\n"
    "DISP-10L;DISP-10L;1;1;6;piece;Firmensitz;\r\n"
    "DISP-10L;DISP-10L;3;3;8;piece;Firmensitz;\r\n"
    "SIL-300;SIL-300;2;2;30;piece;Firmensitz;\r\n"
    "SIL-300;SIL-300;4;3;20;piece;Firmensitz;\r\n"
    "SIL-300;SIL-300;5;4;14;piece;Firmensitz;\r\n"
)


@pytest.fixture
def order_id(worked_example: Service, admin: Headers) -> int:
    [order] = close(worked_example, admin)["orders"]
    assert order["supplier_id"] == A
    return int(order["id"])


def test_the_csv_lists_each_line_once_with_its_addresses_and_the_totals(
    worked_example: Service, order_id: int
) -> None:
    response = worked_example.client.get(
        f"/api/v1/orders/{order_id}/document.csv", headers=supplier(worked_example, A)
    )

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.mimetype_params == {"charset": "utf-8"}
    assert f'filename="bestellung-{order_id}.csv"' in response.headers["Content-Disposition"]
    assert response.get_data().decode("utf-8") == WORKED_EXAMPLE_CSV


def test_the_allocations_are_a_second_file_one_row_per_need(
    worked_example: Service, admin: Headers, order_id: int
) -> None:
    url = f"/api/v1/orders/{order_id}/allocations.csv"

    response = worked_example.client.get(url, headers=supplier(worked_example, A))

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f'filename="aufteilung-{order_id}.csv"' in response.headers["Content-Disposition"]
    assert response.get_data().decode("utf-8") == WORKED_EXAMPLE_ALLOCATIONS
    assert worked_example.client.get(url, headers=supplier(worked_example, B)).status_code in (
        403,
        404,
    )


def test_the_pdf_is_a_german_order_form_with_number_and_total(
    worked_example: Service, admin: Headers, order_id: int
) -> None:
    response = worked_example.client.get(f"/api/v1/orders/{order_id}/document.pdf", headers=admin)

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pdf = response.get_data()
    assert pdf.startswith(b"%PDF")
    text = shown_text(pdf)
    assert "Handwerkszirkel Dortmund eG \u2013 Gemeinsamer Einkauf" in text
    assert f"Bestellung Nr. {order_id}" in text
    assert "Supplier 1 (Nr. 1)" in text
    for figure in ("532,00 \u20ac", "302,40 \u20ac", "38,00 \u20ac", "4,20 \u20ac", "72 piece"):
        assert figure in text
    assert re.search(r"Summe netto\n834,40 \u20ac", text)
    assert re.search(r"Versandkosten netto \(19 % USt.\)\n0,00 \u20ac", text)
    assert re.search(r"zzgl. 19 % USt. auf 834,40 \u20ac\n158,54 \u20ac", text)
    assert re.search(r"Gesamtbetrag brutto\n992,94 \u20ac", text)
    assert re.search(r"Datum:\n\d\d\.\d\d\.20\d\d", text)


def test_the_pdf_header_names_the_configured_cooperative(
    worked_example: Service, admin: Headers, order_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    extensions = worked_example.app.extensions
    named = replace(extensions["zirkel.settings"], cooperative_name="Bauhütte Köln eG")
    monkeypatch.setitem(extensions, "zirkel.settings", named)

    pdf = worked_example.client.get(
        f"/api/v1/orders/{order_id}/document.pdf", headers=admin
    ).get_data()

    assert "Bauhütte Köln eG" in shown_text(pdf)


@pytest.mark.parametrize("suffix", ["csv", "pdf"])
def test_only_the_orders_supplier_and_admins_get_its_documents(
    worked_example: Service, admin: Headers, order_id: int, suffix: str
) -> None:
    client = worked_example.client
    url = f"/api/v1/orders/{order_id}/document.{suffix}"

    assert client.get(url, headers=admin).status_code == 200
    assert client.get(url, headers=supplier(worked_example, A)).status_code == 200
    other = client.get(url, headers=supplier(worked_example, B))
    assert other.status_code == 403
    assert set(other.get_json()) == {"error", "details"}
    assert client.get(url, headers=member(worked_example, 1)).status_code == 403
    assert client.get(url).status_code == 401
    missing = client.get(f"/api/v1/orders/{order_id + 1}/document.{suffix}", headers=admin)
    assert missing.status_code == 404
    assert set(missing.get_json()) == {"error", "details"}


def shown_text(pdf: bytes) -> str:
    """The strings an uncompressed PDF shows (``(…) Tj``), one per line, as Windows-1252."""
    shown = re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", pdf)
    unescaped = [re.sub(rb"\\(.)", rb"\1", s) for s in shown]
    return "\n".join(s.decode("windows-1252") for s in unescaped)


def test_a_declined_line_leaves_the_order_form(
    worked_example: Service, admin: Headers, order_id: int
) -> None:
    url = f"/api/v1/orders/{order_id}/confirm"
    declined = worked_example.client.post(url, json={"declined": ["DISP-10L"]}, headers=admin)
    assert declined.status_code == 200, declined.get_json()

    response = worked_example.client.get(
        f"/api/v1/orders/{order_id}/document.csv", headers=supplier(worked_example, A)
    )

    assert response.get_data().decode("utf-8") == (
        HEADER + "SIL-300;SIL-300;piece;6;72;4,20;302,40;19;\r\n"
        f"SIL-300;;;6;72;;;;{DEPOT}\r\n"
        "goods;;;;;;302,40;;\r\n"
        "shipping_fee;;;;;;25,00;19;\r\n"
        "total;;;;;;327,40;;\r\n"
        "taxable;;;;;;327,40;19;\r\n"
        "vat;;;;;;62,21;19;\r\n"
        "gross_total;;;;;;389,61;;\r\n"
    )


def test_the_order_form_keeps_the_ordered_total_after_a_short_receipt(
    worked_example: Service, admin: Headers, order_id: int
) -> None:
    client = worked_example.client
    assert client.post(f"/api/v1/orders/{order_id}/confirm", headers=admin).status_code == 200
    lines = [{"sku": "DISP-10L", "received_quantity": "12"}]
    lines.append({"sku": "SIL-300", "received_quantity": "72"})
    booked = client.post(f"/api/v1/orders/{order_id}/receipt", json={"lines": lines}, headers=admin)
    assert booked.status_code == 201

    response = client.get(f"/api/v1/orders/{order_id}/document.csv", headers=admin)

    assert response.get_data().decode("utf-8") == WORKED_EXAMPLE_CSV  # as ordered: 834.40


def silicone_at_7_percent(pooling: Service) -> None:
    """Catalog announces SIL-300's offer again, its product now at the reduced rate."""
    event = offer_updated(A, SIL, "12", [("0", "4.20"), ("120", "3.60")])
    feed(pooling, dataclasses.replace(event, vat_rate=Decimal("7")))


@pytest.fixture
def mixed_rates_order_id(worked_example: Service, admin: Headers) -> int:
    silicone_at_7_percent(worked_example)
    [order] = close(worked_example, admin)["orders"]
    return int(order["id"])


def test_the_csv_shows_each_lines_rate_and_the_vat_per_rate(
    worked_example: Service, admin: Headers, mixed_rates_order_id: int
) -> None:
    response = worked_example.client.get(
        f"/api/v1/orders/{mixed_rates_order_id}/document.csv", headers=admin
    )

    rows = response.get_data().decode("utf-8").split("\r\n")
    assert rows[1] == "DISP-10L;DISP-10L;piece;14;14;38,00;532,00;19;"
    assert rows[4] == "SIL-300;SIL-300;piece;6;72;4,20;302,40;7;"  # after DISP's addresses
    assert rows[6:] == [
        "goods;;;;;;834,40;;",
        "shipping_fee;;;;;;0,00;19;",
        "total;;;;;;834,40;;",
        "taxable;;;;;;532,00;19;",
        "vat;;;;;;101,08;19;",
        "taxable;;;;;;302,40;7;",
        "vat;;;;;;21,17;7;",  # 21.168, rounded half up on the rate's sum
        "gross_total;;;;;;956,65;;",
        "",
    ]


def test_the_pdf_shows_net_vat_per_rate_and_gross_with_the_fee_at_19(
    worked_example: Service, admin: Headers, mixed_rates_order_id: int
) -> None:
    client = worked_example.client
    url = f"/api/v1/orders/{mixed_rates_order_id}"
    assert (
        client.post(f"{url}/confirm", json={"declined": [DISP]}, headers=admin).status_code == 200
    )

    text = shown_text(client.get(f"{url}/document.pdf", headers=admin).get_data())

    assert re.search(r"Summe netto\n327,40 \u20ac", text)  # 302.40 silicone + 25.00 shipping
    assert re.search(r"zzgl. 19 % USt. auf 25,00 \u20ac\n4,75 \u20ac", text)
    assert re.search(r"zzgl. 7 % USt. auf 302,40 \u20ac\n21,17 \u20ac", text)
    assert re.search(r"Gesamtbetrag brutto\n353,32 \u20ac", text)
    assert "7 %" in text.split("Summe netto")[0]  # the silicone line's own rate


def test_pooling_keeps_the_rate_an_offer_announces(worked_example: Service) -> None:
    from pooling.adapters import orm

    silicone_at_7_percent(worked_example)

    with worked_example.runtime.sessions() as session:
        assert session.get(orm.Offer, (A, SIL)).vat_rate == Decimal("7")
        assert session.get(orm.Offer, (A, DISP)).vat_rate == Decimal("19")  # none announced
