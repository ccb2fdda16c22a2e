"""One corrected savings e-mail after a short receipt: a report e-mail that still waits is
rewritten with the final figures; one already sent gets one correction e-mail, itself
rewritten by later changes while it waits (the worked example received short)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from notify.adapters.orm import Delivery
from notify.bootstrap import handlers as notify_handlers
from tests.api.test_after_order import RECEIVED, book, confirmed, receipt
from tests.api.test_after_order_events import register_members, tell
from tests.api.test_pooling_api import DISP, SIL, A, close, supplier, with_worked_example

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service


def savings_mails(notify: Service, member_id: int) -> list[tuple[str, str, str]]:
    query = (
        select(Delivery.kind, Delivery.status, Delivery.subject)
        .where(Delivery.member_id == member_id, Delivery.kind.like("savings%"))
        .order_by(Delivery.id)
    )
    with notify.runtime.engine.connect() as db:
        return [tuple(row) for row in db.execute(query)]


def story(notify: Service, pooling: Service, admin: Headers) -> tuple[Any, list[dict], int]:
    order_id = confirmed(with_worked_example(pooling), admin)
    react = notify_handlers(notify.runtime.settings, notify.runtime.outbox)
    register_members(notify, react)
    placed, confirmation = (
        pooling.outbox(f"pooling.order.{e}")[0] for e in ("placed", "confirmed")
    )
    tell(notify, react, placed, confirmation)
    return react, [placed, confirmation], order_id


def test_a_report_not_sent_yet_is_rewritten_instead_of_a_second_mail(
    notify: Service, pooling: Service, admin: Headers
) -> None:
    react, _story, order_id = story(notify, pooling, admin)
    assert book(pooling, admin, order_id, receipt(RECEIVED)).status_code == 201

    tell(notify, react, pooling.outbox("pooling.order.received")[0])

    assert savings_mails(notify, 1) == [
        ("savings_report", "pending", "Ihre Ersparnis in Runde 1: 29,00 €")
    ]
    assert savings_mails(notify, 2) == [  # m2 got all it ordered: nothing changed
        ("savings_report", "pending", "Ihre Ersparnis in Runde 1: 50,20 €")
    ]


def test_a_sent_report_gets_one_correction_mail(
    notify: Service, pooling: Service, admin: Headers
) -> None:
    react, _story, order_id = story(notify, pooling, admin)
    with notify.runtime.engine.begin() as db:
        db.execute(update(Delivery).where(Delivery.kind == "savings_report").values(status="sent"))
    assert book(pooling, admin, order_id, receipt(RECEIVED)).status_code == 201
    received = pooling.outbox("pooling.order.received")[0]

    tell(notify, react, received, received)  # redelivered: still one

    [report, correction] = savings_mails(notify, 1)
    assert report[:2] == ("savings_report", "sent")
    assert correction == (
        "savings_corrected",
        "pending",
        "Berichtigt: Ihre Ersparnis in Runde 1: 29,00 €",
    )
    with notify.runtime.engine.connect() as db:
        body = db.scalar(
            select(Delivery.body).where(
                Delivery.kind == "savings_corrected", Delivery.member_id == 1
            )
        )
    assert "gespart:                   29,00\xa0€ (bisher 31,00\xa0€)" in body
    assert [m[0] for m in savings_mails(notify, 2)] == ["savings_report"]

    lines = [{"sku": DISP, "received_quantity": "13"}, {"sku": SIL, "received_quantity": "72"}]
    again = pooling.client.put(
        f"/api/v1/orders/{order_id}/receipt", json={"lines": lines}, headers=admin
    )
    assert again.status_code == 200, again.get_json()
    tell(notify, react, pooling.outbox("pooling.order.received")[1])

    [_report, rewritten] = savings_mails(notify, 1)  # the waiting correction, rewritten
    assert rewritten[:2] == ("savings_corrected", "pending")
    assert rewritten[2] != correction[2]


def test_a_rejection_after_the_report_brings_one_correction(
    notify: Service, pooling: Service, admin: Headers
) -> None:
    [order] = close(with_worked_example(pooling), admin)["orders"]
    react = notify_handlers(notify.runtime.settings, notify.runtime.outbox)
    register_members(notify, react)
    tell(notify, react, pooling.outbox("pooling.order.placed")[0])
    with notify.runtime.engine.begin() as db:
        db.execute(update(Delivery).where(Delivery.kind == "savings_report").values(status="sent"))
    url = f"/api/v1/orders/{order['id']}/reject"
    answer = pooling.client.post(url, json={"reason": "Lager leer"}, headers=supplier(pooling, A))
    assert answer.status_code == 200, answer.get_json()
    rejected = pooling.outbox("pooling.order.rejected")[0]

    tell(notify, react, rejected, rejected)

    assert [m[:2] for m in savings_mails(notify, 1)] == [
        ("savings_report", "sent"),
        ("savings_corrected", "pending"),
    ]
    assert savings_mails(notify, 1)[1][2] == "Berichtigt: Ihre Ersparnis in Runde 1: 0,00 €"
