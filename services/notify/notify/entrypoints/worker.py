"""The notify worker: outbox relay, event consumers and the mail sender."""

from __future__ import annotations

from notify.adapters.mail import MailSender
from notify.entrypoints.app import build_runtime
from notify.service_layer.ops_alerts import ops_alert_handlers
from notify.service_layer.reactions import handlers
from shared.alerting import OpsSettings
from shared.settings import Settings
from shared.worker import run_worker


def main(settings: Settings) -> int:
    runtime = build_runtime(settings)
    sender = MailSender(runtime.sessions, settings)
    admins = OpsSettings.from_settings(settings).admin_emails
    dashboard = f"{settings.service_urls['catalog']}/admin/ops"
    react = handlers(runtime.outbox) | ops_alert_handlers(admins, dashboard)
    return run_worker(runtime, react, [("mail-sender", sender.run)])
