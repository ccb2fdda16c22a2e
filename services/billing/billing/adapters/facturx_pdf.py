"""The Factur-X PDF in one pass of fpdf2: a PDF/A-3B document with its fonts embedded,
``factur-x.xml`` attached as its associated file (relationship Data) and the Factur-X
extension in its XMP metadata, as the Factur-X 1.0 specification asks for profile
EN 16931.

The fonts are DejaVu Sans and DejaVu Sans Bold, as Debian's ``fonts-dejavu-core`` ships
them (``deploy/system-packages.sh`` installs it), cut down to ``REPERTOIRE`` without their
hinting (15 KB each in a document instead of 29). Embedding a font costs: fpdf2 reads the
font for every document and makes a subset of it with fontTools when it writes one, about
100 ms a document. So the fonts are read once per process and every document shares their
subset: the whole repertoire, put in once (each character drawn is looked up there once
per process). That subset's PDF objects are made, and written, once per process and taken
into each document (``FacturxOutput``). Text outside the repertoire is shown as ``?``
(``shown``), so the subset never grows.
"""

from __future__ import annotations

import copy
import functools
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from fontTools import subset, ttLib
from fpdf import FPDF
from fpdf.enums import OutputIntentSubType, PageMode
from fpdf.fonts import TTFFont
from fpdf.output import OutputProducer, PDFICCProfile
from fpdf.syntax import PDFObject
from fpdf.util import builtin_srgb2014_bytes

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
FONTS = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FAMILY = "dejavu"
# Latin-1 and Latin Extended-A (the names and streets of Europe's Latin scripts), the euro
# sign, and the rest of Windows-1252 (quotes, dashes, ...).
REPERTOIRE = (
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    *(0x192, 0x2C6, 0x2DC, 0x2013, 0x2014, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E),
    *(0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203A, 0x20AC, 0x2122),
)
SHOWN = {c: c for c in map(chr, REPERTOIRE)}
FACTURX_FILENAME = "factur-x.xml"
FACTURX_NAMESPACE = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
FACTURX_PROPERTIES = {
    "DocumentFileName": "The name of the embedded XML document",
    "DocumentType": "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER",
    "Version": "The actual version of the standard applying to the embedded XML document",
    "ConformanceLevel": "The conformance level of the embedded XML document",
}
FACTURX_VALUES = {
    "DocumentType": "INVOICE",
    "DocumentFileName": FACTURX_FILENAME,
    "Version": "1.0",
    "ConformanceLevel": "EN 16931",
}


# A worker's consumers issue invoices on threads of their own: the fonts are read by one,
# and the kept font objects, numbered anew in each document, are written by one at a time.
_READING, _WRITING = threading.Lock(), threading.Lock()


class MissingFont(RuntimeError):
    """The invoice fonts are not installed."""


def font_file(name: str) -> Path:
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise MissingFont(
        f"{name} not found in {', '.join(map(str, FONT_DIRS))}: install fonts-dejavu-core "
        "(deploy/system-packages.sh)"
    )


def new_document(title: str, author: str, language: str) -> FPDF:
    """An empty A4 PDF/A-3B document with the invoice fonts, its first page begun."""
    pdf = FPDF(format="A4", enforce_compliance="PDF/A-3B")
    pdf.set_title(title)
    pdf.set_subject(title)
    pdf.set_author(author)
    pdf.set_keywords("Factur-X, ZUGFeRD")
    pdf.set_lang(language)
    for style, font in parsed_fonts().items():
        pdf.fonts[f"{FAMILY}{style}"] = _for_document(font, index=len(pdf.fonts) + 1)
    pdf.add_output_intent(
        OutputIntentSubType.PDFA,
        output_condition_identifier="sRGB",
        output_condition="IEC 61966-2-1:1999",
        registry_name="http://www.color.org",
        dest_output_profile=srgb_profile(),
        info="sRGB2014 (v2)",
    )
    pdf.add_page()
    return pdf


@functools.cache
def srgb_profile() -> PDFICCProfile:
    """The sRGB profile of the PDF/A output intent, as fpdf2 would add it to each document
    (read from its package and compressed): read once."""
    return PDFICCProfile(contents=builtin_srgb2014_bytes(), n=3, alternate="DeviceRGB")


def facturx_pdf(pdf: FPDF, xml: bytes) -> bytes:
    """``pdf`` with ``xml`` attached as ``factur-x.xml``, written as PDF/A-3B."""
    pdf.embed_file(
        bytes=xml,
        basename=FACTURX_FILENAME,
        mime_type="text/xml",
        associated_file_relationship="Data",
        desc="Factur-X XML file",
        modification_date=pdf.creation_date,  # PDF/A-3 asks for it in the file's /Params
        compress=True,
        checksum=True,
    )
    pdf.page_mode = PageMode.USE_ATTACHMENTS  # a viewer shows the XML beside the page
    with _WRITING:
        return bytes(pdf.output(output_producer_class=FacturxOutput))


def shown(text: str) -> str:
    """``text`` as the invoice fonts can show it: other characters become ``?``."""
    if SHOWN.keys() >= set(text):
        return text
    return "".join(SHOWN.get(c, "?") for c in text)


@functools.cache
def font_program(name: str) -> bytes:
    """The font file ``name`` cut down to the repertoire, without hinting."""
    options = subset.Options(notdef_outline=True, recommended_glyphs=True, hinting=False)
    options.layout_features = []  # fpdf2 drops the layout tables (no shaping here)
    options.drop_tables += ["FFTM", "GDEF", "GPOS", "GSUB"]  # FFTM: FontForge's timestamp
    font = subset.load_font(str(font_file(name)), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=REPERTOIRE)
    subsetter.subset(font)
    program = io.BytesIO()
    subset.save_font(font, program, options)
    return program.getvalue()


