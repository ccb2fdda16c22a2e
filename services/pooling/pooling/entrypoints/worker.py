"""The pooling worker: outbox relay and event consumer."""

from __future__ import annotations

from pooling.entrypoints.app import build_runtime
from pooling.service_layer.reactions import HANDLERS
from shared.settings import Settings
from shared.worker import run_worker


def main(settings: Settings) -> int:
    return run_worker(build_runtime(settings), HANDLERS)
