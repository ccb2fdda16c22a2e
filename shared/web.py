"""What every service's Flask app has: exact JSON, refusals as JSON errors with their
status, correlation ids, security headers, and one transaction per request. A request's
body and arguments are read by ``shared.request_input``, health by ``shared.health``."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from shared import metrics
from shared.auth import TokenAuthority
from shared.db import transaction
from shared.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from shared.health import health_blueprint
from shared.languages import in_callers_language
from shared.logging import correlation, new_correlation_id
from shared.request_input import ApiError, ExactJSONProvider, unstorable, unstorable_text

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
MAX_ID = 2**31 - 1


class AsciiIntConverter(IntegerConverter):
    """``<int:name>`` written in ASCII digits; werkzeug's ``\\d+`` also matches ``٢٠٢٦``."""

    regex = r"[0-9]+"


class IdConverter(AsciiIntConverter):
    """``<id:name>``: a row id, 1 to 2**31 - 1; anything else is a 404, never a 500."""

    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def current_runtime() -> Any:
    """The service's ``shared.runtime.Runtime`` of this app."""
    return current_app.extensions["zirkel.runtime"]


@contextmanager
def request_transaction() -> Iterator[Session]:
    """The request's transaction, as a session: committed when the block ends, rolled
    back by a handler's ``DomainError`` (answered by the app's error handler,
    ``status_of``). A GET (or HEAD) changes nothing, so it only reads: it waits for no
    writer. A service's unit of work is built on it (``<service>/entrypoints/work.py``)."""
    runtime = current_runtime()
    sessions = runtime.reads if request.method in ("GET", "HEAD") else runtime.sessions
    with transaction(sessions) as session:
        yield session


# each kind of refusal and its status; an error's nearest kind (its class's MRO) decides
DOMAIN_STATUSES: dict[type[DomainError], int] = {
    NotFound: 404,
    Conflict: 409,
    Forbidden: 403,
    Invalid: 422,
    DomainError: 422,
}


def status_of(error: DomainError, *, in_path: Collection[str], in_body: Collection[str]) -> int:
    """The one mapping of domain errors to HTTP statuses, the same for every method.

    ``NotFound`` is 404: the thing the path (or the query, or the caller's token) names is
    not there (``POST /orders/99999/confirm``, ``PUT /offers/99999/SKU``). The one exception
    is a missing thing named only in the body (``sku`` of a posted need): the body is
    invalid, so 422 naming that field. ``in_path`` are the URL's variables, ``in_body`` the
    fields of the JSON body or form; a field in both counts as the path's.
    ``Conflict`` (the state does not allow it now) is 409, ``Forbidden`` 403, ``Invalid``
    and any other refusal by the rules 422.
    """
    if isinstance(error, NotFound) and error.field in in_body and error.field not in in_path:
        return 422
    return next(DOMAIN_STATUSES[kind] for kind in type(error).__mro__ if kind in DOMAIN_STATUSES)


def status_of_request(error: DomainError) -> int:
    """``status_of`` for the request being answered."""
    body = request.get_json(silent=True) if request.is_json else request.form
    in_body = body.keys() if isinstance(body, Mapping) else ()
    return status_of(error, in_path=(request.view_args or {}).keys(), in_body=in_body)


def domain_error_answer(error: DomainError) -> tuple[Response, int]:
    """A domain error as the API answers it: ``{"error", "details": {field: [message]}}``,
    in the caller's language where the service speaks it."""
    message = in_callers_language(error.template, error.params)
    return jsonify(error=message, details={error.field: [message]}), status_of_request(error)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions; a request that brings no session cookie (an API
    call with a token) gets its empty session without a signer being built for it."""

    def open_session(self, app: Flask, request: Any) -> SecureCookieSession | None:
        if not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def create_base_app(runtime: Any, *blueprints: Blueprint) -> Flask:
    service = runtime.service
    settings = runtime.settings
    app = Flask(service)
    app.extensions["zirkel.runtime"] = runtime
    app.json = ExactJSONProvider(app)
    app.session_interface = CookieSessions()
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["int"] = AsciiIntConverter
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    app.extensions["zirkel.settings"] = settings
    app.extensions["zirkel.tokens"] = TokenAuthority(settings.secret_key, settings.admin_token)
    if proxies := settings.trusted_proxies:
        # the client's address (sign-in limits, logs) from that many proxies' X-Forwarded-For
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.before_request(_take_correlation_id)
    app.before_request(_refuse_unstorable_text)
    app.after_request(_give_correlation_id)
    app.teardown_request(_forget_correlation_id)
    app.after_request(_security_headers)
    metrics.init_app(app, runtime, settings.metrics_directory(service))
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DomainError, domain_error_answer)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_blueprint(health_blueprint(runtime))
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    return app


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refuse_unstorable_text() -> None:
    """NUL or a lone surrogate in the path, the query or a form is refused (400) before
    it reaches a database that cannot keep it."""
    where = "path" if unstorable(request.path) else None
    where = where or unstorable_text(request.args.to_dict(flat=False))
    if where is None and request.mimetype in FORM_TYPES:
        where = unstorable_text(request.form.to_dict(flat=False))
    if where is not None:
        message = "Contains a character that cannot be stored (NUL or a lone surrogate)."
        raise ApiError(400, message, {where.split(".")[0]: [message]})


CORRELATION_TOKEN = "zirkel.correlation_token"


def _take_correlation_id() -> None:
    incoming = request.headers.get("X-Correlation-ID", "")
    g.correlation_id = incoming if 0 < len(incoming) <= 64 else new_correlation_id()
    # the token belongs to this request: a request served inside another one (a page
    # calling its own service's API in-process) shares ``g`` but not ``environ``
    request.environ[CORRELATION_TOKEN] = correlation.set(g.correlation_id)


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
    """Answer with the correlation id; gunicorn's access line shows it (``shared.gunicorn``),
    one line per request."""
    response.headers["X-Correlation-ID"] = g.get("correlation_id", "")
    return response


def _forget_correlation_id(_exc: BaseException | None) -> None:
    """A worker thread's next request, or its lines between requests, start without it."""
    token = request.environ.pop(CORRELATION_TOKEN, None)
    if token is not None:
        correlation.reset(token)


def _http_error(exc: HTTPException) -> tuple[Response, int]:
    code = exc.code or 500
    if isinstance(exc, RequestEntityTooLarge):
        message = f"The body is larger than {MAX_BODY_BYTES // 1024 // 1024} MiB."
        return jsonify(error=message, details={"body": [message]}), code
    details = getattr(exc, "details", None)
    if isinstance(exc, BadRequest) and not isinstance(exc, ApiError) and details is None:
        details = {"body": [exc.description]}
    return jsonify(error=exc.description, details=details), code


def _database_unavailable(exc: OperationalError) -> Response:
    """A lost database connection (a restart, a failover) is a 503 to retry, not a 500;
    the transaction was rolled back, so nothing was stored."""
    log.warning("database unavailable: %s", exc.orig)
    error = ApiError(
        503, "The database is unavailable for a moment; try again.", {"database": ["unavailable"]}
    )
    response = current_app.make_response(current_app.handle_http_exception(error))
    response.headers["Retry-After"] = "1"
    return response
