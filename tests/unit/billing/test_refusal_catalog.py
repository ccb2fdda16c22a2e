"""Every refusal billing words (the templates marked in its code, as
``services/billing/babel.cfg`` extracts them) has its German in billing's catalog, with
the same places for the values; a refusal added without one fails here."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import billing

PACKAGE = Path(billing.__file__).parent
KEYWORDS = {
    "Invalid": (2,),
    "NotFound": (2,),
    "Conflict": (2,),
    "Forbidden": (2,),
    "InvoiceUnreadable": (1,),
    "Words": None,
    "gettext": None,
}


def marked() -> set[str]:
    found = extract_from_dir(PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS)
    return {message for _file, _line, message, _comments, _context in found}


def test_every_marked_refusal_has_its_german() -> None:
    with (PACKAGE / "translations/de/LC_MESSAGES/messages.po").open("rb") as po:
        german = {m.id: m.string for m in read_po(po) if m.id}
    templates = marked()

    assert len(templates) > 40
    assert sorted(t for t in templates if not german.get(t)) == []
    for template in templates:
        places = sorted(part.split(")")[0] for part in template.split("%(")[1:])
        assert sorted(p.split(")")[0] for p in german[template].split("%(")[1:]) == places
