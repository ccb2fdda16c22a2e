"""When pool windows close: a weekly cutoff, as a crontab line in the cooperative's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from shared.settings import Settings


class CutoffSchedule:
    """``0 12 * * thu`` in Europe/Berlin: Thursdays at noon, summer and winter."""

    def __init__(self, crontab: str, timezone: str) -> None:
        self.timezone = timezone
        try:
            self.trigger = CronTrigger.from_crontab(crontab, timezone=timezone)
        except (ValueError, LookupError) as exc:
            raise ValueError(f"not a valid pool cutoff {crontab!r} in {timezone}: {exc}") from exc

    @classmethod
    def from_settings(cls, settings: Settings) -> CutoffSchedule:
        return cls(settings.pool_cutoff, settings.pool_timezone)

    def today(self) -> date:
        """The cooperative's day (the pool's time zone): the day the depot books on."""
        return datetime.now(ZoneInfo(self.timezone)).date()

    def next_after(self, moment: datetime) -> datetime:
        """The first cutoff strictly after ``moment``, in UTC."""
        fire = self.trigger.get_next_fire_time(None, moment)
        if fire is not None and fire <= moment:
            fire = self.trigger.get_next_fire_time(fire, fire.replace(microsecond=0) + _SECOND)
        if fire is None:
            raise ValueError("the pool cutoff never comes again")
        return fire.astimezone(UTC)


_SECOND = datetime.resolution * 1_000_000
