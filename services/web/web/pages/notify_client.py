"""What the statement, preference and savings pages ask of notify, beyond ``remote.fetch``:
downloads (CSV, PDF) and changes (PUT, POST), as the signed-in member or the office."""

from __future__ import annotations

from typing import Any

import web.pages.remote as remote


def download(path: str, role: str, subject_id: int | None) -> tuple[bytes, str] | None:
    """The body and content type of ``GET notify/api/v1<path>``, or None when it fails."""
    return remote.download("notify", path, role, subject_id)


def change(
    method: str, path: str, role: str, subject_id: int | None, body: dict[str, Any]
) -> tuple[int, Any] | None:
    """``PUT`` or ``POST`` a JSON body to notify: its status and JSON, or None when it fails."""
    response = remote.request("notify", method, path, role, subject_id, json=body)
    return remote.status_and_json("notify", path, response)
