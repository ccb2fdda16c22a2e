"""Orders reach suppliers the way each one works: an e-mail with the order documents, a
signed webhook, retried with backoff, or the supplier's own queue (tests/integration).

Notify's handlers get catalog's and pooling's events as the consumer would hand them
over; the supplier sender's ``send_due`` is called with a chosen ``now`` instead of
waiting for its loop. The mail server, pooling's document API and the supplier's
webhook are real servers on loopback.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from werkzeug.wrappers import Request, Response

from notify.adapters.supplier_orm import SupplierDelivery
from notify.adapters.supplier_queue import supplier_queue
from notify.adapters.supplier_sender import SupplierSender
from notify.bootstrap import handlers
from notify.domain.supplier_delivery import RetryPolicy
from shared.events import Event, load
from shared.messaging import connect
from shared.ops import alerts
from shared.settings import Settings
from shared.webhook_addresses import parse_networks
from tests.api.test_notify_api import order_placed
from tests.api.test_order_documents import WORKED_EXAMPLE_ALLOCATIONS, WORKED_EXAMPLE_CSV
from tests.api.test_pooling_api import A, close
from tests.api.test_pooling_api import worked_example as worked_example  # the fixture
from tests.support.http import serving
from tests.support.smtp import SmtpServer

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service

SECRET = "whsec-baustoff-ruhr-0123456789"
POOLING_URL = "http://pooling.invalid"
LOOPBACK = parse_networks("127.0.0.1/32")  # the test webhooks listen there


def supplier_updated(channel: str = "email", url: str | None = None) -> Event:
    return Event.of(
        "catalog.supplier.updated",
        {
            "supplier_id": A,
            "name": "Baustoffhandel Ruhr",
            "email": "orders@ruhr.example",
            "shipping_fee": "25.00",
            "free_shipping_from": "500.00",
            "delivery_channel": channel,
            "webhook_url": url,
            "webhook_secret": SECRET if channel == "webhook" else None,
        },
    )


def deliver(notify: Service, event: Event, pooling_url: str = POOLING_URL) -> None:
    settings = dataclasses.replace(notify.runtime.settings, public_pooling_url=pooling_url)
    notify.deliver(handlers(settings, notify.runtime.outbox), event)


def sender(notify: Service, **settings: Any) -> SupplierSender:
    """A sender that may post to the test webhooks on loopback, as an operator allows it."""
    settings = {"webhook_allowed_networks": LOOPBACK} | settings
    changed = dataclasses.replace(notify.runtime.settings, **settings)
    policy = RetryPolicy(max_attempts=4, first_delay=30, max_delay=45)
    return SupplierSender(notify.runtime.sessions, changed, policy=policy)


def supplier_deliveries(notify: Service) -> list[SupplierDelivery]:
    with notify.runtime.sessions() as session:
        return list(session.scalars(select(SupplierDelivery).order_by(SupplierDelivery.id)))


class Webhook:
    """A supplier's endpoint: answers 500 to the first ``failures`` posts, then 200; checks
    every signature the way the README tells suppliers to."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.received: list[dict[str, Any]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        body = request.get_data()
        timestamp = request.headers.get("X-Zirkel-Timestamp", "")
        mac = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
        valid = (
            hmac.compare_digest(
                "sha256=" + mac.hexdigest(), request.headers.get("X-Zirkel-Signature", "")
            )
            and abs(time.time() - int(timestamp)) <= 300
        )
        self.received.append({"valid": valid, "body": json.loads(body), "headers": request.headers})
        if not valid:
            return Response("bad signature", status=401)(environ, start_response)
        if len(self.received) <= self.failures:
            return Response("busy", status=500)(environ, start_response)
        return Response("", status=204)(environ, start_response)


