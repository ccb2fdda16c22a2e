"""The cooperative office's page: create a sign-in for a member or a supplier."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from catalog.adapters.orm import User
from catalog.service_layer.users import create_user
from catalog.web.callers import catalog, members_by_name, suppliers_by_name
from catalog.web.clients.service import OFFICE
from catalog.web.forms import UserForm, options
from catalog.web.office_lists import ROLES, USERS
from catalog.web.remote import show_errors_as_pages
from catalog.web.supplier_forms import SupplierUserForm
from shared.db import transaction
from shared.errors import DomainError
from shared.web import current_runtime

admin = Blueprint("admin", __name__, url_prefix="/admin")
show_errors_as_pages(admin)


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _users_page(form: UserForm, supplier_form: SupplierUserForm) -> ResponseReturnValue:
    everyone = catalog().members(OFFICE)
    members = sorted((m for m in everyone if m.active), key=lambda m: (m.name, m.id))
    form.member_id.choices = options((m.id, f"{m.name} ({m.email})") for m in members)
    supplier_form.supplier_id.choices = options(suppliers_by_name(active_only=True))
    listed = USERS.answer(_user_rows({m.id: m.name for m in everyone}))
    if isinstance(listed, Response):
        return listed
    status = 422 if form.errors or supplier_form.errors else 200
    return render_template(
        "admin_users.html", form=form, supplier_form=supplier_form, users=listed, roles=ROLES
    ), status


def _user_rows(member_names: dict[int, str]) -> list[dict[str, Any]]:
    """Each user with the name of its member or supplier (its id when catalog has none)."""
    supplier_names = dict(suppliers_by_name())
    with transaction(current_runtime().sessions) as db:
        users = list(db.scalars(select(User)))
        return [
            {
                "id": u.id,
                "email": u.email,
                "role": u.role,
                "firm": member_names.get(u.member_id, str(u.member_id))
                if u.member_id is not None
                else supplier_names.get(u.supplier_id, str(u.supplier_id))
                if u.supplier_id is not None
                else "",
                "created": u.created_at.date(),
                "active": u.active,
            }
            for u in users
        ]


@admin.post("/users/supplier")
@admin_required
def supplier_user() -> ResponseReturnValue:
    """A sign-in for a supplier's order desk: it sees that supplier's orders only."""
    form = SupplierUserForm(prefix="supplier")
    form.supplier_id.choices = options(suppliers_by_name(active_only=True))
    if form.validate_on_submit():
        created = _create_user(form, role="supplier", supplier_id=form.supplier_id.data)
        if created is not None:
            return created
    return _users_page(UserForm(formdata=None), form)


@admin.route("/users", methods=["GET", "POST"])
@admin_required
def users() -> ResponseReturnValue:
    form = UserForm()
    form.member_id.choices = options(members_by_name(active_only=True))
    if form.validate_on_submit():
        created = _create_user(form, member_id=form.member_id.data)
        if created is not None:
            return created
    return _users_page(form, SupplierUserForm(prefix="supplier", formdata=None))


def _create_user(form: Any, **account: Any) -> ResponseReturnValue | None:
    """The sign-in the valid ``form`` asks for, for ``account`` (member or supplier), and
    back to the list; None with the error beside its field when it cannot be made."""
    try:
        with transaction(current_runtime().sessions) as db:
            create_user(
                db,
                form.email.data or "",
                form.password.data or "",
                language=form.language.data or "de",
                **account,
            )
    except DomainError as exc:
        getattr(form, exc.field, form.email).errors.append(_(str(exc)))
        return None
    flash(_("User %(email)s created.", email=form.email.data), "ok")
    return redirect(url_for("admin.users"))
