"""A document another service owns (pooling's order form, billing's invoice), fetched for an
e-mail with a token of the one party that may read it, signed with the shared secret."""

from __future__ import annotations

import requests

from notify.adapters.webhook import DeliveryFailed
from shared.auth import TokenAuthority


class ServiceDocuments:
    def __init__(self, secret_key: str, http: requests.Session, timeout: float) -> None:
        self.tokens = TokenAuthority(secret_key)
        self.http, self.timeout = http, timeout

    def fetch(self, url: str, role: str, subject_id: int, what: str) -> requests.Response:
        """The answer of ``GET url`` as ``role`` ``subject_id``; ``DeliveryFailed`` (naming
        ``what``) when the service cannot be reached or does not answer 200."""
        token = self.tokens.issue(role, subject_id)
        try:
            response = self.http.get(
                url, headers={"Authorization": f"Bearer {token}"}, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise DeliveryFailed(f"{what}: {type(exc).__name__}: {exc}") from exc
        if response.status_code != 200:
            raise DeliveryFailed(
                f"{what}: HTTP {response.status_code} from {url}", response.status_code
            )
        return response
