"""The pooling worker: outbox relay and event consumer."""

from __future__ import annotations

from pooling.bootstrap import build_runtime, handlers
from shared.settings import Settings
from shared.worker import run_worker


def main(settings: Settings) -> int:
    runtime = build_runtime(settings)
    return run_worker(runtime, handlers(settings, runtime.outbox))
