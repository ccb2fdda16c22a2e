"""How notify writes to a member: on the channels the member chose, in the app (a
notification) and by e-mail (a delivery the mail sender sends when it is due), in the
member's language. ``in_app`` and ``queue_email`` are the only writers of either.

Every e-mail carries the member's unsubscribe link; a member who turned e-mail
off gets none, one who turned the app off sees nothing there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from notify.adapters.orm import Delivery, Notification
from notify.adapters.orm_savings import Preferences
from notify.adapters.rendering import MailTemplates, RenderedMail, language_of
from notify.service_layer.unit_of_work import UnitOfWork
from shared.settings import Settings
from shared.unsubscribe import UnsubscribeLinks


@dataclass
class Outgoing:
    """How notify writes: templates, unsubscribe links and the wait before a window's
    report goes out (so every order of the close is in it)."""

    templates: MailTemplates
    links: UnsubscribeLinks
    report_delay: timedelta
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    @classmethod
    def from_settings(cls, settings: Settings) -> Outgoing:
        return cls(
            MailTemplates(),
            UnsubscribeLinks.from_settings(settings),
            timedelta(seconds=settings.report_delay),
        )

    def render(self, kind: str, recipient: Recipient, **context: Any) -> RenderedMail:
        return self.templates.render(
            kind,
            recipient.language,
            name=recipient.name,
            unsubscribe_url=self.links.url(recipient.member_id),
            **context,
        )


@dataclass(frozen=True)
class Recipient:
    member_id: int
    name: str | None
    email: str | None
    language: str
    preferences: Preferences


def preferences_of(uow: UnitOfWork, member_id: int) -> Preferences:
    """The member's preferences, or the defaults (app and e-mail on, no nudges)."""
    found = uow.preferences.get(member_id)
    if found is not None:
        return found
    return Preferences(
        member_id=member_id, email=True, app=True, nudge_bought=False, nudge_trade=False
    )


def recipient(uow: UnitOfWork, member_id: int) -> Recipient:
    member = uow.members.get(member_id)
    preferences = preferences_of(uow, member_id)
    return Recipient(
        member_id=member_id,
        name=member.name if member else None,
        email=member.email if member else None,
        language=language_of(preferences.language, member.language if member else None),
        preferences=preferences,
    )


def queue_email(
    uow: UnitOfWork,
    outgoing: Outgoing,
    to: Recipient,
    kind: str,
    mail: RenderedMail,
    *,
    order_id: int | None = None,
    window_id: int | None = None,
    due: datetime | None = None,
    asked_by_office: bool = False,
) -> Delivery | None:
    """One e-mail to the member, if it takes e-mail or the office asked for this one;
    without a known address the delivery is failed at once, for the admin to see."""
    if not (to.preferences.email or asked_by_office):
        return None
    delivery = Delivery(
        member_id=to.member_id,
        order_id=order_id,
        window_id=window_id,
        kind=kind,
        channel="email",
        to=to.email or "",
        subject=mail.subject,
        body=mail.text,
        html=mail.html,
        unsubscribe_url=outgoing.links.url(to.member_id),
        status="pending",
        attempts=0,
        next_attempt_at=due,
    )
    if not to.email:
        delivery.status = "failed"
        delivery.last_error = f"no e-mail address known for member {to.member_id}"
    uow.deliveries.add(delivery)
    return delivery


NOT_A_MEMBER = 0  # the member id of e-mails to the office, a supplier or a user


def queue_other_email(
    uow: UnitOfWork,
    to: str | None,
    subject: str,
    body: str,
    kind: str,
    *,
    about: int | None = None,
    missing: str = "",
) -> Delivery:
    """One e-mail to someone who is not a member (the office, a supplier, a user), on
    ``about`` (an alert's, an invoice's number) in place of an order; without an address
    the delivery is failed at once with ``missing`` as its reason, for the admin to see."""
    delivery = Delivery(
        member_id=NOT_A_MEMBER,
        order_id=about,
        kind=kind,
        channel="email",
        to=(to or "")[:254],
        subject=subject,
        body=body,
        status="pending",
        attempts=0,
    )
    if not delivery.to:
        delivery.status, delivery.last_error = "failed", missing
    uow.deliveries.add(delivery)
    return delivery


def address_waiting_emails(uow: UnitOfWork, member_id: int, email: str) -> None:
    """E-mails that failed because the member's address was not known yet (its
    registration reached notify after one of its orders) are sent now that it is."""
    for delivery in uow.deliveries.without_address(member_id):
        delivery.to, delivery.status, delivery.next_attempt_at = email, "pending", None
        delivery.last_error = None


def in_app(
    uow: UnitOfWork,
    to: Recipient,
    kind: str,
    subject: str,
    details: dict[str, Any],
    *,
    window_id: int,
    order_id: int | None = None,
    shown_from: datetime | None = None,
) -> Notification | None:
    """A notification in the app, if the member reads them there; ``shown_from`` holds it
    back until then (quiet hours)."""
    if not to.preferences.app:
        return None
    note = Notification(
        member_id=to.member_id,
        order_id=order_id,
        window_id=window_id,
        kind=kind,
        subject=subject[:200],
        details=details,
    )
    if shown_from is not None:
        note.created_at = shown_from
    uow.notifications.add(note)
    return note
