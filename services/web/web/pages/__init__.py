"""The pages of the web service: sign-in, needs, the pool and savings, the supplier
portal and the office's pages.

Server-rendered pages with sessions (Flask-Login), CSRF on every form
(Flask-WTF) and German by default, English on request (Flask-Babel). The probes and
/metrics are no pages: they pass without a session or a CSRF check.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, current_app, request, session
from flask.typing import ResponseReturnValue
from flask_babel import Babel, get_locale
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from web.clients import Clients, install_clients
from web.clients.service import ServiceUnavailable
from web.pages import formatting, units
from web.pages.accounts import accounts, load_user
from web.pages.admin import admin
from web.pages.admin_catalog import catalog_admin
from web.pages.admin_depot import depot_admin
from web.pages.admin_directory import directory_admin
from web.pages.admin_invoices import invoice_admin
from web.pages.admin_needs import needs_admin
from web.pages.admin_ops import ops_admin
from web.pages.admin_overview import overview_admin
from web.pages.admin_pool import pool_admin
from web.pages.admin_receipts import receipt_admin
from web.pages.admin_savings import savings_admin
from web.pages.admin_settings import settings_admin
from web.pages.admin_users import user_admin
from web.pages.caught_mail import mail_admin
from web.pages.distribution import distribution_pages
from web.pages.errors import is_page_request, refuse_all_but_forms, show_http_errors_as_pages
from web.pages.forms import LANGUAGES, form_errors
from web.pages.help import help_pages
from web.pages.invoices import invoice_pages
from web.pages.member_accounts import account_pages
from web.pages.need_changes import need_changes
from web.pages.needs import pages
from web.pages.orders import order_pages
from web.pages.password_reset import password_pages
from web.pages.pool_window import pool_pages
from web.pages.preferences import preference_pages
from web.pages.price_list_pages import price_list_admin
from web.pages.product_search import product_search
from web.pages.site_receipts import site_pages
from web.pages.statements import statement_pages
from web.pages.supplier_invoices import UploadRequest, supplier_invoice_admin
from web.pages.supplier_portal import keep_suppliers_in_their_portal, portal

IDLE_TIMEOUT = timedelta(minutes=30)
WEB_BLUEPRINTS = (accounts, pages, order_pages, admin, catalog_admin, directory_admin, pool_admin)
WEB_BLUEPRINTS += (ops_admin, statement_pages, preference_pages, savings_admin, portal)
WEB_BLUEPRINTS += (receipt_admin, depot_admin, settings_admin, site_pages, distribution_pages)
WEB_BLUEPRINTS += (invoice_pages, invoice_admin)
WEB_BLUEPRINTS += (account_pages,)
WEB_BLUEPRINTS += (supplier_invoice_admin,)
WEB_BLUEPRINTS += (mail_admin, help_pages, overview_admin, product_search)
WEB_BLUEPRINTS += (user_admin, password_pages, needs_admin)
WEB_BLUEPRINTS += (pool_pages, need_changes)
WEB_BLUEPRINTS += (price_list_admin,)


def init_web(app: Flask, clients: Clients) -> None:
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
    app.request_class = UploadRequest
    CSRFProtect(app)
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
    install_clients(app, clients)


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
    _load_the_user()
    refuse_all_but_forms()  # before the CSRF check, which would call a JSON body a missing token
    if current_app.config["WTF_CSRF_ENABLED"]:
        current_app.extensions["csrf"].protect(apply_exemptions=True)
    session.permanent = True
    return keep_suppliers_in_their_portal()


def _load_the_user() -> None:
    """The session's user, asked of catalog once per page; while catalog cannot answer,
    the page (the "briefly unavailable" one) is shown to nobody in particular."""
    try:
        current_user.is_authenticated  # noqa: B018 - loads the user
    except ServiceUnavailable:
        current_app.login_manager._update_request_context_with_user()  # type: ignore[attr-defined]
        raise


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
