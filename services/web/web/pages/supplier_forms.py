"""The supplier portal's forms: confirm, reject, upload a price list; and the office's form
for a supplier's sign-in."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from marshmallow import ValidationError as MarshmallowError
from wtforms import DateField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from shared.fields import VisibleText
from web.pages.forms import SignInForm

REASON = VisibleText(1000, lines=True)


def check_reason(_form: FlaskForm, field: TextAreaField) -> None:
    """Pooling's check of a reason (``VisibleText``), beside the field."""
    try:
        REASON.deserialize(field.data)
    except MarshmallowError as exc:
        raise ValidationError(" ".join(gettext(m) for m in exc.messages)) from exc


class ConfirmForm(FlaskForm):
    expected_delivery = DateField(
        _l("Expected delivery"),
        validators=[DataRequired(message=_l("Please enter the day you expect to deliver."))],
    )
    # rule 8: the lines (by sku) the supplier cannot deliver, one checkbox per line on the
    # page; pooling refuses a line the order does not hold
    declined = SelectMultipleField(_l("Cannot deliver"), choices=[], validate_choice=False)

    def validate_expected_delivery(self, field: DateField) -> None:
        if field.data is not None and field.data < date.today():
            raise ValidationError(_l("The delivery day cannot lie in the past."))


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Please tell the members why.")),
            Length(max=1000),
        ],
    )

    validate_reason = check_reason


class PriceListForm(FlaskForm):
    file = FileField(
        _l("Price list (CSV)"), validators=[FileRequired(message=_l("Please choose a file."))]
    )


class SupplierUserForm(SignInForm):
    """A supplier's sign-in; its own prefix keeps it apart from the member form on the page."""

    supplier_id = SelectField(_l("Supplier"), coerce=int, validate_choice=True)
