"""A supplier's price list as a CSV upload: all rows set as offers, or none of them."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from catalog.entrypoints.price_lists import MAX_BYTES
from catalog.service_layer import commands, directory
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.db import transaction

if TYPE_CHECKING:
    from tests.api.conftest import Created, Headers, Service

HEADER = "sku;name;unit;pack_size;tiers;valid_from"
GOOD = (
    f"{HEADER}\n"
    "DISP-10L;Dispersionsfarbe 10 l;bucket;1;0:42.00|10:38.00|25:34.50;2030-03-01\n"
    "SIL-300;Silikon 300 ml;cartridge;12;0:4.20|120:3.60;\n"
)


@pytest.fixture
def supplier(make_supplier: Any) -> Created:
    return make_supplier()


def upload(catalog: Service, supplier_id: int, body: Any, headers: Headers, **kwargs: Any) -> Any:
    return catalog.client.post(
        f"/api/v1/price-lists/{supplier_id}",
        data=body,
        headers=headers,
        content_type=kwargs.pop("content_type", "text/csv"),
        **kwargs,
    )


def offers(catalog: Service, admin: Headers) -> dict[tuple[int, str], Any]:
    listed = catalog.client.get("/api/v1/offers", headers=admin).get_json()
    return {
        (o["supplier_id"], o["sku"]): (
            Decimal(o["pack_size"]),
            [(Decimal(t["min_quantity"]), Decimal(t["unit_price"])) for t in o["tiers"]],
        )
        for o in listed
    }


def test_a_supplier_uploads_its_price_list_and_its_offers_are_set(
    catalog: Service, admin: Headers, supplier: Created, make_product: Any
) -> None:
    make_product("DISP-10L", "Dispersionsfarbe weiß", "bucket")

    response = upload(catalog, supplier.id, GOOD, supplier.headers)

    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "supplier_id": supplier.id,
        "rows": 2,
        "offers_set": 2,
        "products_created": 1,
        "created_skus": ["SIL-300"],
        "valid_from": ["2030-03-01"],
    }
    assert offers(catalog, admin) == {
        (supplier.id, "DISP-10L"): (
            Decimal(1),
            [(0, Decimal("42.00")), (10, Decimal("38.00")), (25, Decimal("34.50"))],
        ),
        (supplier.id, "SIL-300"): (Decimal(12), [(0, Decimal("4.20")), (120, Decimal("3.60"))]),
    }
    events = catalog.outbox("catalog.offer.updated")
    assert [(e["payload"]["supplier_id"], e["payload"]["sku"]) for e in events] == [
        (supplier.id, "DISP-10L"),
        (supplier.id, "SIL-300"),
    ]
    assert events[1]["payload"]["product_name"] == "Silikon 300 ml"
    products = catalog.client.get("/api/v1/products", headers=admin).get_json()
    assert {p["sku"]: p["name"] for p in products} == {
        "DISP-10L": "Dispersionsfarbe weiß",  # an existing product keeps its name
        "SIL-300": "Silikon 300 ml",
    }


def test_an_admin_uploads_a_comma_separated_file_as_a_multipart_form(
    catalog: Service, admin: Headers, supplier: Created
) -> None:
    body = "\ufeffsku,name,unit,pack_size,tiers\r\nGIPS-25,Gips 25 kg,sack,1,0:9.90\r\n"
    form = {"file": (io.BytesIO(body.encode()), "preise.csv")}
    response = upload(catalog, supplier.id, form, admin, content_type="multipart/form-data")

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["valid_from"] == []
    assert offers(catalog, admin) == {(supplier.id, "GIPS-25"): (1, [(0, Decimal("9.90"))])}


def test_a_second_upload_replaces_the_tiers(
    catalog: Service, admin: Headers, supplier: Created
) -> None:
    assert upload(catalog, supplier.id, GOOD, admin).status_code == 200
    newer = f"{HEADER}\nSIL-300;Silikon 300 ml;cartridge;24;0:4.00\n"

    assert upload(catalog, supplier.id, newer, admin).get_json()["products_created"] == 0

    assert offers(catalog, admin)[(supplier.id, "SIL-300")] == (24, [(0, Decimal("4.00"))])


def test_a_price_list_writes_the_events_that_put_offers_writes(
    catalog: Service, admin: Headers, make_supplier: Any, make_product: Any
) -> None:
    listed, put = make_supplier(), make_supplier()
    make_product("DISP-10L", "Dispersionsfarbe weiß", "bucket")
    assert upload(catalog, listed.id, GOOD, admin).status_code == 200
    for sku, pack_size, tiers, valid_from in (
        ("DISP-10L", "1", [("0", "42.00"), ("10", "38.00"), ("25", "34.50")], "2030-03-01"),
        ("SIL-300", "12", [("0", "4.20"), ("120", "3.60")], None),
    ):
        body = {
            "pack_size": pack_size,
            "tiers": [{"min_quantity": q, "unit_price": p} for q, p in tiers],
            "valid_from": valid_from,
        }
        answer = catalog.client.put(f"/api/v1/offers/{put.id}/{sku}", json=body, headers=admin)
        assert answer.status_code == 200, answer.get_json()

    events = catalog.outbox("catalog.offer.updated")
    by_list = [e["payload"] for e in events if e["payload"]["supplier_id"] == listed.id]
    by_put = [e["payload"] for e in events if e["payload"]["supplier_id"] == put.id]
    assert [p | {"supplier_id": put.id} for p in by_list] == by_put
    assert by_put[1]["product_name"] == "Silikon 300 ml"


def test_a_second_upload_replaces_only_the_tiers_of_its_own_offers(
    catalog: Service, admin: Headers, make_supplier: Any
) -> None:
    first, second = make_supplier(), make_supplier()
    assert upload(catalog, first.id, GOOD, admin).status_code == 200
    assert upload(catalog, second.id, GOOD, admin).status_code == 200
    newer = f"{HEADER}\nDISP-10L;Dispersionsfarbe;bucket;2;0:40.00|50:30.00\n"

    assert upload(catalog, first.id, newer, admin).status_code == 200

    listed = offers(catalog, admin)
    assert listed[(first.id, "DISP-10L")] == (2, [(0, Decimal("40.00")), (50, Decimal("30.00"))])
    assert listed[(first.id, "SIL-300")] == (12, [(0, Decimal("4.20")), (120, Decimal("3.60"))])
    assert listed[(second.id, "DISP-10L")] == (
        1,
        [(0, Decimal("42.00")), (10, Decimal("38.00")), (25, Decimal("34.50"))],
    )


def test_a_deactivated_supplier_cannot_upload_a_price_list(
    catalog: Service, admin: Headers, supplier: Created
) -> None:
    with transaction(catalog.runtime.sessions) as db:
        directory.remove_supplier(
            commands.RemoveSupplier(supplier.id), SqlAlchemyUnitOfWork(db, catalog.runtime.outbox)
        )
    before = len(catalog.outbox())

    response = upload(catalog, supplier.id, GOOD, admin)

    assert response.status_code == 409, response.get_json()
    assert offers(catalog, admin) == {}
    assert len(catalog.outbox()) == before


BAD = [
    pytest.param(
        f"{HEADER}\nA-1;A;bucket;1;0:4.20\nB-1;B;bucket;0;0:4.20\n",
        [(3, "pack_size")],
        id="pack size zero",
    ),
    pytest.param(
        f"{HEADER}\nA-1;A;bucket;1;0:1,234.00\n", [(2, "tiers")], id="price with a comma per mille"
    ),
    pytest.param(
        f"{HEADER}\nA-1;A;bucket;1,5,0;0:4.20\n", [(2, "pack_size")], id="two commas in a figure"
    ),
    pytest.param(f"{HEADER}\nA-1;A;bucket;1;0:0.001\n", [(2, "tiers")], id="price below a cent"),
    pytest.param(f"{HEADER}\nA-1;A;bucket;1;5:4.20|10:4.00\n", [(2, "tiers")], id="tiers from 5"),
    pytest.param(
        f"{HEADER}\nA-1;A;bucket;1;0:4.20|10:4.00|10:3.90\n",
        [(2, "tiers")],
        id="tiers not rising",
    ),
    pytest.param(f"{HEADER}\nA-1;A;bucket;1;0-4.20\n", [(2, "tiers")], id="tier without colon"),
    pytest.param(
        "sku;name;unit;tiers\nA-1;A;bucket;0:4.20\n", [(1, "pack_size")], id="missing column"
    ),
    pytest.param(f"{HEADER};ean\nA-1;A;bucket;1;0:4.20;;4006\n", [(1, "ean")], id="unknown column"),
    pytest.param(
        f"{HEADER}\nA-1;A;bucket;1;0:4.20\nB-1;B;bucket;1;0:4.20\nA-1;A;bucket;2;0:4.00\n",
        [(4, "sku")],
        id="duplicate sku",
    ),
    pytest.param(f"{HEADER}\nA 1;A;bucket;1;0:4.20\n", [(2, "sku")], id="sku with a blank"),
    pytest.param(f"{HEADER}\n;A;bucket;1;0:4.20\n", [(2, "sku")], id="sku missing"),
    pytest.param(f"{HEADER}\nA-1;A;bucket;1\n", [(2, None)], id="too few fields"),
    pytest.param(
        f"{HEADER}\nA-1;A;bucket;1;0:4.20;2030-02-30\n", [(2, "valid_from")], id="bad date"
    ),
    pytest.param(
        f"{HEADER}\nA-1;A;bucket;1;0:4.20\nB-1;;bucket;1000000;0:4.20\n",
        [(3, "name"), (3, "pack_size")],
        id="two problems in one row",
    ),
    pytest.param("", [(None, None)], id="empty file"),
    pytest.param("\n \n", [(None, None)], id="blank lines only"),
    pytest.param(f"{HEADER}\n", [(2, None)], id="header only"),
    pytest.param(
        f"{HEADER}\nA-1;A;bucket;1;0:4.20\n" + "X" * MAX_BYTES,
        [(None, None)],
        id="oversized file",
    ),
    pytest.param(b"sku;name\n\x81\x8d", [(None, None)], id="neither utf-8 nor windows-1252"),
]


@pytest.mark.parametrize(("body", "where"), BAD)
def test_a_bad_price_list_is_refused_with_row_and_column_and_nothing_is_stored(
    catalog: Service, admin: Headers, supplier: Created, body: str, where: list[Any]
) -> None:
    before = len(catalog.outbox())

    response = upload(catalog, supplier.id, body, supplier.headers)

    assert response.status_code == 422, response.get_json()
    error = response.get_json()
    assert set(error) == {"error", "details"}
    assert [(p["row"], p["column"]) for p in error["details"]["rows"]] == where
    assert all(p["message"] for p in error["details"]["rows"])
    assert offers(catalog, admin) == {}
    assert catalog.client.get("/api/v1/products", headers=admin).get_json() == []
    assert len(catalog.outbox()) == before


def test_a_product_priced_by_another_unit_refuses_the_whole_list(
    catalog: Service, admin: Headers, supplier: Created, make_product: Any
) -> None:
    make_product("DISP-10L", "Dispersionsfarbe 10 l", "bucket")
    body = f"{HEADER}\nGIPS-25;Gips;sack;1;0:9.90\nDISP-10L;Dispersionsfarbe;litre;10;0:4.20\n"

    response = upload(catalog, supplier.id, body, supplier.headers)

    assert response.status_code == 422
    assert [(p["row"], p["column"]) for p in response.get_json()["details"]["rows"]] == [
        (3, "unit")
    ]
    assert offers(catalog, admin) == {}
    skus = [p["sku"] for p in catalog.client.get("/api/v1/products", headers=admin).get_json()]
    assert skus == ["DISP-10L"]


def test_a_price_list_for_an_unknown_supplier_is_refused(catalog: Service, admin: Headers) -> None:
    response = upload(catalog, 99, GOOD, admin)

    assert response.status_code == 422
    assert response.get_json()["details"]["rows"] == [
        {"row": None, "column": "supplier_id", "message": "There is no supplier 99."}
    ]
    assert catalog.client.get("/api/v1/products", headers=admin).get_json() == []
    assert catalog.outbox("catalog.offer.updated") == []


def test_a_supplier_cannot_upload_another_suppliers_price_list(
    catalog: Service, admin: Headers, supplier: Created, make_supplier: Any, make_member: Any
) -> None:
    other = make_supplier()

    response = upload(catalog, supplier.id, GOOD, other.headers)

    assert response.status_code == 403
    assert set(response.get_json()) == {"error", "details"}
    assert upload(catalog, supplier.id, GOOD, make_member().headers).status_code == 403
    assert upload(catalog, supplier.id, GOOD, {}).status_code == 401
    assert offers(catalog, admin) == {}


def test_a_price_list_in_another_format_is_refused(catalog: Service, supplier: Created) -> None:
    response = upload(
        catalog, supplier.id, '{"sku": "A-1"}', supplier.headers, content_type="application/json"
    )

    assert response.status_code == 415


WITH_VAT = (
    "sku;name;unit;pack_size;tiers;valid_from;vat_rate\r\n"
    "DISP-10L;Dispersionsfarbe 10 l;bucket;1;0:42.00|10:38.00|25:34.50;2030-03-01;19\r\n"
    "FSZ-6060;Feinsteinzeug 60x60;m²;1.44;0:24.90|50:22.50;;19\r\n"
    "VOB-C;VOB Teil C (Buch);piece;1;0:98.00;;7\r\n"
)


def test_a_new_product_takes_the_lists_vat_rate_and_is_announced(
    catalog: Service, admin: Headers, supplier: Created
) -> None:
    body = f"{HEADER};vat_rate\nVOB-C;VOB Teil C;piece;1;0:98.00;;7\nGIPS-25;Gips;sack;1;0:9.90;;\n"

    response = upload(catalog, supplier.id, body, supplier.headers)

    assert response.status_code == 200, response.get_json()
    products = catalog.client.get("/api/v1/products", headers=admin).get_json()
    assert {p["sku"]: p["vat_rate"] for p in products} == {"GIPS-25": "19", "VOB-C": "7"}
    announced = [e["payload"] for e in catalog.outbox("catalog.product.updated")]
    assert {(p["sku"], p["vat_rate"]) for p in announced} == {("GIPS-25", "19"), ("VOB-C", "7")}
    offered = [e["payload"] for e in catalog.outbox("catalog.offer.updated")]
    assert [(o["sku"], o["vat_rate"]) for o in offered] == [("VOB-C", "7"), ("GIPS-25", "19")]


def test_a_known_products_rate_stays_the_catalogs(
    catalog: Service, admin: Headers, supplier: Created, make_product: Any
) -> None:
    make_product("VOB-C", "VOB Teil C", "piece")  # 19 %, as the office left it
    before = len(catalog.outbox())
    body = f"{HEADER};vat_rate\nVOB-C;VOB Teil C;piece;1;0:98.00;;7\n"

    response = upload(catalog, supplier.id, body, supplier.headers)

    assert response.status_code == 422
    [problem] = response.get_json()["details"]["rows"]
    assert (problem["row"], problem["column"]) == (2, "vat_rate")
    assert "19 %" in problem["message"]
    assert offers(catalog, admin) == {}
    assert len(catalog.outbox()) == before
    same = f"{HEADER};vat_rate\nVOB-C;VOB Teil C;piece;1;0:98.00;;19\nVOB-D;VOB D;piece;1;0:9.90\n"
    assert upload(catalog, supplier.id, same, supplier.headers).status_code == 200


@pytest.mark.parametrize("rate", ["16", "7%", "sieben"])
def test_a_rate_other_than_19_7_or_0_refuses_the_list(
    catalog: Service, admin: Headers, supplier: Created, rate: str
) -> None:
    body = f"{HEADER};vat_rate\nVOB-C;VOB Teil C;piece;1;0:98.00;;{rate}\n"

    response = upload(catalog, supplier.id, body, supplier.headers)

    assert response.status_code == 422
    assert [(p["row"], p["column"]) for p in response.get_json()["details"]["rows"]] == [
        (2, "vat_rate")
    ]
    assert catalog.client.get("/api/v1/products", headers=admin).get_json() == []


def download(catalog: Service, supplier_id: int, headers: Headers) -> Any:
    return catalog.client.get(f"/api/v1/price-lists/{supplier_id}", headers=headers)


def test_a_downloaded_price_list_is_the_uploaded_one_and_uploads_again_unchanged(
    catalog: Service, admin: Headers, supplier: Created
) -> None:
    assert upload(catalog, supplier.id, WITH_VAT, supplier.headers).status_code == 200
    set_once = offers(catalog, admin)

    response = download(catalog, supplier.id, supplier.headers)

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f'filename="preisliste-{supplier.id}.csv"' in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8")
    assert text == "\ufeff" + german_excel(WITH_VAT)
    again = upload(catalog, supplier.id, text, supplier.headers)
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["products_created"] == 0
    assert offers(catalog, admin) == set_once
    products = catalog.client.get("/api/v1/products", headers=admin).get_json()
    assert {p["sku"]: p["vat_rate"] for p in products} == {
        "DISP-10L": "19",
        "FSZ-6060": "19",
        "VOB-C": "7",
    }


def test_a_price_list_shows_a_changed_rate(
    catalog: Service, admin: Headers, supplier: Created
) -> None:
    assert upload(catalog, supplier.id, WITH_VAT, supplier.headers).status_code == 200
    body = {"name": "Dispersionsfarbe 10 l", "unit": "bucket", "vat_rate": "0"}
    assert (
        catalog.client.put("/api/v1/products/DISP-10L", json=body, headers=admin).status_code == 200
    )

    text = download(catalog, supplier.id, admin).get_data().decode("utf-8")

    assert (
        "DISP-10L;Dispersionsfarbe 10 l;bucket;1;0:42,00|10:38,00|25:34,50;01.03.2030;0\r\n" in text
    )


def test_only_the_supplier_and_admins_download_its_price_list(
    catalog: Service, admin: Headers, supplier: Created, make_supplier: Any, make_member: Any
) -> None:
    assert download(catalog, supplier.id, admin).get_data().decode() == (
        "\ufeffsku;name;unit;pack_size;tiers;valid_from;vat_rate\r\n"
    )
    assert download(catalog, supplier.id, make_supplier().headers).status_code == 403
    assert download(catalog, supplier.id, make_member().headers).status_code == 403
    assert download(catalog, supplier.id, {}).status_code == 401
    assert download(catalog, 999, admin).status_code == 404


def german_excel(text: str) -> str:
    """``text`` as German Excel writes it: decimal commas, dates DD.MM.YYYY."""
    return re.sub(r"(\d{4})-(\d{2})-(\d{2})", r"\3.\2.\1", re.sub(r"(\d)\.(\d)", r"\1,\2", text))


def test_a_list_saved_by_german_excel_is_read_as_it_is(
    catalog: Service, admin: Headers, supplier: Created
) -> None:
    """Windows-1252, decimal commas (also with dots between thousands), German dates."""
    text = (
        "sku;name;unit;pack_size;tiers;valid_from;vat_rate\r\n"
        "WEISS-10;Wandfarbe weiß 10 l;Eimer;1;0:1.042,50|10:38,5;01.03.2030;19\r\n"
        "FUG-5;Fugenmörtel 5 kg;Sack;2,5;0:4,20;;7,0\r\n"
    )

    response = upload(catalog, supplier.id, text.encode("cp1252"), supplier.headers)

    assert response.status_code == 200, response.get_json()
    assert offers(catalog, admin) == {
        (supplier.id, "WEISS-10"): (
            Decimal(1),
            [(Decimal(0), Decimal("1042.50")), (Decimal(10), Decimal("38.5"))],
        ),
        (supplier.id, "FUG-5"): (Decimal("2.5"), [(Decimal(0), Decimal("4.20"))]),
    }
    products = catalog.client.get("/api/v1/products", headers=admin).get_json()
    assert {p["sku"]: (p["name"], p["vat_rate"]) for p in products} == {
        "WEISS-10": ("Wandfarbe weiß 10 l", "19"),
        "FUG-5": ("Fugenmörtel 5 kg", "7"),
    }
    [day] = upload(catalog, supplier.id, text.encode("utf-8-sig"), supplier.headers).get_json()[
        "valid_from"
    ]
    assert day == "2030-03-01"


def test_a_point_is_a_decimal_point_not_a_thousands_separator(
    catalog: Service, admin: Headers, supplier: Created
) -> None:
    text = f"{HEADER}\nA-1;A;bucket;1.500;0:1.500\n"

    assert upload(catalog, supplier.id, text, supplier.headers).status_code == 200

    assert offers(catalog, admin) == {
        (supplier.id, "A-1"): (Decimal("1.5"), [(Decimal(0), Decimal("1.5"))])
    }


def test_the_template_is_an_example_that_uploads_as_it_is(
    catalog: Service, admin: Headers, supplier: Created
) -> None:
    response = catalog.client.get("/api/v1/price-lists/template", headers=supplier.headers)

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="preisliste-vorlage.csv"' in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeffsku;name;unit;pack_size;tiers;valid_from;vat_rate\r\n".encode())
    uploaded = upload(catalog, supplier.id, body, supplier.headers)
    assert uploaded.status_code == 200, uploaded.get_json()
    assert uploaded.get_json()["offers_set"] == 2
    assert catalog.client.get("/api/v1/price-lists/template", headers={}).status_code == 401


def test_each_problem_comes_with_its_template_to_translate(
    catalog: Service, supplier: Created
) -> None:
    text = "sku;name;unit;pack_size;tiers;ean\nA-1;A;bucket;1;0:4.20;4006\n"
    unknown = upload(catalog, supplier.id, text, supplier.headers).get_json()["details"]
    tiers = f"{HEADER}\nA-1;A;bucket;1;0-4.20\nB-1;B;bucket;1;0:4.20;x;y\n"
    rows = upload(catalog, supplier.id, tiers, supplier.headers).get_json()["details"]

    assert unknown["templates"] == [
        {
            "template": (
                "Unknown column '%(column)s' (field %(field)s); the columns are %(columns)s."
            ),
            "values": {
                "column": "ean",
                "field": 6,
                "columns": "sku, name, unit, pack_size, tiers, valid_from, vat_rate",
            },
        }
    ]
    assert rows["templates"] == [
        {
            "template": "Tier %(number)s (%(tier)s) is not min_quantity:unit_price, e.g. 10:38.00.",
            "values": {"number": 1, "tier": "0-4.20"},
        },
        {
            "template": "Expected %(expected)s fields, found %(found)s.",
            "values": {"expected": 6, "found": 7},
        },
    ]
    assert rows["rows"][0]["message"] == (
        "Tier 1 (0-4.20) is not min_quantity:unit_price, e.g. 10:38.00."
    )
