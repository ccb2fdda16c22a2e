"""The form that changes an open need: its quantity, flexibility, day, site and note,
checked by the API's own schema before it is sent (so both refuse the same input)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from marshmallow import ValidationError
from wtforms import StringField, TextAreaField

from catalog.entrypoints.schemas import NeedIn
from web.clients.catalog_types import Need
from web.pages.forms import _flat, _plain_decimal

FIELDS = ("quantity", "up_to", "needed_by", "delivery_site", "note")


class NeedChangeForm(FlaskForm):
    quantity = StringField(_l("Quantity"))
    up_to = StringField(_l("Up to (flexible)"))
    needed_by = StringField(_l("Needed by"))
    delivery_site = StringField(_l("Delivery site"))
    note = TextAreaField(_l("Note"))

    def fill(self, need: Need) -> None:
        """The need as it is, written as the reader's language writes numbers."""
        self.quantity.data = typed(need.quantity)
        self.up_to.data = "" if need.up_to is None else typed(need.up_to)
        self.needed_by.data = "" if need.needed_by is None else need.needed_by.isoformat()
        self.delivery_site.data = need.delivery_site or ""
        self.note.data = need.note or ""

    def changes(self) -> dict[str, Any] | None:
        """The need as it is to be, as the API takes it; None with errors beside the fields."""
        if not self.validate():
            return None
        raw = {
            "quantity": _plain_decimal(self.quantity.data or ""),
            "up_to": _plain_decimal(self.up_to.data or "") or None,
            "needed_by": (self.needed_by.data or "").strip() or None,
            "delivery_site": (self.delivery_site.data or "").strip() or None,
            "note": (self.note.data or "").strip() or None,
        }
        if not raw["quantity"]:
            self.quantity.errors = [gettext("Please enter a quantity.")]
            return None
        try:
            loaded = NeedIn(partial=True, exclude=("sku", "member_id")).load(raw)
        except ValidationError as exc:
            for name, messages in exc.normalized_messages().items():
                getattr(self, name, self.note).errors = [gettext(m) for m in _flat(messages)]
            return None
        return {name: _as_text(loaded.get(name)) for name in FIELDS}


def typed(amount: Decimal) -> str:
    """An amount as a reader would type it: no grouping, a decimal comma in German."""
    text = format(amount.normalize(), "f")
    return text.replace(".", ",") if str(get_locale() or "de").startswith("de") else text


def _as_text(value: Any) -> Any:
    return None if value is None else str(value)
