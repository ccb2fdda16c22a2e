"""The savings-so-far chart: running totals, an axis from zero, labels that do not crowd."""

from __future__ import annotations

from decimal import Decimal

from web.pages.savings_line import BOTTOM, HEIGHT, cumulative_savings


def windows(*saved: str) -> list[dict]:
    return [{"window_id": i, "saved": s} for i, s in enumerate(saved, start=1)]


def test_the_line_adds_up_what_each_window_saved() -> None:
    chart = cumulative_savings(windows("31.00", "50.20", "57.80"), {1: "2026-11-06"})
    assert chart is not None
    assert [p.total for p in chart.points] == [
        Decimal("31.00"),
        Decimal("81.20"),
        Decimal("139.00"),
    ]
    assert chart.total == Decimal("139.00") and chart.best.window_id == 3
    assert chart.points[0].closed_on == "2026-11-06" and chart.points[1].closed_on is None
    ys = [p.y for p in chart.points]
    assert ys == sorted(ys, reverse=True)  # rising savings go up the picture
    assert [t.value for t in chart.ticks] == [0, 100, 200]
    assert chart.zero_y == chart.ticks[0].y == HEIGHT - BOTTOM


def test_windows_come_in_order_and_a_loss_shows_below_zero() -> None:
    chart = cumulative_savings([{"window_id": 5, "saved": "-3.10"}, {"window_id": 2, "saved": "1"}])
    assert chart is not None
    assert [(p.window_id, p.total) for p in chart.points] == [
        (2, Decimal("1")),
        (5, Decimal("-2.10")),
    ]
    assert [t.value for t in chart.ticks] == [Decimal("-2.5"), 0, Decimal("1")]
    assert chart.points[1].y > chart.zero_y > chart.points[0].y


def test_many_windows_label_every_few_points_and_always_the_last() -> None:
    chart = cumulative_savings(windows(*["10"] * 20))
    assert chart is not None
    labelled = [p.window_id for p in chart.points if p.labelled]
    assert len(labelled) <= 8 and labelled[-1] == 20


def test_nothing_saved_yet_is_no_chart() -> None:
    assert cumulative_savings([]) is None
