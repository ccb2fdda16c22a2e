"""Notify tells the cooperative's admins of operations alerts by e-mail.

One delivery per alert and state (raised, resolved), addressed to every admin
address of ``ZIRKEL_ADMIN_EMAILS`` (none set: the alert is only logged); the mail
sender sends it with its retries. A
delivery to the office carries member 0 and the alert's number in place of the order.
A redelivered event queues nothing twice (the consumer's inbox and the delivery's
unique key both see to it).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC

from notify.domain.ops_mail import ops_alert_mail
from notify.service_layer.outgoing import NOT_A_MEMBER, queue_other_email
from notify.service_layer.unit_of_work import UnitOfWork
from shared.events import OpsAlert

log = logging.getLogger(__name__)

KINDS = {
    "catalog.ops.alert.raised": "ops_alert_raised",
    "catalog.ops.alert.resolved": "ops_alert_resolved",
}


def on_ops_alert(
    event: OpsAlert, uow: UnitOfWork, admin_emails: Sequence[str], dashboard_url: str
) -> None:
    alert = event.payload
    kind = KINDS[event.event_type]
    if not admin_emails:
        log.warning("ops alert %s not e-mailed: ZIRKEL_ADMIN_EMAILS is not set", event.message)
        return
    if uow.deliveries.exists(NOT_A_MEMBER, event.alert_id, kind):
        return
    times = {k: alert[k] and alert[k].astimezone(UTC) for k in ("raised_at", "resolved_at")}
    mail = ops_alert_mail(
        alert | times, raised=kind == "ops_alert_raised", dashboard_url=dashboard_url
    )
    to = ", ".join(admin_emails)
    queue_other_email(uow, to, mail.subject, mail.body, kind, about=event.alert_id)
