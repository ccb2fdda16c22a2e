"""Which offers price a window: the changes that started by the window's first need."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from pooling.domain.model import Offer, Tier
from pooling.domain.offers_in_force import OfferChange, offers_in_force, superseded

BERLIN = "Europe/Berlin"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday morning


def offer(price: str, supplier_id: int = 1, sku: str = "DISP-10L") -> Offer:
    return Offer(supplier_id, sku, Decimal(1), (Tier(Decimal(0), Decimal(price)),))


def change(price: str | None, at: datetime, valid_from: date | None = None, supplier_id: int = 1):
    body = None if price is None else offer(price, supplier_id)
    return OfferChange(supplier_id, "DISP-10L", body, at, valid_from)


def price_at(changes: list[OfferChange], moment: datetime) -> Decimal | None:
    found = offers_in_force(changes, moment, BERLIN).get("DISP-10L", [])
    return found[0].tiers[0].unit_price if found else None


def test_a_change_after_the_window_started_waits_for_the_next_one() -> None:
    changes = [change("42.00", T0), change("39.00", T0 + timedelta(hours=2))]

    assert price_at(changes, T0 + timedelta(hours=1)) == Decimal("42.00")
    assert price_at(changes, T0 + timedelta(hours=3)) == Decimal("39.00")


def test_an_offer_announced_at_the_windows_start_applies_to_it() -> None:
    assert price_at([change("42.00", T0)], T0) == Decimal("42.00")
    assert price_at([change("42.00", T0)], T0 - timedelta(seconds=1)) is None


def test_valid_from_holds_a_change_back_until_midnight_berlin_of_that_day() -> None:
    changes = [change("42.00", T0), change("35.00", T0, valid_from=date(2026, 11, 5))]
    midnight_berlin = datetime(2026, 11, 4, 23, 0, tzinfo=UTC)

    assert price_at(changes, T0 + timedelta(days=1)) == Decimal("42.00")
    assert price_at(changes, midnight_berlin - timedelta(seconds=1)) == Decimal("42.00")
    assert price_at(changes, midnight_berlin) == Decimal("35.00")


def test_a_valid_from_in_the_past_takes_effect_at_the_announcement() -> None:
    changes = [change("42.00", T0), change("35.00", T0 + timedelta(hours=1), date(2026, 1, 1))]

    assert price_at(changes, T0 + timedelta(minutes=30)) == Decimal("42.00")
    assert price_at(changes, T0 + timedelta(hours=1)) == Decimal("35.00")


def test_a_scheduled_price_list_is_not_undone_by_an_earlier_starting_change() -> None:
    scheduled = change("35.00", T0, valid_from=date(2026, 11, 10))
    correction = change("40.00", T0 + timedelta(days=1))

    assert price_at([scheduled, correction], T0 + timedelta(days=2)) == Decimal("40.00")
    assert price_at([scheduled, correction], T0 + timedelta(days=9)) == Decimal("35.00")


def test_a_withdrawn_offer_is_gone_from_the_next_window_only() -> None:
    changes = [change("42.00", T0), change(None, T0 + timedelta(hours=2))]

    assert price_at(changes, T0 + timedelta(hours=1)) == Decimal("42.00")
    assert price_at(changes, T0 + timedelta(hours=2)) is None


def test_each_supplier_keeps_its_own_offer_in_supplier_order() -> None:
    changes = [change("41.00", T0, supplier_id=2), change("42.00", T0, supplier_id=1)]

    found = offers_in_force(changes, T0, BERLIN)["DISP-10L"]

    assert [(o.supplier_id, o.tiers[0].unit_price) for o in found] == [
        (1, Decimal("42.00")),
        (2, Decimal("41.00")),
    ]


def test_a_withdrawal_takes_effect_at_once_and_a_return_restores_the_windows_price() -> None:
    started, now = T0 + timedelta(hours=1), T0 + timedelta(hours=5)
    withdrawn = [change("42.00", T0), change(None, T0 + timedelta(hours=2))]
    assert offers_in_force(withdrawn, started, BERLIN, now) == {}
    assert price_at(withdrawn, started) == Decimal("42.00")  # as the window started

    back = [*withdrawn, change("39.00", T0 + timedelta(hours=3))]
    [restored] = offers_in_force(back, started, BERLIN, now)["DISP-10L"]
    assert restored.tiers[0].unit_price == Decimal("42.00")  # the window's price, not the new


def test_an_offer_first_made_within_the_window_waits_for_the_next_one() -> None:
    changes = [change("42.00", T0 + timedelta(hours=2))]
    assert offers_in_force(changes, T0 + timedelta(hours=1), BERLIN, T0 + timedelta(hours=3)) == {}


def test_changes_superseded_before_a_moment_can_go_and_prices_stay_the_same() -> None:
    """What a close prunes: for every moment from then on, the prices are unchanged."""
    later = date(2026, 11, 20)
    changes = [
        change("45.00", T0 - timedelta(days=9)),
        change("42.00", T0 - timedelta(days=2)),
        change("44.00", T0 - timedelta(days=1), supplier_id=2),
        change("40.00", T0 - timedelta(hours=1), valid_from=later),  # starts later: kept
        change(None, T0 - timedelta(days=5), supplier_id=2),  # withdrawn, then offered again
        change("41.00", T0 + timedelta(hours=1)),  # not started by T0: kept
    ]
    gone = superseded(changes, T0, BERLIN)

    assert gone == [0, 4]
    kept = [c for position, c in enumerate(changes) if position not in gone]
    for hours in (0, 1, 2, 24 * 30):
        moment = T0 + timedelta(hours=hours)
        assert offers_in_force(kept, moment, BERLIN) == offers_in_force(changes, moment, BERLIN)


def test_the_change_in_force_stays_when_nothing_replaced_it() -> None:
    assert superseded([change("42.00", T0 - timedelta(days=30))], T0, BERLIN) == []
