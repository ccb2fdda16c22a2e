"""The catalog worker: outbox relay, event consumer and the ops watch."""

from __future__ import annotations

from catalog.bootstrap import build_runtime
from catalog.entrypoints.ops_watch import OpsWatch
from catalog.service_layer.reactions import HANDLERS
from shared.settings import Settings
from shared.worker import run_worker


def main(settings: Settings) -> int:
    runtime = build_runtime(settings)
    return run_worker(runtime, HANDLERS, [("ops-watch", OpsWatch(runtime).run)])