def parsed_fonts() -> dict[str, TTFFont]:
    """The invoice fonts as fpdf2 reads them, once per process, with every character of the
    repertoire in their subset."""
    with _READING:
        return _parsed_fonts()


@functools.cache
def _parsed_fonts() -> dict[str, TTFFont]:
    reader, fonts = FPDF(), {}
    for style, name in FONTS.items():
        font = TTFFont(reader, io.BytesIO(font_program(name)), f"{FAMILY}{style}", style)
        for character in REPERTOIRE:
            font.subset.pick(character)
        fonts[style] = reader.fonts[font.fontkey] = font
    return fonts


def _for_document(font: TTFFont, index: int) -> TTFFont:
    """``font`` for one more document, sharing all it read and its subset: the repertoire
    (``shown`` keeps every other character away from it, so it never grows, and the glyph
    each character is drawn with is looked up once per process)."""
    shell = copy.copy(font)
    shell.i = index
    shell.missing_glyphs = []
    return shell


Subset = tuple[tuple[str, tuple[str, ...]], ...]
KEPT_SUBSETS = 4  # subsets whose objects are kept: the repertoire's, and a few others


@dataclass
class FontObjects:
    """A subset's font objects as fpdf2 made them, and as they were written: a document
    that numbers them as the first one did (every invoice: one page, one attachment)
    takes the written text as it is."""

    objects: list[PDFObject]
    by_index: dict[int, PDFObject]
    first_number: int
    written: list[str] | None = None


_FONT_OBJECTS: dict[Subset, FontObjects] = {}


class Written(PDFObject):
    """A PDF object as written before, under the same number."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def serialize(self, obj_dict: object = None, _security_handler: object = None) -> str:
        return self.text


class FacturxOutput(OutputProducer):
    """fpdf2's writer with the font objects of a subset made (and mostly written) once per
    process, and the Factur-X extension schema and properties in the XMP metadata."""

    def _add_fonts(self, *resources):  # type: ignore[no-untyped-def]
        fonts = sorted(self.fpdf.fonts.values(), key=lambda font: font.i)
        subset = tuple((f.fontkey, tuple(f.subset.get_all_glyph_names())) for f in fonts)
        kept = _FONT_OBJECTS.get(subset)
        if kept is None:
            return self._make_fonts(subset, fonts, resources)
        if kept.written is not None and self.obj_id + 1 == kept.first_number:
            for text in kept.written:
                self._add_pdf_obj(Written(text), "fonts")
        else:
            for pdf_object in kept.objects:  # numbered anew in this document
                self._add_pdf_obj(pdf_object, "fonts")
            kept.written = [o.serialize() for o in kept.objects]
            kept.first_number = kept.objects[0].id
        return kept.by_index  # the shared subset's glyph look-ups stay: they are bounded

    def _make_fonts(self, subset: Subset, fonts: list[TTFFont], resources: tuple) -> dict:  # type: ignore[type-arg]
        for font in fonts:  # fpdf2 cuts the font's tables down to the subset: its own copy
            program = font_program(FONTS[font.fontkey.removeprefix(FAMILY)])
            font.ttfont = ttLib.TTFont(io.BytesIO(program), recalcTimestamp=False, lazy=True)
        first = len(self.pdf_objs)
        by_index = super()._add_fonts(*resources)
        if len(_FONT_OBJECTS) < KEPT_SUBSETS:
            objects = self.pdf_objs[first:]
            _FONT_OBJECTS[subset] = FontObjects(objects, by_index, objects[0].id)
        return by_index

    def _build_xmp_from_info(self) -> str:
        xmp = super()._build_xmp_from_info()
        end = xmp.rindex("  </rdf:RDF>")
        return xmp[:end] + "\n".join(_facturx_xmp()) + "\n" + xmp[end:]


def _facturx_xmp() -> Sequence[str]:
    """The Factur-X extension schema (PDF/A needs every custom property described) and
    the document's Factur-X properties."""
    properties = [
        '<rdf:li rdf:parseType="Resource">'
        f"<pdfaProperty:name>{name}</pdfaProperty:name>"
        "<pdfaProperty:valueType>Text</pdfaProperty:valueType>"
        "<pdfaProperty:category>external</pdfaProperty:category>"
        f"<pdfaProperty:description>{escape(text)}</pdfaProperty:description></rdf:li>"
        for name, text in FACTURX_PROPERTIES.items()
    ]
    return [
        '    <rdf:Description rdf:about=""',
        '        xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"',
        '        xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"',
        '        xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">',
        "      <pdfaExtension:schemas><rdf:Bag>",
        '        <rdf:li rdf:parseType="Resource">',
        "          <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>",
        f"          <pdfaSchema:namespaceURI>{FACTURX_NAMESPACE}</pdfaSchema:namespaceURI>",
        "          <pdfaSchema:prefix>fx</pdfaSchema:prefix>",
        "          <pdfaSchema:property><rdf:Seq>",
        *(f"            {p}" for p in properties),
        "          </rdf:Seq></pdfaSchema:property>",
        "        </rdf:li>",
        "      </rdf:Bag></pdfaExtension:schemas>",
        "    </rdf:Description>",
        f'    <rdf:Description rdf:about="" xmlns:fx="{FACTURX_NAMESPACE}">',
        *(f"      <fx:{key}>{value}</fx:{key}>" for key, value in FACTURX_VALUES.items()),
        "    </rdf:Description>",
    ]
