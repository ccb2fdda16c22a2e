"""The office's forms after the order: a receipt (what arrived of each line) and a
write-off from the depot."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from marshmallow import ValidationError as MarshmallowError
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from shared.fields import BoundedDecimal
from web.pages.forms import _plain_decimal
from web.pages.supplier_forms import check_reason

QUANTITY = BoundedDecimal(places=3, minimum=Decimal(0), inclusive=True)


class ReceivedLineForm(Form):
    """One line: its product (hidden), what arrived, and whether an extra is the depot's."""

    sku = HiddenField()
    received_quantity = StringField(_l("Arrived"))
    extra_to_depot = BooleanField(_l("Take more than ordered into the depot"))


class ReceiptForm(FlaskForm):
    lines = FieldList(FormField(ReceivedLineForm))
    # what the clerk saw: "1" a booked receipt to correct, else one to book; a receipt
    # booked meanwhile by someone else is then refused (409), not corrected unseen
    correcting = HiddenField()

    def fill(self, lines: list[dict[str, Any]], quantity_key: str) -> None:
        """One entry per line the supplier delivers, its quantity from ``quantity_key``."""
        self.correcting.data = "1" if quantity_key == "received_quantity" else "0"
        for line in lines:
            entry = self.lines.append_entry()
            entry.form.sku.data = line["sku"]
            entry.form.received_quantity.data = line[quantity_key] or line["ordered_quantity"]
            entry.form.extra_to_depot.data = Decimal(entry.form.received_quantity.data) > Decimal(
                line["ordered_quantity"]
            )

    def receipt(self, lines: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The body of pooling's receipt for the order's ``lines``, or None with each
        problem beside its line's field."""
        if [entry.form.sku.data for entry in self.lines] != [line["sku"] for line in lines]:
            return None
        received, extra = [], []
        for entry, line in zip(self.lines, lines, strict=True):
            quantity = check_quantity(entry.form.received_quantity)
            if quantity is None:
                continue
            if entry.form.extra_to_depot.data:
                extra.append(line["sku"])
            elif quantity > Decimal(line["ordered_quantity"]):
                entry.form.received_quantity.errors = [
                    gettext(
                        "More arrived than the %(ordered)s ordered: take the extra into the"
                        " depot, or enter what you keep.",
                        ordered=line["ordered_quantity"],
                    )
                ]
            received.append({"sku": line["sku"], "received_quantity": format(quantity, "f")})
        if any(entry.form.received_quantity.errors for entry in self.lines):
            return None
        return {"lines": received, "extra_to_depot": extra}


def check_quantity(field: StringField) -> Decimal | None:
    """The field's quantity as pooling would read it, or None with the reason beside it."""
    field.data = _plain_decimal(field.data or "")
    if not field.data:
        field.errors = [gettext("Please enter a quantity.")]
        return None
    try:
        return QUANTITY.deserialize(field.data)  # type: ignore[no-any-return]
    except MarshmallowError as exc:
        field.errors = [gettext(m) for m in exc.messages]
        return None


class WriteOffForm(FlaskForm):
    lot = SelectField(_l("Lot"), choices=[], validate_choice=True)
    quantity = StringField(_l("Quantity"))
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Please say why.")), Length(max=1000)],
    )

    validate_reason = check_reason

    def write_off(self, left: dict[str, Decimal]) -> dict[str, Any] | None:
        """The body of pooling's write-off of at most what is ``left`` of the chosen lot
        (by the lot's choice value), or None with the problems beside the fields."""
        valid = self.validate()
        quantity = check_quantity(self.quantity)
        if not valid or quantity is None:
            return None
        if quantity == 0:
            self.quantity.errors = [gettext("Must be greater than 0.")]
            return None
        if quantity > left[self.lot.data]:
            self.quantity.errors = [
                gettext("Only %(left)s are left of this lot.", left=left[self.lot.data])
            ]
            return None
        sku, order_id = self.lot.data.rsplit(":", 1)
        return {
            "sku": sku,
            "order_id": int(order_id),
            "quantity": format(quantity, "f"),
            "reason": self.reason.data.strip(),
        }
