"""A forgotten password: anyone asks for a link by e-mail address, and sets a new
password with it. Catalog makes the link's token and sets the password
(``POST /password-resets``, ``/password-resets/confirm``). The request is one call to
catalog for any address, and its answer the same whether the address belongs to a user
or not; catalog hands an active user's link to notify by an event, and notify's mail
sender sends the e-mail in the user's language. Links asked for are counted by catalog
like sign-in tries (5 per address and e-mail, 20 per address in 15 minutes); past the
limit the answer stays the same and no e-mail goes out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from catalog.domain.model import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from web.clients.service import Refused
from web.pages.callers import catalog

password_pages = Blueprint("password_pages", __name__, url_prefix="/password")


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
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
    catalog().users.ask_for_reset_link(form.email.data or "", request.remote_addr or "")
    return render_template("password_forgot.html", form=None, sent_to=form.email.data)


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
