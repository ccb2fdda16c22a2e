"""Operations alerts reach the admins by e-mail: the ops watch raises an alert once while it
persists and resolves it when it clears; notify queues one e-mail per alert and state, even
when an event comes twice, and sends it to a real SMTP server on loopback."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from catalog.adapters.orm import QueueSample, RaisedAlert
from catalog.entrypoints.ops_watch import OpsWatch
from notify.adapters.mail import MailSender
from notify.adapters.orm import Delivery
from notify.bootstrap import handlers
from shared import events
from shared.alerting import GrowthRule, OpsSettings
from tests.api.conftest import Service
from tests.support.smtp import SmtpServer

QUEUE = "pooling.catalog-changes"
ADMINS = ("buero@zirkel.example", "technik@zirkel.example")
START = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
READY = {"status": "ready", "outbox": {"unsent": 0, "oldest_unsent_age_seconds": 0.0}}


def snapshot(depth: int, dead: int = 0) -> dict[str, Any]:
    return {
        "source": "passive",
        "queues": [
            {"name": QUEUE, "messages": depth, "consumers": 1},
            {"name": f"{QUEUE}.dead", "messages": dead, "consumers": 0},
        ],
    }


class Broker:
    """The queue figures the watch sees next."""

    def __init__(self) -> None:
        self.now = snapshot(0)

    def __call__(self) -> dict[str, Any]:
        return self.now


@pytest.fixture
def broker() -> Broker:
    return Broker()


@pytest.fixture
def watch(catalog: Service, broker: Broker) -> OpsWatch:
    ops = OpsSettings(sample_interval=30, growth=GrowthRule(3, timedelta(minutes=10)))
    services = [{"service": s} | READY for s in ("catalog", "pooling", "notify")]
    return OpsWatch(catalog.runtime, ops, queues=broker, services=lambda: services)


def look(watch: OpsWatch, broker: Broker, depths: list[int], first: int = 0) -> list[str]:
    """One look per depth, 30 s apart; the alert kinds of the last look."""
    found: list[dict[str, str]] = []
    for n, depth in enumerate(depths, start=first):
        broker.now = snapshot(depth, dead=broker.now["queues"][1]["messages"])
        found = watch.look(START + timedelta(seconds=30 * n)) or []
    return sorted(a["kind"] for a in found)


def alert_events(catalog: Service) -> list[tuple[str, str]]:
    return [
        (e["event_type"].rsplit(".", 1)[1], e["payload"]["kind"])
        for e in catalog.outbox()
        if e["event_type"].startswith("catalog.ops.alert.")
    ]


def test_an_alert_is_raised_once_while_it_persists_and_resolved_when_it_clears(
    catalog: Service, watch: OpsWatch, broker: Broker
) -> None:
    assert look(watch, broker, [1, 2, 3]) == []
    assert look(watch, broker, [4], first=3) == ["queue-growing"]
    assert alert_events(catalog) == []  # seen at one look only: it may be a blip
    assert look(watch, broker, [9, 15], first=4) == ["queue-growing"]  # still growing
    assert alert_events(catalog) == [("raised", "queue-growing")]

    broker.now["queues"][1]["messages"] = 2  # two dead letters appear as it is worked off
    assert look(watch, broker, [0, 0], first=6) == ["dead-letters"]

    assert alert_events(catalog) == [
        ("raised", "queue-growing"),
        ("resolved", "queue-growing"),
        ("raised", "dead-letters"),
    ]
    with catalog.runtime.sessions() as session:
        rows = session.scalars(select(RaisedAlert).order_by(RaisedAlert.id)).all()
        assert [(r.kind, r.resolved_at is not None) for r in rows] == [
            ("queue-growing", True),
            ("dead-letters", False),
        ]
        assert rows[0].message == f"{QUEUE} keeps growing: 2 → 9 messages"
        samples = session.scalars(select(QueueSample).where(QueueSample.queue == QUEUE)).all()
        assert [s.messages for s in samples] == [1, 2, 3, 4, 9, 15, 0, 0]


def test_a_broker_that_does_not_answer_is_an_alert(catalog: Service, watch: OpsWatch) -> None:
    def unreachable() -> dict[str, Any]:
        raise ConnectionRefusedError("[Errno 111] Connection refused")

    watch.queues = unreachable
    assert [a["kind"] for a in watch.look(START) or []] == ["broker-unreachable"]
    assert alert_events(catalog) == []
    watch.look(START + timedelta(seconds=30))
    assert alert_events(catalog) == [("raised", "broker-unreachable")]


def alert_handlers(notify: Service, admin_emails: tuple[str, ...]) -> dict[str, Any]:
    """Notify's handlers with these admin addresses, the web app at zirkel.example."""
    settings = dataclasses.replace(
        notify.runtime.settings, admin_emails=admin_emails, public_url="http://zirkel.example"
    )
    return handlers(settings, notify.runtime.outbox)


def test_admins_get_one_mail_when_raised_and_one_when_resolved(
    catalog: Service, notify: Service, watch: OpsWatch, broker: Broker, smtp: SmtpServer
) -> None:
    look(watch, broker, [1, 2, 3, 4, 5])
    look(watch, broker, [0], first=5)
    react = alert_handlers(notify, ADMINS)
    for body in catalog.outbox():
        event = events.load(body)
        if event.event_type.startswith("catalog.ops.alert."):
            notify.deliver(react, event)
            notify.deliver(react, event)  # the same event again: nothing more

    settings = dataclasses.replace(notify.runtime.settings, smtp_port=smtp.port)
    sender = MailSender(notify.runtime.sessions, settings)
    assert sender.send_due() == 2
    assert sender.send_due() == 0

    raised, resolved = smtp.mailbox.messages
    assert raised["To"] == resolved["To"] == ", ".join(ADMINS)
    assert (
        raised["Subject"]
        == f"Zirkel-Betrieb: Warnung / alert: {QUEUE} keeps growing: 2 → 5 messages"
    )
    assert resolved["Subject"].startswith("Zirkel-Betrieb: behoben / resolved: ")
    text = resolved.get_content()
    assert "Seit / since: 2026-03-05 09:02:00 UTC" in text
    assert "Behoben / resolved: 2026-03-05 09:02:30 UTC" in text
    assert "http://zirkel.example/admin/ops" in text
    with notify.runtime.sessions() as session:
        kinds = session.scalars(select(Delivery.kind).order_by(Delivery.id)).all()
        assert kinds == ["ops_alert_raised", "ops_alert_resolved"]


def test_without_admin_addresses_nothing_is_queued_and_the_alert_is_logged(
    catalog: Service, notify: Service, watch: OpsWatch, broker: Broker, caplog
) -> None:
    look(watch, broker, [1, 2, 3, 4, 5])
    [raised] = [events.load(b) for b in catalog.outbox("catalog.ops.alert.raised")]
    notify.deliver(alert_handlers(notify, ()), raised)
    with notify.runtime.sessions() as session:
        assert session.scalars(select(Delivery)).all() == []
    assert "ZIRKEL_ADMIN_EMAILS is not set" in caplog.text
