"""The office's settlement runs under /api/v1 (rule 15): start one for a period (it is
pending), read them, download their SEPA files (pain.008 direct debits, pain.001 credit
transfers), and mark one submitted to the bank (its collections then booked on the
members' accounts) or discard it (cancelled)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import Schema, ValidationError, fields, validates_schema

from billing.adapters.ledger import SettlementReader
from billing.adapters.orm import SettlementRow
from billing.domain.settlement import Period
from billing.domain.settlement_runs import RunState
from billing.entrypoints.work import request_work
from billing.service_layer.settling import (
    CancelSettlement,
    RunSettlement,
    SepaFiles,
    SubmitSettlement,
    cancel_settlement,
    run_settlement,
    submit_settlement,
)
from shared.auth import require
from shared.errors import NotFound, Words
from shared.request_input import counted_arg, load_body
from shared.web import request_transaction

settlements_api = Blueprint("billing_settlements", __name__, url_prefix="/api/v1")

FILES = {
    "debits": ("direct-debits.xml", Words("Settlement %(id)s has no direct debits.")),
    "transfers": ("credit-transfers.xml", Words("Settlement %(id)s has no credit transfers.")),
}


def _money() -> fields.Decimal:
    return fields.Decimal(as_string=True)


class SettlementIn(Schema):
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)

    @validates_schema
    def _in_order(self, data: dict[str, Any], **_: Any) -> None:
        if data["period_end"] < data["period_start"]:
            raise ValidationError("A period ends on or after its start.", "period_end")


class CollectionOut(Schema):
    member_id = fields.Integer()
    mandate_reference = fields.String()
    amount = _money()


class TransferOut(Schema):
    supplier_invoice_id = fields.Integer()
    supplier_id = fields.Integer()
    number = fields.String()
    execute_on = fields.Date()
    amount = _money()
    skonto = _money()


class SettlementOut(Schema):
    id = fields.Integer()
    period_start = fields.Date()
    period_end = fields.Date()
    run_on = fields.Date()
    collect_on = fields.Date()
    collected = _money()
    paid = _money()
    skonto = _money()
    state = fields.String(
        metadata={
            "enum": [s.value for s in RunState],
            "description": "pending: made, nothing booked yet; submitted: handed to the bank, "
            "its collections booked as payments on the members' accounts and its transfers "
            "paid; cancelled: discarded before submission, what it held free for a later run",
        }
    )
    submitted_on = fields.Date(allow_none=True)
    cancelled_on = fields.Date(allow_none=True)
    direct_debits = fields.String(allow_none=True, metadata={"description": "the file's path"})
    credit_transfers = fields.String(allow_none=True, metadata={"description": "the file's path"})
    collections = fields.List(fields.Nested(CollectionOut))
    transfers = fields.List(fields.Nested(TransferOut))


class SettlementsOut(Schema):
    settlements = fields.List(fields.Nested(SettlementOut))


def settlement_out(reader: SettlementReader, row: SettlementRow) -> dict[str, Any]:
    base = f"/api/v1/settlements/{row.id}/"
    has = reader.has_files(row.id)
    return SettlementOut().dump(
        {
            **{k: getattr(row, k) for k in ("id", "period_start", "period_end", "run_on")},
            **{k: getattr(row, k) for k in ("collect_on", "collected", "paid", "skonto")},
            **{k: getattr(row, k) for k in ("state", "submitted_on", "cancelled_on")},
            "direct_debits": base + FILES["debits"][0] if has["debits"] else None,
            "credit_transfers": base + FILES["transfers"][0] if has["transfers"] else None,
            "collections": [vars(p) for p in reader.collected(row.id)],
            "transfers": [vars(t) for t in reader.transfers(row.id)],
        }
    )


@settlements_api.post("/settlements")
@require("admin")
def start_settlement() -> ResponseReturnValue:
    """A settlement run for the period: its direct debits and credit transfers."""
    data = load_body(SettlementIn())
    command = RunSettlement(Period(data["period_start"], data["period_end"]))
    files: SepaFiles = current_app.extensions["zirkel.sepa_files"]
    with request_work() as uow:
        run = run_settlement(command, uow, files)
    return jsonify(_read(run.id)), 201


@settlements_api.post("/settlements/<id:settlement_id>/submit")
@require("admin")
def submit(settlement_id: int) -> ResponseReturnValue:
    """The office handed the run's files to the bank: its collections are booked as
    payments on the members' accounts. Again: the run as it is; 409 for a discarded one."""
    files: SepaFiles = current_app.extensions["zirkel.sepa_files"]
    command = SubmitSettlement(settlement_id, files.today())
    with request_work() as uow:
        submit_settlement(command, uow)
    return jsonify(_read(settlement_id))


@settlements_api.post("/settlements/<id:settlement_id>/cancel")
@require("admin")
def cancel(settlement_id: int) -> ResponseReturnValue:
    """Discard a run not submitted: what it held is free for a later run. Again: the run
    as it is; 409 for a submitted one."""
    files: SepaFiles = current_app.extensions["zirkel.sepa_files"]
    command = CancelSettlement(settlement_id, files.today())
    with request_work() as uow:
        cancel_settlement(command, uow)
    return jsonify(_read(settlement_id))


def _read(settlement_id: int) -> dict[str, Any]:
    with request_transaction() as session:
        reader = SettlementReader(session)
        return settlement_out(reader, _found(reader, settlement_id))


@settlements_api.get("/settlements")
@require("admin")
def list_settlements() -> ResponseReturnValue:
    """The settlement runs, newest first."""
    limit = counted_arg("limit", default=100, most=1000)
    with request_transaction() as session:
        reader = SettlementReader(session)
        found = [settlement_out(reader, row) for row in reader.find(limit)]
    return jsonify({"settlements": found})


@settlements_api.get("/settlements/<id:settlement_id>")
@require("admin")
def get_settlement(settlement_id: int) -> ResponseReturnValue:
    with request_transaction() as session:
        reader = SettlementReader(session)
        return jsonify(settlement_out(reader, _found(reader, settlement_id)))


@settlements_api.get("/settlements/<id:settlement_id>/direct-debits.xml")
@require("admin")
def direct_debits_file(settlement_id: int) -> ResponseReturnValue:
    """The run's SEPA direct debits (pain.008.001.02); 404 when it collected nothing."""
    return _file(settlement_id, "debits")


@settlements_api.get("/settlements/<id:settlement_id>/credit-transfers.xml")
@require("admin")
def credit_transfers_file(settlement_id: int) -> ResponseReturnValue:
    """The run's SEPA credit transfers (pain.001.001.03); 404 when it paid nothing."""
    return _file(settlement_id, "transfers")


def _found(reader: SettlementReader, settlement_id: int) -> SettlementRow:
    row = reader.get(settlement_id)
    if row is None:
        raise NotFound("settlement_id", "There is no settlement %(id)s.", id=settlement_id)
    return row


def _file(settlement_id: int, form: str) -> Response:
    name, none = FILES[form]
    with request_transaction() as session:
        reader = SettlementReader(session)
        _found(reader, settlement_id)
        body = reader.file(settlement_id, form)
    if body is None:
        raise NotFound("settlement_id", none, id=settlement_id)
    response = Response(body, content_type="application/xml")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="settlement-{settlement_id}-{name}"'
    )
    return response
