"""The billing worker: the outbox relay (``billing.invoice.issued``) and the consumers of
members, products and the orders' course, which issue the invoices."""

from __future__ import annotations

from billing.bootstrap import build_runtime, handlers
from shared.settings import Settings
from shared.worker import run_worker


def main(settings: Settings) -> int:
    runtime = build_runtime(settings)
    return run_worker(runtime, handlers(settings, runtime.outbox))
