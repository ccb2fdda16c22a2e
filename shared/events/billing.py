"""The events billing produces: a member's invoice issued, a supplier's invoice disputed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from marshmallow import Schema, fields, validate

from shared.events.catalog import LANGUAGES
from shared.events.envelope import Event
from shared.events.pooling_parts import money


class InvoiceIssuedSchema(Schema):
    invoice_id = fields.Integer(required=True)
    number = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(("invoice", "credit_note")))
    member_id = fields.Integer(required=True)
    window_id = fields.Integer(required=True)
    issued_on = fields.Date(required=True)
    net_total = money()
    vat_total = money()
    gross_total = money()
    language = fields.String(load_default="de", validate=validate.OneOf(LANGUAGES))


@dataclass(frozen=True, kw_only=True)
class InvoiceIssued(Event):
    """A member's invoice or credit note (rule 13), issued and numbered; its documents are
    at billing's ``/api/v1/invoices/{invoice_id}/document.pdf`` and ``.xml``."""

    event_type: ClassVar[str] = "billing.invoice.issued"
    schema: ClassVar[type[Schema]] = InvoiceIssuedSchema
    invoice_id: int
    number: str
    type: str
    member_id: int
    window_id: int
    issued_on: date
    net_total: Decimal
    vat_total: Decimal
    gross_total: Decimal
    language: str = "de"


class DifferenceSchema(Schema):
    field = fields.String(required=True)
    expected = fields.String(allow_none=True, required=True)
    found = fields.String(allow_none=True, required=True)


class SupplierInvoiceDisputedSchema(Schema):
    supplier_invoice_id = fields.Integer(required=True)
    supplier_id = fields.Integer(required=True)
    number = fields.String(required=True)
    issued_on = fields.Date(required=True)
    gross_total = money()
    order_ids = fields.List(fields.Integer(), required=True)
    reason = fields.String(required=True)
    differences = fields.List(fields.Nested(DifferenceSchema), required=True)
    # which of the invoice's disputes this is; events from before it was carried: the first
    dispute_number = fields.Integer(load_default=1, validate=validate.Range(min=1))


@dataclass(frozen=True, kw_only=True)
class SupplierInvoiceDisputed(Event):
    """The office disputes a supplier's invoice (rule 14): the supplier is told why, with
    the differences billing found against its orders (``DifferenceSchema``). An invoice
    reopened (its orders assigned again) may be disputed again: ``dispute_number`` counts
    its disputes (1, 2, ...), so each is its own message to the supplier."""

    event_type: ClassVar[str] = "billing.supplier_invoice.disputed"
    schema: ClassVar[type[Schema]] = SupplierInvoiceDisputedSchema
    supplier_invoice_id: int
    supplier_id: int
    number: str
    issued_on: date
    gross_total: Decimal
    order_ids: list[int]
    reason: str
    differences: list[dict[str, Any]]
    dispute_number: int = 1
