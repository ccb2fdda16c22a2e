"""Savings statements per member (JSON, CSV, PDF) and the cooperative's savings dashboard."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields

from notify.adapters.statement_documents import statement_csv, statement_pdf
from notify.domain.reports import report_details
from notify.entrypoints.member_paths import member_path
from notify.entrypoints.work import request_work
from notify.service_layer.outgoing import recipient
from notify.service_layer.savings_reports import window_report
from notify.service_layer.statements import cooperative_savings, member_statement
from shared.auth import require
from shared.errors import NotFound
from shared.fields import ascii_int
from shared.web import request_transaction

statements_api = Blueprint("notify_statements", __name__, url_prefix="/api/v1")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _amount() -> fields.Decimal:
    return fields.Decimal(as_string=True)


class FiguresSchema(Schema):
    baseline = _amount()
    paid = _amount()
    saved = _amount()


class InvoicedSchema(Schema):
    """What the windows were invoiced: gross and VAT, credit notes taken off."""

    invoiced_gross = _amount()
    invoiced_vat = _amount()


class StatementWindowOut(FiguresSchema, InvoicedSchema):
    window_id = fields.Integer()
    closed_at = fields.AwareDateTime()


class StatementMonthOut(FiguresSchema, InvoicedSchema):
    month = fields.Integer()
    windows = fields.Integer()
    membership_fee = _amount()


class StatementOut(FiguresSchema, InvoicedSchema):
    member_id = fields.Integer()
    member_name = fields.String(allow_none=True)
    year = fields.Integer()
    month = fields.Integer(allow_none=True)
    membership_fee = _amount()
    yearly_membership_fee = _amount()
    net = _amount()
    covers_fee = fields.Boolean()
    windows = fields.List(fields.Nested(StatementWindowOut))
    months = fields.List(fields.Nested(StatementMonthOut))


class SupplierSavingsOut(FiguresSchema):
    supplier_id = fields.Integer(allow_none=True)


class TradeSavingsOut(FiguresSchema):
    trade = fields.String()
    members = fields.Integer()


class DashboardOut(FiguresSchema):
    year = fields.Integer()
    members = fields.Integer()
    months = fields.List(
        fields.Nested(
            StatementMonthOut(exclude=("membership_fee", "invoiced_gross", "invoiced_vat"))
        )
    )
    suppliers = fields.List(fields.Nested(SupplierSavingsOut))
    trades = fields.List(fields.Nested(TradeSavingsOut))


def _period(year: int, month: int | None = None) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotFound("year", f"No such year: from {FIRST_YEAR} to {LAST_YEAR}.")
    if month is not None and not 1 <= month <= 12:
        raise NotFound("month", "No such month: from 1 to 12.")


NOT_YOURS = "This is another member's statement."


def _statement(member_id: int, year: int, month: int | None) -> tuple[dict[str, Any], str]:
    _period(year, month)
    fee = current_app.extensions["zirkel.settings"].membership_fee
    with request_work() as uow:
        member_path(uow.session, member_id, NOT_YOURS)
        statement = member_statement(uow.session, member_id, year, month, fee)
        language = request.args.get("lang") or recipient(uow, member_id).language
    return statement, language


@statements_api.get("/members/<id:member_id>/statements/<int:year>")
@statements_api.get("/members/<id:member_id>/statements/<int:year>/<int:month>")
@require("admin", "member")
def statement(member_id: int, year: int, month: int | None = None) -> ResponseReturnValue:
    """A member's savings statement for a year or a month, set against the membership fee."""
    body, _ = _statement(member_id, year, month)
    return jsonify(StatementOut().dump(body))


@statements_api.get("/members/<id:member_id>/statements/<int:year>.<any(csv, pdf):kind>")
@statements_api.get(
    "/members/<id:member_id>/statements/<int:year>/<int:month>.<any(csv, pdf):kind>"
)
@require("admin", "member")
def statement_download(
    member_id: int, year: int, kind: str, month: int | None = None
) -> ResponseReturnValue:
    """A member's statement as CSV or PDF (in the member's language, or ``?lang=``)."""
    body, language = _statement(member_id, year, month)
    period = f"{year}" if month is None else f"{year}-{month:02d}"
    if kind == "csv":
        data, content_type = statement_csv(body).encode("utf-8"), "text/csv; charset=utf-8"
    else:
        cooperative = current_app.extensions["zirkel.settings"].cooperative_name
        data, content_type = statement_pdf(body, language, cooperative), "application/pdf"
    response = Response(data, content_type=content_type)
    name = f"zirkel-savings-{member_id}-{period}.{kind}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@statements_api.get("/members/<id:member_id>/reports/<id:window_id>")
@require("admin", "member")
def savings_report(member_id: int, window_id: int) -> ResponseReturnValue:
    """A member's savings report of one pool window: lines, window and year to date."""
    with request_work() as uow:
        member_path(uow.session, member_id, NOT_YOURS)
        report = window_report(uow, member_id, window_id)
        if report is None:
            message = f"No savings of member {member_id} in window {window_id}."
            raise NotFound("window_id", message)
        return jsonify(report_details(report))


@statements_api.get("/savings/dashboard")
@require("admin")
def dashboard() -> ResponseReturnValue:
    """The cooperative's savings of a year (``?year=``, this year by default) per month,
    supplier and trade."""
    year = request.args.get("year", type=ascii_int) or datetime.now(UTC).year
    _period(year)
    with request_transaction() as session:
        return jsonify(DashboardOut().dump(cooperative_savings(session, year)))
