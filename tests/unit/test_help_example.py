"""The help page's worked example is what the pool computes: its figures, closed by the
pooling rules, to the cent, in both languages' help."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pooling.adapters.highs import HighsSolver
from pooling.domain.closing import close_window
from pooling.domain.model import Need, Offer, SupplierTerms, Tier

HELP = Path(__file__).resolve().parents[2] / "services/web/web/templates/help"
SIL = "SIL-300"


def test_the_help_example_is_what_the_close_computes() -> None:
    offers = {
        SIL: [
            Offer(
                1,
                SIL,
                Decimal(12),
                (Tier(Decimal(0), Decimal("4.20")), Tier(Decimal(100), Decimal("3.60"))),
            )
        ]
    }
    terms = {1: SupplierTerms(1, Decimal("25.00"), Decimal("300.00"))}
    needs = [Need(i, i, SIL, Decimal(q)) for i, q in ((1, 50), (2, 40), (3, 14))]
    result = close_window(needs, offers, terms, HighsSolver(time_limit=10))

    [order] = result.orders
    [line] = order.lines
    assert (line.packs, line.ordered_quantity, line.unit_price) == (9, 108, Decimal("3.60"))
    assert order.shipping_fee == 0 and result.total_cost == Decimal("388.80")
    figures = [(m.baseline, m.paid, m.saved) for _id, m in sorted(result.members.items())]
    assert figures == [
        (Decimal("277.00"), Decimal("180.00"), Decimal("97.00")),
        (Decimal("226.60"), Decimal("144.00"), Decimal("82.60")),
        (Decimal("125.80"), Decimal("50.40"), Decimal("75.40")),
    ]
    total = (result.members_baseline, result.members_paid, result.members_saved)
    assert total == (Decimal("629.40"), Decimal("374.40"), Decimal("255.00"))
    assert (line.surplus_quantity, order.depot_value) == (4, Decimal("14.40"))

    german, english = (HELP / "de.html").read_text(), (HELP / "en.html").read_text()
    for baseline, paid, saved in [*figures, total]:
        for amount in (baseline, paid, saved):
            assert f"{amount:.2f}".replace(".", ",") + " €" in german, amount
            assert f"€{amount:.2f}" in english, amount
    assert "14,40 €" in german and "€14.40" in english
