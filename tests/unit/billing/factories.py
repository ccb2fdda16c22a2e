"""Invoices' makings for the unit tests: the cooperative, members, the worked example's
products and what each need received (design.md, "Worked example, continued")."""

from __future__ import annotations

from decimal import Decimal

from billing.bootstrap import seller_of
from billing.domain.model import Buyer, Product, ReceivedNeed
from shared.settings import Settings

SETTINGS = Settings.from_env({"ZIRKEL_SECRET_KEY": "x" * 32})
SELLER = seller_of(SETTINGS)
DISP = Product("DISP-10L", "Dispersionsfarbe weiß, 10 l Eimer", "Eimer", Decimal("19"))
SIL = Product("SIL-300", "Sanitärsilikon transparent, 300 ml Kartusche", "Kartusche")
PRODUCTS = {p.sku: p for p in (DISP, SIL)}


def buyer(member_id: int, **fields: object) -> Buyer:
    base: dict[str, object] = {
        "name": f"Malerbetrieb {member_id}",
        "street": f"Hauptstraße {member_id}",
        "postcode": "44135",
        "city": "Dortmund",
        "email": f"m{member_id}@maler.example",
    }
    return Buyer(member_id=member_id, **(base | fields))  # type: ignore[arg-type]


def need(
    need_id: int, sku: str, received: str, unit_price: str, share: str = "0.00", order_id: int = 1
) -> ReceivedNeed:
    goods = (Decimal(received) * Decimal(unit_price)).quantize(Decimal("0.01"))
    return ReceivedNeed(
        need_id, order_id, sku, Decimal(received), Decimal(unit_price), goods, Decimal(share)
    )


# The worked example after the receipt: m1 5 DISP, m2 30 SIL, m3 7 DISP + 20 SIL, m4 14 SIL.
RECEIVED = {
    1: [need(1, "DISP-10L", "5", "38.00")],
    2: [need(2, "SIL-300", "30", "4.20")],
    3: [need(3, "DISP-10L", "7", "38.00"), need(4, "SIL-300", "20", "4.20")],
    4: [need(5, "SIL-300", "14", "4.20")],
}
