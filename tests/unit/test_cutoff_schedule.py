"""Pool windows close at a weekly cutoff read in Europe/Berlin, summer and winter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pooling.adapters.calendar import CutoffSchedule

THURSDAY_NOON = CutoffSchedule("0 12 * * thu", "Europe/Berlin")


@pytest.mark.parametrize(
    ("now", "cutoff"),
    [
        # Tuesday evening in winter: Thursday 12:00 CET is 11:00 UTC
        (datetime(2026, 11, 24, 23, 0, tzinfo=UTC), datetime(2026, 11, 26, 11, 0, tzinfo=UTC)),
        # Thursday 12:30 CEST, just past the cutoff: the next Thursday, 10:00 UTC
        (datetime(2026, 6, 4, 10, 30, tzinfo=UTC), datetime(2026, 6, 11, 10, 0, tzinfo=UTC)),
        # exactly at the cutoff: the next one, not this one
        (datetime(2026, 6, 4, 10, 0, tzinfo=UTC), datetime(2026, 6, 11, 10, 0, tzinfo=UTC)),
        # the week the clocks go forward (29 March 2026)
        (datetime(2026, 3, 27, 0, 0, tzinfo=UTC), datetime(2026, 4, 2, 10, 0, tzinfo=UTC)),
    ],
)
def test_the_next_cutoff_is_thursday_noon_in_berlin(now: datetime, cutoff: datetime) -> None:
    assert THURSDAY_NOON.next_after(now) == cutoff


def test_a_cooperative_may_choose_another_cutoff() -> None:
    friday_evening = CutoffSchedule("30 17 * * fri", "Europe/Berlin")
    assert friday_evening.next_after(datetime(2026, 11, 24, tzinfo=UTC)) == datetime(
        2026, 11, 27, 16, 30, tzinfo=UTC
    )


def test_a_malformed_cutoff_is_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="not a valid pool cutoff"):
        CutoffSchedule("every thursday", "Europe/Berlin")
