"""Pooling's scheduler process: closes windows at their cutoff and announces pool progress.

APScheduler runs the two jobs; running a second scheduler is safe (a close
takes the window's lock, and a window is closed once), only wasteful.
"""

from __future__ import annotations

import logging
from functools import partial

from apscheduler.schedulers.blocking import BlockingScheduler

from pooling import bootstrap
from pooling.adapters.calendar import CutoffSchedule
from pooling.domain.optimise import Solver
from pooling.service_layer.commands import ReportProgress
from pooling.service_layer.handlers import close_due_windows, report_progress
from pooling.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.changes import Changes
from shared.db import transaction
from shared.runtime import Runtime
from shared.settings import Settings

log = logging.getLogger(__name__)

PROGRESS_LONGEST_QUIET = 60.0  # seconds: the progress is read at least this often


def close_due(runtime: Runtime, schedule: CutoffSchedule, solve: Solver) -> None:
    for window_id in close_due_windows(runtime.sessions, runtime.outbox, schedule, solve):
        log.info("closed pool window %s at its cutoff", window_id)


def announce_progress(runtime: Runtime, schedule: CutoffSchedule, changes: Changes) -> None:
    """The open window's progress, read only when pooling's database has changed since the
    last look (on SQLite; see ``shared.changes``): an idle scheduler reads nothing."""
    if not changes.since_last_look():
        return
    with transaction(runtime.sessions) as session:
        report_progress(ReportProgress(), SqlAlchemyUnitOfWork(session, runtime.outbox, schedule))


def main(settings: Settings) -> int:
    runtime = bootstrap.build_runtime(settings)
    schedule, solve = bootstrap.schedule(settings), bootstrap.solver(settings)
    scheduler = BlockingScheduler(timezone=settings.pool_timezone)
    changes = Changes(runtime.engine.url, PROGRESS_LONGEST_QUIET)
    jobs = {
        "close-due-windows": (
            partial(close_due, runtime, schedule, solve),
            settings.close_check_interval,
        ),
        "announce-progress": (
            partial(announce_progress, runtime, schedule, changes),
            settings.progress_interval,
        ),
    }
    for name, (job, seconds) in jobs.items():
        scheduler.add_job(
            job,
            "interval",
            seconds=seconds,
            id=name,
            max_instances=1,
            coalesce=True,
        )
    log.info("pool cutoff %r in %s", settings.pool_cutoff, settings.pool_timezone)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopped")
    return 0
