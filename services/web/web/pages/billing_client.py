"""Billing's invoices API as the pages read it: typed answers (dataclasses with Decimal
money and dates, never loose dicts), asked from the server as the signed-in member (its
own invoices only; billing decides) or as the office.

Billing not answering (down, a timeout, a 5xx, a body that is no JSON) is
``BillingUnavailable``, for the page to say so; an invoice billing does not show the
caller (absent, or another member's) is ``InvoiceNotFound``. A document is streamed
through, never held whole in the web process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlencode

import requests

from shared.fields import ascii_int
from web.pages.remote import request

log = logging.getLogger(__name__)
T = TypeVar("T")
CHUNK = 64 * 1024
FORMS = {"pdf": "application/pdf", "xml": "application/xml"}


class BillingUnavailable(Exception):
    """Billing did not answer usefully; the page says so and asks to try again."""


class InvoiceNotFound(Exception):
    """No such invoice, or not one the caller may see (both are a 404 to billing)."""


@dataclass(frozen=True)
class Caller:
    """Whom the web app asks as: ``member`` with its member id, or the ``admin``."""

    role: str
    member_id: int | None = None


@dataclass(frozen=True)
class VatAmount:
    rate: Decimal
    taxable: Decimal
    vat: Decimal


@dataclass(frozen=True)
class InvoiceLine:
    position: int
    kind: str  # goods | fee_share
    sku: str | None
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    net_amount: Decimal
    vat_rate: Decimal


@dataclass(frozen=True)
class Corrected:
    """The invoice a credit note takes back."""

    id: int
    number: str
    issued_on: date


@dataclass(frozen=True)
class Invoice:
    id: int
    number: str
    kind: str  # invoice | credit_note
    member_id: int
    window_id: int
    issued_on: date
    delivered_on: date | None
    language: str
    net_total: Decimal
    vat_total: Decimal
    gross_total: Decimal
    savings: Decimal | None
    vat_breakdown: tuple[VatAmount, ...]
    lines: tuple[InvoiceLine, ...]
    corrects: Corrected | None

    @property
    def is_credit_note(self) -> bool:
        return self.kind == "credit_note"


@dataclass(frozen=True)
class InvoicePage:
    """One page of invoices, newest first; ``older`` pages on (billing's ``?before=``)."""

    invoices: tuple[Invoice, ...]
    older: int | None


@dataclass(frozen=True)
class Document:
    """A document on its way from billing: read ``chunks`` once, then it closes."""

    chunks: Iterator[bytes]
    content_type: str
    filename: str
    length: str | None


def invoices(
    caller: Caller,
    *,
    member_id: int | None = None,
    window_id: int | None = None,
    before: int | None = None,
    per_page: int = 50,
) -> InvoicePage:
    """The invoices the caller may see, ``per_page`` at a time, narrowed as asked."""
    query = {"member_id": member_id, "window_id": window_id, "before": before}
    query = {k: v for k, v in query.items() if v is not None} | {"limit": per_page + 1}
    body = _json(caller, f"/invoices?{urlencode(query)}")
    found = _read(lambda: tuple(_invoice(item) for item in body["invoices"]))
    page = found[:per_page]
    return InvoicePage(page, page[-1].id if len(found) > per_page else None)


def invoice_page(caller: Caller, params: dict[str, Any]) -> tuple[list[Invoice], int]:
    """One page of the invoices the query ``params`` of ``GET /invoices`` find (searched,
    sorted and paged by billing), and how many it finds in all (its ``X-Total-Count``)."""
    path = f"/invoices?{urlencode(params)}"
    response = _get(caller, path)
    body = _body(response, path)
    total = response.headers.get("X-Total-Count", "")
    return _read(lambda: ([_invoice(item) for item in body["invoices"]], ascii_int(total)))


def invoiced_windows(caller: Caller) -> list[int]:
    """The pool windows billing has invoiced, latest first."""
    body = _json(caller, "/invoices/windows")
    return _read(lambda: [int(window) for window in body["windows"]])


def invoice(caller: Caller, invoice_id: int) -> Invoice:
    body = _json(caller, f"/invoices/{invoice_id}")
    return _read(lambda: _invoice(body))


def document(caller: Caller, invoice_id: int, form: str) -> Document:
    """The invoice's PDF or XML as billing keeps it, to stream to the browser."""
    response = _get(caller, f"/invoices/{invoice_id}/document.{form}", stream=True)
    disposition = response.headers.get("Content-Disposition", "")
    filename = disposition.partition('filename="')[2].rstrip('"') or f"{invoice_id}.{form}"
    return Document(
        _chunks(response),
        response.headers.get("Content-Type", FORMS[form]),
        filename,
        response.headers.get("Content-Length"),
    )


def _chunks(response: requests.Response) -> Iterator[bytes]:
    try:
        yield from response.iter_content(CHUNK)
    except requests.RequestException as exc:  # cut off mid-way: the download ends short
        log.warning("billing broke off a document: %s", exc)
    finally:
        response.close()


def _json(caller: Caller, path: str) -> Any:
    return _body(_get(caller, path), path)


def _body(response: requests.Response, path: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise BillingUnavailable(f"billing answered no JSON for {path}") from exc


def _get(caller: Caller, path: str, stream: bool = False) -> requests.Response:
    response = request("billing", "GET", path, caller.role, caller.member_id, stream=stream)
    if response is None:
        raise BillingUnavailable(f"billing is unavailable for {path}")
    if response.status_code in (403, 404):
        response.close()
        raise InvoiceNotFound(path)
    if response.status_code != 200:
        response.close()
        log.warning("billing answered %s for %s", response.status_code, path)
        raise BillingUnavailable(f"{response.status_code} from billing for {path}")
    return response


def _read(parse: Callable[[], T]) -> T:
    """Billing's answer read into dataclasses; one off its contract is billing failing."""
    try:
        return parse()
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        log.warning("billing answered off its contract: %r", exc)
        raise BillingUnavailable(f"billing's answer is off its contract: {exc!r}") from exc


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _invoice(body: dict[str, Any]) -> Invoice:
    corrects = body.get("corrects")
    savings = body.get("savings")
    return Invoice(
        id=body["id"],
        number=body["number"],
        kind=body["type"],
        member_id=body["member_id"],
        window_id=body["window_id"],
        issued_on=date.fromisoformat(body["issued_on"]),
        delivered_on=_day(body.get("delivered_on")),
        language=body.get("language", "de"),
        net_total=Decimal(body["net_total"]),
        vat_total=Decimal(body["vat_total"]),
        gross_total=Decimal(body["gross_total"]),
        savings=None if savings is None else Decimal(savings),
        vat_breakdown=tuple(
            VatAmount(Decimal(v["rate"]), Decimal(v["taxable"]), Decimal(v["vat"]))
            for v in body["vat_breakdown"]
        ),
        lines=tuple(_line(line) for line in body["lines"]),
        corrects=None
        if corrects is None
        else Corrected(
            corrects["id"], corrects["number"], date.fromisoformat(corrects["issued_on"])
        ),
    )


def _line(line: dict[str, Any]) -> InvoiceLine:
    return InvoiceLine(
        position=line["position"],
        kind=line["kind"],
        sku=line.get("sku"),
        description=line["description"],
        quantity=Decimal(line["quantity"]),
        unit=line["unit"],
        unit_price=Decimal(line["unit_price"]),
        net_amount=Decimal(line["net_amount"]),
        vat_rate=Decimal(line["vat_rate"]),
    )
