"""Supplier e-invoices read with lxml and factur-x: a ZUGFeRD / Factur-X PDF (its embedded
CII XML), CII XML (XRechnung CII) or UBL XML (XRechnung UBL). The XML parser resolves no
entities, loads no DTD and opens no network connection, and a document with a DOCTYPE is
refused outright (XXE, billion laughs); files over ``MAX_INVOICE_BYTES`` are refused."""

from __future__ import annotations

from collections.abc import Callable
from decimal import InvalidOperation

from facturx import get_xml_from_pdf
from lxml import etree

from billing.adapters.einvoice_syntaxes import read_cii, read_ubl
from billing.domain.supplier_invoices import InvoiceUnreadable, SupplierInvoice
from shared.errors import Words

MAX_INVOICE_BYTES = 1024 * 1024
MAX_KIB = MAX_INVOICE_BYTES // 1024
CII_ROOT = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"
UBL_INVOICE = "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
UBL_CREDIT_NOTE = "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"

_NO_DTD = Words("The XML declares a DOCTYPE or entities; such invoices are refused.")
_READERS: dict[str, Callable[[etree._Element], SupplierInvoice]] = {
    CII_ROOT: read_cii,
    UBL_INVOICE: read_ubl,
    UBL_CREDIT_NOTE: read_ubl,
}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def read_invoice(data: bytes) -> SupplierInvoice:
    """The invoice in ``data`` (PDF or XML, told apart by their first bytes)."""
    if len(data) > MAX_INVOICE_BYTES:
        raise InvoiceUnreadable("The file is larger than %(kib)s KiB.", kib=MAX_KIB)
    if not data.strip():
        raise InvoiceUnreadable("The file is empty.")
    xml = xml_of_pdf(data) if data.lstrip()[:5] == b"%PDF-" else data
    return read_xml(xml)


def xml_of_pdf(pdf: bytes) -> bytes:
    """The CII XML a ZUGFeRD / Factur-X PDF carries (``factur-x.xml`` or
    ``zugferd-invoice.xml``)."""
    try:
        _name, xml = get_xml_from_pdf(pdf, check_xsd=False)
    except Exception as error:  # the PDF library's many ways of failing on a broken file
        raise InvoiceUnreadable("The PDF cannot be read.") from error
    if not xml:
        raise InvoiceUnreadable("The PDF carries no Factur-X / ZUGFeRD invoice XML.")
    if len(xml) > MAX_INVOICE_BYTES:
        raise InvoiceUnreadable("The invoice XML is larger than %(kib)s KiB.", kib=MAX_KIB)
    return xml


def read_xml(xml: bytes) -> SupplierInvoice:
    root = _parse(xml)
    reader = _READERS.get(root.tag)
    if reader is None:
        raise InvoiceUnreadable(
            "The XML is neither a CII (ZUGFeRD, Factur-X, XRechnung) nor a UBL invoice."
        )
    try:
        return reader(root)
    except InvoiceUnreadable:
        raise
    except (InvalidOperation, ValueError, TypeError) as error:
        raise InvoiceUnreadable(
            "The invoice holds a value that is not readable: %(error)s.", error=str(error)
        ) from error


def _parse(xml: bytes) -> etree._Element:
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise InvoiceUnreadable(_NO_DTD)
    try:
        tree = etree.fromstring(xml, _parser()).getroottree()
    except etree.XMLSyntaxError as error:
        raise InvoiceUnreadable(
            "The file is not well-formed XML: %(why)s.", why=error.msg
        ) from error
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise InvoiceUnreadable(_NO_DTD)
    return tree.getroot()
