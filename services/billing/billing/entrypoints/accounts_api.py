"""The members' accounts under /api/v1: a member's ledger with its balance on a day (that
member or the office), its CSV export, the office's export of every account for the tax
adviser, and a payment the office books by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields

from billing.adapters.ledger import entries_of
from billing.adapters.orm import MemberRow
from billing.domain import accounts
from billing.domain.model import ZERO
from billing.entrypoints.work import request_work
from billing.service_layer.settling import BookPayment, book_payment
from shared.auth import current_principal, require
from shared.csv_files import GERMAN_EXCEL, Cell, csv_text
from shared.errors import NotFound
from shared.fields import Money, VisibleText
from shared.request_input import ApiError, load_body
from shared.web import request_transaction

accounts_api = Blueprint("billing_accounts", __name__, url_prefix="/api/v1")

CSV_HEADER = ["Mitglied", "Datum", "Art", "Beleg", "Soll", "Haben", "Saldo"]
CSV_KINDS = {"invoice": "Rechnung", "credit_note": "Gutschrift", "payment": "Zahlung"}


def _money() -> fields.Decimal:
    return fields.Decimal(as_string=True)


class EntryOut(Schema):
    booked_on = fields.Date()
    type = fields.String(metadata={"enum": ["invoice", "credit_note", "payment"]})
    reference = fields.String()
    debit = _money()
    credit = _money()
    balance = _money()


class AccountOut(Schema):
    member_id = fields.Integer()
    on = fields.Date(allow_none=True)
    balance = _money()
    entries = fields.List(fields.Nested(EntryOut))


class PaymentIn(Schema):
    amount = Money(required=True)
    booked_on = fields.Date(required=True)
    reference = VisibleText(140, required=True)


class PaymentOut(Schema):
    id = fields.Integer()
    member_id = fields.Integer()
    booked_on = fields.Date()
    amount = _money()
    reference = fields.String()


def day_arg(name: str) -> date | None:
    """``?on=`` and the like: a date written YYYY-MM-DD, else a 422 naming it."""
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw) if len(raw) == 10 and raw.isascii() else date.min
    except ValueError:
        pass
    raise ApiError(422, "Some fields are not valid.", {name: ["A date, YYYY-MM-DD."]})


def _own(member_id: int) -> None:
    """The office, or that member; another member's account is as good as absent.

    The office asking for a member billing was never told of gets a 404, not an empty
    account. A member's own token proves the member (catalog issues tokens only for the
    members it keeps), so its account is shown while its registration is on its way."""
    principal = current_principal()
    if not (principal.is_admin or principal.is_member(member_id)):
        raise NotFound("member_id", "There is no account of member %(member)s.", member=member_id)
    if principal.is_admin:
        with request_transaction() as session:
            known = session.get(MemberRow, member_id) is not None
        if not known:
            raise NotFound("member_id", "Billing knows no member %(member)s.", member=member_id)


def statements(member_ids: set[int] | None, on: date | None) -> dict[int, list[accounts.Line]]:
    """The accounts' lines up to ``on`` with their running balance, by member."""
    with request_transaction() as session:
        found = entries_of(session, member_ids)
    return {member_id: accounts.statement(found[member_id], on) for member_id in sorted(found)}


def account_out(member_id: int, on: date | None, lines: list[accounts.Line]) -> dict[str, Any]:
    entries = [
        {
            "booked_on": line.entry.booked_on,
            "type": line.entry.kind.value,
            "reference": line.entry.reference,
            "debit": line.entry.debit,
            "credit": line.entry.credit,
            "balance": line.balance,
        }
        for line in lines
    ]
    balance = lines[-1].balance if lines else ZERO
    return AccountOut().dump(
        {"member_id": member_id, "on": on, "balance": balance, "entries": entries}
    )


@accounts_api.get("/members/<id:member_id>/account")
@require("admin", "member")
def member_account(member_id: int) -> ResponseReturnValue:
    """The member's account up to ``?on=`` (every entry without it), with the balance."""
    _own(member_id)
    on = day_arg("on")
    return jsonify(account_out(member_id, on, statements({member_id}, on)[member_id]))


@accounts_api.get("/members/<id:member_id>/account.csv")
@require("admin", "member")
def member_account_csv(member_id: int) -> ResponseReturnValue:
    """The member's account as CSV for German Excel (semicolons, decimal commas, BOM)."""
    _own(member_id)
    return _csv(statements({member_id}, day_arg("on")), f"konto-{member_id}.csv")


@accounts_api.get("/accounts.csv")
@require("admin")
def all_accounts_csv() -> ResponseReturnValue:
    """Every member's account up to ``?on=``, for the tax adviser (German Excel)."""
    return _csv(statements(None, day_arg("on")), "konten.csv")


def _csv(found: dict[int, list[accounts.Line]], filename: str) -> Response:
    rows: list[list[Cell]] = [
        [
            member_id,
            line.entry.booked_on,
            CSV_KINDS[line.entry.kind.value],
            line.entry.reference,
            line.entry.debit,
            line.entry.credit,
            line.balance,
        ]
        for member_id, lines in found.items()
        for line in lines
    ]
    body = csv_text(CSV_HEADER, rows, GERMAN_EXCEL).encode("utf-8")
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@accounts_api.post("/members/<id:member_id>/payments")
@require("admin")
def book_member_payment(member_id: int) -> ResponseReturnValue:
    """A payment the office received from the member (a transfer, cash): it credits the
    member's account."""
    data = load_body(PaymentIn())
    command = BookPayment(member_id, data["booked_on"], data["amount"], data["reference"])
    with request_work() as uow:
        payment_id = book_payment(command, uow)
    return jsonify(PaymentOut().dump({"id": payment_id, **vars(command)})), 201
