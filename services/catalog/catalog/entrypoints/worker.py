"""The catalog worker: outbox relay, event consumer and the ops watch."""

from __future__ import annotations

from catalog.bootstrap import build_runtime, handlers, worker_loops
from shared.settings import Settings
from shared.worker import run_worker


def main(settings: Settings) -> int:
    runtime = build_runtime(settings)
    return run_worker(runtime, handlers(settings, runtime.outbox), worker_loops(runtime))