def test_an_email_supplier_gets_the_order_with_its_csv_and_pdf(
    worked_example: Service, notify: Service, admin: Headers, smtp: SmtpServer
) -> None:
    close(worked_example, admin)
    [placed] = worked_example.outbox("pooling.order.placed")
    with serving(worked_example.app) as pooling_url:
        deliver(notify, supplier_updated("email"), pooling_url)
        deliver(notify, load(placed), pooling_url)
        urls = {"pooling": pooling_url}
        sent = sender(notify, smtp_port=smtp.port, service_urls=urls).send_due()

    assert sent == 1
    [mail] = smtp.mailbox.to("orders@ruhr.example")
    order_id = placed["payload"]["order_id"]
    assert mail["Subject"] == f"Bestellung Nr. {order_id}: Zirkel Sammelbestellung"
    text = mail.get_body(("plain",)).get_content()
    assert "Guten Tag Baustoffhandel Ruhr," in text
    assert "- DISP-10L: 14 Gebinde, 14 Einheiten zu 38,00\xa0€ = 532,00\xa0€" in text
    assert "Gesamt: 834,40\xa0€" in text
    attachments = {part.get_filename(): part for part in mail.iter_attachments()}
    assert list(attachments) == [
        f"bestellung-{order_id}.csv",
        f"aufteilung-{order_id}.csv",
        f"bestellung-{order_id}.pdf",
    ]
    csv = attachments[f"bestellung-{order_id}.csv"]
    assert csv.get_content_type() == "text/csv"
    assert csv.get_payload(decode=True).decode("utf-8") == WORKED_EXAMPLE_CSV
    allocations = attachments[f"aufteilung-{order_id}.csv"].get_payload(decode=True)
    assert allocations.decode("utf-8") == WORKED_EXAMPLE_ALLOCATIONS
    pdf = attachments[f"bestellung-{order_id}.pdf"].get_payload(decode=True)
    assert pdf.startswith(b"%PDF")
    [delivery] = supplier_deliveries(notify)
    assert (delivery.channel, delivery.status, delivery.attempts) == ("email", "sent", 1)


def test_the_email_waits_while_pooling_cannot_give_the_documents(
    notify: Service, smtp: SmtpServer
) -> None:
    deliver(notify, supplier_updated("email"))
    deliver(notify, order_placed())
    with serving(Response("gone", status=503)) as pooling_url:
        out = sender(notify, smtp_port=smtp.port, service_urls={"pooling": pooling_url})
        assert out.send_due() == 0

    [delivery] = supplier_deliveries(notify)
    assert delivery.status == "pending"
    assert (
        delivery.last_error
        == f"order document: HTTP 503 from {pooling_url}/api/v1/orders/1/document.csv"
    )
    assert smtp.mailbox.messages == []


def test_a_webhook_is_signed_and_retried_with_backoff_until_it_answers(
    notify: Service, admin: Headers
) -> None:
    hook = Webhook(failures=2)
    with serving(hook) as base:
        deliver(notify, supplier_updated("webhook", f"{base}/orders"))
        deliver(notify, order_placed())
        out, now = sender(notify), datetime.now(UTC)
        assert out.send_due(now) == 0
        assert out.send_due(now + timedelta(seconds=29)) == 0  # not due yet
        assert out.send_due(now + timedelta(seconds=30)) == 0
        assert out.send_due(now + timedelta(seconds=30 + 60)) == 1

    assert [r["valid"] for r in hook.received] == [True, True, True]
    body = hook.received[-1]["body"]
    assert body["event"] == "order.placed"
    assert body["order"]["id"] == 1 and body["order"]["total"] == "834.40"
    assert body["order"]["lines"][0]["allocations"][0]["paid"] == "228.00"
    assert "member_savings" not in body["order"]
    assert body["links"]["confirm"] == f"{POOLING_URL}/api/v1/orders/1/confirm"
    [delivery] = supplier_deliveries(notify)
    detail = notify.client.get(f"/api/v1/supplier-deliveries/{delivery.id}", headers=admin)
    log = detail.get_json()
    assert (log["status"], log["attempts"], log["to"]) == ("sent", 3, f"{base}/orders")
    attempts = [(a["outcome"], a["status_code"]) for a in log["attempt_log"]]
    assert attempts == [("retry", 500), ("retry", 500), ("sent", 204)]
    first, second, _ = log["attempt_log"]
    assert first["error"] == "HTTP 500 busy"
    retries = [datetime.fromisoformat(a["next_attempt_at"]) for a in (first, second)]
    assert retries[0] - now == timedelta(seconds=30)
    assert retries[1] - (now + timedelta(seconds=30)) == timedelta(seconds=45)  # 60, capped


