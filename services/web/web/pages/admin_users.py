"""The office deactivates a user (it cannot sign in, its sessions end, calls made for it
are refused) and makes it active again."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from web.pages.admin import admin_required
from web.pages.callers import catalog
from web.pages.forms import ActionForm
from web.pages.remote import show_errors_as_pages

user_admin = Blueprint("user_admin", __name__, url_prefix="/admin/users")
show_errors_as_pages(user_admin)


@user_admin.post("/<id:user_id>/<any(deactivate, reactivate):action>")
@admin_required
def standing(user_id: int, action: str) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    if user_id == current_user.id:
        flash(_("You cannot deactivate your own sign-in."), "error")
        return redirect(url_for("admin.users"))
    changed = catalog().users.set_active(user_id, active=action == "reactivate")
    if changed is None:
        abort(404)
    email = changed.email
    if action == "deactivate":
        flash(_("%(email)s deactivated: it can no longer sign in.", email=email), "ok")
    else:
        flash(_("%(email)s is active again.", email=email), "ok")
    return redirect(url_for("admin.users"))
