"""An invoice's PDF for its e-mail, from billing's document API
(``/api/v1/invoices/{id}/document.pdf``), fetched with a token of the invoice's member,
signed with the shared secret: billing owns the invoices and their documents, so the
e-mail carries the PDF exactly as issued, and notify may read that member's invoices only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import requests

from notify.adapters.service_documents import ServiceDocuments
from notify.adapters.webhook import DeliveryFailed
from shared.settings import Settings

FILENAME = re.compile(r'filename="([\w.-]+)"')


@dataclass(frozen=True)
class InvoicePdf:
    content: bytes
    filename: str  # billing's: ``<number>.pdf``


class InvoicePdfs:
    def __init__(self, settings: Settings, http: requests.Session, timeout: float = 10.0) -> None:
        self.billing_url = settings.service_urls["billing"].rstrip("/")
        self.documents = ServiceDocuments(settings.secret_key, http, timeout)

    def pdf(self, member_id: int, invoice_id: int) -> InvoicePdf:
        """The PDF, or ``DeliveryFailed`` when billing does not hand it over."""
        url = f"{self.billing_url}/api/v1/invoices/{invoice_id}/document.pdf"
        response = self.documents.fetch(url, "member", member_id, "invoice PDF")
        if not response.content.startswith(b"%PDF"):
            raise DeliveryFailed(f"invoice PDF: not a PDF from {url}", response.status_code)
        named = FILENAME.search(response.headers.get("Content-Disposition", ""))
        return InvoicePdf(response.content, named.group(1) if named else f"{invoice_id}.pdf")
