"""What every service's Flask app has: JSON in and out, errors, health, correlation ids."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from flask.json.provider import DefaultJSONProvider
from marshmallow import Schema, ValidationError
from sqlalchemy.orm import Session
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.routing import IntegerConverter

from shared import metrics
from shared.auth import TokenAuthority
from shared.db import transaction
from shared.errors import DomainError
from shared.logging import correlation, new_correlation_id

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<id:name>``: a row id, 1 to 2**31 - 1; anything else is a 404, never a 500."""

    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


class ApiError(HTTPException):
    """An HTTP error with a machine-readable ``details`` (field -> messages)."""

    def __init__(self, code: int, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


class ExactJSONProvider(DefaultJSONProvider):
    """Reads JSON numbers as Decimal (never float) and refuses NaN and Infinity."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_float", Decimal)
        kwargs.setdefault("parse_constant", _reject_constant)
        return json.loads(s, **kwargs)


def load_body(schema: Schema, *, optional: bool = False) -> dict[str, Any]:
    """The request's JSON body validated by ``schema``: 400 if malformed, 422 if invalid.

    With ``optional``, no body at all reads as ``{}``.
    """
    if optional and not request.get_data(cache=True):
        return schema.load({})
    if not request.is_json:
        raise ApiError(415, "Send the body as JSON (Content-Type: application/json).")
    try:
        data = json.loads(
            request.get_data(cache=True) or b"null",
            parse_float=Decimal,
            parse_constant=_reject_constant,
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "The body is not valid JSON.", {"body": [str(exc)]}) from exc
    if not isinstance(data, dict):
        raise ApiError(400, "The body must be a JSON object.", {"body": ["Expected an object."]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ApiError(422, "Some fields are not valid.", exc.messages) from exc


def current_runtime() -> Any:
    """The service's ``shared.runtime.Runtime`` of this app."""
    return current_app.extensions["zirkel.runtime"]


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One transaction for a request; a handler's ``DomainError`` becomes a JSON error."""
    try:
        with transaction(current_runtime().sessions) as session:
            yield session
    except DomainError as exc:
        status = 404 if exc.status == 422 and request.method == "GET" else exc.status
        raise ApiError(status, str(exc), {exc.field: [str(exc)]}) from exc


def create_base_app(runtime: Any, *blueprints: Blueprint) -> Flask:
    service = runtime.service
    settings = runtime.settings
    app = Flask(service)
    app.extensions["zirkel.runtime"] = runtime
    app.json = ExactJSONProvider(app)
    app.url_map.converters["id"] = IdConverter
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    app.extensions["zirkel.settings"] = settings
    app.extensions["zirkel.tokens"] = TokenAuthority(settings.secret_key, settings.admin_token)
    app.before_request(_take_correlation_id)
    app.after_request(_give_correlation_id)
    app.after_request(_security_headers)
    metrics.init_app(app, runtime, settings.var_dir / "metrics" / service)
    app.register_error_handler(HTTPException, _http_error)
    app.register_blueprint(_health_blueprint(runtime))
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    return app


def _take_correlation_id() -> None:
    incoming = request.headers.get("X-Correlation-ID", "")
    g.correlation_id = incoming if 0 < len(incoming) <= 64 else new_correlation_id()
    g.correlation_token = correlation.set(g.correlation_id)


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _security_headers(response: Response) -> Response:
    """Every page and answer: nothing from elsewhere, no framing, no sniffing."""
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}  # one pass, not one per header
    for header, value in SECURITY_HEADERS.items():
        if header.lower() not in present:
            headers.add(header, value)
    if current_app.extensions["zirkel.settings"].secure_cookies:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _give_correlation_id(response: Response) -> Response:
    response.headers["X-Correlation-ID"] = g.get("correlation_id", "")
    return response


def _http_error(exc: HTTPException) -> tuple[Response, int]:
    code = exc.code or 500
    details = getattr(exc, "details", None)
    if isinstance(exc, BadRequest) and not isinstance(exc, ApiError) and details is None:
        details = {"body": [exc.description]}
    return jsonify(error=exc.description, details=details), code


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
    return body


def _health_blueprint(runtime: Any) -> Blueprint:
    health = Blueprint("health", __name__, url_prefix="/health")

    @health.get("/live")
    def live() -> Response:
        return jsonify(status="live", service=current_app.name)

    @health.get("/ready")
    def ready() -> tuple[Response, int]:
        body = readiness(runtime)
        return jsonify(body), 200 if body["status"] == "ready" else 503

    return health
