"""The office's page of caught e-mails: what the mail catcher of ``zirkel run`` kept, so a
newcomer sees what members and suppliers receive. Only where ``ZIRKEL_MAIL_CATCHER_DIR`` is
set; elsewhere these pages are not there (404)."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, send_file
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime

from shared import caught_mail
from web.pages.admin import admin_required
from web.pages.office_lists import MAILS
from web.pages.remote import show_errors_as_pages

mail_admin = Blueprint("mail_admin", __name__, url_prefix="/admin/mail")
show_errors_as_pages(mail_admin)


def mail_catcher_dir() -> Path | None:
    """Where the caught e-mails are, when this installation catches them."""
    directory: Path | None = current_app.extensions["zirkel.settings"].mail_catcher_dir
    return directory


def _directory() -> Path:
    directory = mail_catcher_dir()
    if directory is None:
        abort(404)
    return directory


@mail_admin.app_context_processor
def _catching_mail() -> dict[str, bool]:
    return {"catching_mail": mail_catcher_dir() is not None}


@mail_admin.get("")
@admin_required
def caught() -> ResponseReturnValue:
    """Every caught e-mail, newest first, searched by recipient and subject, a page of 50
    at a time (the catcher of a trial installation keeps hundreds, not millions)."""
    directory = _directory()
    listed = MAILS.answer(caught_mail.summaries(directory, caught_mail.names(directory)))
    if isinstance(listed, Response):
        return listed
    rows = [(mail, format_datetime(mail.sent_at, "short")) for mail in listed]
    return render_template("admin_mail.html", rows=rows, mails=listed, directory=directory)


@mail_admin.get("/<name>")
@admin_required
def message(name: str) -> ResponseReturnValue:
    """One caught e-mail: its headers, its text and HTML parts and its attachments."""
    mail = caught_mail.opened(_directory(), name)
    if mail is None:
        abort(404)
    sent_at = format_datetime(mail.mail.sent_at, "medium")
    return render_template("admin_mail_message.html", mail=mail, sent_at=sent_at)


# The HTML part alone, framed by the message's page: none of its scripts, forms or links
# to elsewhere run; its own styles and embedded pictures show.
HTML_PART_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "frame-ancestors 'self'; sandbox"
    ),
    "X-Frame-Options": "SAMEORIGIN",
}


@mail_admin.get("/<name>/html")
@admin_required
def html_part(name: str) -> ResponseReturnValue:
    mail = caught_mail.opened(_directory(), name)
    if mail is None or mail.html is None:
        abort(404)
    return mail.html, 200, {"Content-Type": "text/html; charset=utf-8", **HTML_PART_HEADERS}


@mail_admin.get("/<name>/attachments/<int:index>")
@admin_required
def attachment(name: str, index: int) -> ResponseReturnValue:
    """An attachment of a caught e-mail, downloaded under its own file name."""
    mail = caught_mail.opened(_directory(), name)
    if mail is None or not 0 <= index < len(mail.attachments):
        abort(404)
    attached = mail.attachments[index]
    return send_file(
        io.BytesIO(attached.content),
        mimetype=attached.content_type,
        as_attachment=True,
        download_name=attached.filename,
    )
