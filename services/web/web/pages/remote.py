"""Asking pooling, notify and billing from the server, as the signed-in user, through the
service clients the bootstrap built (``web.clients``): a token for that call alone, the
one timeout, and an outage or a 5xx as "cannot answer" (None) for the page to say so."""

from __future__ import annotations

import logging
from typing import Any

import requests
from flask import Blueprint, has_request_context, render_template
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

from web.clients import clients
from web.clients.service import Caller, ServiceUnavailable

log = logging.getLogger(__name__)
LONG_CALL_SECONDS = 30.0  # a change that works for long: closing a pool, a settlement run


def fetch(service: str, path: str, role: str, subject_id: int | None) -> Any | None:
    """The JSON of ``GET <service>/api/v1<path>``, or None when the service cannot answer."""
    answer = fetch_answer(service, path, role, subject_id)
    if answer is None or answer[0] != 200:
        return None
    return answer[1]


def fetch_answer(
    service: str, path: str, role: str, subject_id: int | None
) -> tuple[int, Any] | None:
    """``GET <service>/api/v1<path>``: its status and JSON, or None when it cannot answer.

    A refusal (403, 404) comes back as it is, so a page can tell "not yours" from "down".
    """
    response = request(service, "GET", path, role, subject_id)
    if response is not None and response.status_code != 200:
        log.info("%s answered %s for %s", service, response.status_code, path)
    return status_and_json(service, path, response)


def send(
    service: str,
    path: str,
    role: str,
    body: dict[str, Any],
    timeout: float = LONG_CALL_SECONDS,
    subject_id: int | None = None,
    method: str = "post",
) -> tuple[int, Any] | None:
    """``POST`` (or ``method``) ``<service>/api/v1<path>``: its status and JSON, or None
    when it cannot answer."""
    response = request(service, method.upper(), path, role, subject_id, json=body, timeout=timeout)
    return status_and_json(service, path, response)


def answer(service: str, path: str, role: str, subject_id: int | None) -> requests.Response | None:
    """``GET <service>/api/v1<path>`` whatever its status (a 403 or 404 is an answer too),
    or None when the service cannot answer."""
    return request(service, "GET", path, role, subject_id)


def download(
    service: str, path: str, role: str, subject_id: int | None
) -> tuple[bytes, str] | None:
    """The body and content type of ``GET <service>/api/v1<path>``, or None unless a 2xx."""
    response = request(service, "GET", path, role, subject_id)
    if response is None or not response.ok:
        return None
    return response.content, response.headers.get("Content-Type", "application/octet-stream")


def request(
    service: str,
    method: str,
    path: str,
    role: str,
    subject_id: int | None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> requests.Response | None:
    """``method <service>/api/v1<path>`` as ``role`` (and its firm), whatever its status
    below 500; None when the service cannot answer."""
    caller = Caller(role, subject_id)  # type: ignore[arg-type]
    sent = _language() | (headers or {})
    try:
        return clients().of(service).answer(caller, method, path, sent, **extra)
    except ServiceUnavailable:
        return None


def call_headers(service: str, role: str, subject_id: int | None) -> dict[str, str]:
    """What a call to ``service`` carries: the token, the correlation id, the language."""
    caller = Caller(role, subject_id)  # type: ignore[arg-type]
    return clients().of(service).headers(caller) | _language()


def _language() -> dict[str, str]:
    """A service that speaks the reader's language answers its refusals in it."""
    return {"Accept-Language": str(get_locale() or "de") if has_request_context() else "de"}


def status_and_json(
    service: str, path: str, response: requests.Response | None
) -> tuple[int, Any] | None:
    if response is None:
        return None
    try:
        return response.status_code, response.json()
    except ValueError:
        log.warning("%s answered no JSON for %s", service, path)
        return None


def show_errors_as_pages(blueprint: Blueprint) -> None:
    """A refused or missing page is a page with a way back, not a JSON body."""

    @blueprint.errorhandler(400)
    @blueprint.errorhandler(403)
    @blueprint.errorhandler(404)
    def error_page(exc: HTTPException) -> ResponseReturnValue:
        return render_template("error.html", code=exc.code), exc.code or 500
