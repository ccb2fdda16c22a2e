"""The office's pool page: the pool as it stands, and closing it now."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import HiddenField

from shared.fields import ascii_int
from web.pages.admin import admin_required
from web.pages.callers import pool_units
from web.pages.remote import fetch, send, show_errors_as_pages

pool_admin = Blueprint("pool_admin", __name__, url_prefix="/admin")
show_errors_as_pages(pool_admin)


class CloseForm(FlaskForm):
    """The "close the pool now" button: the window the admin saw, so a second close is refused."""

    window_id = HiddenField()


@pool_admin.get("/pool")
@admin_required
def pool() -> ResponseReturnValue:
    return _pool_page(CloseForm())


@pool_admin.post("/pool/close")
@admin_required
def close_pool() -> ResponseReturnValue:
    form = CloseForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        window_id = ascii_int(form.window_id.data or "")
    except ValueError:
        abort(400)
    answer = send("pooling", "/pools/close", "admin", {"window_id": window_id})
    if answer is None:
        problem = _("Pooling does not answer, so nothing was closed. Please try again soon.")
        return _pool_page(form, problem=problem), 503
    status, body = answer
    if status == 200:
        current_app.logger.info("admin closed pool window %s", window_id)
        return _pool_page(CloseForm(), closed=body)
    if status == 409:
        problem = _("Round %(id)s was closed already, perhaps by someone else.", id=window_id)
        return _pool_page(CloseForm(), problem=problem), 409
    message = body.get("error") if isinstance(body, dict) else None
    return _pool_page(form, problem=_(message or "That did not work")), 422


def _pool_page(form: CloseForm, **context: Any) -> str:
    current = fetch("pooling", "/pools/current", "admin", None)
    if current and current.get("window_id") is not None:
        form.window_id.data = str(current["window_id"])
    served = [part["sku"] for part in (context.get("closed") or {}).get("from_depot", ())]
    units = pool_units(current, *served)
    return render_template("admin_pool.html", pool=current, form=form, units=units, **context)
