"""Where a page sends the browser on to when the request names the target (``next``):
only a path on this site, judged the way a browser will read the ``Location``."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import redirect, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response


class UnreadableTarget(BadRequest):
    """A target with a control character: a browser would drop tab and newlines (turning
    ``/<TAB>/host`` into ``//host``), and a header cannot carry a line break."""

    page_reason = _l("The address to go on to contains a control character.")


def on_to(target: str | None) -> Response:
    """A redirect to ``target`` if it is a path on this site, else to the start page."""
    return redirect(page_on_this_site(target) or url_for("pages.home"))


def page_on_this_site(target: str | None) -> str | None:
    """``target`` unchanged when a browser reads it as a path on this site; None when it
    names a scheme or a host or is not a path. A control character is refused (400).

    Nothing is stripped: the check sees what a browser sees (backslashes read as
    slashes), and a target it passes goes out exactly as it came.
    """
    if not target:
        return None
    if any(unicodedata.category(c) == "Cc" for c in target):
        raise UnreadableTarget()
    as_browser_reads = target.replace("\\", "/")
    if not as_browser_reads.startswith("/") or as_browser_reads.startswith("//"):
        return None  # "//host", "///host" and "/\\host" all name a host to a browser
    parts = urlsplit(as_browser_reads)
    return None if parts.scheme or parts.netloc else target
