"""Pooling's outlook of the open window on the design's worked example: what the next
tiers and free shipping would take, and what the pool saves so far (rule 7)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pooling.entrypoints.outlook import LAST
from tests.api.test_pooling_api import (
    DISP,
    SIL,
    A,
    B,
    feed,
    member,
    need_cancelled,
    need_posted,
    supplier,
    worked_example,
)

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service

__all__ = ["worked_example"]  # the fixture


def outlook(pooling: Service, headers: Headers) -> dict[str, Any]:
    response = pooling.client.get("/api/v1/pools/current/outlook", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def offers_of(body: dict[str, Any], sku: str) -> dict[int, dict[str, Any]]:
    product = next(p for p in body["products"] if p["sku"] == sku)
    return {offer["supplier_id"]: offer for offer in product["offers"]}


def test_the_outlook_of_the_worked_example(worked_example: Service) -> None:
    body = outlook(worked_example, member(worked_example, 3))
    chosen = {p["sku"]: p["supplier_id"] for p in body["products"]}
    assert chosen == {DISP: A, SIL: A}
    disp = offers_of(body, DISP)
    assert Decimal(disp[A]["line_total"]) == Decimal("532.00")
    tier = disp[A]["next_tier"]
    assert (Decimal(tier["min_quantity"]), Decimal(tier["unit_price"])) == (25, Decimal("34.50"))
    assert (Decimal(tier["more"]), Decimal(tier["saves_per_unit"])) == (11, Decimal("3.50"))
    assert Decimal(disp[B]["next_tier"]["more"]) == 6  # 20 at B: 3.00 less per bucket
    assert Decimal(disp[B]["free_shipping_more"]) == 0  # 560.00 at B would ship free
    sil = offers_of(body, SIL)[A]
    assert Decimal(sil["pack_size"]) == 12 and len(sil["tiers"]) == 2
    # 120 needs a 10th pack: more than 108 pooled, 45 more than the 64 now
    assert (Decimal(sil["next_tier"]["more"]), Decimal(sil["next_tier"]["saves_per_unit"])) == (
        45,
        Decimal("0.60"),
    )
    suppliers = {s["supplier_id"]: s for s in body["suppliers"]}
    assert (Decimal(suppliers[A]["lines_total"]), Decimal(suppliers[A]["fee"])) == (
        Decimal("834.40"),
        0,
    )
    assert (Decimal(suppliers[B]["lines_total"]), Decimal(suppliers[B]["fee"])) == (
        0,
        Decimal("19.00"),
    )
    pool = {k: Decimal(v) for k, v in body["pool"].items()}
    assert pool == {"baseline": Decimal("1006.80"), "paid": Decimal("800.80"), "saved": 206}
    own = {k: Decimal(v) for k, v in body["own"].items()}
    assert own == {
        "baseline": Decimal("445.80"),
        "paid": Decimal("388.00"),
        "saved": Decimal("57.80"),
    }


def test_free_shipping_says_how_much_more_of_a_product_it_takes(worked_example: Service) -> None:
    """Only SIL at A: 64 in 6 packs make 302.40, far from A's 500.00; 12 packs (144 at
    3.60: 518.40) are the fewest that reach it, more than 132 pooled: 69 more."""
    feed(worked_example, need_cancelled(1, 1, DISP), need_cancelled(3, 3, DISP))
    body = outlook(worked_example, member(worked_example, 2))
    assert [p["sku"] for p in body["products"]] == [SIL]
    assert Decimal(offers_of(body, SIL)[A]["free_shipping_more"]) == 69
    suppliers = {s["supplier_id"]: s for s in body["suppliers"]}
    assert Decimal(suppliers[A]["fee"]) == Decimal("25.00")
    # m2: 30 at 4.20 and 126.00 of 268.80 in goods bear 11.72 of the fee; alone 176.20
    assert body["own"] == {"baseline": "176.20", "paid": "137.72", "saved": "38.48"}


def test_an_unchanged_pool_is_not_weighed_again(worked_example: Service, monkeypatch) -> None:
    first = outlook(worked_example, member(worked_example, 1))

    def no_close(*args: object, **kwargs: object) -> None:
        raise AssertionError("weighed again")

    monkeypatch.setattr("pooling.service_layer.outlook.close_window", no_close)
    assert outlook(worked_example, member(worked_example, 1)) == first
    feed(worked_example, need_posted(6, 1, DISP, "5"))  # 19 pooled: 6 more reach 25
    # a busy pool is weighed at most every 15 seconds: a moment later, as it stood
    assert outlook(worked_example, member(worked_example, 1)) == first
    monkeypatch.undo()
    worked_example.app.extensions[LAST].fresh_for = 0
    again = outlook(worked_example, member(worked_example, 1))
    assert Decimal(offers_of(again, DISP)[A]["next_tier"]["more"]) == 6


def test_who_may_see_the_outlook(worked_example: Service, admin: Headers) -> None:
    body = outlook(worked_example, admin)
    assert body["own"] is None and Decimal(body["pool"]["saved"]) == 206
    refused = worked_example.client.get(
        "/api/v1/pools/current/outlook", headers=supplier(worked_example, A)
    )
    assert refused.status_code == 403
    assert worked_example.client.get("/api/v1/pools/current/outlook").status_code == 401


def test_an_empty_pool_has_no_outlook(pooling: Service) -> None:
    body = outlook(pooling, member(pooling, 1))
    assert body["products"] == [] and body["pool"] is None and body["own"] is None


def quote(pooling: Service, query: str, headers: Headers | None = None) -> Any:
    return pooling.client.get(
        f"/api/v1/pools/current/quote?{query}", headers=headers or member(pooling, 1)
    )


def test_the_quote_says_what_one_more_need_would_change(worked_example: Service) -> None:
    """SIL: 64 pooled in 6 packs at 4.20; 50 more make 114, 10 packs, 120 at 3.60."""
    body = quote(worked_example, f"sku={SIL}&quantity=50").get_json()
    assert (body["pooled"], body["quantity"]) == ("64", "50")
    (at_a,) = body["offers"]
    assert (at_a["supplier_id"], Decimal(at_a["pack_size"])) == (A, 12)
    assert [Decimal(t["min_quantity"]) for t in at_a["tiers"]] == [0, 120]
    assert Decimal(at_a["now"]["unit_price"]) == Decimal("4.20")
    assert Decimal(at_a["now"]["ordered_quantity"]) == 72
    after = at_a["with_need"]
    assert (Decimal(after["ordered_quantity"]), Decimal(after["unit_price"])) == (
        120,
        Decimal("3.6"),
    )
    assert after["next_tier"] is None and Decimal(at_a["goods"]) == Decimal("180.00")
    disp = {
        o["supplier_id"]: o
        for o in quote(worked_example, f"sku={DISP}&quantity=6").get_json()["offers"]
    }
    assert Decimal(disp[B]["with_need"]["unit_price"]) == 37 and Decimal(disp[B]["goods"]) == 222
    assert Decimal(disp[A]["with_need"]["unit_price"]) == 38 and Decimal(disp[A]["goods"]) == 228


def test_the_quote_without_a_quantity_shows_the_pool_now(worked_example: Service) -> None:
    body = quote(worked_example, f"sku={DISP}").get_json()
    assert body["quantity"] is None and body["pooled"] == "14"
    assert all(o["with_need"] is None and o["goods"] is None for o in body["offers"])


def test_the_quote_refuses_what_a_need_would_refuse(
    worked_example: Service, admin: Headers
) -> None:
    for query in (f"sku={SIL}&quantity=0", f"sku={SIL}&quantity=abc", "quantity=3"):
        answer = quote(worked_example, query)
        assert answer.status_code == 422, query
    assert quote(worked_example, f"sku={SIL}&quantity=1.0001").get_json()["details"]["quantity"]
    assert quote(worked_example, "sku=NOPE&quantity=1").status_code == 404
    assert quote(worked_example, f"sku={SIL}", supplier(worked_example, A)).status_code == 403
    assert quote(worked_example, f"sku={SIL}", admin).status_code == 200
