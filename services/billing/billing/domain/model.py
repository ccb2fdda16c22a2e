"""What an invoice is made of: the cooperative as seller, the member as buyer, lines, VAT
per rate and totals. Plain values, money as ``Decimal`` in euros and cents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
STANDARD_RATE = Decimal("19")  # rule 12: a product's rate unless set; fees always


def cents(amount: Decimal) -> Decimal:
    """round_half_up(amount, cents)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


class Kind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"

    @property
    def type_code(self) -> str:
        """EN 16931's document type (BT-3): 380 commercial invoice, 381 credit note."""
        return "380" if self is Kind.INVOICE else "381"


class LineKind(StrEnum):
    GOODS = "goods"
    FEE_SHARE = "fee_share"


@dataclass(frozen=True)
class Seller:
    """The cooperative, as its settings name it (rule 13)."""

    legal_name: str
    street: str
    postcode: str
    city: str
    country: str
    vat_id: str
    tax_number: str
    iban: str
    bic: str
    register: str
    contact: str
    phone: str
    email: str


@dataclass(frozen=True)
class Buyer:
    """A member as billing knows it from catalog: without a legal name its name stands."""

    member_id: int
    name: str
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str = "DE"
    vat_id: str | None = None
    email: str | None = None
    language: str = "de"
    legal_name: str | None = None

    @property
    def invoice_name(self) -> str:
        return self.legal_name or self.name


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    unit: str
    vat_rate: Decimal = STANDARD_RATE


@dataclass(frozen=True)
class ReceivedNeed:
    """What one need received of one order (rule 10): at the order's unit price, goods =
    round_half_up(received x unit price), and its share of the order's fee."""

    need_id: int
    order_id: int
    sku: str
    received: Decimal
    unit_price: Decimal
    goods: Decimal
    shipping_share: Decimal


@dataclass(frozen=True)
class InvoiceLine:
    position: int
    kind: LineKind
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    net_amount: Decimal
    vat_rate: Decimal
    sku: str | None = None
    need_id: int | None = None


@dataclass(frozen=True)
class VatAmount:
    """One rate of the VAT breakdown: taxable = the lines' net amounts at that rate."""

    rate: Decimal
    taxable: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Reference:
    """The invoice a credit note corrects (BT-25, BT-26)."""

    invoice_id: int
    number: str
    issued_on: date


@dataclass(frozen=True)
class Charges:
    """What a member is charged for one window: the lines, VAT per rate and totals."""

    lines: tuple[InvoiceLine, ...]
    vat_breakdown: tuple[VatAmount, ...]
    net_total: Decimal
    vat_total: Decimal
    gross_total: Decimal


@dataclass(frozen=True)
class Invoice:
    """An issued invoice or credit note; it never changes once issued."""

    kind: Kind
    number: str
    issued_on: date
    member_id: int
    window_id: int
    seller: Seller
    buyer: Buyer
    charges: Charges
    delivered_on: date | None = None
    savings: Decimal | None = None
    corrects: Reference | None = None
    generation: int = 1
    id: int | None = field(default=None, compare=False)

    @property
    def language(self) -> str:
        return self.buyer.language

    @property
    def lines(self) -> tuple[InvoiceLine, ...]:
        return self.charges.lines
