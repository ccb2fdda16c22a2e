"""Supplier e-invoices read with lxml and pypdf (the PDF library factur-x reads with): a
ZUGFeRD / Factur-X PDF (its embedded CII XML), CII XML (XRechnung CII) or UBL XML
(XRechnung UBL). The XML parser resolves no entities, loads no DTD and opens no network
connection, and a document with a DOCTYPE is refused outright (XXE, billion laughs); files
over ``MAX_INVOICE_BYTES`` are refused.

A PDF's invoice XML is taken out of it here, not by factur-x's ``get_xml_from_pdf``: that
one unpacks every ``*.xml`` the PDF carries, each up to pypdf's limit of 75 MB, and parses
it with lxml's default parser before this module sees it. Here one attachment is unpacked
(the first named as ZUGFeRD, Factur-X or XRechnung name it, else the first ``*.xml``), and
no further than ``MAX_INVOICE_BYTES`` + 1 bytes: a small PDF holding XML compressed a
thousandfold is refused after 1 MiB is inflated, not 1 GiB."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import InvalidOperation
from typing import Any

from lxml import etree
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import EmbeddedFile

from billing.adapters.einvoice_syntaxes import read_cii, read_ubl
from billing.domain.supplier_invoices import InvoiceUnreadable, SupplierInvoice
from shared.errors import Words

MAX_INVOICE_BYTES = 1024 * 1024
MAX_KIB = MAX_INVOICE_BYTES // 1024
# The names ZUGFeRD 1 and 2, Factur-X and XRechnung give the invoice XML in a PDF.
INVOICE_FILENAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml")
MOST_ATTACHMENTS = 16  # looked at by name; an invoice PDF carries one or a few
# Any stream pypdf unpacks to read the PDF's structure (object and cross-reference streams)
# inflates to at most this; the invoice XML to at most MAX_INVOICE_BYTES + 1.
MOST_STRUCTURE_BYTES = 8 * MAX_INVOICE_BYTES
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
    """The CII XML a ZUGFeRD / Factur-X PDF carries (``factur-x.xml``,
    ``zugferd-invoice.xml`` or ``xrechnung.xml``, else its first ``*.xml``), unpacked no
    further than ``MAX_INVOICE_BYTES`` + 1 bytes."""
    try:
        with apply_configuration(**_inflating_at_most(MOST_STRUCTURE_BYTES)):
            attachment = _invoice_attachment(PdfReader(io.BytesIO(pdf)))
            if attachment is None:
                raise InvoiceUnreadable("The PDF carries no Factur-X / ZUGFeRD invoice XML.")
            declared = attachment.size
            if isinstance(declared, int) and declared > MAX_INVOICE_BYTES:
                raise _xml_too_large()
            with apply_configuration(**_inflating_at_most(MAX_INVOICE_BYTES + 1)):
                try:
                    xml = attachment.content
                except LimitReachedError as error:
                    raise _xml_too_large() from error
    except InvoiceUnreadable:
        raise
    except Exception as error:  # the PDF library's many ways of failing on a broken file
        raise InvoiceUnreadable("The PDF cannot be read.") from error
    if not xml.strip():
        raise InvoiceUnreadable("The PDF carries no Factur-X / ZUGFeRD invoice XML.")
    if len(xml) > MAX_INVOICE_BYTES:
        raise _xml_too_large()
    return xml


def _invoice_attachment(reader: PdfReader) -> EmbeddedFile | None:
    """The attachment holding the invoice, found by its name without unpacking any."""
    first_xml = None
    for count, attachment in enumerate(reader.attachment_list, start=1):
        name = str(attachment.name).lower()
        if name in INVOICE_FILENAMES:
            return attachment
        if first_xml is None and name.endswith(".xml"):
            first_xml = attachment
        if count == MOST_ATTACHMENTS:
            break
    return first_xml


def _inflating_at_most(size: int) -> dict[str, Any]:
    """pypdf's limits for unpacking a stream: each of its filters yields at most ``size``
    bytes, and all of them together work through at most four times that."""
    limits = (
        "zlib_maximum_output_length",
        "lzw_maximum_output_length",
        "run_length_maximum_output_length",
        "brotli_maximum_output_length",
        "jbig2_maximum_output_length",
        "array_based_stream_maximum_output_length",
        "image_maximum_buffer_size",
    )
    return dict.fromkeys(limits, size) | {"stream_decoding_work_maximum_length": 4 * size}


def _xml_too_large() -> InvoiceUnreadable:
    return InvoiceUnreadable("The invoice XML is larger than %(kib)s KiB.", kib=MAX_KIB)


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
