"""Rules 2-4 and 6: packs, tiers, line values, fee shares, free shipping."""

from decimal import Decimal

import pytest

from pooling.domain.model import Need, Offer, SupplierTerms, Tier
from pooling.domain.pricing import money, price_line, shipping_fee_due, split_fee


def d(text: str) -> Decimal:
    return Decimal(text)


def offer(pack: str, *pairs: tuple[str, str]) -> Offer:
    return Offer(7, "SIL-300", d(pack), tuple(Tier(d(q), d(p)) for q, p in pairs))


SILICONE = offer("12", ("0", "4.20"), ("120", "3.60"))


@pytest.mark.parametrize(
    ("demand", "packs", "ordered", "unit_price", "line_total"),
    [
        ("64", 6, "72", "4.20", "302.40"),  # rounded up to whole packs
        ("24", 2, "24", "4.20", "100.80"),  # an exact multiple: no surplus
        ("0.5", 1, "12", "4.20", "50.40"),
        ("108", 9, "108", "4.20", "453.60"),  # below the tier
        ("109", 10, "120", "3.60", "432.00"),  # D < 120 but Q = 120 reaches the tier
        ("120", 10, "120", "3.60", "432.00"),  # exactly at the tier
    ],
)
def test_packs_and_tiers_follow_the_ordered_quantity(
    demand: str, packs: int, ordered: str, unit_price: str, line_total: str
) -> None:
    line = price_line(SILICONE, d(demand))
    assert line.packs == packs
    assert line.ordered_quantity == d(ordered)
    assert line.unit_price == d(unit_price)
    assert line.line_total == d(line_total)
    assert line.surplus_quantity == d(ordered) - d(demand)


@pytest.mark.parametrize(
    ("pack", "demand", "packs", "ordered"),
    [
        ("0.75", "2", 3, "2.25"),
        ("0.001", "1.234", 1234, "1.234"),
        ("2.5", "5.001", 3, "7.5"),
        ("2.5", "5", 2, "5.0"),
        ("0.333", "1", 4, "1.332"),
    ],
)
def test_decimal_pack_sizes_are_exact(pack: str, demand: str, packs: int, ordered: str) -> None:
    line = price_line(offer(pack, ("0", "1.00")), d(demand))
    assert (line.packs, line.ordered_quantity) == (packs, d(ordered))


def test_tiers_are_all_units_and_the_highest_reached_wins() -> None:
    stepped = offer("0.5", ("0", "42.00"), ("10", "38.00"), ("25", "34.50"))
    assert price_line(stepped, d("9.5")).unit_price == d("42.00")
    assert price_line(stepped, d("9.501")).unit_price == d("38.00")  # Q = 10
    assert price_line(stepped, d("10")).unit_price == d("38.00")
    assert price_line(stepped, d("24")).line_total == d("912.00")
    assert price_line(stepped, d("25")).line_total == d("862.50")


def test_line_value_rounds_half_up_to_cents() -> None:
    # 5 x 0.005 = 0.025: half up gives 0.03 (half even would give 0.02)
    assert price_line(offer("1", ("0", "0.005")), d("5")).line_total == d("0.03")
    assert price_line(offer("1", ("0", "1.2345")), d("1")).line_total == d("1.23")
    assert price_line(offer("0.5", ("0", "0.0149")), d("0.5")).line_total == d("0.01")
    assert money(d("2.345")) == d("2.35")
    assert money(d("2.3449")) == d("2.34")


def test_demand_must_be_positive() -> None:
    with pytest.raises(ValueError):
        price_line(SILICONE, d("0"))