def test_a_webhook_that_keeps_failing_is_given_up_and_shown_to_admins(
    notify: Service, admin: Headers
) -> None:
    with serving(Webhook(failures=99)) as base:
        deliver(notify, supplier_updated("webhook", f"{base}/orders"))
        deliver(notify, order_placed())
        out, later = sender(notify), datetime.now(UTC)
        for _ in range(5):
            out.send_due(later)
            later += timedelta(minutes=1)  # the cap is 45 s: every minute one is due

    failed = notify.client.get("/api/v1/deliveries?status=failed", headers=admin).get_json()
    [supplier] = [d for d in failed if d["audience"] == "supplier"]
    assert (supplier["supplier_id"], supplier["order_id"], supplier["channel"]) == (A, 1, "webhook")
    assert (supplier["attempts"], supplier["last_error"]) == (4, "HTTP 500 busy")
    assert supplier["next_attempt_at"] is None
    detail = notify.client.get(f"/api/v1/supplier-deliveries/{supplier['id']}", headers=admin)
    outcomes = [a["outcome"] for a in detail.get_json()["attempt_log"]]
    assert outcomes == ["retry", "retry", "retry", "failed"]
    only = notify.client.get(f"/api/v1/deliveries?supplier_id={A}", headers=admin).get_json()
    assert [d["audience"] for d in only] == ["supplier"]
    health = notify.client.get("/health/ready").get_json()
    assert health["deliveries"] == {"failed_to_suppliers": 1}
    [alert] = alerts([], [{"service": "notify"} | health])
    assert alert["kind"] == "supplier-delivery-failed"


def test_an_admin_sends_a_given_up_delivery_again(notify: Service, admin: Headers) -> None:
    hook = Webhook(failures=4)
    with serving(hook) as base:
        deliver(notify, supplier_updated("webhook", f"{base}/orders"))
        deliver(notify, order_placed())
        out, later = sender(notify), datetime.now(UTC)
        for _ in range(4):
            out.send_due(later)
            later += timedelta(minutes=1)
        [delivery] = supplier_deliveries(notify)
        assert delivery.status == "failed"

        retry = f"/api/v1/supplier-deliveries/{delivery.id}/retry"
        response = notify.client.post(retry, headers=admin)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["status"] == "pending"
        assert out.send_due(later) == 1

    log = notify.client.get(f"/api/v1/supplier-deliveries/{delivery.id}", headers=admin)
    assert [a["number"] for a in log.get_json()["attempt_log"]] == [1, 2, 3, 4, 5]
    assert log.get_json()["attempt_log"][-1]["outcome"] == "sent"
    again = notify.client.post(retry, headers=admin)
    assert again.status_code == 409 and "status" in again.get_json()["details"]
    assert notify.client.post(retry, headers=notify.token("supplier", A)).status_code == 403
    health = notify.client.get("/health/ready").get_json()
    assert health["deliveries"] == {"failed_to_suppliers": 0}


def test_a_redelivered_order_reaches_the_supplier_once(notify: Service) -> None:
    hook = Webhook(failures=0)
    with serving(hook) as base:
        deliver(notify, supplier_updated("webhook", f"{base}/orders"))
        event = order_placed()
        deliver(notify, event)
        out = sender(notify)
        assert out.send_due() == 1

        deliver(notify, event)
        deliver(notify, dataclasses.replace(event, event_id=order_placed().event_id))

        assert out.send_due() == 0
    assert len(hook.received) == 1
    assert len(supplier_deliveries(notify)) == 1


