"""A member's preferences (channels, language, nudges, quiet hours, membership fee) and the
one-click unsubscribe behind the link in every e-mail."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from notify.adapters.orm_savings import Preferences
from notify.service_layer.outgoing import preferences_of
from shared.auth import current_principal, require
from shared.fields import Money
from shared.unsubscribe import UnsubscribeLinks
from shared.web import ApiError, load_body, unit_of_work

preferences_api = Blueprint("notify_preferences", __name__, url_prefix="/api/v1")


class ChannelsSchema(Schema):
    app = fields.Boolean(required=True)
    email = fields.Boolean(required=True)


class NudgesSchema(Schema):
    bought_before = fields.Boolean(required=True)
    trade = fields.Boolean(required=True)


class QuietHoursSchema(Schema):
    start = fields.Time(required=True, data_key="from")
    until = fields.Time(required=True)

    @validates_schema
    def _not_empty(self, data: dict[str, Any], **_: Any) -> None:
        if data["start"] == data["until"]:
            raise ValidationError("Quiet hours end when they start.", "until")


class PreferencesSchema(Schema):
    """In: every part optional, what is left out stays; out: all of it."""

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


def _own(member_id: int) -> bool:
    principal = current_principal()
    if not (principal.is_admin or principal.is_member(member_id)):
        raise ApiError(403, "These are another member's preferences.")
    return principal.is_admin


@preferences_api.get("/members/<id:member_id>/preferences")
@require("admin", "member")
def get_preferences(member_id: int) -> ResponseReturnValue:
    """A member's preferences (that member or an admin); defaults until they are changed."""
    _own(member_id)
    with unit_of_work() as session:
        return jsonify(preferences_out(preferences_of(session, member_id), _default_fee()))


@preferences_api.put("/members/<id:member_id>/preferences")
@require("admin", "member")
def put_preferences(member_id: int) -> ResponseReturnValue:
    """Change a member's preferences; only an admin sets the membership fee."""
    is_admin = _own(member_id)
    data = load_body(PreferencesSchema())
    if "membership_fee" in data and not is_admin:
        message = "Only the cooperative's office sets the membership fee."
        raise ApiError(403, message, {"membership_fee": [message]})
    with unit_of_work() as session:
        prefs = session.get(Preferences, member_id)
        if prefs is None:
            prefs = preferences_of(session, member_id)
            session.add(prefs)
        _apply(prefs, data)
        session.flush()
        return jsonify(preferences_out(prefs, _default_fee()))


def _apply(prefs: Preferences, data: dict[str, Any]) -> None:
    if "channels" in data:
        prefs.app, prefs.email = data["channels"]["app"], data["channels"]["email"]
    if "nudges" in data:
        prefs.nudge_bought = data["nudges"]["bought_before"]
        prefs.nudge_trade = data["nudges"]["trade"]
    if "quiet_hours" in data:
        quiet = data["quiet_hours"] or {}
        prefs.quiet_from, prefs.quiet_until = quiet.get("start"), quiet.get("until")
    for key in ("language", "membership_fee"):
        if key in data:
            setattr(prefs, key, data[key])


@preferences_api.post("/unsubscribe")
def unsubscribe() -> ResponseReturnValue:
    """Stop a member's e-mails with the signed token from an e-mail's link; no sign-in."""
    token = load_body(UnsubscribeSchema())["token"]
    links = UnsubscribeLinks.from_settings(current_app.extensions["zirkel.settings"])
    member_id = links.member_of(token)
    if member_id is None:
        message = "This unsubscribe link is not valid."
        raise ApiError(404, message, {"token": [message]})
    with unit_of_work() as session:
        prefs = session.get(Preferences, member_id)
        if prefs is None:
            prefs = preferences_of(session, member_id)
            session.add(prefs)
        prefs.email = False
    return jsonify(member_id=member_id, email=False)
