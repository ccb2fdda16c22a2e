"""The notify worker: outbox relay, event consumers, the mail sender and the supplier sender."""

from __future__ import annotations

from notify.adapters.mail import MailSender
from notify.adapters.supplier_sender import SupplierSender
from notify.bootstrap import build_runtime, handlers
from shared.settings import Settings
from shared.worker import run_worker


def main(settings: Settings) -> int:
    runtime = build_runtime(settings)
    sender = MailSender(runtime.sessions, settings)
    suppliers = SupplierSender(runtime.sessions, settings)
    loops = [("mail-sender", sender.run), ("supplier-sender", suppliers.run)]
    return run_worker(runtime, handlers(settings, runtime.outbox), loops)