def test_a_supplier_notify_does_not_know_gets_a_failed_delivery(
    notify: Service, admin: Headers
) -> None:
    deliver(notify, order_placed())

    [delivery] = supplier_deliveries(notify)
    assert delivery.status == "failed"
    assert delivery.last_error == f"no email address known for supplier {A}"
    assert sender(notify).send_due() == 0


def test_an_order_that_came_before_its_supplier_goes_out_when_the_supplier_does(
    notify: Service,
) -> None:
    """The directory and the orders come on different queues: the order may come first."""
    deliver(notify, order_placed())
    deliver(notify, supplier_updated("email"))

    [delivery] = supplier_deliveries(notify)
    assert (delivery.channel, delivery.to) == ("email", "orders@ruhr.example")
    assert (delivery.status, delivery.last_error) == ("pending", None)


def test_a_waiting_order_takes_the_channel_the_supplier_has_when_it_comes(
    notify: Service,
) -> None:
    deliver(notify, order_placed())
    deliver(notify, supplier_updated("amqp"))
    deliver(notify, supplier_updated("amqp"))  # a repeat changes nothing

    [delivery] = supplier_deliveries(notify)
    assert (delivery.channel, delivery.status) == ("amqp", "pending")
    out = sender(notify)
    assert out.send_due() == 1
    out.queues.close()
    [delivery] = supplier_deliveries(notify)
    assert delivery.status == "sent"


def test_only_an_admin_reads_a_supplier_delivery(notify: Service, admin: Headers) -> None:
    deliver(notify, order_placed())
    for role in ("supplier", "member"):
        response = notify.client.get("/api/v1/supplier-deliveries/1", headers=notify.token(role, A))
        assert response.status_code == 403
    missing = notify.client.get("/api/v1/supplier-deliveries/99", headers=admin)
    assert missing.status_code == 404 and set(missing.get_json()) == {"error", "details"}


def test_an_amqp_supplier_finds_the_order_once_on_its_own_queue(notify: Service) -> None:
    """On the embedded broker here; tests/integration runs it on RabbitMQ with a consumer."""
    deliver(notify, supplier_updated("amqp"))
    event = order_placed()
    deliver(notify, event)
    out = sender(notify)
    assert out.send_due() == 1
    deliver(notify, dataclasses.replace(event, event_id=order_placed().event_id))
    assert out.send_due() == 0
    out.queues.close()

    settings = notify.runtime.settings
    with connect(settings) as connection:
        queue = supplier_queue(A, rabbitmq=False)(connection.default_channel)
        first, second = queue.get(no_ack=True), queue.get(no_ack=True)
    assert second is None
    assert first.properties["message_id"] == "order-1"
    body = json.loads(first.body)
    assert (body["event"], body["order"]["id"], body["order"]["supplier_id"]) == (
        "order.placed",
        1,
        A,
    )
    [delivery] = supplier_deliveries(notify)
    assert (delivery.channel, delivery.to, delivery.status) == ("amqp", "supplier.1.orders", "sent")


def test_a_webhooks_links_point_where_suppliers_reach_pooling(notify: Service) -> None:
    """``ZIRKEL_PUBLIC_POOLING_URL``, not pooling's address inside the cooperative."""
    env = {
        "ZIRKEL_SECRET_KEY": notify.runtime.settings.secret_key,
        "ZIRKEL_VAR_DIR": str(notify.runtime.settings.var_dir),
        "ZIRKEL_POOLING_URL": "http://pooling-web:8002",
        "ZIRKEL_PUBLIC_POOLING_URL": "https://einkauf.zirkel.example/pooling",
    }
    react = handlers(Settings.from_env(env), notify.runtime.outbox)
    notify.deliver(react, supplier_updated("webhook", "https://lager.example/orders"))
    notify.deliver(react, order_placed())

    [delivery] = supplier_deliveries(notify)
    links = json.loads(delivery.message)["links"]
    assert links["confirm"] == "https://einkauf.zirkel.example/pooling/api/v1/orders/1/confirm"
