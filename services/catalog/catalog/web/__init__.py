"""The member web app served by catalog: sign-in, needs, the pool and savings.

Server-rendered pages with sessions (Flask-Login), CSRF on every form
(Flask-WTF) and German by default, English on request (Flask-Babel). The JSON
API under /api/v1 keeps its bearer tokens and is exempt from CSRF.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, current_app, request, session
from flask.typing import ResponseReturnValue
from flask_babel import Babel, get_locale
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from catalog.web import formatting, units
from catalog.web.accounts import accounts, load_user
from catalog.web.admin import admin
from catalog.web.admin_catalog import catalog_admin
from catalog.web.admin_depot import depot_admin
from catalog.web.admin_directory import directory_admin
from catalog.web.admin_invoices import invoice_admin
from catalog.web.admin_needs import needs_admin
from catalog.web.admin_ops import ops_admin
from catalog.web.admin_overview import overview_admin
from catalog.web.admin_pool import pool_admin
from catalog.web.admin_receipts import receipt_admin
from catalog.web.admin_savings import savings_admin
from catalog.web.admin_settings import settings_admin
from catalog.web.admin_users import user_admin
from catalog.web.caught_mail import mail_admin
from catalog.web.clients import install_clients
from catalog.web.distribution import distribution_pages
from catalog.web.errors import is_page_request, refuse_all_but_forms, show_http_errors_as_pages
from catalog.web.forms import LANGUAGES, form_errors
from catalog.web.help import help_pages
from catalog.web.invoices import invoice_pages
from catalog.web.member_accounts import account_pages
from catalog.web.need_changes import need_changes
from catalog.web.needs import pages
from catalog.web.orders import order_pages
from catalog.web.password_reset import password_pages
from catalog.web.pool_window import pool_pages
from catalog.web.preferences import preference_pages
from catalog.web.price_list_pages import price_list_admin
from catalog.web.site_receipts import site_pages
from catalog.web.statements import statement_pages
from catalog.web.supplier_invoices import supplier_invoice_admin
from catalog.web.supplier_portal import keep_suppliers_in_their_portal, portal

IDLE_TIMEOUT = timedelta(minutes=30)
WEB_BLUEPRINTS = (accounts, pages, order_pages, admin, catalog_admin, directory_admin, pool_admin)
WEB_BLUEPRINTS += (ops_admin, statement_pages, preference_pages, savings_admin, portal)
WEB_BLUEPRINTS += (receipt_admin, depot_admin, settings_admin, site_pages, distribution_pages)
WEB_BLUEPRINTS += (invoice_pages, invoice_admin)
WEB_BLUEPRINTS += (account_pages,)
WEB_BLUEPRINTS += (supplier_invoice_admin,)
WEB_BLUEPRINTS += (mail_admin, help_pages, overview_admin)
WEB_BLUEPRINTS += (user_admin, password_pages, needs_admin)
WEB_BLUEPRINTS += (pool_pages, need_changes)
WEB_BLUEPRINTS += (price_list_admin,)


def init_web(app: Flask, *api_blueprint_names: str) -> None:
    settings = app.extensions["zirkel.settings"]
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=IDLE_TIMEOUT,
        SESSION_REFRESH_EACH_REQUEST=True,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        WTF_CSRF_CHECK_DEFAULT=False,  # checked by _before_page, for pages alone
        BABEL_DEFAULT_LOCALE="de",
        BABEL_DEFAULT_TIMEZONE="Europe/Berlin",
    )
    csrf = CSRFProtect(app)
    for name in api_blueprint_names:
        csrf.exempt(app.blueprints[name])
    Babel(app, locale_selector=_locale)
    logins = PageLogins(app)
    logins.login_view = "accounts.login"
    logins.login_message = None
    logins.session_protection = "strong"
    logins.user_loader(load_user)
    app.before_request(_before_page)
    app.jinja_env.filters.update(
        euro=formatting.euro,
        number=formatting.number,
        percent=formatting.percent,
        day=formatting.day,
        short_day=formatting.short_day,
        in_units=units.in_units,
        unit_name=units.unit_name,
        weekday_and_time=formatting.weekday_and_time,
    )
    app.jinja_env.globals.update(
        languages=LANGUAGES, get_locale=get_locale, form_errors=form_errors
    )
    for blueprint in WEB_BLUEPRINTS:
        app.register_blueprint(blueprint)
    show_http_errors_as_pages(app)
    install_clients(app)


def _locale() -> str:
    """The language chosen on the page, else the user's, else the browser's (German
    unless it prefers English)."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    return request.accept_languages.best_match(LANGUAGES, default="de")


def _before_page() -> ResponseReturnValue | None:
    """What a page request passes before its view: a form's body only, its CSRF token, a
    supplier kept in the portal. Sessions expire after 30 idle minutes: a page makes the
    session permanent, so each request that brings its cookie renews the lifetime.

    The JSON API and the probes pass none of it: they carry bearer tokens, not sessions,
    and are answered without opening one.
    """
    if not is_page_request():
        return None
    refuse_all_but_forms()  # before the CSRF check, which would call a JSON body a missing token
    if current_app.config["WTF_CSRF_ENABLED"]:
        current_app.extensions["csrf"].protect(apply_exemptions=True)
    session.permanent = True
    return keep_suppliers_in_their_portal()


class PageLogins(LoginManager):
    """Flask-Login, whose remember-me bookkeeping after each request is for pages alone:
    it reads the session, which would give every API answer a ``Vary: Cookie``.

    The method is Flask-Login's own (0.6, pinned below 0.7 in pyproject.toml); check it
    again when that pin moves.
    """

    def _update_remember_cookie(self, response: Response) -> Response:
        if not is_page_request():
            return response
        return super()._update_remember_cookie(response)  # type: ignore[no-any-return]
