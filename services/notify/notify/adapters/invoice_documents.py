"""An invoice's PDF for its e-mail, from billing's document API
(``/api/v1/invoices/{id}/document.pdf``), fetched with a token of the invoice's member,
signed with the shared secret: billing owns the invoices and their documents, so the
e-mail carries the PDF exactly as issued, and notify may read that member's invoices only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import requests

from notify.adapters.webhook import DeliveryFailed
from shared.auth import TokenAuthority
from shared.settings import Settings

FILENAME = re.compile(r'filename="([\w.-]+)"')


@dataclass(frozen=True)
class InvoicePdf:
    content: bytes
    filename: str  # billing's: ``<number>.pdf``


class InvoicePdfs:
    def __init__(self, settings: Settings, http: requests.Session, timeout: float = 10.0) -> None:
        self.billing_url = settings.service_urls["billing"].rstrip("/")
        self.tokens = TokenAuthority(settings.secret_key)
        self.http = http
        self.timeout = timeout

    def pdf(self, member_id: int, invoice_id: int) -> InvoicePdf:
        """The PDF, or ``DeliveryFailed`` when billing does not hand it over."""
        url = f"{self.billing_url}/api/v1/invoices/{invoice_id}/document.pdf"
        token = self.tokens.issue("member", member_id)
        try:
            response = self.http.get(
                url, headers={"Authorization": f"Bearer {token}"}, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise DeliveryFailed(f"invoice PDF: {type(exc).__name__}: {exc}") from exc
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise DeliveryFailed(
                f"invoice PDF: HTTP {response.status_code} from {url}", response.status_code
            )
        named = FILENAME.search(response.headers.get("Content-Disposition", ""))
        return InvoicePdf(response.content, named.group(1) if named else f"{invoice_id}.pdf")
