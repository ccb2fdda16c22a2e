"""What a member's invoice and SEPA mandate need, checked as a bank or tax office would:
a VAT id by its check digits (python-stdnum), an IBAN by its check digits and its
country's layout (schwifty). Each check gives the number in its compact form, or a
message saying what is wrong (English; the pages translate it)."""

from __future__ import annotations

import re
from datetime import date

from schwifty import IBAN
from schwifty.exceptions import InvalidChecksumDigits, SchwiftyException
from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat

BAD_VAT_ID_DIGITS = "Not a valid VAT id: its check digits do not match."
BAD_VAT_ID = "Not a valid VAT id: write the country code and the number, e.g. DE136695976."
BAD_IBAN_DIGITS = "Not a valid IBAN: its check digits do not match."
BAD_IBAN = "Not a valid IBAN: check its country code and length, e.g. DE89370400440532013000."
# SEPA's mandate reference: up to 35 of these characters, no space (EPC rulebook).
MANDATE_REFERENCE = re.compile(r"[A-Za-z0-9+?/:().,'-]{1,35}", re.ASCII)


class NotValid(ValueError):
    """A number whose check failed; ``str()`` says why."""


def compact_vat_id(text: str) -> str:
    """``DE 136 695 976`` as ``DE136695976``; ``NotValid`` unless its check digits match."""
    try:
        return str(vat.validate(text))
    except stdnum_errors.InvalidChecksum as exc:
        raise NotValid(BAD_VAT_ID_DIGITS) from exc
    except stdnum_errors.ValidationError as exc:
        raise NotValid(BAD_VAT_ID) from exc


def compact_iban(text: str) -> str:
    """``DE89 3704 …`` as ``DE89370400440532013000``; ``NotValid`` unless it checks out."""
    try:
        return str(IBAN(text).compact)
    except InvalidChecksumDigits as exc:
        raise NotValid(BAD_IBAN_DIGITS) from exc
    except SchwiftyException as exc:
        raise NotValid(BAD_IBAN) from exc


def mandate_problems(
    has_iban: bool, reference: str | None, signed_on: date | None, today: date
) -> dict[str, str]:
    """What keeps a direct-debit mandate from being usable, by field: a reference and
    its signing day come together, with the IBAN to debit, signed no later than today."""
    problems: dict[str, str] = {}
    if reference is not None and not MANDATE_REFERENCE.fullmatch(reference):
        problems["mandate_reference"] = (
            "Up to 35 letters, digits and + ? / - : ( ) . , ' without spaces."
        )
    if (reference is None) != (signed_on is None):
        missing = "mandate_signed_on" if signed_on is None else "mandate_reference"
        problems.setdefault(missing, "A mandate needs its reference and the day it was signed.")
    if reference is not None and not has_iban:
        problems["iban"] = "A mandate needs the IBAN to debit."
    if signed_on is not None and signed_on > today:
        problems["mandate_signed_on"] = "A mandate cannot be signed in the future."
    return problems


def _country_codes() -> tuple[str, ...]:
    """ISO 3166 alpha-2 codes, as CLDR (Babel) names them; its regions and
    reserved codes (EU, UN, XK, ZZ, …) left out."""
    from babel import Locale

    not_iso = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB"}
    not_iso |= {"XK", "ZZ"}
    territories = Locale("en").territories
    return tuple(sorted(c for c in territories if len(c) == 2 and c.isalpha() and c not in not_iso))


COUNTRIES = _country_codes()
