"""Quantities with their unit as a reader expects them: "24 Kartuschen", "1 Rolle",
"12,5 m²"; "24 cartridges", "1 roll" in English.

A product's unit is free text the office types, in German or English, singular; the units
known here are written in the page's language with their plural (Babel's ngettext), any
other stays as it was typed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import ngettext

from web.pages.formatting import NOTHING, number


def _unit(*spellings: str) -> frozenset[str]:
    return frozenset(s.casefold() for s in spellings)


# Each known unit: the spellings the office may type, and its singular and plural msgids.
UNITS: tuple[tuple[frozenset[str], str, str], ...] = (
    (_unit("Stk", "Stk.", "Stück", "piece", "pc", "pcs"), "%(amount)s piece", "%(amount)s pieces"),
    (_unit("Eimer", "bucket"), "%(amount)s bucket", "%(amount)s buckets"),
    (_unit("Kartusche", "cartridge"), "%(amount)s cartridge", "%(amount)s cartridges"),
    (_unit("Sack", "bag", "sack"), "%(amount)s bag", "%(amount)s bags"),
    (_unit("Ring", "coil"), "%(amount)s coil", "%(amount)s coils"),
    (_unit("Rolle", "roll"), "%(amount)s roll", "%(amount)s rolls"),
    (_unit("Platte", "board", "sheet"), "%(amount)s board", "%(amount)s boards"),
    (_unit("Paket", "package", "parcel"), "%(amount)s package", "%(amount)s packages"),
    (_unit("Karton", "box", "carton"), "%(amount)s box", "%(amount)s boxes"),
    (_unit("Flasche", "bottle"), "%(amount)s bottle", "%(amount)s bottles"),
    (_unit("Dose", "can", "tin"), "%(amount)s can", "%(amount)s cans"),
    (_unit("Tube", "tube"), "%(amount)s tube", "%(amount)s tubes"),
    (_unit("Palette", "pallet"), "%(amount)s pallet", "%(amount)s pallets"),
    (_unit("m", "Meter", "metre", "meter"), "%(amount)s m", "%(amount)s m"),
    (_unit("m²", "m2", "qm", "Quadratmeter"), "%(amount)s m²", "%(amount)s m²"),
    (_unit("m³", "m3", "cbm", "Kubikmeter"), "%(amount)s m³", "%(amount)s m³"),
    (_unit("kg", "Kilogramm", "kilogram"), "%(amount)s kg", "%(amount)s kg"),
    (_unit("l", "Liter", "litre", "liter"), "%(amount)s l", "%(amount)s l"),
)
BY_SPELLING = {spelling: (one, many) for spellings, one, many in UNITS for spelling in spellings}


def in_units(quantity: Any, unit: str | None) -> str:
    """``quantity`` with its ``unit``, in the page's language and grammatical number."""
    written = number(quantity)
    if written == NOTHING or not unit:
        return written
    forms = BY_SPELLING.get(unit.strip().casefold())
    if forms is None:
        return f"{written}\u00a0{unit}"
    one, many = forms
    return ngettext(one, many, _plural_count(quantity), amount=written).replace(" ", "\u00a0", 1)


def unit_name(unit: str | None) -> str:
    """The unit alone, singular, as "je Rolle" writes it: ``in_units`` of one, less the one."""
    return in_units(1, unit).removeprefix(number(1)).lstrip("\u00a0 ") if unit else ""


def _plural_count(quantity: Any) -> int:
    """1 for exactly one (singular), else 2: "1 Rolle", "0,5 Rollen", "2 Rollen"."""
    try:
        return 1 if Decimal(str(quantity)) == 1 else 2
    except InvalidOperation:
        return 2
