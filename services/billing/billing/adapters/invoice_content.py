"""An invoice as the JSON its row keeps (``content``) and back: decimals and dates as
text, so that what was issued reads back exactly."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

from billing.domain.model import (
    Buyer,
    Charges,
    Invoice,
    InvoiceLine,
    Kind,
    LineKind,
    Reference,
    Seller,
    VatAmount,
)


def content_of(invoice: Invoice) -> dict[str, Any]:
    charges = invoice.charges
    return {
        "seller": dataclasses.asdict(invoice.seller),
        "buyer": dataclasses.asdict(invoice.buyer),
        "lines": [_line(line) for line in charges.lines],
        "vat_breakdown": [
            {"rate": _text(v.rate), "taxable": _text(v.taxable), "vat": _text(v.vat)}
            for v in charges.vat_breakdown
        ],
        "delivered_on": _day(invoice.delivered_on),
        "savings": None if invoice.savings is None else _text(invoice.savings),
        "corrects": None
        if invoice.corrects is None
        else {
            "invoice_id": invoice.corrects.invoice_id,
            "number": invoice.corrects.number,
            "issued_on": invoice.corrects.issued_on.isoformat(),
        },
    }


def invoice_of(row: Any) -> Invoice:
    """The invoice of an ``InvoiceRow``."""
    content = row.content
    lines = tuple(
        InvoiceLine(
            **{k: v for k, v in line.items() if k not in DECIMALS | {"kind"}},
            kind=LineKind(line["kind"]),
            **{k: Decimal(line[k]) for k in DECIMALS},
        )
        for line in content["lines"]
    )
    breakdown = tuple(
        VatAmount(Decimal(v["rate"]), Decimal(v["taxable"]), Decimal(v["vat"]))
        for v in content["vat_breakdown"]
    )
    corrects = content["corrects"]
    return Invoice(
        kind=Kind(row.kind),
        number=row.number,
        issued_on=row.issued_on,
        member_id=row.member_id,
        window_id=row.window_id,
        seller=Seller(**content["seller"]),
        buyer=Buyer(**content["buyer"]),
        charges=Charges(lines, breakdown, row.net_total, row.vat_total, row.gross_total),
        delivered_on=_date(content["delivered_on"]),
        savings=None if content["savings"] is None else Decimal(content["savings"]),
        corrects=None
        if corrects is None
        else Reference(
            corrects["invoice_id"], corrects["number"], date.fromisoformat(corrects["issued_on"])
        ),
        generation=row.generation,
        id=row.id,
    )


DECIMALS = frozenset({"quantity", "unit_price", "net_amount", "vat_rate"})


def _line(line: InvoiceLine) -> dict[str, Any]:
    data = dataclasses.asdict(line)
    data["kind"] = line.kind.value
    for key in DECIMALS:
        data[key] = _text(data[key])
    return data


def _text(value: Decimal) -> str:
    return format(value, "f")


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)
