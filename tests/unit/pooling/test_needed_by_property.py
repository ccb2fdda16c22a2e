"""A need's "benötigt bis" rides through the close: on random windows, strict and
flexible, each allocation carries its need's date, and the close is otherwise the one
the same needs without dates get (dates never change what is ordered or paid)."""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from pooling.domain.closing import close_window
from pooling.domain.model import Need, OrderLine, SupplierOrder, WindowResult
from tests.unit.pooling.test_flexible_property import flexible_windows
from tests.unit.pooling.test_optimise_property import SOLVE, windows

DAYS = st.one_of(st.none(), st.integers(0, 60).map(lambda n: date(2027, 3, 1) + timedelta(n)))


def undated(result: WindowResult) -> list[SupplierOrder]:
    """The close's orders with every allocation's date taken off."""

    def line_of(line: OrderLine) -> OrderLine:
        allocations = tuple(replace(a, needed_by=None) for a in line.allocations)
        return replace(line, allocations=allocations)

    return [replace(o, lines=tuple(map(line_of, o.lines))) for o in result.orders]


def check(needs: list[Need], offers: dict, suppliers: dict, data: st.DataObject) -> None:
    dated = [replace(n, needed_by=data.draw(DAYS)) for n in needs]
    by_id = {n.need_id: n.needed_by for n in dated}

    result = close_window(dated, offers, suppliers, SOLVE)

    allocations = [a for o in result.orders for line in o.lines for a in line.allocations]
    assert all(a.needed_by == by_id[a.need_id] for a in allocations)
    plain = close_window(needs, offers, suppliers, SOLVE)
    assert undated(result) == list(plain.orders)
    assert (result.members, result.total_cost) == (plain.members, plain.total_cost)


@settings(max_examples=60, deadline=None)
@given(window=windows(), data=st.data())
def test_a_strict_close_carries_each_needs_date(window: tuple, data: st.DataObject) -> None:
    check(*window, data)


@settings(max_examples=40, deadline=None)
@given(window=flexible_windows(), data=st.data())
def test_a_flexible_close_carries_each_needs_date(window: tuple, data: st.DataObject) -> None:
    check(*window, data)