@pytest.mark.parametrize(
    ("fee", "weights", "shares"),
    [
        ("25.00", ["228.00", "304.00"], ["10.71", "14.29"]),
        ("0.10", ["1", "2"], ["0.03", "0.07"]),  # the larger remainder gets the cent
        ("0.10", ["1", "1", "1"], ["0.04", "0.03", "0.03"]),  # equal remainders: earlier
        ("0.02", ["1", "1", "1"], ["0.01", "0.01", "0.00"]),
        ("0.02", ["1", "3", "1", "3"], ["0.00", "0.01", "0.00", "0.01"]),
        ("0.05", ["0", "0", "0"], ["0.02", "0.02", "0.01"]),  # all zero: equal split
        ("0.05", ["0", "7.00", "0"], ["0.00", "0.05", "0.00"]),
        ("0.00", ["3", "4"], ["0.00", "0.00"]),
        ("19.00", ["240.00"], ["19.00"]),
    ],
)
def test_split_fee_by_largest_remainder(fee: str, weights: list[str], shares: list[str]) -> None:
    got = split_fee(d(fee), [d(w) for w in weights])
    assert got == [d(s) for s in shares]
    assert sum(got, Decimal(0)) == d(fee)
    assert all(share == money(share) for share in got)


def test_split_fee_sums_exactly_for_awkward_weights() -> None:
    weights = [d("0.01"), d("33.33"), d("33.33"), d("33.34"), d("1000000"), d("0.007")]
    for cents in range(0, 400, 7):
        fee = Decimal(cents).scaleb(-2)
        shares = split_fee(fee, weights)
        assert sum(shares, Decimal(0)) == fee
        total = sum(weights, Decimal(0))
        for weight, share in zip(weights, shares, strict=True):
            assert abs(share - fee * weight / total) < d("0.01")


def test_split_fee_refuses_what_it_cannot_split() -> None:
    assert split_fee(d("0.00"), []) == []
    with pytest.raises(ValueError):
        split_fee(d("1.00"), [])
    with pytest.raises(ValueError):
        split_fee(d("1.005"), [d("1")])
    with pytest.raises(ValueError):
        split_fee(d("1.00"), [d("-1"), d("2")])


def test_fee_is_waived_from_exactly_the_threshold() -> None:
    terms = SupplierTerms(1, d("25.00"), d("500.00"))
    assert shipping_fee_due(terms, d("500.00")) == d("0.00")
    assert shipping_fee_due(terms, d("499.99")) == d("25.00")
    assert shipping_fee_due(terms, d("834.40")) == d("0.00")


def test_no_threshold_means_never_free() -> None:
    terms = SupplierTerms(1, d("19.00"), None)
    assert shipping_fee_due(terms, d("999999.99")) == d("19.00")
    assert shipping_fee_due(SupplierTerms(1, d("19.00"), d("0")), d("0.01")) == d("0.00")


def test_inputs_are_checked() -> None:
    with pytest.raises(ValueError):
        offer("1", ("1", "4.20"))  # first tier must start at 0
    with pytest.raises(ValueError):
        offer("1", ("0", "4.20"), ("10", "4.00"), ("10", "3.90"))
    with pytest.raises(ValueError):
        offer("0", ("0", "4.20"))
    with pytest.raises(TypeError):
        Tier(0.0, d("1.00"))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        SupplierTerms(1, d("1.999"), None)
    with pytest.raises(ValueError):
        Need(1, 1, "SIL-300", d("0"))


def test_progress_says_how_much_more_flexibility_reaches_the_next_tier() -> None:
    from pooling.domain.progress import pool_progress

    tiers = (Tier(Decimal(0), Decimal("38.00")), Tier(Decimal(25), Decimal("34.50")))
    offers = {"DISP": [Offer(1, "DISP", Decimal(1), tiers)]}
    (far,) = pool_progress({"DISP": Decimal(14)}, offers, flexible={"DISP": Decimal(6)})
    assert far.flexible == 6
    assert (far.offers[0].next_tier.missing, far.offers[0].next_tier.missing_flexible) == (11, 5)
    (near,) = pool_progress({"DISP": Decimal(20)}, offers, flexible={"DISP": Decimal(6)})
    assert near.offers[0].next_tier.missing_flexible == 0
    (strict,) = pool_progress({"DISP": Decimal(14)}, offers)
    assert (strict.flexible, strict.offers[0].next_tier.missing_flexible) == (0, 11)
