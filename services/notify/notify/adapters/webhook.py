"""Posting an order to a supplier's webhook, signed with the supplier's secret."""

from __future__ import annotations

import time

import requests

from notify.domain.supplier_delivery import signed_headers


class DeliveryFailed(Exception):
    """An attempt did not reach the supplier; ``status_code`` is the answer's, if any came."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


def post_signed(
    session: requests.Session,
    url: str,
    secret: str,
    body: bytes,
    delivery_id: int,
    *,
    timeout: float = 10.0,
) -> int:
    """POST ``body`` with a fresh timestamp and its signature; the status code of a 2xx
    answer, else ``DeliveryFailed``. Redirects are not followed: a moved endpoint is the
    supplier's to update."""
    headers = signed_headers(secret, int(time.time()), body, delivery_id)
    try:
        response = session.post(
            url, data=body, headers=headers, timeout=timeout, allow_redirects=False
        )
    except requests.RequestException as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
    if not 200 <= response.status_code < 300:
        excerpt = response.text[:200].strip()
        raise DeliveryFailed(f"HTTP {response.status_code} {excerpt}".strip(), response.status_code)
    return response.status_code
