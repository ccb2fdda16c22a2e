"""The issued invoices on a SQLAlchemy session: written a window at a time by issuing
(``SqlInvoices``), read by the API (``InvoiceReader``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Numeric, Select, cast, func, insert, or_, select, update
from sqlalchemy.orm import Session

from billing.adapters.invoice_content import content_of, invoice_of
from billing.adapters.orm import InvoiceCounter, InvoiceRow, MemberRow
from billing.domain.model import Invoice, Kind
from billing.service_layer.unit_of_work import Documents
from shared.db import insert_new_only


@dataclass(frozen=True)
class Issued:
    """What the window's issuing needs to know of an invoice already issued."""

    id: int
    member_id: int
    kind: str
    generation: int
    corrects_id: int | None


class SqlInvoices:
    """The window's issued invoices are read once per unit of work for all its members
    (the window is locked while it is handled); what this unit adds drops what was read."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.windows: dict[int, list[Issued]] = {}

    def _issued(self, window_id: int) -> list[Issued]:
        if window_id not in self.windows:
            rows = self.session.execute(
                select(
                    InvoiceRow.id,
                    InvoiceRow.member_id,
                    InvoiceRow.kind,
                    InvoiceRow.generation,
                    InvoiceRow.corrects_id,
                ).where(InvoiceRow.window_id == window_id)
            )
            self.windows[window_id] = [Issued(*row) for row in rows]
        return self.windows[window_id]

    def current(self, member_id: int, window_id: int) -> Invoice | None:
        """The member's invoice for the window that no credit note has taken back."""
        issued = self._issued(window_id)
        credited = {i.corrects_id for i in issued if i.corrects_id is not None}
        standing = [
            i
            for i in issued
            if i.member_id == member_id and i.kind == Kind.INVOICE.value and i.id not in credited
        ]
        if not standing:
            return None
        newest = max(standing, key=lambda i: i.generation)
        row = self.session.get(InvoiceRow, newest.id)
        return None if row is None else invoice_of(row)

    def last_generation(self, member_id: int, window_id: int) -> int:
        mine = [i.generation for i in self._issued(window_id) if i.member_id == member_id]
        return max(mine, default=0)

    def next_numbers(self, year: int, count: int) -> int:
        """The first of the year's next ``count`` numbers: its counter row is locked (FOR
        UPDATE) until this transaction ends, so numbers are taken one transaction after
        another, and a transaction that does not commit gives its numbers back."""
        table = InvoiceCounter.__table__
        dialect = self.session.get_bind().dialect.name
        self.session.execute(insert_new_only(table, dialect), {"year": year, "last_number": 0})
        last = self.session.scalar(
            select(InvoiceCounter.last_number).where(InvoiceCounter.year == year).with_for_update()
        )
        assert last is not None
        self.session.execute(
            update(InvoiceCounter)
            .where(InvoiceCounter.year == year)
            .values(last_number=last + count)
        )
        return last + 1

    def add_all(self, issued: Sequence[tuple[Invoice, Documents]]) -> list[int]:
        """The invoices with their documents, in one statement; their ids in their order."""
        if not issued:
            return []
        self.windows.clear()
        rows = [_row(invoice, documents) for invoice, documents in issued]
        statement = insert(InvoiceRow).returning(InvoiceRow.id, sort_by_parameter_order=True)
        return list(self.session.scalars(statement, rows))


def _row(invoice: Invoice, documents: Documents) -> dict[str, object]:
    charges = invoice.charges
    return {
        "number": invoice.number,
        "kind": invoice.kind.value,
        "member_id": invoice.member_id,
        "window_id": invoice.window_id,
        "generation": invoice.generation,
        "issued_on": invoice.issued_on,
        "language": invoice.language,
        "net_total": charges.net_total,
        "vat_total": charges.vat_total,
        "gross_total": charges.gross_total,
        "corrects_id": None if invoice.corrects is None else invoice.corrects.invoice_id,
        "content": content_of(invoice),
        "pdf": documents.pdf,
        "xml": documents.xml,
    }


# What a list of invoices may be sorted by; amounts by value (SQLite keeps them as text).
SORTS: dict[str, ColumnElement] = {
    "id": InvoiceRow.id,
    "number": InvoiceRow.number,
    "issued_on": InvoiceRow.issued_on,
    "member": MemberRow.name,
    "window_id": InvoiceRow.window_id,
    "type": InvoiceRow.kind,
    "net_total": cast(InvoiceRow.net_total, Numeric(14, 2)),
    "vat_total": cast(InvoiceRow.vat_total, Numeric(14, 2)),
    "gross_total": cast(InvoiceRow.gross_total, Numeric(14, 2)),
}


@dataclass(frozen=True)
class InvoiceSearch:
    """Which invoices a list asks for: narrowed (member, window, kind, ``text`` in the
    number or the member's name, older than ``before``), sorted, ``limit`` to a page."""

    member_id: int | None = None
    window_id: int | None = None
    kind: str | None = None
    text: str = ""
    before: int | None = None
    sort: str = "id"
    descending: bool = True
    limit: int = 500
    page: int = 1


class InvoiceReader:
    """The issued invoices as the API shows them, newest first unless asked otherwise."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, search: InvoiceSearch) -> tuple[list[Invoice], int]:
        """The page of invoices the search finds, and how many it finds in all."""
        found = _narrowed(select(InvoiceRow), search)
        total = self.session.scalar(select(func.count()).select_from(found.subquery()))
        column = SORTS[search.sort]
        if search.descending:
            order = (column.desc().nulls_last(), InvoiceRow.id.desc())
        else:
            order = (column.asc().nulls_last(), InvoiceRow.id.asc())
        page = found.order_by(*order).limit(search.limit)
        page = page.offset((search.page - 1) * search.limit)
        return [invoice_of(row) for row in self.session.scalars(page)], total or 0

    def windows(self) -> list[int]:
        """The pool windows invoiced so far, latest first."""
        query = select(InvoiceRow.window_id).distinct().order_by(InvoiceRow.window_id.desc())
        return list(self.session.scalars(query))

    def get(self, invoice_id: int) -> Invoice | None:
        row = self.session.get(InvoiceRow, invoice_id)
        return None if row is None else invoice_of(row)

    def document(self, invoice_id: int, form: str) -> bytes:
        column = {"pdf": InvoiceRow.pdf, "xml": InvoiceRow.xml}[form]
        found = self.session.scalar(select(column).where(InvoiceRow.id == invoice_id))
        assert found is not None
        return found


def _narrowed(query: Select, search: InvoiceSearch) -> Select:
    query = query.outerjoin(MemberRow, MemberRow.member_id == InvoiceRow.member_id)
    if search.before is not None:
        query = query.where(InvoiceRow.id < search.before)
    if search.member_id is not None:
        query = query.where(InvoiceRow.member_id == search.member_id)
    if search.window_id is not None:
        query = query.where(InvoiceRow.window_id == search.window_id)
    if search.kind is not None:
        query = query.where(InvoiceRow.kind == search.kind)
    if search.text:
        needle = search.text.lower()
        searched = (InvoiceRow.number, MemberRow.name, MemberRow.legal_name)
        query = query.where(
            or_(*(func.lower(c).contains(needle, autoescape=True) for c in searched))
        )
    return query
