"""How much text fits a page: the wall's font measured, so panels wrap text the way the browser will.

Text cannot shrink to fit in the browser without scrollbars or clipping, so a
panel decides in Python how big its type is, how many items it shows and how
many pages it needs, from these estimates.
"""

from __future__ import annotations

import re

# The page's content area in rem: 1920×1080 minus page padding, wall header and
# footer. 1rem is 2.5% of the screen height, or 1/71.1 of its width on screens
# narrower than 16:9 (see wall.css), so these hold on every screen.
PAGE_WIDTH_REM = 68.0
PAGE_HEIGHT_REM = 33.0

# Advance widths of Atkinson Hyperlegible (the wall's font) for the characters
# " " to "~", in hundredths of an em, measured in Chromium. Estimating with them
# is close enough to wrap text the way the browser will; other characters
# count as a wide letter.
_REGULAR_WIDTHS = (
    28, 28, 30, 65, 59, 93, 70, 16, 30, 30, 43, 60, 20, 37, 20, 38, 65, 40, 55, 57, 61, 58, 60, 51, 61, 60, 20, 20,
    55, 60, 55, 52, 78, 63, 62, 66, 67, 57, 55, 71, 69, 41, 51, 63, 54, 82, 69, 73, 60, 75, 62, 60, 56, 69, 59, 84,
    62, 59, 61, 31, 38, 31, 55, 40, 27, 53, 57, 50, 56, 54, 31, 56, 55, 28, 25, 49, 24, 84, 55, 55, 57, 58, 34, 47,
    32, 54, 44, 65, 46, 43, 46, 32, 23, 32, 55,
)
_BOLD_WIDTHS = (
    32, 28, 41, 78, 62, 98, 70, 22, 37, 37, 43, 62, 24, 37, 24, 44, 65, 45, 59, 60, 63, 61, 63, 54, 62, 56, 24, 24,
    57, 62, 57, 61, 75, 69, 64, 67, 69, 58, 54, 72, 68, 46, 56, 66, 54, 84, 70, 76, 63, 78, 65, 62, 62, 66, 66, 88,
    70, 69, 62, 33, 44, 33, 59, 43, 31, 55, 60, 52, 60, 57, 37, 60, 57, 31, 26, 57, 31, 89, 57, 57, 60, 60, 37, 53,
    38, 57, 53, 72, 53, 52, 52, 37, 23, 37, 53,
)
_OTHER_WIDTH = 70
SAFETY = 1.02  # widths are planned 2% wider than measured: rather a line too many than a clipped word
SOFT_HYPHEN = "\u00ad"  # where a long word may break (the catalogs use it in German compounds); invisible otherwise


def text_width(text: str, font_rem: float, *, bold: bool = False) -> float:
    """Width in rem of `text` on one line at `font_rem`."""
    table = _BOLD_WIDTHS if bold else _REGULAR_WIDTHS
    hundredths = sum(table[ord(char) - 32] if 32 <= ord(char) < 127 else 0 if char == SOFT_HYPHEN else _OTHER_WIDTH
                     for char in text)
    return hundredths / 100 * font_rem * SAFETY


# "it-help-desk" → "it-", "help-", "desk"; "Schmerz\u00adpunkte" → "Schmerz\u00ad", "punkte": where a word may break
_HYPHENATED = re.compile("[^-\u00ad]*[-\u00ad]|[^-\u00ad]+")


def estimated_lines(text: str, font_rem: float, width_rem: float, *, bold: bool = False) -> int:
    """How many lines `text` wraps to at `font_rem` in a box `width_rem` wide.

    Wraps as the browser does: at spaces and after hyphens (soft ones too), and inside a word
    longer than the line (as `overflow-wrap: anywhere` lets it), with
    slightly wide widths so that we rather overestimate than let text clip.
    """
    space = text_width(" ", font_rem, bold=bold)
    lines, used = 1, 0.0
    for word in text.split():
        for number, part in enumerate(_HYPHENATED.findall(word)):
            gap = space if number == 0 else 0.0
            width = text_width(part, font_rem, bold=bold)
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
