"""A member's preferences page (channels, language, nudges, quiet hours) and the
one-click unsubscribe behind the link in every e-mail (no sign-in: the signed token says
whose it is; GET asks, POST with its CSRF token unsubscribes)."""

from __future__ import annotations

from datetime import time
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, TimeField
from wtforms.validators import NumberRange, Optional

from catalog.domain.model import FLEXIBLE_PERCENT_MAX
from shared.unsubscribe import UnsubscribeLinks
from web.pages.callers import catalog, signed_in
from web.pages.forms import LANGUAGES, ActionForm, options
from web.pages.needs import member_required
from web.pages.notify_client import change
from web.pages.remote import fetch, show_errors_as_pages

preference_pages = Blueprint("preferences", __name__)
show_errors_as_pages(preference_pages)


class PreferencesForm(FlaskForm):
    app = BooleanField(_l("In the app"))
    email = BooleanField(_l("By e-mail"))
    language = SelectField(
        _l("Language of e-mails"),
        choices=options([("", _l("As my sign-in")), *LANGUAGES.items()]),
    )
    nudge_bought = BooleanField(_l("Products I bought before"))
    nudge_trade = BooleanField(_l("Products my trade buys"))
    quiet_from = TimeField(_l("Quiet from"), validators=[Optional()])
    quiet_until = TimeField(_l("Quiet until"), validators=[Optional()])
    # kept by catalog (it applies it when a need is posted), not sent to notify
    flexible_percent = IntegerField(
        _l("Up to this many percent more"),
        validators=[Optional(), NumberRange(0, FLEXIBLE_PERCENT_MAX)],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        """Each time on its own, then both together: both or neither, and not the same."""
        if not super().validate(extra_validators):
            return False
        start, end = self.quiet_from.data, self.quiet_until.data
        if (start is None) != (end is None):
            self.quiet_until.errors = [_("Give both times, or neither.")]
        elif start is not None and start == end:
            self.quiet_until.errors = [_("Quiet hours cannot end when they start.")]
        return not self.quiet_until.errors

    def fill(self, prefs: dict[str, Any]) -> None:
        self.app.data = prefs["channels"]["app"]
        self.email.data = prefs["channels"]["email"]
        self.language.data = prefs["language"] or ""
        self.nudge_bought.data = prefs["nudges"]["bought_before"]
        self.nudge_trade.data = prefs["nudges"]["trade"]
        quiet = prefs["quiet_hours"] or {}
        self.quiet_from.data = _time(quiet.get("from"))
        self.quiet_until.data = _time(quiet.get("until"))

    def body(self) -> dict[str, Any]:
        quiet = None
        if self.quiet_from.data is not None and self.quiet_until.data is not None:
            quiet = {
                "from": self.quiet_from.data.strftime("%H:%M"),
                "until": self.quiet_until.data.strftime("%H:%M"),
            }
        return {
            "channels": {"app": self.app.data, "email": self.email.data},
            "language": self.language.data or None,
            "nudges": {"bought_before": self.nudge_bought.data, "trade": self.nudge_trade.data},
            "quiet_hours": quiet,
        }


def _time(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None


@preference_pages.route("/preferences", methods=["GET", "POST"])
@member_required
def edit() -> ResponseReturnValue:
    member_id = current_user.member_id
    path = f"/members/{member_id}/preferences"
    form = PreferencesForm()
    if form.validate_on_submit():
        _keep_flexibility(member_id, form.flexible_percent.data)
        answer = change("PUT", path, "member", member_id, form.body())
        if answer is not None and answer[0] == 200:
            flash(_("Your preferences are saved."), "ok")
            return redirect(url_for("preferences.edit"))
        problem = _("Your preferences could not be saved. Please try again soon.")
        return render_template("preferences.html", form=form, problem=problem), 503
    if form.is_submitted():
        return render_template("preferences.html", form=form), 422
    current = fetch("notify", path, "member", member_id)
    if current is None:
        problem = _("Your preferences cannot be shown right now. Please try again soon.")
        return render_template("preferences.html", form=None, problem=problem)
    form.fill(current)
    form.flexible_percent.data = _flexibility(member_id)
    return render_template("preferences.html", form=form, fee=current["membership_fee"])


def _flexibility(member_id: int) -> int | None:
    return catalog().member(signed_in(), member_id).flexible_percent


def _keep_flexibility(member_id: int, percent: int | None) -> None:
    """The member's default flexibility for the needs it posts from now on."""
    catalog().set_flexibility(signed_in(), member_id, percent or None)


def _member_of(token: str) -> int:
    links = UnsubscribeLinks.from_settings(current_app.extensions["zirkel.settings"])
    member_id = links.member_of(token)
    if member_id is None:
        abort(404)
    return member_id


@preference_pages.get("/unsubscribe/<token>")
def unsubscribe(token: str) -> ResponseReturnValue:
    _member_of(token)
    return render_template("unsubscribe.html", form=ActionForm(), done=False)


@preference_pages.post("/unsubscribe/<token>")
def confirm_unsubscribe(token: str) -> ResponseReturnValue:
    member_id = _member_of(token)
    if not ActionForm().validate_on_submit():
        abort(400)
    answer = change("POST", "/unsubscribe", "member", member_id, {"token": token})
    if answer is None or answer[0] != 200:
        problem = _("That did not work. Please try again in a few minutes.")
        return render_template("unsubscribe.html", form=ActionForm(), problem=problem), 503
    return render_template("unsubscribe.html", form=None, done=True)
