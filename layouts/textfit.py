"""How much text fits a page: the wall's font measured, so panels wrap text the way the browser will.

Text cannot shrink to fit in the browser without scrollbars or clipping, so a
panel decides in Python how big its type is, how many items it shows and how
many pages it needs, from these estimates. The sizes they fit into are named
in layouts/geometry.py, which the stylesheets draw with too.
"""

from __future__ import annotations

import re
from functools import lru_cache

from layouts.glyph_widths import BOLD, REGULAR

# Advance widths of the wall's fonts in thousandths of an em: Atkinson Hyperlegible, and the Noto fonts
# for the scripts, symbols and emoji it lacks, derived from the vendored font files
# (layouts/glyph_widths.py, layouts/fontmetrics.py). Kerning is left out, so estimates run slightly
# wide; an emoji sequence (👍🏽, 👨‍💻) counts as the sum of its parts, wider than the one glyph drawn.
# A character no vendored font has counts as a full em, what an ideograph takes where the box has a font for it.
_OTHER_WIDTH = 1000
SAFETY = 1.02  # widths are planned 2% wider than measured: rather a line too many than a clipped word
SOFT_HYPHEN = "\u00ad"  # where a long word may break (the catalogs use it in German compounds); invisible otherwise


# Pure functions of their arguments, asked the same questions many times over: every candidate layout of a
# journey measures the same cells again, at a handful of type sizes (most of drawing a wall, once cached not).
MEASURED = 1 << 16


@lru_cache(maxsize=MEASURED)
def text_width(text: str, font_rem: float, *, bold: bool = False) -> float:
    """Width in rem of `text` on one line at `font_rem`."""
    table = BOLD if bold else REGULAR
    thousandths = sum(0 if char == SOFT_HYPHEN else table.get(ord(char), _OTHER_WIDTH) for char in text)
    return thousandths / 1000 * font_rem * SAFETY


# "it-help-desk" → "it-", "help-", "desk"; "Schmerz\u00adpunkte" → "Schmerz\u00ad", "punkte": where a word may break
_HYPHENATED = re.compile("[^-\u00ad]*[-\u00ad]|[^-\u00ad]+")


def word_parts(word: str) -> list[str]:
    """The pieces of `word` between the places the browser may break it (after hyphens, soft ones too)."""
    return _HYPHENATED.findall(word)


def part_width(part: str, font_rem: float, *, bold: bool = False) -> float:
    """Width in rem of a piece of a word; one ending in a soft hyphen shows a hyphen when the line breaks there."""
    hyphen = text_width("-", font_rem, bold=bold) if part.endswith(SOFT_HYPHEN) else 0.0
    return text_width(part, font_rem, bold=bold) + hyphen


def widest_part(text: str, font_rem: float, *, bold: bool = False) -> float:
    """Width in rem of the widest piece of `text` that the browser will not break (without overflow-wrap)."""
    return max((part_width(part, font_rem, bold=bold) for word in text.split() for part in word_parts(word)),
               default=0.0)


@lru_cache(maxsize=MEASURED)
def estimated_lines(text: str, font_rem: float, width_rem: float, *, bold: bool = False) -> int:
    """How many lines `text` wraps to at `font_rem` in a box `width_rem` wide.

    Wraps as the browser does: at spaces and after hyphens (soft ones too), and inside a word
    longer than the line (as `overflow-wrap: anywhere` lets it), with
    slightly wide widths so that we rather overestimate than let text clip.
    """
    space = text_width(" ", font_rem, bold=bold)
    lines, used = 1, 0.0
    for word in text.split():
        for number, part in enumerate(word_parts(word)):
            gap = space if number == 0 else 0.0
            width = part_width(part, font_rem, bold=bold)
            if used and used + gap + width <= width_rem:
                used += gap + width
                continue
            if used:
                lines += 1
            while width > width_rem:  # breaks inside the word
                lines += 1
                width -= width_rem
            used = width
    return lines


def text_height(text: str, font_rem: float, width_rem: float, line_height: float, *, bold: bool = False) -> float:
    """Estimated height in rem of `text` wrapped to `width_rem`."""
    return estimated_lines(text, font_rem, width_rem, bold=bold) * font_rem * line_height
