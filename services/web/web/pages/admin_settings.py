"""The office's settings page: the cooperative's own data as the seller on its members'
invoices (rule 13), read-only, as the ``ZIRKEL_COOPERATIVE_*`` settings give them."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from web.pages.admin import admin_required
from web.pages.remote import show_errors_as_pages

settings_admin = Blueprint("settings_admin", __name__, url_prefix="/admin")
show_errors_as_pages(settings_admin)

# (heading, [(label, setting attribute, environment variable)]) in the order shown
SELLER = (
    (
        _l("The cooperative"),
        [
            (_l("Legal name"), "cooperative_legal_name", "ZIRKEL_COOPERATIVE_LEGAL_NAME"),
            (_l("Street and number"), "cooperative_street", "ZIRKEL_COOPERATIVE_STREET"),
            (_l("Postcode"), "cooperative_postcode", "ZIRKEL_COOPERATIVE_POSTCODE"),
            (_l("City"), "cooperative_city", "ZIRKEL_COOPERATIVE_CITY"),
            (_l("Country"), "cooperative_country", "ZIRKEL_COOPERATIVE_COUNTRY"),
            (_l("Register entry"), "cooperative_register", "ZIRKEL_COOPERATIVE_REGISTER"),
        ],
    ),
    (
        _l("Taxes"),
        [
            (_l("VAT id"), "cooperative_vat_id", "ZIRKEL_COOPERATIVE_VAT_ID"),
            (_l("Tax number"), "cooperative_tax_number", "ZIRKEL_COOPERATIVE_TAX_NUMBER"),
            (_l("Invoice number prefix"), "invoice_prefix", "ZIRKEL_INVOICE_PREFIX"),
        ],
    ),
    (
        _l("Bank account"),
        [
            (_l("IBAN"), "cooperative_iban", "ZIRKEL_COOPERATIVE_IBAN"),
            (_l("BIC"), "cooperative_bic", "ZIRKEL_COOPERATIVE_BIC"),
        ],
    ),
    (
        _l("Contact"),
        [
            (_l("Contact"), "cooperative_contact", "ZIRKEL_COOPERATIVE_CONTACT"),
            (_l("Telephone"), "cooperative_phone", "ZIRKEL_COOPERATIVE_PHONE"),
            (_l("E-mail"), "cooperative_email", "ZIRKEL_COOPERATIVE_EMAIL"),
        ],
    ),
)


@settings_admin.get("/settings")
@admin_required
def cooperative() -> ResponseReturnValue:
    settings = current_app.extensions["zirkel.settings"]
    sections = [
        (heading, [(label, getattr(settings, name), variable) for label, name, variable in rows])
        for heading, rows in SELLER
    ]
    return render_template("admin_settings.html", sections=sections)
