"""The e-mail the cooperative's admins get when an operations alert is raised or clears.

Admins share one mailbox language policy of their own: German first, English below.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from notify.domain.mail import Mail


def ops_alert_mail(alert: Mapping[str, Any], *, raised: bool, dashboard_url: str) -> Mail:
    if raised:
        subject = f"Zirkel-Betrieb: Warnung / alert: {alert['message']}"
        intro = "Zirkel meldet ein Problem. / Zirkel reports a problem."
    else:
        subject = f"Zirkel-Betrieb: behoben / resolved: {alert['message']}"
        intro = "Dieses Problem ist behoben. / This problem has cleared."
    lines = [
        intro,
        "",
        f"  {alert['message']}",
        "",
        f"Art / kind: {alert['kind']}",
        f"Betrifft / concerns: {alert['subject']}",
        f"Seit / since: {_when(alert['raised_at'])}",
    ]
    if alert.get("resolved_at"):
        lines.append(f"Behoben / resolved: {_when(alert['resolved_at'])}")
    lines += [
        "",
        f"Übersicht / dashboard: {dashboard_url}",
        "",
        "Zirkel",
    ]
    return Mail(subject[:200], "\n".join(lines) + "\n")


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")
