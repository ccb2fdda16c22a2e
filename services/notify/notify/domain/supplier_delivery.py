"""What a supplier receives when an order is placed with it or one of its invoices is
disputed, and how a delivery is retried.

Pure: the order and the dispute as JSON for a webhook or the supplier's queue, the
German e-mail that carries the order documents, the signature a webhook carries and
the backoff between attempts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from notify.domain.amounts import euro, quantity, unit_price
from notify.domain.mail import Mail

CHANNELS = ("email", "webhook", "amqp")
SIGNATURE_HEADER = "X-Zirkel-Signature"
TIMESTAMP_HEADER = "X-Zirkel-Timestamp"
DELIVERY_HEADER = "X-Zirkel-Delivery"
REPLAY_WINDOW = 300  # seconds a receiver accepts a signed timestamp away from its clock


def queue_name(supplier_id: int) -> str:
    """The durable queue that holds one supplier's orders (and the disputes of its
    invoices) and nothing else."""
    return f"supplier.{supplier_id}.orders"


def order_message(order: Mapping[str, Any], pooling_url: str) -> str:
    """The order as the supplier's system receives it: the shape of pooling's
    ``GET /api/v1/orders/{id}`` with links to confirm, reject and the documents.
    Members' savings stay out: they are the members' business."""
    order_id = order["order_id"]
    base = f"{pooling_url.rstrip('/')}/api/v1/orders/{order_id}"
    body = {
        "event": "order.placed",
        "order": {
            "id": order_id,
            "window_id": order["window_id"],
            "supplier_id": order["supplier_id"],
            "status": "placed",
            "lines": order["lines"],
            "shipping_fee": order["shipping_fee"],
            "total": order["total"],
        },
        "links": {
            "order": base,
            "confirm": f"{base}/confirm",
            "reject": f"{base}/reject",
            "document_csv": f"{base}/document.csv",
            "allocations_csv": f"{base}/allocations.csv",
            "document_pdf": f"{base}/document.pdf",
        },
    }
    return json.dumps(_plain(body), separators=(",", ":"), ensure_ascii=False)


def dispute_message(dispute: Mapping[str, Any], pooling_url: str, pages_url: str) -> str:
    """A disputed supplier invoice as the supplier's system receives it: which invoice,
    which of its disputes (``dispute_number``: 2 and on after the invoice was reopened),
    for which orders, the office's reason and each difference billing found (``field``
    as in ``billing.supplier_invoice.disputed``, amounts as strings), with links to the
    orders and to the supplier's invoices on the portal."""
    orders = f"{pooling_url.rstrip('/')}/api/v1/orders"
    body = {
        "event": "supplier_invoice.disputed",
        "dispute": {
            "supplier_invoice_id": dispute["supplier_invoice_id"],
            "dispute_number": dispute.get("dispute_number", 1),
            "number": dispute["number"],
            "issued_on": dispute["issued_on"],
            "gross_total": dispute["gross_total"],
            "supplier_id": dispute["supplier_id"],
            "order_ids": dispute["order_ids"],
            "reason": dispute["reason"],
            "differences": [
                {key: d[key] for key in ("field", "expected", "found")}
                for d in dispute["differences"]
            ],
        },
        "links": {
            "invoices": portal_invoices(pages_url),
            "orders": [f"{orders}/{order_id}" for order_id in dispute["order_ids"]],
        },
    }
    return json.dumps(_plain(body), separators=(",", ":"), ensure_ascii=False)


def portal_invoices(pages_url: str) -> str:
    """The supplier portal's page of the supplier's invoices (and how each matched)."""
    return f"{pages_url.rstrip('/')}/supplier/invoices"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``"<timestamp>.<body>"`` under ``secret``."""
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(secret: str, timestamp: int, body: bytes, delivery_id: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        DELIVERY_HEADER: str(delivery_id),
    }


def verify(
    secret: str, timestamp: str, body: bytes, received: str, now: float, window: int = REPLAY_WINDOW
) -> bool:
    """A receiver's check: the timestamp is within ``window`` seconds of ``now`` and the
    signature matches (compared in constant time)."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > window:
        return False
    return hmac.compare_digest(signature(secret, sent_at, body), received)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: ``first_delay`` doubled after each failure, at most
    ``max_delay``; given up after ``max_attempts``."""

    max_attempts: int = 8
    first_delay: float = 30.0
    max_delay: float = 3600.0

    def delay_after(self, attempts: int) -> float | None:
        """Seconds until the next attempt after ``attempts`` failed ones; None: give up."""
        if attempts >= self.max_attempts:
            return None
        return min(self.first_delay * 2 ** (attempts - 1), self.max_delay)


def supplier_order_mail(supplier_name: str | None, order: Mapping[str, Any]) -> Mail:
    """The German e-mail to a wholesaler: the order at a glance, documents attached."""
    order_id = order["order_id"]
    lines = [_line(line) for line in order["lines"]]
    body = [
        f"Guten Tag {supplier_name}," if supplier_name else "Guten Tag,",
        "",
        f"der Zirkel bestellt bei Ihnen die Sammelbestellung Nr. {order_id}"
        f" (Runde {order['window_id']}):",
        "",
        *lines,
        "",
        f"Versand: {euro(order['shipping_fee'], 'de')}",
        f"Gesamt: {euro(order['total'], 'de')}",
        "",
        "Im Anhang finden Sie die Bestellung als PDF-Formular und als CSV-Datei mit der",
        "Aufteilung auf unsere Mitglieder. Bitte bestätigen oder lehnen Sie die Bestellung",
        "im Lieferantenportal bzw. über die API ab.",
        "",
        "Ihr Zirkel",
        "",
    ]
    return Mail(subject=f"Bestellung Nr. {order_id}: Zirkel Sammelbestellung", body="\n".join(body))


def _line(line: Mapping[str, Any]) -> str:
    ordered = quantity(line["ordered_quantity"], "de")
    price = unit_price(line["unit_price"], "de")
    total = euro(line["line_total"], "de")
    return f"- {line['sku']}: {line['packs']} Gebinde, {ordered} Einheiten zu {price} = {total}"


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return value
