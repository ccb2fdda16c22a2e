"""The help page: tiers, pack rounding, the depot, "alone (share)" and the savings in plain
words with a worked example, in German and English; open to everyone, signed in or not.
Pages that use these words link to its sections (``_help_link.html``)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

# The sections other pages link to, by their anchor.
TOPICS = ("tiers", "packs", "depot", "alone", "savings")

help_pages = Blueprint("help_pages", __name__)


@help_pages.get("/help")
def guide() -> ResponseReturnValue:
    """The help in the page's language (its prose is written per language)."""
    language = "en" if get_locale().language == "en" else "de"
    return render_template("help.html", body=f"help/{language}.html")


@help_pages.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """Browsers that ask for the old name get the SVG icon."""
    return redirect(url_for("static", filename="favicon.svg"), 301)
