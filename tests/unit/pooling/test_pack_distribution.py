"""Rule 11's delivery: whole packs per address, the depot's address for the rest."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pooling.domain.closing import close_window
from pooling.domain.distribution import distribute, site_address
from pooling.domain.model import Need, Offer, SupplierTerms, Tier
from tests.unit.pooling.test_worked_example import NEEDS, OFFERS, SOLVE, SUPPLIERS, d

DEPOT = "Lager Handwerkszirkel, Rheinische Straße 1, 44137 Dortmund"


def test_the_worked_example_sends_disp_to_the_sites_and_sil_to_the_depot() -> None:
    (order,) = close_window(NEEDS, OFFERS, SUPPLIERS, SOLVE).orders
    shipped = distribute(order, DEPOT)
    assert [(drop.sku, drop.address, drop.packs, drop.quantity) for drop in shipped.drops] == [
        ("DISP-10L", "Firmensitz (Mitglied 1)", 6, d("6")),
        ("DISP-10L", "Firmensitz (Mitglied 3)", 8, d("8")),
        ("SIL-300", DEPOT, 6, d("72")),  # 30, 20 and 14 are no whole packs of 12
    ]
    where = {(p.need_id, p.sku): (p.address, p.at_depot) for p in shipped.pickups}
    assert where[(1, "DISP-10L")] == ("Firmensitz (Mitglied 1)", False)
    assert where[(2, "SIL-300")] == (DEPOT, True)


def test_a_site_with_whole_packs_gets_them_and_the_surplus_stays_at_the_depot() -> None:
    offers = {"SIL-300": [Offer(1, "SIL-300", d("12"), (Tier(d("0"), d("4.20")),))]}
    terms = {1: SupplierTerms(1, d("0.00"), None)}
    needs = [Need(1, 1, "SIL-300", d("24"), "Baustelle Hafen"), Need(2, 2, "SIL-300", d("5"))]
    (order,) = close_window(needs, offers, terms, SOLVE).orders
    drops = distribute(order, DEPOT).drops
    assert [(drop.address, drop.packs, drop.to_depot) for drop in drops] == [
        ("Baustelle Hafen", 2, False),
        (DEPOT, 1, True),  # m2's 5 and the surplus of 7
    ]


quantities = st.integers(1, 60).map(Decimal)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 4), st.sampled_from([None, "A", "B"]), quantities),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["1", "6", "12", "2.5"]),
)
def test_every_pack_has_one_address_and_no_pack_is_split(needs, pack) -> None:
    offers = {"X": [Offer(1, "X", d(pack), (Tier(d("0"), d("1.00")),))]}
    terms = {1: SupplierTerms(1, d("0.00"), None)}
    posted = [Need(i, m, "X", q, site) for i, (m, site, q) in enumerate(needs, start=1)]
    (order,) = close_window(posted, offers, terms, SOLVE).orders
    (line,) = order.lines
    shipped = distribute(order, DEPOT)
    assert sum(drop.packs for drop in shipped.drops) == line.packs
    assert sum(drop.quantity for drop in shipped.drops) == line.ordered_quantity
    assert all(drop.quantity == drop.packs * d(pack) for drop in shipped.drops)
    direct = {drop.address: drop.quantity for drop in shipped.drops if not drop.to_depot}
    for address, quantity in direct.items():
        assert quantity == sum(
            n.quantity for n in posted if site_address(n.member_id, n.delivery_site) == address
        )
    for pickup in shipped.pickups:
        assert pickup.at_depot == (pickup.address == DEPOT)
    assert sorted(p.need_id for p in shipped.pickups) == [n.need_id for n in posted]
