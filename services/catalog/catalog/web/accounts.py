"""Signing in and out, and choosing the language."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from catalog.adapters.orm import User
from catalog.service_layer.users import authenticate, may_sign_in
from catalog.web.forms import LanguageForm, LoginForm
from shared.db import transaction
from shared.web import current_runtime

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
    def of(cls, user: User) -> WebUser:
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
    if not user_id.isdigit():
        return None
    with transaction(current_runtime().sessions) as db:
        user = db.get(User, int(user_id))
        if user is None or not may_sign_in(db, user):
            return None  # a deactivated member's sessions end with it
        return WebUser.of(user)


@accounts.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        with transaction(current_runtime().sessions) as db:
            user = authenticate(db, form.email.data or "", form.password.data or "")
            found = None if user is None else WebUser.of(user)
        if found is None:
            form.password.errors.append(_("E-mail or password is wrong."))
        else:
            language = session.get("lang")
            session.clear()  # a new session on sign-in: nothing carries over
            session["lang"] = language or found.language
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME idle
            login_user(found)
            current_app.logger.info("user %s signed in", found.id)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", form=form), 200 if not form.errors else 422


@accounts.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    logout_user()
    session.clear()
    return redirect(url_for("accounts.login"))


@accounts.post("/language")
def choose_language() -> ResponseReturnValue:
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            with transaction(current_runtime().sessions) as db:
                user = db.get(User, current_user.id)
                if user is not None:
                    user.language = form.lang.data or "de"
    return redirect(_safe_next(request.form.get("next")))


def _safe_next(target: str | None) -> str:
    """Only a path on this site, never another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("pages.home")  # each role's own start page
