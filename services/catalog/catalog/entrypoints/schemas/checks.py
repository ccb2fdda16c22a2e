"""What several of the catalog API's schemas check the same way: a SKU, a postcode, an
e-mail address, a number with check digits, optional text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from marshmallow import ValidationError, fields, validate

from catalog.domain.invoice_data import NotValid
from shared.fields import VisibleText

SKU = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}\Z", error="Letters, digits and . _ / -, up to 40."
)


GERMAN_POSTCODE = re.compile(r"[0-9]{5}", re.ASCII)
POSTCODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{1,9}", re.ASCII)


def email_field() -> VisibleText:
    """An e-mail address, with nothing invisible in it (``Email`` lets a zero-width
    space through in the domain)."""
    return VisibleText(254, required=True, also=validate.Email())


class CheckedNumber(fields.String):
    """A number checked by its check digits, loaded in its compact form."""

    def __init__(self, compact: Callable[[str], str], **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(max=50), **kwargs)
        self.compact = compact

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return self.compact(text)
        except NotValid as exc:
            raise ValidationError(str(exc)) from exc


def optional_text(maximum: int) -> VisibleText:
    return VisibleText(maximum, allow_none=True, load_default=None)
