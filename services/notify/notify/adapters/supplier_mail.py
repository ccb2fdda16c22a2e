"""An e-mail to a supplier: an order with the order documents attached, or the dispute
of one of its invoices (the text says it all, nothing attached).

The documents come from pooling's document API (the order form
``/api/v1/orders/{id}/document.pdf``, its lines ``document.csv`` and the needs it serves
``allocations.csv``), fetched with a token of that supplier, signed with the shared secret:
pooling owns orders, product names and the order form, so the e-mail carries exactly
what the supplier's portal shows, and notify may read that supplier's documents only.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import requests

from notify.adapters.mail import headed
from notify.adapters.service_documents import ServiceDocuments
from shared.settings import Settings

# (the API's file name, the attachment's, its MIME type)
DOCUMENTS = (
    ("document.csv", "bestellung-{order_id}.csv", "text/csv"),
    ("allocations.csv", "aufteilung-{order_id}.csv", "text/csv"),
    ("document.pdf", "bestellung-{order_id}.pdf", "application/pdf"),
)


class SupplierMailer:
    def __init__(self, settings: Settings, http: requests.Session, timeout: float = 10.0) -> None:
        self.host, self.port, self.sender = (
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_from,
        )
        self.pooling_url = settings.service_urls["pooling"].rstrip("/")
        self.documents = ServiceDocuments(settings.secret_key, http, timeout)
        self.timeout = timeout

    def send(
        self, to: str, subject: str, text: str, supplier_id: int, order_id: int | None, about: str
    ) -> None:
        """Fetch an order's documents (``order_id``; None: a dispute, nothing attached),
        then send, the Message-ID naming what it is ``about``; a failure of any raises
        ``DeliveryFailed`` (pooling) or an ``SMTPException``/``OSError`` (the mail server)."""
        message = headed(self.sender, to, subject, about)
        message.set_content(text)
        if order_id is not None:
            self.attach_documents(message, supplier_id, order_id)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(message)

    def attach_documents(self, message: EmailMessage, supplier_id: int, order_id: int) -> None:
        for document, filename, mimetype in DOCUMENTS:
            content = self.document(supplier_id, order_id, document)
            maintype, subtype = mimetype.split("/")
            message.add_attachment(
                content,
                maintype=maintype,
                subtype=subtype,
                filename=filename.format(order_id=order_id),
            )

    def document(self, supplier_id: int, order_id: int, document: str) -> bytes:
        url = f"{self.pooling_url}/api/v1/orders/{order_id}/{document}"
        return self.documents.fetch(url, "supplier", supplier_id, "order document").content
