"""The notify worker: outbox relay, event consumers, the mail sender and the supplier sender."""

from __future__ import annotations

from notify.adapters.mail import MailSender
from notify.adapters.supplier_sender import SupplierSender
from notify.entrypoints.app import build_runtime
from notify.service_layer.ops_alerts import ops_alert_handlers
from notify.service_layer.reactions import handlers
from notify.service_layer.supplier_handlers import with_supplier_deliveries
from shared.alerting import OpsSettings
from shared.settings import Settings
from shared.worker import run_worker


def main(settings: Settings) -> int:
    runtime = build_runtime(settings)
    sender = MailSender(runtime.sessions, settings)
    admins = OpsSettings.from_settings(settings).admin_emails
    dashboard = f"{settings.service_urls['catalog']}/admin/ops"
    suppliers = SupplierSender(runtime.sessions, settings)
    reactions = with_supplier_deliveries(
        handlers(runtime.outbox, settings), settings.service_urls["pooling"]
    ) | ops_alert_handlers(admins, dashboard)
    loops = [("mail-sender", sender.run), ("supplier-sender", suppliers.run)]
    return run_worker(runtime, reactions, loops)
