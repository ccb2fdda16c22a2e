"""The notify worker: outbox relay, event consumers and the mail sender."""

from __future__ import annotations

from notify.adapters.mail import MailSender
from notify.entrypoints.app import build_runtime
from notify.service_layer.reactions import handlers
from shared.settings import Settings
from shared.worker import run_worker


def main(settings: Settings) -> int:
    runtime = build_runtime(settings)
    sender = MailSender(runtime.sessions, settings)
    return run_worker(runtime, handlers(runtime.outbox, settings), [("mail-sender", sender.run)])
