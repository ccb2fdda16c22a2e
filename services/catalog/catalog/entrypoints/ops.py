"""The admins' operations API under /api/v1/ops: queues, dead letters, the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from kombu.exceptions import OperationalError

from catalog.adapters.orm import OpsAudit
from catalog.service_layer.dead_letters import Action, act_on_dead_letter, audit_log
from catalog.service_layer.ops_watch import alerts_now, depths, open_alerts
from shared.alerting import OpsSettings
from shared.auth import Principal, current_principal, require
from shared.db import transaction
from shared.errors import NotFound
from shared.health import readiness
from shared.ops import DeadLetterNotFound, DeadLetters, QueueMonitor, service_health
from shared.request_input import ApiError, counted_arg
from shared.web import current_runtime, request_transaction

ops = Blueprint("catalog_ops", __name__, url_prefix="/api/v1/ops")


@ops.get("/queues")
@require("admin")
def queues() -> ResponseReturnValue:
    return jsonify(_on_broker(QueueMonitor(current_runtime().settings).snapshot))


@ops.get("/queues/history")
@require("admin")
def queue_history() -> ResponseReturnValue:
    """Each working queue's sampled depths over the last ``minutes`` (default 60), oldest first."""
    minutes = counted_arg("minutes", default=60, most=24 * 60)
    now = datetime.now(UTC)
    with request_transaction() as session:
        found = depths(session, now - timedelta(minutes=minutes), now)
    return jsonify(
        {
            queue: [{"at": s.at.isoformat(), "messages": s.messages} for s in samples]
            for queue, samples in found.items()
        }
    )


@ops.get("/dashboard")
@require("admin")
def dashboard() -> ResponseReturnValue:
    """One look at the cooperative's plumbing: queues, services, what needs attention."""
    runtime = current_runtime()
    queues = _on_broker(QueueMonitor(runtime.settings).snapshot)
    services = service_health(runtime.settings, "catalog", lambda: readiness(runtime))
    ops_settings = OpsSettings.from_settings(runtime.settings)
    with request_transaction() as session:
        found = alerts_now(session, queues, services, ops_settings, datetime.now(UTC))
    return jsonify(queues=queues, services=services, alerts=found)


@ops.get("/dead-letters/<queue>")
@require("admin")
def dead_letters(queue: str) -> ResponseReturnValue:
    letters = _dead_letters(queue)
    limit = counted_arg("limit", default=100, most=1000)
    return jsonify(queue=queue, dead_letters=_on_broker(lambda: letters.list(limit)))


@ops.post("/dead-letters/<queue>/<message_id>/replay")
@require("admin")
def replay(queue: str, message_id: str) -> ResponseReturnValue:
    return _audited("replay", _dead_letters(queue), message_id)


@ops.post("/dead-letters/<queue>/<message_id>/discard")
@require("admin")
def discard(queue: str, message_id: str) -> ResponseReturnValue:
    return _audited("discard", _dead_letters(queue), message_id)


@ops.get("/audit")
@require("admin")
def audit() -> ResponseReturnValue:
    """The latest replays and discards, newest first; ``?queue=`` of one queue alone."""
    limit = counted_arg("limit", default=100, most=1000)
    queue = request.args.get("queue") or None
    with request_transaction() as session:
        return jsonify([_audit_entry(row) for row in audit_log(session, limit, queue)])


@ops.get("/overview")
@require("admin")
def overview() -> ResponseReturnValue:
    """The office's dashboard in one answer: the queues (null while the broker cannot be
    reached), the services, the alerts with the time each was raised, and each working
    queue's sampled depths over the last ``minutes`` (default 60), oldest first."""
    runtime = current_runtime()
    minutes = counted_arg("minutes", default=60, most=24 * 60)
    try:
        snapshot = QueueMonitor(runtime.settings).snapshot()
    except (OperationalError, OSError):
        snapshot = None
    services = service_health(runtime.settings, "catalog", lambda: readiness(runtime))
    ops_settings, now = OpsSettings.from_settings(runtime.settings), datetime.now(UTC)
    with transaction(runtime.sessions) as session:  # raising an alert writes it
        found = alerts_now(session, snapshot, services, ops_settings, now)
        history = depths(session, now - timedelta(minutes=minutes), now)
        since = {(a.kind, a.subject): a.raised_at.isoformat() for a in open_alerts(session)}
    alerts = [a | {"since": since.get((a["kind"], a["subject"]))} for a in found]
    levels = {queue: [s.messages for s in samples] for queue, samples in history.items()}
    return jsonify(queues=snapshot, services=services, alerts=alerts, history=levels)


def _audited(action: Action, letters: DeadLetters, message_id: str) -> ResponseReturnValue:
    """Do ``action`` on the broker and record it, in one database transaction."""
    actor = _actor(current_principal())
    with request_transaction() as session:
        letter, entry = _on_broker(
            lambda: act_on_dead_letter(session, letters, action, message_id, actor)
        )
        return jsonify(action=action, dead_letter=letter, audit=_audit_entry(entry))


def _dead_letters(queue: str) -> DeadLetters:
    try:
        return DeadLetters(current_runtime().settings, queue)
    except DeadLetterNotFound as exc:
        raise NotFound("queue", str(exc)) from exc


def _on_broker(act: Callable[[], Any]) -> Any:
    try:
        return act()
    except DeadLetterNotFound as exc:
        raise NotFound("message_id", str(exc)) from exc
    except (OperationalError, OSError) as exc:
        raise ApiError(503, "The broker is not reachable.", {"broker": [str(exc)]}) from exc


def _actor(principal: Principal) -> str:
    if principal.by is not None:  # an admin signed in to the office's pages
        return principal.by
    if principal.subject_id is None:
        return "admin (ZIRKEL_ADMIN_TOKEN)"
    return f"admin #{principal.subject_id}"


def _audit_entry(row: OpsAudit) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "actor": row.actor,
        "action": row.action,
        "queue": row.queue,
        "message_id": row.message_id,
        "routing_key": row.routing_key,
        "reason": row.reason,
    }
