"""The cooperative's PDF documents (order forms, statements): A4, fpdf2's built-in
Helvetica (Windows-1252), left uncompressed so a one-page form stays a few kilobytes
and its text searchable in the raw file."""

from __future__ import annotations

from fpdf import FPDF


def latin(text: str) -> str:
    """Text the built-in fonts can show (Windows-1252); anything else becomes ``?``."""
    return text.encode("windows-1252", "replace").decode("windows-1252")


def letterhead(cooperative: str, title: str) -> FPDF:
    """A new document with its first page begun: the cooperative's name, then ``title``
    as the heading; the body font is set for what follows."""
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_compression(False)
    pdf.set_title(title)
    pdf.set_author(cooperative)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 7, latin(cooperative), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    return pdf
