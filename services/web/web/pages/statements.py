"""A member's savings statements: a year with its months (and a chart), a month, and both
as CSV or PDF downloads; the figures come from notify."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from flask_login import current_user

from web.pages.charts import bars
from web.pages.needs import member_required
from web.pages.notify_client import download
from web.pages.remote import fetch, show_errors_as_pages

statement_pages = Blueprint("statements", __name__)
show_errors_as_pages(statement_pages)
YEARS = range(2000, 2101)


def _path(year: int, month: int | None) -> str:
    if year not in YEARS or (month is not None and not 1 <= month <= 12):
        abort(404)
    period = f"{year}" if month is None else f"{year}/{month}"
    return f"/members/{current_user.member_id}/statements/{period}"


@statement_pages.get("/statements")
@member_required
def this_year() -> ResponseReturnValue:
    year = datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin")).year
    return redirect(url_for("statements.statement", year=year))


@statement_pages.get("/statements/<int:year>")
@statement_pages.get("/statements/<int:year>/<int:month>")
@member_required
def statement(year: int, month: int | None = None) -> ResponseReturnValue:
    body = fetch("notify", _path(year, month), "member", current_user.member_id)
    return _page(year, month, body)


def _page(year: int, month: int | None, body: dict[str, Any] | None) -> str:
    chart = []
    if body and month is None:
        chart = [(month_name(year, m["month"], "MMM"), m["saved"]) for m in body["months"]]
    return render_template(
        "statement.html",
        statement=body,
        year=year,
        month=month,
        period=month_name(year, month, "MMMM yyyy") if month else str(year),
        bars=bars(chart),
        month_name=month_name,
    )


@statement_pages.get("/statements/<int:year>.<any(csv, pdf):kind>")
@statement_pages.get("/statements/<int:year>/<int:month>.<any(csv, pdf):kind>")
@member_required
def statement_download(year: int, kind: str, month: int | None = None) -> ResponseReturnValue:
    path = f"{_path(year, month)}.{kind}?lang={get_locale().language}"
    got = download(path, "member", current_user.member_id)
    if got is None:
        return _page(year, month, None), 503
    data, content_type = got
    name = f"zirkel-{year}" + (f"-{month:02d}" if month else "") + f".{kind}"
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@statement_pages.get("/reports/<id:window_id>")
@member_required
def report(window_id: int) -> ResponseReturnValue:
    """One pool window's savings report: each line, the window and the year to date."""
    member_id = current_user.member_id
    body = fetch("notify", f"/members/{member_id}/reports/{window_id}", "member", member_id)
    return render_template("statement_report.html", report=body, window_id=window_id)


def month_name(year: int, month: int, pattern: str) -> str:
    return format_date(date(year, month, 1), format=pattern)
