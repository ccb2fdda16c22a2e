"""When a member is nudged about a tier in reach: asked for, once per window, never in
quiet hours (Europe/Berlin, also across midnight)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal

from notify.domain.nudges import (
    Wishes,
    due_at,
    in_quiet_hours,
    should_nudge,
    tiers_in_reach,
)

D = Decimal
NIGHT = Wishes(bought=True, quiet_from=time(21, 0), quiet_until=time(7, 0))
LUNCH = Wishes(bought=True, quiet_from=time(12, 0), quiet_until=time(13, 30))


def berlin_winter(hour: int, minute: int = 0, day: int = 10) -> datetime:
    """A moment in January, when Berlin is UTC+1."""
    return datetime(2026, 1, day, hour - 1, minute, tzinfo=UTC)


def test_quiet_hours_across_midnight() -> None:
    assert in_quiet_hours(NIGHT, berlin_winter(22))
    assert in_quiet_hours(NIGHT, berlin_winter(3))
    assert in_quiet_hours(NIGHT, berlin_winter(21))
    assert not in_quiet_hours(NIGHT, berlin_winter(7))
    assert not in_quiet_hours(NIGHT, berlin_winter(12))


def test_quiet_hours_within_a_day() -> None:
    assert in_quiet_hours(LUNCH, berlin_winter(12, 45))
    assert not in_quiet_hours(LUNCH, berlin_winter(13, 30))
    assert not in_quiet_hours(LUNCH, berlin_winter(11, 59))


def test_no_quiet_hours_means_now() -> None:
    now = berlin_winter(3)
    assert due_at(Wishes(bought=True), now) == now


def test_a_nudge_in_the_evening_waits_until_the_next_morning() -> None:
    assert due_at(NIGHT, berlin_winter(23, 30)) == berlin_winter(7, 0, day=11)


def test_a_nudge_after_midnight_waits_until_the_same_morning() -> None:
    assert due_at(NIGHT, berlin_winter(2, 15, day=11)) == berlin_winter(7, 0, day=11)


def test_quiet_hours_end_at_the_local_hour_in_summer_too() -> None:
    late = datetime(2026, 7, 1, 21, 0, tzinfo=UTC)  # 23:00 in Berlin (UTC+2)
    assert due_at(NIGHT, late) == datetime(2026, 7, 2, 5, 0, tzinfo=UTC)


def test_outside_quiet_hours_a_nudge_goes_now() -> None:
    now = berlin_winter(10)
    assert due_at(NIGHT, now) == now


def test_once_per_member_product_and_window() -> None:
    assert should_nudge(
        Wishes(bought=True), bought_before=True, trade_buys=False, already_nudged=False
    )
    assert not should_nudge(
        Wishes(bought=True), bought_before=True, trade_buys=False, already_nudged=True
    )


def test_only_what_the_member_asked_for() -> None:
    opted_out = Wishes()
    assert not should_nudge(opted_out, bought_before=True, trade_buys=True, already_nudged=False)
    only_bought = Wishes(bought=True)
    assert not should_nudge(only_bought, bought_before=False, trade_buys=True, already_nudged=False)
    trade = Wishes(trade=True)
    assert should_nudge(trade, bought_before=False, trade_buys=True, already_nudged=False)
    assert not should_nudge(trade, bought_before=True, trade_buys=False, already_nudged=False)


def progress(missing: str, min_quantity: str = "25") -> list[dict]:
    """The worked example's DISP-10L at A: 14 ordered at 38.00, next tier 25 at 34.50."""
    return [
        {
            "sku": "DISP-10L",
            "quantity": D("25") - D(missing),
            "offers": [
                {
                    "supplier_id": 1,
                    "ordered_quantity": D("25") - D(missing),
                    "unit_price": D("38.00"),
                    "next_tier": {
                        "min_quantity": D(min_quantity),
                        "unit_price": D("34.50"),
                        "missing": D(missing),
                    },
                },
                {
                    "supplier_id": 2,
                    "ordered_quantity": D("22"),
                    "unit_price": D("37.00"),
                    "next_tier": None,
                },
            ],
        }
    ]


def test_a_tier_is_in_reach_when_at_most_a_quarter_of_it_is_missing() -> None:
    [tier] = tiers_in_reach(3, progress("3"))
    assert (tier.window_id, tier.sku, tier.missing) == (3, "DISP-10L", D("3"))
    assert tier.everyone_saves == D("87.50")  # 25 x (38.00 - 34.50)
    assert tiers_in_reach(3, progress("6.25")) != []
    assert tiers_in_reach(3, progress("6.26")) == []
    assert tiers_in_reach(3, progress("11")) == []
