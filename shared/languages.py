"""A service's refusals in the caller's language: the messages of ``shared.errors`` are
English templates with their values; a service that opts in (``speak_callers_language``)
words them in the language the request's ``Accept-Language`` asks for, from its own
catalog, so the pages (which ask in the reader's language) show them as they are."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, format_date, gettext

from shared.errors import Words, worded

SPEAKS_CALLERS_LANGUAGE = "zirkel.speaks_callers_language"


def speak_callers_language(app: Flask, languages: Sequence[str]) -> None:
    """The app answers its refusals in the language the caller asks for
    (``Accept-Language``, English unless it asks for another of ``languages``), from its
    catalog (``translations/`` beside the app's package, Flask-Babel)."""
    Babel(app, locale_selector=lambda: request.accept_languages.best_match(languages, "en"))
    app.extensions[SPEAKS_CALLERS_LANGUAGE] = True


def in_callers_language(template: str, params: Mapping[str, object]) -> str:
    """A message in the caller's language where the app speaks it
    (``speak_callers_language``), else in English; values marked ``Words`` translated
    too, and days written as the language writes them (``18.03.2027``)."""
    if not has_request_context() or not current_app.extensions.get(SPEAKS_CALLERS_LANGUAGE):
        return worded(template, params)
    return gettext(template, **{k: _in_language(v) for k, v in params.items()})


def _in_language(value: object) -> object:
    if isinstance(value, Words):
        return gettext(value)
    if isinstance(value, date):
        return format_date(value, "medium")
    return value
