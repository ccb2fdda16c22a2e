"""The official EN 16931 CII rules (CEN/TC 434's Schematron as XSLT, beside the project in
``../shared/einvoice``) and Factur-X's XSD, for the tests of the invoices billing issues."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import pytest
from facturx import get_xml_from_pdf, xml_check_xsd

ROOT = Path(__file__).resolve().parents[2]
EINVOICE = ROOT.parent / "shared" / "einvoice"
RULES = EINVOICE / "EN16931-CII-validation.xslt"
FAILED = re.compile(r"<svrl:failed-assert\b([^>]*)>(.*?)</svrl:failed-assert>", re.S)


def beside(*parts: str) -> Path:
    """A file of ../shared/einvoice; the test is skipped, saying so, where it is not there."""
    path = EINVOICE.joinpath(*parts)
    if not path.exists():  # kept beside the repository, not in it (their licence: EUPL)
        pytest.skip(f"{path} is not beside this checkout (the project expects ../shared/einvoice)")
    return path


@functools.cache
def _rules() -> tuple[Any, Any]:
    rules = beside(RULES.name)
    from saxonche import PySaxonProcessor

    saxon = PySaxonProcessor(license=False)
    return saxon, saxon.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(rules))


def broken_rules(xml: bytes) -> list[str]:
    """Every failed assert of flag fatal, as ``rule: text`` (empty: the invoice is valid)."""
    saxon, rules = _rules()
    svrl = rules.transform_to_string(xdm_node=saxon.parse_xml(xml_text=xml.decode("utf-8")))
    broken = []
    for match in FAILED.finditer(svrl):
        attributes, body = match.groups()
        if 'flag="fatal"' in attributes:
            rule = re.search(r'\bid="([^"]+)"', attributes)
            broken.append(f"{rule.group(1) if rule else '?'}: {' '.join(body.split())[:200]}")
    return broken


def assert_valid_invoice(pdf: bytes, xml: bytes) -> None:
    """Both documents pass the EN 16931 rules and Factur-X's XSD, the PDF carries the XML."""
    assert broken_rules(xml) == []
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    filename, embedded = get_xml_from_pdf(pdf, check_xsd=True)
    assert filename == "factur-x.xml"
    assert embedded == xml
