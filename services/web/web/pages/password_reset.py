"""A forgotten password: anyone asks for a link by e-mail address, and sets a new
password with it. Catalog makes the link's token and sets the password
(``POST /password-resets``, ``/password-resets/confirm``). The answer to the request is
the same whether the address belongs to a user or not; the e-mail goes out through
notify's mail sender, in the user's language. Links asked for are counted by catalog
like sign-in tries (5 per address and e-mail, 20 per address in 15 minutes); past the
limit the answer stays the same and no e-mail goes out."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from web.clients.catalog_users import ResetLink
from web.clients.service import Refused
from web.pages.callers import catalog
from web.pages.notify_client import change

log = logging.getLogger(__name__)
password_pages = Blueprint("password_pages", __name__, url_prefix="/password")
MIN_PASSWORD_LENGTH = 8  # catalog's rule (it checks it too); the form tells it first


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)]
    )
    repeated = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


@password_pages.route("/forgot", methods=["GET", "POST"])
def forgot() -> ResponseReturnValue:
    form = ForgotForm()
    if not form.validate_on_submit():
        return render_template("password_forgot.html", form=form), 422 if form.errors else 200
    found = catalog().users.reset_link(form.email.data or "", request.remote_addr or "")
    if found is not None:
        _send_link(found)
    return render_template("password_forgot.html", form=None, sent_to=form.email.data)


def _send_link(found: ResetLink) -> None:
    """The e-mail with the link, queued at notify; a failure is logged, never shown (the
    page must answer as it does for an unknown address)."""
    settings = current_app.extensions["zirkel.settings"]
    path = url_for("password_pages.reset", token=found.token)
    link = settings.public_url.rstrip("/") + path
    with force_locale(found.language):
        mail = {
            "to": found.email,
            "subject": _("Your new Zirkel password"),
            "body": render_template("password_mail.txt", link=link, minutes=found.minutes),
        }
    answer = change("POST", "/account-mail", "admin", None, mail)
    if answer is None or answer[0] != 202:
        log.error("the password link for a user could not be queued at notify: %s", answer)


@password_pages.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> ResponseReturnValue:
    form = NewPasswordForm()
    if not catalog().users.reset_link_is_good(token):
        return render_template("password_reset.html", form=None), 410
    if not form.validate_on_submit():
        return render_template("password_reset.html", form=form), 422 if form.errors else 200
    try:
        changed = catalog().users.reset_password(token, form.password.data or "")
    except Refused as refused:
        told = refused.field_messages("password") or [refused.message]
        form.password.errors = [*form.password.errors, *(_(message) for message in told)]
        return render_template("password_reset.html", form=form), 422
    if not changed:  # used meanwhile, in another tab
        return render_template("password_reset.html", form=None), 410
    flash(_("Your password is changed. Please sign in with it."), "ok")
    return redirect(url_for("accounts.login"))
