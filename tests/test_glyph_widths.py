"""The glyph widths text fitting uses are the vendored font's: derived by layouts/fontmetrics.py."""

from __future__ import annotations

from pathlib import Path

from layouts import glyph_widths
from layouts.textfit import text_width
from layouts.fontmetrics import module_text

COMMITTED = Path(__file__).resolve().parent.parent / "layouts" / "glyph_widths.py"


def test_committed_widths_match_the_vendored_fonts():
    assert COMMITTED.read_text(encoding="utf-8") == module_text(), (
        "run: python -m layouts.fontmetrics > layouts/glyph_widths.py")


def test_the_table_covers_ascii_and_the_german_and_dutch_letters_in_both_weights():
    for table in (glyph_widths.REGULAR, glyph_widths.BOLD):
        assert all(code in table for code in range(32, 127))
        assert all(ord(char) in table for char in "äöüÄÖÜßéëï–—…·−")


def test_bold_runs_wider_and_the_widths_are_the_fonts_in_thousandths_of_an_em():
    assert glyph_widths.REGULAR[ord(" ")] == 280
    assert text_width("Schmerzpunkte", 1.0, bold=True) > text_width("Schmerzpunkte", 1.0)
    assert 5.0 < text_width("Übermäßig lange Wörter", 1.0) < 15.0


def test_characters_atkinson_lacks_are_measured_from_the_vendored_fallback_fonts():
    for table in (glyph_widths.REGULAR, glyph_widths.BOLD):
        assert all(ord(char) in table for char in "Привет Γειά İstanbul Tiếng Việt שלום مرحبا → ✓ ★ ≥ ○ ┆ ▲▼▶")
        assert all(ord(char) in table for char in "👍😡🙏❤✅👨💻🏽🇳🇱")
    assert 1000 < glyph_widths.REGULAR[ord("👍")] < 1400  # an emoji is wider than an em, far wider than a letter
    assert glyph_widths.REGULAR[0x200D] == glyph_widths.REGULAR[0xFE0F] == 0  # joiners and selectors take no room
    assert text_width("👍👍👍", 1.0) > text_width("MMM", 1.0)


def test_the_charts_draw_with_the_font_stack_the_widths_were_measured_for():
    from layouts.charts import FONT_FAMILY
    from layouts.fontmetrics import font_stack

    assert FONT_FAMILY == glyph_widths.FONT_STACK
    assert font_stack()[:2] == ["Atkinson Hyperlegible", "Noto Sans"] and "Noto Emoji" in font_stack()
