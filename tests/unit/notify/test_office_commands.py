"""The office's and the members' commands to notify, on a unit of work in memory: an
invoice's e-mail in the invoice's language and once more on request; preferences that
change part by part; the unsubscribe link."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest

from notify.service_layer.commands import ChangePreferences, ResendInvoice, Unsubscribe
from notify.service_layer.invoices import on_invoice_issued, resend_invoice
from notify.service_layer.preferences import change_preferences, unsubscribe
from shared.errors import Forbidden, Invalid, NotFound
from tests.support.notify_events import invoice_issued
from tests.unit.notify.scenes import arrived, outgoing, prefer, with_members


def test_an_invoice_is_mailed_once_in_its_language_and_again_on_request() -> None:
    uow = with_members((1, "de"))
    issued = arrived(invoice_issued(5, 1, "100.00", "19.00", language="en"))

    on_invoice_issued(issued, uow, outgoing())
    on_invoice_issued(issued, uow, outgoing())  # announced again

    [first] = uow.deliveries.rows
    assert (first.kind, first.invoice_id) == ("invoice", 5)
    assert first.subject == "Invoice ZK-2026-000005 for €119.00"
    prefer(uow, 1, email=False)  # the office's request goes all the same

    again = resend_invoice(ResendInvoice(5), uow, outgoing())

    assert (again.kind, again.to) == ("invoice_resent", "office1@betrieb.example")
    assert [d.kind for d in uow.deliveries.of_invoice(5)] == ["invoice", "invoice_resent"]
    with pytest.raises(NotFound):
        resend_invoice(ResendInvoice(6), uow, outgoing())


def test_preferences_change_part_by_part() -> None:
    uow = with_members((1, "de"))
    night = {"quiet_from": time(21, 0), "quiet_until": time(7, 0)}

    change_preferences(ChangePreferences(1, {"language": "en", **night}), uow)
    prefs = change_preferences(ChangePreferences(1, {"quiet_until": time(6, 0)}), uow)

    assert (prefs.language, prefs.quiet_from, prefs.quiet_until) == ("en", time(21), time(6))
    assert (prefs.email, prefs.app) == (True, True)
    assert uow.preferences.rows == [prefs]


def test_quiet_hours_need_both_ends_and_some_length() -> None:
    uow = with_members((1, "de"))
    with pytest.raises(Invalid) as half:
        change_preferences(ChangePreferences(1, {"quiet_until": time(7, 0)}), uow)
    assert half.value.field == "quiet_hours"
    same = {"quiet_from": time(7, 0), "quiet_until": time(7, 0)}
    with pytest.raises(Invalid):
        change_preferences(ChangePreferences(1, same), uow)


def test_only_the_office_sets_the_membership_fee() -> None:
    uow = with_members((1, "de"))
    fee = {"membership_fee": Decimal("240.00")}
    with pytest.raises(Forbidden):
        change_preferences(ChangePreferences(1, fee), uow)

    prefs = change_preferences(ChangePreferences(1, fee, by_office=True), uow)

    assert prefs.membership_fee == Decimal("240.00")


def test_the_unsubscribe_link_stops_emails_and_keeps_the_app() -> None:
    uow = with_members((1, "de"))

    unsubscribe(Unsubscribe(1), uow)

    [prefs] = uow.preferences.rows
    assert (prefs.email, prefs.app) == (False, True)
