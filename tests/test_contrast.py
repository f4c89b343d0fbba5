"""Readable from five metres: every text colour of both themes has at least 7:1 contrast on every surface."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from layouts.charts import PALETTES
from obeya.brand import contrast  # the same maths checks a team's brand.accent

WALL_CSS = Path(__file__).resolve().parent.parent / "assets" / "wall.css"
TEXT_COLOURS = ("--text", "--muted", "--accent", "--good", "--warn", "--bad")
SURFACES = ("--bg", "--surface", "--surface-2")


def theme_variables(theme: str) -> dict[str, str]:
    """The custom properties the stylesheet sets for `#wall.theme-<theme>`."""
    css = WALL_CSS.read_text(encoding="utf-8")
    block = re.search(r"#wall\.theme-" + theme + r"\s*\{(.*?)\}", css, re.DOTALL).group(1)
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", block))


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("text", TEXT_COLOURS)
@pytest.mark.parametrize("surface", SURFACES)
def test_text_colours_have_at_least_seven_to_one_on_every_surface(theme, text, surface):
    colours = theme_variables(theme)
    assert contrast(colours[text], colours[surface]) >= 7.0, (theme, text, surface)


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("name", ["text", "muted", "line", "target", "good", "warn", "bad", "annotation"])
def test_chart_text_and_lines_have_at_least_seven_to_one_on_the_page(theme, name):
    page = theme_variables(theme)["--bg"]
    assert contrast(PALETTES[theme][name], page) >= 7.0, (theme, name)


def test_the_contrast_formula_matches_the_wcag_examples():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
