"""The supplier-invoice use cases with fakes: what is refused leaves nothing behind, a
supplier bills only its own orders, an order's stages arrive in any order, an early
invoice is matched when the goods arrive, and only a dispute tells the supplier."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

import pytest

from billing.domain.invoice_matching import ExpectedLine, ExpectedOrder
from billing.domain.supplier_invoices import (
    Decision,
    Match,
    MatchStatus,
    Party,
    StoredSupplierInvoice,
    SupplierInvoice,
    SupplierInvoiceLine,
    SupplierTerms,
)
from billing.service_layer import supplier_invoices as si
from shared.errors import Conflict, Forbidden, Invalid
from shared.events import Event

LINES = (ExpectedLine("DISP-10L", Decimal("12"), Decimal("38.00")),)
RECEIVED = ExpectedOrder(1, 1, "received", LINES, Decimal("0.00"))


def bill(number: str = "RE-1", order: str | None = "1", currency: str = "EUR") -> SupplierInvoice:
    line = SupplierInvoiceLine(
        Decimal("12"), Decimal("38.00"), Decimal("456.00"), Decimal("19"), "DISP-10L"
    )
    return SupplierInvoice(
        number=number,
        type_code="380",
        issued_on=date(2026, 3, 17),
        seller=Party("Baustoffhandel A GmbH", "DE123456789"),
        currency=currency,
        order_reference=order,
        lines=(line,),
        vat_breakdown=(),
        net_total=Decimal("456.00"),
        vat_total=Decimal("86.64"),
        gross_total=Decimal("542.64"),
        due_payable=Decimal("542.64"),
    )


@dataclass
class FakeInvoices:
    stored: dict[int, tuple[StoredSupplierInvoice, str]] = field(default_factory=dict)

    def add(self, supplier_id, seller_key, invoice, match, document):  # type: ignore[no-untyped-def]
        new = StoredSupplierInvoice(
            len(self.stored) + 1, supplier_id, invoice, match, order_ids=match.order_ids
        )
        self.stored[new.id] = (new, seller_key)
        return new

    def known(self, seller_key: str, number: str) -> int | None:
        found = [
            s.id
            for s, key in self.stored.values()
            if (key, s.invoice.number) == (seller_key, number)
        ]
        return found[0] if found else None

    def get(self, invoice_id: int, *, lock: bool = False) -> StoredSupplierInvoice | None:
        return self.stored[invoice_id][0] if invoice_id in self.stored else None

    def billing(self, order_ids, but=None):  # type: ignore[no-untyped-def]
        return [
            s
            for s, _key in self.stored.values()
            if set(s.order_ids) & set(order_ids) and s.id != but and s.payable
        ]

    def rematch(self, invoice_id: int, supplier_id: int | None, match: Match) -> None:
        s, key = self.stored[invoice_id]
        self.stored[invoice_id] = (
            replace(s, supplier_id=supplier_id, match=match, order_ids=match.order_ids),
            key,
        )

    def decide(self, invoice_id: int, decision: Decision, reason: str | None) -> None:
        s, key = self.stored[invoice_id]
        disputes = s.disputes + (decision is Decision.DISPUTED)
        self.stored[invoice_id] = (
            replace(s, decision=decision, reason=reason, disputes=disputes),
            key,
        )

    def open_invoices_of(self, order_id: int) -> list[int]:
        return [
            s.id
            for s, _k in self.stored.values()
            if order_id in s.order_ids and s.decision is Decision.OPEN
        ]


@dataclass
class FakeOrders:
    orders: dict[int, tuple[ExpectedOrder, int]] = field(default_factory=dict)

    def get(self, order_ids: tuple[int, ...]) -> list[ExpectedOrder]:
        return [self.orders[o][0] for o in sorted(order_ids) if o in self.orders]

    def revision(self, order_id: int) -> int | None:
        return self.orders[order_id][1] if order_id in self.orders else None

    def save(self, order: ExpectedOrder, revision: int) -> None:
        self.orders[order.order_id] = (order, revision)

    def set_status(self, order_id: int, status: str) -> None:
        if order_id in self.orders:
            order, stage = self.orders[order_id]
            self.orders[order_id] = (replace(order, status=status), stage)


@dataclass
class FakeSuppliers:
    terms: dict[int, SupplierTerms] = field(default_factory=dict)

    def save(self, terms: SupplierTerms) -> None:
        self.terms[terms.supplier_id] = terms

    def get(self, supplier_id: int) -> SupplierTerms | None:
        return self.terms.get(supplier_id)


@dataclass
class FakeUnit:
    supplier_invoices: FakeInvoices = field(default_factory=FakeInvoices)
    billable_orders: FakeOrders = field(default_factory=FakeOrders)
    suppliers: FakeSuppliers = field(default_factory=FakeSuppliers)
    published: list[Event] = field(default_factory=list)

    def publish(self, event: Event) -> None:
        self.published.append(event)


def receive(uow: FakeUnit, invoice: SupplierInvoice, supplier_id: int | None = None):  # type: ignore[no-untyped-def]
    cmd = si.ReceiveSupplierInvoice(b"<x/>", "application/xml", supplier_id)
    return si.receive_supplier_invoice(cmd, uow, read=lambda _data: invoice)


@pytest.fixture
def uow() -> FakeUnit:
    unit = FakeUnit()
    unit.billable_orders.save(RECEIVED, 0)
    unit.billable_orders.save(ExpectedOrder(2, 2, "received", LINES, Decimal("0.00")), 0)
    return unit


def test_an_invoice_naming_its_order_is_matched_and_kept(uow: FakeUnit) -> None:
    stored = receive(uow, bill(order="Bestellung 1"))
    assert stored.match.status is MatchStatus.MATCHED and stored.supplier_id == 1
    assert stored.payable and uow.published == []


@pytest.mark.parametrize(
    ("invoice", "supplier_id", "error"),
    [
        (bill(currency="DKK"), None, Invalid),
        (replace(bill(), type_code="381"), None, Invalid),
        (replace(bill(), gross_total=Decimal("542.641")), None, Invalid),
        (bill(order="2"), 1, Forbidden),  # order 2 is supplier 2's
    ],
)
def test_what_cannot_be_paid_is_refused_and_nothing_kept(
    uow: FakeUnit, invoice: SupplierInvoice, supplier_id: int | None, error: type
) -> None:
    with pytest.raises(error):
        receive(uow, invoice, supplier_id)
    assert uow.supplier_invoices.stored == {}


def test_the_same_number_from_the_same_supplier_twice_is_a_conflict(uow: FakeUnit) -> None:
    receive(uow, bill())
    with pytest.raises(Conflict):
        receive(uow, bill(), supplier_id=1)
    assert receive(uow, bill(order="2")).supplier_id == 2  # another supplier's RE-1


def test_a_late_confirmation_does_not_undo_the_receipt(uow: FakeUnit) -> None:
    confirmed = ExpectedOrder(
        1, 1, "confirmed", (replace(LINES[0], quantity=Decimal("14")),), Decimal(0)
    )
    si.record_billable_order(si.RecordBillableOrder(confirmed, -1), uow)
    assert uow.billable_orders.get((1,))[0].status == "received"
    corrected = replace(RECEIVED, lines=(replace(LINES[0], quantity=Decimal("13")),))
    si.record_billable_order(si.RecordBillableOrder(corrected, 1), uow)
    assert uow.billable_orders.get((1,))[0].lines[0].quantity == Decimal("13")


def test_an_invoice_before_the_goods_is_matched_when_they_arrive() -> None:
    uow = FakeUnit()
    placed = replace(
        RECEIVED, status="confirmed", lines=(replace(LINES[0], quantity=Decimal("14")),)
    )
    si.record_billable_order(si.RecordBillableOrder(placed, -1), uow)
    early = receive(uow, bill())
    assert early.match.status is MatchStatus.UNMATCHED
    si.record_billable_order(si.RecordBillableOrder(RECEIVED, 0), uow)
    assert uow.supplier_invoices.get(early.id).match.status is MatchStatus.MATCHED  # type: ignore[union-attr]


def test_only_a_dispute_tells_the_supplier_and_an_unmatched_invoice_waits(uow: FakeUnit) -> None:
    nameless = receive(uow, bill(order=None))
    with pytest.raises(Conflict):
        si.decide_supplier_invoice(
            si.DecideSupplierInvoice(nameless.id, Decision.ACCEPTED, "ok"), uow
        )
    wrong = receive(uow, replace(bill("RE-2"), net_total=Decimal("999.00")))
    assert wrong.match.status is MatchStatus.DIFFERENCES and not wrong.payable
    disputed = si.decide_supplier_invoice(
        si.DecideSupplierInvoice(wrong.id, Decision.DISPUTED, "Summe falsch"), uow
    )
    assert disputed.decision is Decision.DISPUTED and not disputed.payable
    [event] = uow.published
    assert event.event_type == "billing.supplier_invoice.disputed"
    assert event.payload["differences"][0]["field"] == "net_total"
    accepted = si.decide_supplier_invoice(
        si.DecideSupplierInvoice(wrong.id, Decision.ACCEPTED, "geklärt"), uow
    )
    assert accepted.payable and len(uow.published) == 1
    with pytest.raises(Conflict):
        si.assign_orders(si.AssignOrders(wrong.id, (1,)), uow)


def test_an_invoice_disputed_again_after_its_orders_were_assigned_is_a_second_dispute(
    uow: FakeUnit,
) -> None:
    wrong = receive(uow, replace(bill("RE-2"), net_total=Decimal("999.00")))
    dispute = si.DecideSupplierInvoice(wrong.id, Decision.DISPUTED, "Summe falsch")
    si.decide_supplier_invoice(dispute, uow)
    reopened = si.assign_orders(si.AssignOrders(wrong.id, (1,)), uow)
    assert reopened.decision is Decision.OPEN and reopened.disputes == 1
    again = si.DecideSupplierInvoice(wrong.id, Decision.DISPUTED, "Summe immer noch falsch")
    assert si.decide_supplier_invoice(again, uow).disputes == 2
    first, second = uow.published
    assert (first.payload["dispute_number"], first.payload["reason"]) == (1, "Summe falsch")
    assert (second.payload["dispute_number"], second.payload["reason"]) == (
        2,
        "Summe immer noch falsch",
    )


def test_a_corrected_invoice_matches_beside_the_wrong_one_it_replaces(uow: FakeUnit) -> None:
    wrong = receive(uow, replace(bill("RE-1"), net_total=Decimal("999.00")))
    assert wrong.match.status is MatchStatus.DIFFERENCES
    corrected = receive(uow, bill("RE-2"))
    assert corrected.match.status is MatchStatus.MATCHED  # the wrong one is not payable
    again = receive(uow, bill("RE-3"))
    assert again.match.status is MatchStatus.DIFFERENCES  # RE-2 bills all that arrived


def _try(uow: FakeUnit, invoice_id: int, action: str) -> bool:
    """Whether billing takes ``action`` on the invoice (on a copy of the fake's state)."""
    trial = deepcopy(uow)
    try:
        if action == "assign":
            si.assign_orders(si.AssignOrders(invoice_id, (1,)), trial)
        else:
            decision = Decision.ACCEPTED if action == "accept" else Decision.DISPUTED
            si.decide_supplier_invoice(si.DecideSupplierInvoice(invoice_id, decision, "x"), trial)
    except Conflict:
        return False
    return True


@pytest.mark.parametrize(
    "state", ["unmatched", "differences", "matched", "disputed", "accepted", "reopened"]
)
def test_the_actions_an_invoice_offers_are_exactly_those_billing_takes(
    uow: FakeUnit, state: str
) -> None:
    """The pages offer what ``actions`` lists: each listed one is taken, each other one
    refused, in every state an invoice can be in."""
    if state == "unmatched":
        stored = receive(uow, bill(order=None))
    elif state == "matched":
        stored = receive(uow, bill())
    else:
        stored = receive(uow, replace(bill(), net_total=Decimal("999.00")))
    if state in ("disputed", "reopened", "accepted"):
        verdict = Decision.ACCEPTED if state == "accepted" else Decision.DISPUTED
        si.decide_supplier_invoice(si.DecideSupplierInvoice(stored.id, verdict, "x"), uow)
    if state == "reopened":
        si.assign_orders(si.AssignOrders(stored.id, (1,)), uow)
    offered = uow.supplier_invoices.get(stored.id).actions  # type: ignore[union-attr]
    assert offered == tuple(a for a in ("assign", "accept", "dispute") if _try(uow, stored.id, a))
