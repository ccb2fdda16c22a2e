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
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from shared.alerting import OpsSettings
from shared.ops import dead_letter_queues
from shared.supervision import supervised_processes
from web.clients.service import NotFound, ServiceUnavailable
from web.pages.admin import admin_required
from web.pages.callers import catalog, signed_in
from web.pages.ops_view import alert_facts, alert_text, moment, sparkline
from web.pages.remote import fetch, show_errors_as_pages

ops_admin = Blueprint("ops_admin", __name__, url_prefix="/admin/ops")
show_errors_as_pages(ops_admin)

# Why the queue figures are passive, as catalog says it, in the reader's language
PASSIVE_BECAUSE = {
    "the embedded broker has no management API": _l("the embedded broker has no management API"),
    "ZIRKEL_RABBITMQ_MANAGEMENT_URL is not set": _l("ZIRKEL_RABBITMQ_MANAGEMENT_URL is not set"),
}
REFRESH_SECONDS = 30
HISTORY = timedelta(hours=1)
LISTED = 200


def _passive_because(snapshot: dict[str, Any] | None) -> str:
    reason = (snapshot or {}).get("reason") or ""
    return str(PASSIVE_BECAUSE.get(reason, reason))


class LetterForm(FlaskForm):
    """Replay or discard: the CSRF token is all the form holds."""


@ops_admin.get("")
@admin_required
def dashboard() -> ResponseReturnValue:
    settings = current_app.extensions["zirkel.settings"]
    ops = OpsSettings.from_settings(settings)
    now = datetime.now(UTC)
    seen = catalog().ops.overview(signed_in(), int(HISTORY.total_seconds() // 60))
    queues = seen.snapshot["queues"] if seen.snapshot else []
    facts = alert_facts(queues, seen.services, seen.history, ops.growth.rises)
    dead = dead_letter_queues()
    refresh = request.args.get("refresh") != "off"
    return render_template(
        "admin_ops.html",
        snapshot=seen.snapshot,
        passive_because=_passive_because(seen.snapshot),
        working=[_with_history(q, seen.history) for q in queues if q["name"] not in dead],
        dead_queues=[q for q in queues if q["name"] in dead],
        services=seen.services,
        processes=supervised_processes(settings.var_dir),
        alerts=[a | {"text": alert_text(a, facts)} for a in seen.alerts],
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
    letters = _on_broker(lambda: catalog().ops.dead_letters(signed_in(), queue, LISTED))
    audit = catalog().ops.audit(signed_in(), queue, 50)
    return render_template(
        "admin_ops_dead_letters.html", queue=queue, letters=letters, audit=audit, limit=LISTED
    )


@ops_admin.get("/dead-letters/<queue>/<message_id>")
@admin_required
def dead_letter(queue: str, message_id: str) -> ResponseReturnValue:
    listed = _on_broker(lambda: catalog().ops.dead_letters(signed_in(), queue, LISTED))
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
def act(queue: str, message_id: str, action: str) -> ResponseReturnValue:
    if not LetterForm().validate_on_submit():
        abort(400)
    try:
        _on_broker(lambda: catalog().ops.act(signed_in(), queue, message_id, action))
    except NotFound as exc:
        if exc.field_messages("queue"):
            abort(404)
        flash(_("That dead letter is gone already, perhaps someone else took it."), "error")
    else:
        if action == "replay":
            flash(_("Replayed %(id)s.", id=message_id), "ok")
        else:
            flash(_("Discarded %(id)s.", id=message_id), "ok")
    return redirect(url_for("ops_admin.dead_letters", queue=queue))


def _on_broker(act: Any) -> Any:
    """What ``act`` asks of catalog; the broker (or catalog) out of reach is a page saying so."""
    try:
        return act()
    except ServiceUnavailable:
        abort(make_response(render_template("admin_ops_unreachable.html"), 503))


def _with_history(queue: dict[str, Any], levels: dict[str, list[int]]) -> dict[str, Any]:
    return queue | {"sparkline": sparkline(levels.get(queue["name"], []))}


def _pretty(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False, sort_keys=True)
    except ValueError:
        return body
