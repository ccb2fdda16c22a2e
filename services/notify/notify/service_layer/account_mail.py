"""E-mails about a user's sign-in (a password-reset link), written by catalog's pages and
sent by the mail sender like every other e-mail; addressed to one user, not a member."""

from __future__ import annotations

from notify.adapters.orm import Delivery
from notify.service_layer.commands import QueueAccountMail
from notify.service_layer.ops_alerts import OFFICE
from notify.service_layer.unit_of_work import UnitOfWork

KIND = "account"


def queue_account_mail(cmd: QueueAccountMail, uow: UnitOfWork) -> Delivery:
    delivery = Delivery(
        member_id=OFFICE,
        kind=KIND,
        channel="email",
        to=cmd.to,
        subject=cmd.subject,
        body=cmd.body,
        status="pending",
        attempts=0,
    )
    uow.deliveries.add(delivery)
    return delivery
