"""The ops watch loop of catalog's worker: every ``ZIRKEL_OPS_SAMPLE_INTERVAL`` seconds,
one look at the queues (management API or passive declarations) and the services."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from kombu.exceptions import OperationalError

from catalog.service_layer.ops_watch import watch
from shared.alerting import OpsSettings
from shared.db import transaction
from shared.health import readiness
from shared.ops import QueueMonitor, service_health
from shared.runtime import Runtime

log = logging.getLogger(__name__)


class OpsWatch:
    """Looks with the queue monitor and each service's readiness (others may be given)."""

    def __init__(
        self,
        runtime: Runtime,
        ops: OpsSettings | None = None,
        queues: Callable[[], Mapping[str, Any]] | None = None,
        services: Callable[[], list[dict[str, Any]]] | None = None,
    ) -> None:
        self.runtime = runtime
        self.ops = ops or OpsSettings.from_settings(runtime.settings)
        self.seen: set[tuple[str, str]] = set()  # the alerts of the look before
        self.queues = queues or QueueMonitor(runtime.settings).snapshot
        self.services = services or (
            lambda: service_health(runtime.settings, "catalog", lambda: readiness(runtime))
        )

    def look(self, now: datetime | None = None) -> list[dict[str, str]] | None:
        """One look; the alerts it found (None when another worker looks at the moment)."""
        snapshot: Mapping[str, Any] | None
        try:
            snapshot = self.queues()
        except (OperationalError, OSError) as exc:
            log.warning("ops watch: no queue figures: %s", exc)
            snapshot = None
        services = self.services()
        with transaction(self.runtime.sessions) as session:
            found = watch(
                session,
                self.runtime.outbox,
                snapshot,
                services,
                self.ops,
                now or datetime.now(UTC),
                self.seen,
            )
        if found is not None:
            self.seen = {(a["kind"], a["subject"]) for a in found}
        if found:
            log.info(
                "ops watch: %s alert(s): %s", len(found), "; ".join(a["message"] for a in found)
            )
        return found

    def run(self, stop: threading.Event) -> None:
        """Look until ``stop`` is set; a failed look is logged and the next one comes.

        The first look waits one interval, so services starting beside this worker are
        not reported as down."""
        while not stop.wait(self.ops.sample_interval):
            try:
                self.look()
            except Exception:
                log.exception("ops watch failed; looking again later")
