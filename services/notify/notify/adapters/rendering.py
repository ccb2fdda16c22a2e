"""E-mails rendered from Jinja templates in the member's language, euros by locale.

A text template sets its ``subject`` at the top; an HTML twin, where there is
one, is rendered with the same context and escaped automatically.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, TemplateNotFound, select_autoescape

from notify.domain.amounts import LANGUAGES, day, euro, quantity, unit_price


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str | None


def language_of(*choices: str | None) -> str:
    """The first of ``choices`` Zirkel writes in; German otherwise."""
    return next((c for c in choices if c in LANGUAGES), "de")


class MailTemplates:
    def __init__(self) -> None:
        self._text = Environment(
            loader=PackageLoader("notify", "templates/mail"),
            autoescape=False,
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._html = Environment(
            loader=PackageLoader("notify", "templates/mail"),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        for env in (self._text, self._html):
            env.filters.update(euro=euro, unit_price=unit_price, quantity=quantity, day=day)

    def render(self, kind: str, language: str, **context: Any) -> RenderedMail:
        """``<kind>.<language>.txt`` (with its subject) and ``<kind>.<language>.html`` if any."""
        lang = language_of(language)
        context = {"lang": lang, **context}
        module = self._text.get_template(f"{kind}.{lang}.txt").make_module(context)
        subject = " ".join(str(getattr(module, "subject", "")).split())
        try:
            html: str | None = self._html.get_template(f"{kind}.{lang}.html").render(context)
        except TemplateNotFound:
            html = None
        return RenderedMail(subject=subject[:200], text=str(module).strip() + "\n", html=html)
