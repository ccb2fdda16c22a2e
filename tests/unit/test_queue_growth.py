"""The "queue growing" rule and which alerts are raised or resolved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.alerting import GrowthRule, OpsSettings, Sample, changes, growth_alerts
from shared.settings import Settings, SettingsError

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
RULE = GrowthRule(rises=3, span=timedelta(minutes=10))


def samples(*depths: int, every: float = 30) -> list[Sample]:
    """Depths oldest first, the last taken now."""
    start = NOW - timedelta(seconds=every * (len(depths) - 1))
    return [Sample(start + timedelta(seconds=every * i), d) for i, d in enumerate(depths)]


def test_a_queue_that_rose_at_each_of_the_last_n_samples_grows() -> None:
    assert RULE.growing(samples(0, 5, 2, 4, 9, 30), NOW)


def test_fewer_rises_than_n_is_not_growth() -> None:
    assert not RULE.growing(samples(5, 2, 4, 9), NOW)  # only two rises in a row
    assert not RULE.growing(samples(1, 2, 3), NOW)  # too few samples for three rises


def test_a_queue_that_is_worked_off_between_samples_does_not_grow() -> None:
    assert not RULE.growing(samples(10, 40, 12, 50, 8, 45, 3, 60), NOW)


def test_a_flat_queue_does_not_grow() -> None:
    assert not RULE.growing(samples(*[7] * 30), NOW)


def test_slow_growth_with_plateaus_over_the_span_grows() -> None:
    creeping = samples(3, 3, 4, 4, 4, 5, 5, 6, 6, 6, 7, every=60)  # ten minutes, never falls
    assert RULE.growing(creeping, NOW)


def test_slow_growth_needs_the_whole_span_watched() -> None:
    assert not RULE.growing(samples(3, 3, 4, 4, 5, every=60), NOW)  # four minutes only


def test_a_dip_within_the_span_is_not_slow_growth() -> None:
    assert not RULE.growing(samples(3, 3, 4, 4, 2, 5, 5, 6, 6, 6, 7, every=60), NOW)


def test_growth_alerts_name_the_queue_and_the_depths() -> None:
    history = {
        "pooling.catalog-changes": samples(0, 5, 2, 4, 9, 30),
        "notify.order-outcomes": samples(0, 0, 0, 0),
        "catalog.order-outcomes": [],
    }
    assert growth_alerts(history, RULE, NOW) == [
        {
            "kind": "queue-growing",
            "subject": "pooling.catalog-changes",
            "message": "pooling.catalog-changes keeps growing: 2 → 30 messages",
        }
    ]


def test_a_new_alert_is_raised_a_persisting_one_not_again_a_cleared_one_resolved() -> None:
    growing = {"kind": "queue-growing", "subject": "q1", "message": "q1 keeps growing"}
    dead = {"kind": "dead-letters", "subject": "q1.dead", "message": "2 dead letters"}
    open_alerts = [("dead-letters", "q1.dead"), ("not-ready", "notify")]
    seen_before = {("queue-growing", "q1"), ("dead-letters", "q1.dead")}

    raised, resolved = changes(open_alerts, [growing, dead], seen_before)

    assert raised == [growing]
    assert resolved == [("not-ready", "notify")]
    assert changes([], [], set()) == ([], [])


def test_an_alert_seen_at_one_look_only_is_not_raised() -> None:
    blip = {"kind": "no-consumer", "subject": "q1", "message": "nobody consumes q1"}
    assert changes([], [blip], set()) == ([], [])
    assert changes([], [blip], {("no-consumer", "q1")}) == ([blip], [])


def test_ops_settings_are_read_from_the_environment() -> None:
    env = {"ZIRKEL_SECRET_KEY": "s" * 32}
    settings = Settings.from_env(
        env
        | {
            "ZIRKEL_QUEUE_GROWTH_SAMPLES": "4",
            "ZIRKEL_QUEUE_GROWTH_SPAN": "300",
            "ZIRKEL_ADMIN_EMAILS": "buero@zirkel.example, technik@zirkel.example",
        }
    )
    ops = OpsSettings.from_settings(settings)
    assert ops.growth == GrowthRule(4, timedelta(minutes=5))
    assert ops.admin_emails == ("buero@zirkel.example", "technik@zirkel.example")
    with pytest.raises(SettingsError):
        Settings.from_env(env | {"ZIRKEL_QUEUE_GROWTH_SAMPLES": "0"})
