"""The web forms. A need is checked by the API's own schema, so both refuse the same input."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from marshmallow import ValidationError
from wtforms import (
    EmailField,
    FieldList,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Regexp
from wtforms.validators import ValidationError as WTFormsValidationError

from catalog.domain.model import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from catalog.domain.search import fold
from catalog.entrypoints.schemas import NeedIn

NEED_FIELDS = ("sku", "quantity", "up_to", "needed_by", "delivery_site", "note")
LANGUAGES = {"de": "Deutsch", "en": "English"}
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """A select field's options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[AnyOf(tuple(LANGUAGES))])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


def new_post_key() -> str:
    """A fresh key for one rendering of the need form."""
    return str(uuid.uuid4())


class NeedForm(FlaskForm):
    """A need; its hidden key makes a double click or a resubmit after a lost answer post
    the need once (the key is the API's Idempotency-Key)."""

    sku = StringField(_l("Product (SKU or name)"))
    quantity = StringField(_l("Quantity"))
    up_to = StringField(_l("Up to (flexible)"))
    needed_by = StringField(_l("Needed by"))
    delivery_site = StringField(_l("Delivery site"))
    note = TextAreaField(_l("Note"))
    post_key = HiddenField(_l("Form"), default=new_post_key)

    def validate_post_key(self, field: HiddenField) -> None:
        if not re.fullmatch(UUID, field.data or ""):
            raise WTFormsValidationError(gettext("This form is out of date; please send it again."))

    def validate_need(self, products_by_name: dict[str, str]) -> dict[str, Any] | None:
        """The need as the API would load it, or None with the errors beside the fields."""
        if not self.validate():
            if self.post_key.errors:
                self.post_key.data = new_post_key()
            return None
        typed = self.sku.data.strip() if self.sku.data else ""
        raw = {
            "sku": products_by_name.get(fold(typed), typed),
            "quantity": _plain_decimal(self.quantity.data or ""),
            "up_to": _plain_decimal(self.up_to.data or "") or None,
            "needed_by": (self.needed_by.data or "").strip() or None,
            "delivery_site": (self.delivery_site.data or "").strip() or None,
            "note": (self.note.data or "").strip() or None,
        }
        if not raw["sku"]:
            self.sku.errors = [gettext("Please choose a product.")]
        if not raw["quantity"]:
            self.quantity.errors = [gettext("Please enter a quantity.")]
        try:
            need = NeedIn().load(raw)
        except ValidationError as exc:
            for name, messages in exc.normalized_messages().items():
                field = getattr(self, name, self.note)
                if not field.errors:
                    field.errors = [gettext(m) for m in _flat(messages)]
            return None
        return None if self.errors else need

    def body(self, need: dict[str, Any]) -> dict[str, Any]:
        """The need as catalog's API takes it (its key goes as a header)."""
        return {k: need[k] for k in NEED_FIELDS}

    def sent_before(self, need_id: int) -> None:
        """This form's key made need ``need_id`` with other values (the member went back
        and changed them): say so, and give the form a new key, so sending it again posts
        these values as a new need."""
        self.post_key.errors = [
            gettext(
                "This form was sent before with other values, as need %(id)s. "
                "Send it again to post these values as a new need.",
                id=need_id,
            )
        ]
        self.post_key.data = new_post_key()


class SignInForm(FlaskForm):
    """A new sign-in's e-mail, password and language; the office gives it to a member
    (``UserForm``) or to a supplier's order desk (``SupplierUserForm``)."""

    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Not a valid e-mail address.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
    )
    language = SelectField(_l("Language"), choices=options(LANGUAGES.items()))


class UserForm(SignInForm):
    member_id = SelectField(_l("Member"), coerce=int, validate_choice=True)


def form_errors(form: FlaskForm) -> list[tuple[str, str, str]]:
    """Every field error of a form as (field id, label, message), for the summary on top."""
    found = []
    for field in form:
        if isinstance(field, FieldList):
            for entry in field:
                found += form_errors(entry.form)
        elif field.errors and field.type != "CSRFTokenField":
            message = " ".join(str(e) for e in field.errors if isinstance(e, str))
            found.append((field.id, str(field.label.text), message))
    found += [("tiers", str(_l("Price tiers")), e) for e in getattr(form, "tier_errors", [])]
    return found


def _plain_decimal(text: str) -> str:
    """``1,5`` as Germans write it reads as ``1.5``; anything else is left for the schema."""
    text = text.strip()
    if text.count(",") == 1 and "." not in text:
        return text.replace(",", ".")
    return text


def _flat(messages: Any) -> list[str]:
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flat(value)]
    if isinstance(messages, list):
        return [m for value in messages for m in _flat(value)]
    return [str(messages)]
