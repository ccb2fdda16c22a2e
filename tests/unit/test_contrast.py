"""The style sheet's colours meet WCAG 2.1 AA: 4.5:1 for text, 3:1 for the focus ring."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "services/web/web/static/zirkel.css"

# (text, background) as the style sheet pairs them; a colour name is a --variable.
TEXT_ON_BACKGROUND = [
    ("ink", "paper"),  # body text on cards and tables
    ("ink", "wash"),  # body text on the page
    ("muted", "paper"),  # hints, small print, chart ticks
    ("muted", "wash"),
    ("brand", "paper"),  # links
    ("brand", "wash"),
    ("brand-dark", "paper"),  # link hover, status "open"
    ("#ffffff", "brand-dark"),  # header, selected suggestion
    ("#ffffff", "brand"),  # buttons
    ("#ffffff", "bad"),  # the delete button
    ("#ffffff", "#7a1014"),  # ... hovered
    ("ok", "paper"),  # saved amounts, chart values
    ("ok", "ok-wash"),
    ("bad", "paper"),  # errors
    ("bad", "bad-wash"),
    ("bad", "wash"),
    ("ink", "ok-wash"),  # flash messages
    ("ink", "bad-wash"),
    ("ink", "focus"),
]
# The focus ring: a yellow outline ringed in ink, so one of them stands out on any background.
FOCUS_RING = [("focus", "brand-dark"), ("ink", "paper"), ("ink", "wash")]


def colours() -> dict[str, str]:
    root = re.search(r":root\s*{([^}]*)}", CSS.read_text())
    assert root, "no :root block"
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", root.group(1)))


def luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def resolve(name: str) -> str:
    return name if name.startswith("#") else colours()[name]


def test_the_ratio_is_computed_as_wcag_defines_it() -> None:
    assert ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the known AA grey


@pytest.mark.parametrize(("text", "background"), TEXT_ON_BACKGROUND)
def test_text_has_at_least_4_5_to_1(text: str, background: str) -> None:
    assert ratio(resolve(text), resolve(background)) >= 4.5


@pytest.mark.parametrize(("ring", "background"), FOCUS_RING)
def test_the_focus_ring_has_at_least_3_to_1(ring: str, background: str) -> None:
    assert ratio(resolve(ring), resolve(background)) >= 3.0


def test_every_colour_of_the_style_sheet_is_checked() -> None:
    checked = {name for pair in TEXT_ON_BACKGROUND + FOCUS_RING for name in pair}
    unchecked = set(colours()) - checked - {"line"}  # borders only, never text
    assert unchecked == set()
    literals = set(re.findall(r"#[0-9a-fA-F]{6}\b|#fff\b", CSS.read_text().split("}", 1)[1]))
    assert literals - {"#fff"} <= checked, "a colour outside :root is not checked"
