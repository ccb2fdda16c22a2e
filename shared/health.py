"""A service's health: ``/health/live`` and ``/health/ready`` (its database, its broker,
its outbox backlog), for the orchestrator and the office's ops pages."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from shared import metrics

log = logging.getLogger(__name__)


def readiness(runtime: Any) -> dict[str, Any]:
    """Whether this service can work now (database, broker), and its outbox backlog."""
    checks: dict[str, str] = {}
    for name, check in runtime.ready_checks().items():
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:
            log.warning("readiness check %s failed: %s", name, exc)
            checks[name] = f"failing: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values())
    body: dict[str, Any] = {"status": "ready" if ok else "not ready", "checks": checks}
    if checks.get("database") == "ok":
        unsent, age = metrics.outbox_backlog(runtime.engine, runtime.tables["outbox"])
        body["outbox"] = {"unsent": unsent, "oldest_unsent_age_seconds": round(age, 1)}
        for name, report in getattr(runtime, "reports", {}).items():
            body[name] = report()
    return body


def health_blueprint(runtime: Any) -> Blueprint:
    health = Blueprint("health", __name__, url_prefix="/health")

    @health.get("/live")
    def live() -> Response:
        return jsonify(status="live", service=current_app.name)

    @health.get("/ready")
    def ready() -> tuple[Response, int]:
        body = readiness(runtime)
        return jsonify(body), 200 if body["status"] == "ready" else 503

    return health
