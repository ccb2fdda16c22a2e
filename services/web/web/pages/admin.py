"""The cooperative office's page: create a sign-in for a member or a supplier."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from web.clients.service import OFFICE, Refused
from web.pages.callers import catalog, members_by_name, suppliers_by_name
from web.pages.forms import UserForm, options
from web.pages.office_lists import ROLES, USERS
from web.pages.remote import show_errors_as_pages
from web.pages.supplier_forms import SupplierUserForm

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
            "created": u.created,
            "active": u.active,
        }
        for u in catalog().users.users()
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
    body = {
        "email": form.email.data or "",
        "password": form.password.data or "",
        "language": form.language.data or "de",
        "role": account.pop("role", "member"),
        **account,
    }
    try:
        catalog().users.create(body)
    except Refused as refused:
        for name in refused.details:
            field = getattr(form, name, form.email)
            field.errors += [_(message) for message in refused.field_messages(name)]
        if not refused.details:
            form.email.errors.append(_(refused.message))
        return None
    flash(_("User %(email)s created.", email=form.email.data), "ok")
    return redirect(url_for("admin.users"))
