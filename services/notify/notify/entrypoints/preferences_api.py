"""A member's preferences (channels, language, nudges, quiet hours, membership fee) and the
one-click unsubscribe behind the link in every e-mail."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields, validate

from notify.adapters.orm_savings import Preferences
from notify.entrypoints.member_paths import member_path
from notify.entrypoints.work import handle, request_work
from notify.service_layer.commands import ChangePreferences, Unsubscribe
from notify.service_layer.outgoing import preferences_of
from shared.auth import require
from shared.fields import Money
from shared.request_input import ApiError, load_body
from shared.unsubscribe import UnsubscribeLinks

preferences_api = Blueprint("notify_preferences", __name__, url_prefix="/api/v1")


# Every part of the preferences, down to a single switch, may be left out and then stays
# as it is; unknown keys are refused (marshmallow's default).
class ChannelsSchema(Schema):
    app = fields.Boolean()
    email = fields.Boolean()


class NudgesSchema(Schema):
    bought_before = fields.Boolean()
    trade = fields.Boolean()


class QuietHoursSchema(Schema):
    start = fields.Time(data_key="from")
    until = fields.Time()


# Where each part of the body is kept: (part, key) -> the Preferences column.
COLUMNS = {
    ("channels", "app"): "app",
    ("channels", "email"): "email",
    ("nudges", "bought_before"): "nudge_bought",
    ("nudges", "trade"): "nudge_trade",
    ("quiet_hours", "start"): "quiet_from",
    ("quiet_hours", "until"): "quiet_until",
}


class PreferencesSchema(Schema):
    """In: every part optional, nested ones too, what is left out stays; out: all of it."""

    member_id = fields.Integer(dump_only=True)
    channels = fields.Nested(ChannelsSchema)
    language = fields.String(allow_none=True, validate=validate.OneOf(("de", "en")))
    nudges = fields.Nested(NudgesSchema)
    quiet_hours = fields.Nested(QuietHoursSchema, allow_none=True)
    membership_fee = Money(allow_none=True)


class UnsubscribeSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=500))


def preferences_out(prefs: Preferences, default_fee: Any) -> dict[str, Any]:
    quiet = None
    if prefs.quiet_from is not None and prefs.quiet_until is not None:
        quiet = {"start": prefs.quiet_from, "until": prefs.quiet_until}
    fee = prefs.membership_fee
    return PreferencesSchema().dump(
        {
            "member_id": prefs.member_id,
            "channels": {"app": prefs.app, "email": prefs.email},
            "language": prefs.language,
            "nudges": {"bought_before": prefs.nudge_bought, "trade": prefs.nudge_trade},
            "quiet_hours": quiet,
            "membership_fee": default_fee if fee is None else fee,
        }
    )


def _default_fee() -> Any:
    return current_app.extensions["zirkel.settings"].membership_fee


NOT_YOURS = "These are another member's preferences."


@preferences_api.get("/members/<id:member_id>/preferences")
@require("admin", "member")
def get_preferences(member_id: int) -> ResponseReturnValue:
    """A member's preferences (that member or an admin); defaults until they are changed."""
    with request_work() as uow:
        member_path(uow.session, member_id, NOT_YOURS)
        prefs = preferences_of(uow, member_id)
        return jsonify(preferences_out(prefs, _default_fee()))


@preferences_api.put("/members/<id:member_id>/preferences")
@require("admin", "member")
def put_preferences(member_id: int) -> ResponseReturnValue:
    """Change a member's preferences; only an admin sets the membership fee."""
    with request_work() as uow:
        is_admin = member_path(uow.session, member_id, NOT_YOURS)
        cmd = ChangePreferences(member_id, changes(load_body(PreferencesSchema())), is_admin)
        prefs = handle(cmd, uow)
        return jsonify(preferences_out(prefs, _default_fee()))


def changes(data: dict[str, Any]) -> dict[str, Any]:
    """The sent parts by the preference each changes; ``quiet_hours: null`` turns them off."""
    found = {}
    if "quiet_hours" in data and data["quiet_hours"] is None:
        found = {"quiet_from": None, "quiet_until": None}
        del data["quiet_hours"]
    for (part, key), column in COLUMNS.items():
        if key in data.get(part, {}):
            found[column] = data[part][key]
    for key in ("language", "membership_fee"):
        if key in data:
            found[key] = data[key]
    return found


@preferences_api.post("/unsubscribe")
def unsubscribe() -> ResponseReturnValue:
    """Stop a member's e-mails with the signed token from an e-mail's link; no sign-in."""
    token = load_body(UnsubscribeSchema())["token"]
    links = UnsubscribeLinks.from_settings(current_app.extensions["zirkel.settings"])
    member_id = links.member_of(token)
    if member_id is None:
        message = "This unsubscribe link is not valid."
        raise ApiError(404, message, {"token": [message]})
    with request_work() as uow:
        handle(Unsubscribe(member_id), uow)
    return jsonify(member_id=member_id, email=False)
