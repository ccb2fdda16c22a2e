"""An event written as JSON text in one pass reads as its JSON-ready data."""

import dataclasses
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from shared.events import Event, dump, dumps, load


def order_confirmed() -> Event:
    payload = {"order_id": 7, "window_id": 3, "supplier_id": 2, "need_ids": (11, 12)}
    return Event.of("pooling.order.confirmed", payload | {"expected_delivery": date(2026, 12, 9)})


def order_placed() -> Event:
    allocation = {"need_id": 11, "member_id": 4, "quantity": Decimal("2.500")}
    allocation |= {"goods": Decimal("12.30"), "shipping_share": Decimal("0.07")}
    allocation |= {"paid": Decimal("12.37"), "delivery_site": None, "correlation_id": "c-1"}
    line = {"sku": "DISP-10L", "packs": 3, "ordered_quantity": Decimal("3")}
    line |= {"unit_price": Decimal("4.9200"), "line_total": Decimal("14.76")}
    line |= {"surplus_quantity": Decimal("0.5"), "allocations": [allocation]}
    savings = {"member_id": 4, "baseline": Decimal("40.00"), "paid": Decimal("12.37")}
    payload = {"order_id": 7, "window_id": 3, "supplier_id": 2, "lines": (line,)}
    payload |= {"shipping_fee": Decimal("0.07"), "total": Decimal("14.83")}
    payload |= {"member_savings": [savings | {"saved": Decimal("27.63")}]}
    return Event.of("pooling.order.placed", payload, occurred_at=datetime(2026, 12, 6, tzinfo=UTC))


@pytest.mark.parametrize("event", [order_placed(), order_confirmed()])
def test_dumps_writes_the_text_of_dump(event: Event) -> None:
    assert json.loads(dumps(event)) == json.loads(json.dumps(dump(event)))
    assert load(json.loads(dumps(event))) == load(dump(event))


def test_dumps_refuses_what_an_event_cannot_carry() -> None:
    event = dataclasses.replace(order_confirmed(), need_ids={1, 2})
    with pytest.raises(TypeError):
        dumps(event)
