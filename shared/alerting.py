"""When a queue is growing, and which alerts were raised or resolved since the last look.

Pure rules, no broker or database: the ops watch of catalog's worker samples the
queue depths into its own table, hands the recent samples here, and writes an
event for each alert that appears (``raised``) and each that clears (``resolved``).
An alert that persists raises nothing new.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.settings import Settings

AlertKey = tuple[str, str]  # (kind, subject)


@dataclass(frozen=True)
class Sample:
    at: datetime
    messages: int


@dataclass(frozen=True)
class GrowthRule:
    """A queue grows when its depth rose at each of the last ``rises`` samples, or never
    fell and ended higher over the last ``span`` (slow growth with plateaus)."""

    rises: int
    span: timedelta

    def growing(self, samples: Sequence[Sample], now: datetime) -> bool:
        return self._rose_each_time(samples) or self._crept_up(samples, now)

    def _rose_each_time(self, samples: Sequence[Sample]) -> bool:
        last = samples[-(self.rises + 1) :]
        if len(last) < self.rises + 1:
            return False
        return all(b.messages > a.messages for a, b in itertools.pairwise(last))

    def _crept_up(self, samples: Sequence[Sample], now: datetime) -> bool:
        since = now - self.span
        older = [s for s in samples if s.at <= since]
        if not older:
            return False  # not watched for the whole span yet
        window = [older[-1], *(s for s in samples if s.at > since)]
        if len(window) < 3:
            return False
        never_fell = all(b.messages >= a.messages for a, b in itertools.pairwise(window))
        return never_fell and window[-1].messages > window[0].messages


def growth_alerts(
    history: Mapping[str, Sequence[Sample]], rule: GrowthRule, now: datetime
) -> list[dict[str, str]]:
    """A ``queue-growing`` alert for each queue whose samples (oldest first) grow."""
    found = []
    for queue, samples in sorted(history.items()):
        if samples and rule.growing(samples, now):
            start = samples[-(rule.rises + 1) :][0].messages
            message = f"{queue} keeps growing: {start} → {samples[-1].messages} messages"
            found.append({"kind": "queue-growing", "subject": queue, "message": message})
    return found


def changes(
    open_alerts: Iterable[AlertKey],
    current: Iterable[Mapping[str, str]],
    seen_before: Collection[AlertKey],
) -> tuple[list[Mapping[str, str]], list[AlertKey]]:
    """The alerts to raise (present now and at the look before, not open) and to resolve
    (open, gone now). Asking for two looks in a row keeps a moment's blip (a consumer
    reconnecting, a service restarting) from mailing the admins twice."""
    still_open = set(open_alerts)
    now_present = {(a["kind"], a["subject"]): a for a in current}
    raised = [
        alert for key, alert in now_present.items() if key not in still_open and key in seen_before
    ]
    resolved = sorted(key for key in still_open if key not in now_present)
    return raised, resolved


@dataclass(frozen=True)
class OpsSettings:
    """The ops watch's settings, taken from ``Settings`` (which hold their defaults)."""

    sample_interval: float
    growth: GrowthRule
    keep_samples: timedelta = timedelta(hours=24)
    admin_emails: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> OpsSettings:
        span = timedelta(seconds=settings.queue_growth_span)
        return cls(
            sample_interval=settings.ops_sample_interval,
            growth=GrowthRule(settings.queue_growth_samples, span),
            admin_emails=settings.admin_emails,
        )
