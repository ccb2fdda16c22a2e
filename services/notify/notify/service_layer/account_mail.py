"""E-mails about a user's sign-in, addressed to one user, not a member: the link to set
a new password that catalog hands over by ``catalog.password_reset.requested``. They are
written here in the user's language and sent by the mail sender like every other e-mail;
the body holds the secret link, so the delivery log shows such an e-mail without it (as
it shows every other one)."""

from __future__ import annotations

from notify.adapters.orm import Delivery
from notify.adapters.rendering import MailTemplates
from notify.service_layer.outgoing import queue_other_email
from notify.service_layer.unit_of_work import UnitOfWork
from shared.events import PasswordResetRequested

KIND = "account"
RESET_PATH = "/password/reset/"  # the web's page that takes the link's token


def on_password_reset_requested(
    event: PasswordResetRequested, uow: UnitOfWork, templates: MailTemplates, pages_url: str
) -> Delivery:
    """One e-mail with the link, at the address the members reach the pages by."""
    link = f"{pages_url.rstrip('/')}{RESET_PATH}{event.token}"
    mail = templates.render("password_reset", event.language, link=link, minutes=event.minutes)
    return queue_other_email(uow, event.email, mail.subject, mail.text, KIND)
