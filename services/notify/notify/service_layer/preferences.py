"""A member's preferences change (channels, language, nudges, quiet hours, the membership
fee), or its e-mails stop by the link in one of them."""

from __future__ import annotations

from notify.adapters.orm_savings import Preferences
from notify.service_layer.commands import ChangePreferences, Unsubscribe
from notify.service_layer.outgoing import preferences_of
from notify.service_layer.unit_of_work import UnitOfWork
from shared.errors import Forbidden, Invalid

SETTABLE = ("app", "email", "language", "nudge_bought", "nudge_trade", "quiet_from", "quiet_until")


def change_preferences(cmd: ChangePreferences, uow: UnitOfWork) -> Preferences:
    """The parts sent replace the member's; quiet hours, once merged, have both ends and
    end at another time than they start. Only the office sets the membership fee."""
    if "membership_fee" in cmd.changes and not cmd.by_office:
        message = "Only the cooperative's office sets the membership fee."
        raise Forbidden("membership_fee", message)
    unknown = set(cmd.changes) - {*SETTABLE, "membership_fee"}
    if unknown:
        raise Invalid(sorted(unknown)[0], "Notify keeps no such preference.")
    prefs = _kept(uow, cmd.member_id)
    for name, value in cmd.changes.items():
        setattr(prefs, name, value)
    if (prefs.quiet_from is None) != (prefs.quiet_until is None):
        raise Invalid("quiet_hours", "Quiet hours need from and until (none are set yet).")
    if prefs.quiet_from is not None and prefs.quiet_from == prefs.quiet_until:
        raise Invalid("quiet_hours", "Quiet hours end when they start.")
    return prefs


def unsubscribe(cmd: Unsubscribe, uow: UnitOfWork) -> None:
    """No more e-mails to the member (messages in the app stay as chosen)."""
    _kept(uow, cmd.member_id).email = False


def _kept(uow: UnitOfWork, member_id: int) -> Preferences:
    """The member's preferences, kept from now on (the defaults until then)."""
    prefs = uow.preferences.get(member_id)
    if prefs is None:
        prefs = preferences_of(uow, member_id)
        uow.preferences.add(prefs)
    return prefs
