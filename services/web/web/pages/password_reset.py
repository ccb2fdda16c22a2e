"""A forgotten password: anyone asks for a link by e-mail address, and sets a new
password with it (service_layer/password_reset.py). The answer to the request is the
same whether the address belongs to a user or not; the e-mail goes out through notify's
mail sender, in the user's language. Links asked for are counted like sign-in tries
(``service_layer/sign_in.py``: 5 per address and e-mail, 20 per address in 15 minutes);
past the limit the answer stays the same and no e-mail goes out."""

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

from catalog.service_layer import password_reset, sign_in
from catalog.service_layer.users import MIN_PASSWORD_LENGTH
from shared.db import transaction
from shared.errors import Invalid
from shared.web import current_runtime
from web.pages.notify_client import change

log = logging.getLogger(__name__)
password_pages = Blueprint("password_pages", __name__, url_prefix="/password")
RESET_TRIES = "reset:"  # links asked for an e-mail are counted apart from its sign-in tries


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


def _secret() -> str:
    return str(current_app.extensions["zirkel.settings"].secret_key)


@password_pages.route("/forgot", methods=["GET", "POST"])
def forgot() -> ResponseReturnValue:
    form = ForgotForm()
    if not form.validate_on_submit():
        return render_template("password_forgot.html", form=form), 422 if form.errors else 200
    email, found = form.email.data or "", None
    sessions = current_runtime().sessions
    with transaction(sessions) as db:  # counted like sign-in tries: no flood of e-mails
        wait = sign_in.count_try(db, RESET_TRIES + email, request.remote_addr or "")
    with transaction(sessions) as db:
        user = None if wait else password_reset.user_to_reset(db, email)
        if user is not None:
            found = (user.email, user.language, password_reset.reset_token(user, _secret()))
    if found is not None:
        _send_link(*found)
    return render_template("password_forgot.html", form=None, sent_to=form.email.data)


def _send_link(email: str, language: str, token: str) -> None:
    """The e-mail with the link, queued at notify; a failure is logged, never shown (the
    page must answer as it does for an unknown address)."""
    settings = current_app.extensions["zirkel.settings"]
    link = settings.public_url.rstrip("/") + url_for("password_pages.reset", token=token)
    minutes = int(password_reset.LIFETIME.total_seconds() // 60)
    with force_locale(language):
        mail = {
            "to": email,
            "subject": _("Your new Zirkel password"),
            "body": render_template("password_mail.txt", link=link, minutes=minutes),
        }
    answer = change("POST", "/account-mail", "admin", None, mail)
    if answer is None or answer[0] != 202:
        log.error("the password link for a user could not be queued at notify: %s", answer)


@password_pages.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> ResponseReturnValue:
    form = NewPasswordForm()
    with transaction(current_runtime().sessions) as db:
        valid = password_reset.user_of_token(db, token, _secret()) is not None
    if not valid:
        return render_template("password_reset.html", form=None), 410
    if not form.validate_on_submit():
        return render_template("password_reset.html", form=form), 422 if form.errors else 200
    try:
        with transaction(current_runtime().sessions) as db:
            changed = password_reset.reset_password(db, token, form.password.data or "", _secret())
    except Invalid as exc:
        form.password.errors = [*form.password.errors, _(str(exc))]
        return render_template("password_reset.html", form=form), 422
    if changed is None:  # used meanwhile, in another tab
        return render_template("password_reset.html", form=None), 410
    flash(_("Your password is changed. Please sign in with it."), "ok")
    return redirect(url_for("accounts.login"))
