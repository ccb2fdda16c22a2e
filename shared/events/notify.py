"""The events notify produces: a member's savings in a window, as reported to it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from marshmallow import Schema, fields

from shared.events.envelope import Event
from shared.events.pooling_parts import money


class SavingsReportedSchema(Schema):
    member_id = fields.Integer(required=True)
    window_id = fields.Integer(required=True)
    baseline = money()
    paid = money()
    saved = money()


@dataclass(frozen=True, kw_only=True)
class SavingsReported(Event):
    event_type: ClassVar[str] = "notify.savings.reported"
    schema: ClassVar[type[Schema]] = SavingsReportedSchema
    member_id: int
    window_id: int
    baseline: Decimal
    paid: Decimal
    saved: Decimal
