"""A window's price alone split over the member's lines: exact to the cent, adding up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from notify.domain.savings import Line, apportion, fee_for, report_lines
from shared.settings import Settings, SettingsError

D = Decimal


def test_member_3_of_the_worked_example() -> None:
    lines = [
        Line("DISP-10L", D("8"), D("38.00"), D("304.00"), 1),
        Line("SIL-300", D("20"), D("4.20"), D("84.00"), 1),
    ]
    disp, sil = report_lines(lines, D("445.80"))
    assert (disp.alone, disp.saved) == (D("349.29"), D("45.29"))
    assert (sil.alone, sil.saved) == (D("96.51"), D("12.51"))
    assert disp.saved + sil.saved == D("57.80")


def test_shares_always_add_up() -> None:
    for amount in ("0.01", "100.00", "445.80", "-3.17", "1000000.00"):
        parts = apportion(D(amount), [D("1"), D("1"), D("1")])
        assert sum(parts) == D(amount)
    assert apportion(D("0.02"), [D("1"), D("1"), D("1")]) == [D("0.01"), D("0.01"), D("0.00")]


def test_nothing_paid_splits_evenly() -> None:
    assert apportion(D("10.00"), [D("0"), D("0")]) == [D("5.00"), D("5.00")]


def test_a_months_fee_is_a_twelfth_of_the_year() -> None:
    assert fee_for(D("240.00"), None) == D("240.00")
    assert fee_for(D("240.00"), 3) == D("20.00")
    assert fee_for(D("100.00"), 3) == D("8.33")


def test_a_bad_fee_setting_is_refused_by_name(tmp_path) -> None:
    env = {"ZIRKEL_SECRET_KEY": "x" * 32, "ZIRKEL_VAR_DIR": str(tmp_path)}
    assert Settings.from_env(env).membership_fee == D("240.00")
    chosen = Settings.from_env(env | {"ZIRKEL_MEMBERSHIP_FEE": "180.50"})
    assert chosen.membership_fee == D("180.50")
    for bad in ("viel", "-1", "12.345", "NaN"):
        with pytest.raises(SettingsError, match="ZIRKEL_MEMBERSHIP_FEE"):
            Settings.from_env(env | {"ZIRKEL_MEMBERSHIP_FEE": bad})
