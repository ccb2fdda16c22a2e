"""Reading pooling's and notify's APIs from the server, as the signed-in member, with a
token for that call alone."""

from __future__ import annotations

import logging
from typing import Any

import requests
from flask import Blueprint, current_app, g, has_request_context, render_template
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

from shared.auth import TokenAuthority
from web.clients.service import TIMEOUT_SECONDS, TOKEN_LIFETIME

log = logging.getLogger(__name__)


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
    url, headers = _address(service, path, role, subject_id)
    try:
        response = requests.get(url, headers=headers, timeout=TIMEOUT_SECONDS)
        if response.status_code >= 500:
            raise requests.HTTPError(f"{response.status_code} from {service}")
        if response.status_code != 200:
            log.info("%s answered %s for %s", service, response.status_code, path)
        return response.status_code, response.json()
    except (requests.RequestException, ValueError) as exc:
        log.warning("%s is unavailable for %s: %s", service, path, exc)
        return None


def send(
    service: str,
    path: str,
    role: str,
    body: dict[str, Any],
    timeout: float = 30.0,
    subject_id: int | None = None,
    method: str = "post",
) -> tuple[int, Any] | None:
    """``POST`` (or ``method``) ``<service>/api/v1<path>``: its status and JSON, or None
    when it cannot answer."""
    url, headers = _address(service, path, role, subject_id)
    try:
        response = getattr(requests, method)(url, json=body, headers=headers, timeout=timeout)
        if response.status_code >= 500:
            raise requests.HTTPError(f"{response.status_code} from {service}")
        return response.status_code, response.json()
    except (requests.RequestException, ValueError) as exc:
        log.warning("%s is unavailable for %s %s: %s", service, method.upper(), path, exc)
        return None


def answer(service: str, path: str, role: str, subject_id: int | None) -> requests.Response | None:
    """``GET <service>/api/v1<path>`` whatever its status (a 403 or 404 is an answer too),
    or None when the service cannot answer."""
    url, headers = _address(service, path, role, subject_id)
    try:
        response = requests.get(url, headers=headers, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        log.warning("%s is unavailable for %s: %s", service, path, exc)
        return None
    if response.status_code >= 500:
        log.warning("%s answered %s for %s", service, response.status_code, path)
        return None
    return response


def _address(
    service: str, path: str, role: str, subject_id: int | None
) -> tuple[str, dict[str, str]]:
    settings = current_app.extensions["zirkel.settings"]
    tokens: TokenAuthority = current_app.extensions["zirkel.tokens"]
    token = tokens.issue(role, subject_id, lifetime=TOKEN_LIFETIME)  # type: ignore[arg-type]
    headers = {
        "Authorization": f"Bearer {token}",
        "X-Correlation-ID": g.get("correlation_id", ""),
        # a service that speaks the reader's language answers its refusals in it
        "Accept-Language": str(get_locale() or "de") if has_request_context() else "de",
    }
    return f"{settings.service_urls[service]}/api/v1{path}", headers


def show_errors_as_pages(blueprint: Blueprint) -> None:
    """A refused or missing page is a page with a way back, not a JSON body."""

    @blueprint.errorhandler(400)
    @blueprint.errorhandler(403)
    @blueprint.errorhandler(404)
    def error_page(exc: HTTPException) -> ResponseReturnValue:
        return render_template("error.html", code=exc.code), exc.code or 500
