"""What the statement, preference and savings pages ask of notify, beyond ``remote.fetch``:
downloads (CSV, PDF) and changes (PUT, POST), as the signed-in member or the office."""

from __future__ import annotations

import logging
from typing import Any

import requests

from web.pages.remote import TIMEOUT_SECONDS, _address

log = logging.getLogger(__name__)


def download(path: str, role: str, subject_id: int | None) -> tuple[bytes, str] | None:
    """The body and content type of ``GET notify/api/v1<path>``, or None when it fails."""
    url, headers = _address("notify", path, role, subject_id)
    try:
        response = requests.get(url, headers=headers, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
    except requests.RequestException as exc:
        log.warning("notify is unavailable for %s: %s", path, exc)
        return None
    return response.content, response.headers.get("Content-Type", "application/octet-stream")


def change(
    method: str, path: str, role: str, subject_id: int | None, body: dict[str, Any]
) -> tuple[int, Any] | None:
    """``PUT`` or ``POST`` a JSON body to notify: its status and JSON, or None when it fails."""
    url, headers = _address("notify", path, role, subject_id)
    try:
        response = requests.request(
            method, url, json=body, headers=headers, timeout=TIMEOUT_SECONDS
        )
        if response.status_code >= 500:
            raise requests.HTTPError(f"{response.status_code} from notify")
        return response.status_code, response.json()
    except (requests.RequestException, ValueError) as exc:
        log.warning("notify is unavailable for %s %s: %s", method, path, exc)
        return None
