"""The office's operations pages: the dashboard (queues with their last hour, dead letters,
services, outboxes, the last pool close, alerts) and the dead letters, inspected, replayed
or discarded, every replay and discard in the audit log with who did it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from kombu.exceptions import OperationalError

from catalog.service_layer.dead_letters import Action, act_on_dead_letter, audit_log
from catalog.service_layer.ops_watch import alerts_now, depths, open_alerts
from catalog.web.admin import admin_required
from catalog.web.ops_view import alert_facts, alert_text, moment, sparkline
from catalog.web.remote import fetch, show_errors_as_pages
from shared.alerting import OpsSettings
from shared.db import transaction
from shared.ops import (
    DeadLetterNotFound,
    DeadLetters,
    QueueMonitor,
    dead_letter_queues,
    service_health,
)
from shared.supervision import supervised_processes
from shared.web import current_runtime, readiness

ops_admin = Blueprint("ops_admin", __name__, url_prefix="/admin/ops")
show_errors_as_pages(ops_admin)

REFRESH_SECONDS = 30
HISTORY = timedelta(hours=1)
LISTED = 200


class LetterForm(FlaskForm):
    """Replay or discard: the CSRF token is all the form holds."""


@ops_admin.get("")
@admin_required
def dashboard() -> ResponseReturnValue:
    runtime = current_runtime()
    ops = OpsSettings.from_settings(runtime.settings)
    try:
        snapshot = QueueMonitor(runtime.settings).snapshot()
    except (OperationalError, OSError):
        snapshot = None
    services = service_health(runtime.settings, "catalog", lambda: readiness(runtime))
    now = datetime.now(UTC)
    with transaction(runtime.sessions) as db:
        found = alerts_now(db, snapshot, services, ops, now)
        history = depths(db, now - HISTORY, now)
        since = {(a.kind, a.subject): a.raised_at for a in open_alerts(db)}
    levels = {name: [s.messages for s in samples] for name, samples in history.items()}
    queues = snapshot["queues"] if snapshot else []
    facts = alert_facts(queues, services, levels, ops.growth.rises)
    dead = dead_letter_queues()
    refresh = request.args.get("refresh") != "off"
    return render_template(
        "admin_ops.html",
        snapshot=snapshot,
        working=[_with_history(q, levels) for q in queues if q["name"] not in dead],
        dead_queues=[q for q in queues if q["name"] in dead],
        services=services,
        processes=supervised_processes(runtime.settings.var_dir),
        alerts=[
            a | {"text": alert_text(a, facts), "since": since.get((a["kind"], a["subject"]))}
            for a in found
        ],
        admins_mailed=bool(ops.admin_emails),
        looked_at=now,
        refresh=REFRESH_SECONDS if refresh else None,
        history_minutes=int(HISTORY.total_seconds() // 60),
        **_last_close(),
    )


def _last_close() -> dict[str, Any]:
    closes = fetch("pooling", "/pools/closed?limit=1", "admin", None)
    last = closes[0] if closes else None
    if last:
        last = last | {"closed_at": moment(last.get("closed_at"))}
    return {"last_close": last, "closes_known": closes is not None}


@ops_admin.get("/dead-letters/<queue>")
@admin_required
def dead_letters(queue: str) -> ResponseReturnValue:
    letters = _on_broker(lambda: _letters(queue).list(LISTED))
    with transaction(current_runtime().sessions) as db:
        audit = [_audit_row(row) for row in audit_log(db, 50, queue)]
    return render_template(
        "admin_ops_dead_letters.html", queue=queue, letters=letters, audit=audit, limit=LISTED
    )


@ops_admin.get("/dead-letters/<queue>/<message_id>")
@admin_required
def dead_letter(queue: str, message_id: str) -> ResponseReturnValue:
    listed = _on_broker(lambda: _letters(queue).list(LISTED))
    letter = next((x for x in listed if x["message_id"] == message_id), None)
    if letter is None:
        abort(404)
    return render_template(
        "admin_ops_dead_letter.html",
        queue=queue,
        letter=letter,
        body=_pretty(letter["body"]),
        form=LetterForm(),
    )


@ops_admin.post("/dead-letters/<queue>/<message_id>/<any(replay, discard):action>")
@admin_required
def act(queue: str, message_id: str, action: Action) -> ResponseReturnValue:
    if not LetterForm().validate_on_submit():
        abort(400)
    letters = _letters(queue)
    try:
        with transaction(current_runtime().sessions) as db:
            _on_broker(
                lambda: act_on_dead_letter(db, letters, action, message_id, current_user.email)
            )
    except DeadLetterNotFound:
        flash(_("That dead letter is gone already, perhaps someone else took it."), "error")
    else:
        if action == "replay":
            flash(_("Replayed %(id)s.", id=message_id), "ok")
        else:
            flash(_("Discarded %(id)s.", id=message_id), "ok")
    return redirect(url_for("ops_admin.dead_letters", queue=queue))


def _letters(queue: str) -> DeadLetters:
    try:
        return DeadLetters(current_runtime().settings, queue)
    except DeadLetterNotFound:
        abort(404)


def _on_broker(act: Any) -> Any:
    try:
        return act()
    except (OperationalError, OSError):
        abort(make_response(render_template("admin_ops_unreachable.html"), 503))


def _with_history(queue: dict[str, Any], levels: dict[str, list[int]]) -> dict[str, Any]:
    return queue | {"sparkline": sparkline(levels.get(queue["name"], []))}


def _pretty(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False, sort_keys=True)
    except ValueError:
        return body


def _audit_row(row: Any) -> dict[str, Any]:
    return {
        "at": row.at,
        "actor": row.actor,
        "action": row.action,
        "message_id": row.message_id,
        "routing_key": row.routing_key,
        "reason": row.reason,
    }
