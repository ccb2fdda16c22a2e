"""Errors on the web pages are pages (with a way back); the JSON API keeps its JSON errors."""

from __future__ import annotations

from flask import Flask, abort, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from shared.errors import DomainError
from shared.web import FORM_TYPES, domain_error_answer, status_of_request
from web.clients.service import Refused, ServiceUnavailable

JSON_PREFIXES = ("/api/", "/health/")
JSON_PATHS = ("/metrics",)


def show_http_errors_as_pages(app: Flask) -> None:
    """Any refused page request (too large, not a form, bad token...) answers with the
    error page; the API's answers stay JSON."""
    json_error = app.error_handler_spec[None][None][HTTPException]

    def page_or_json(exc: HTTPException) -> ResponseReturnValue:
        if not is_page_request():
            return json_error(exc)
        reason = getattr(exc, "page_reason", None)  # an error that says what was wrong
        return render_template("error.html", code=exc.code, reason=reason), exc.code or 500

    app.register_error_handler(HTTPException, page_or_json)
    app.register_error_handler(DomainError, refusal_page_or_json)
    app.register_error_handler(Refused, refused_by_a_service)
    app.register_error_handler(ServiceUnavailable, service_unavailable)


def refused_by_a_service(error: Refused) -> ResponseReturnValue:
    """A refusal a page lets through: the error page with the service's status."""
    return render_template("error.html", code=error.status, reason=None), error.status


def service_unavailable(_error: ServiceUnavailable) -> ResponseReturnValue:
    return render_template("error.html", code=503, reason=None), 503


def refusal_page_or_json(error: DomainError) -> ResponseReturnValue:
    """A domain error a page lets through: the error page, with the status the API's one
    mapping (``shared.web.status_of``) gives it; the API's answers stay JSON."""
    if not is_page_request():
        return domain_error_answer(error)
    code = status_of_request(error)
    return render_template("error.html", code=code, reason=None), code


def is_page_request() -> bool:
    """Whether this request is for a page (a session's), not the JSON API or a probe."""
    path = request.path
    return not (path.startswith(JSON_PREFIXES) or path in JSON_PATHS)


def refuse_all_but_forms() -> None:
    """A page takes what its own forms send: an HTML form's body (or none), nothing else."""
    sent = request.mimetype or request.content_length
    if request.method == "POST" and sent and request.mimetype not in FORM_TYPES:
        abort(415)
