"""Signing in and out, and choosing the language."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from shared.fields import ASCII_DIGITS
from web.clients.catalog_users import TooManyTries, UserRecord
from web.pages.callers import catalog
from web.pages.forms import LanguageForm, LoginForm
from web.pages.redirects import on_to, page_on_this_site

accounts = Blueprint("accounts", __name__)


@dataclass(frozen=True)
class WebUser:
    """The signed-in user as the pages see it (no database session attached)."""

    id: int
    email: str
    role: str
    member_id: int | None
    language: str
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False
    supplier_id: int | None = None

    @classmethod
    def of(cls, user: UserRecord) -> WebUser:
        return cls(
            user.id,
            user.email,
            user.role,
            user.member_id,
            user.language,
            supplier_id=user.supplier_id,
        )

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_supplier(self) -> bool:
        return self.role == "supplier" and self.supplier_id is not None

    def get_id(self) -> str:
        return str(self.id)


def load_user(user_id: str) -> WebUser | None:
    """The user of this cookie's session, while catalog keeps it open (not signed out,
    not expired, its firm not deactivated)."""
    session_id = session.get("sid")
    if not ASCII_DIGITS.fullmatch(user_id) or not isinstance(session_id, str):
        return None
    found = catalog().users.session_user(session_id, int(user_id))
    return None if found is None else WebUser.of(found)


def _check(form: LoginForm) -> tuple[WebUser | None, str, int]:
    """The user, a new session id, or how many seconds this e-mail+address must wait."""
    email, address = form.email.data or "", request.remote_addr or ""
    try:
        found = catalog().users.sign_in(email, form.password.data or "", address)
    except TooManyTries as exc:
        return None, "", exc.seconds
    if found is None:
        return None, "", 0
    user, session_id = found
    return WebUser.of(user), session_id, 0


@accounts.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    onward = request.args.get("next")
    if form.validate_on_submit():
        page_on_this_site(onward)  # a bad target is refused before anyone signs in
        found, session_id, wait = _check(form)
        if wait:
            minutes = -(-wait // 60)
            form.password.errors.append(
                _("Too many failed sign-ins. Try again in %(minutes)s min.", minutes=minutes)
            )
            return render_template("login.html", form=form), 429, {"Retry-After": str(wait)}
        if found is None:
            form.password.errors.append(_("E-mail or password is wrong."))
        else:
            language = session.get("lang")
            session.clear()  # a new session on sign-in: nothing carries over
            session["lang"] = language or found.language
            session["sid"] = session_id
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME idle
            login_user(found)
            current_app.logger.info("user %s signed in", found.id)
            return on_to(onward)
    return render_template("login.html", form=form), 200 if not form.errors else 422


@accounts.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    if isinstance(session_id := session.get("sid"), str):
        catalog().users.close_session(session_id)  # the old cookie is dead from now on
    logout_user()
    session.clear()
    return redirect(url_for("accounts.login"))


@accounts.post("/language")
def choose_language() -> ResponseReturnValue:
    form = LanguageForm()
    onward = request.form.get("next")
    page_on_this_site(onward)  # a bad target is refused before the language changes
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            catalog().users.set_language(current_user.id, form.lang.data or "de")
    return on_to(onward)
