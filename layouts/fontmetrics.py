"""Derive the wall font's glyph widths from the vendored font files, for layouts/textfit.py.

    python -m layouts.fontmetrics > layouts/glyph_widths.py

Reads the advance width of every character that Atkinson Hyperlegible's
regular and bold faces (assets/vendor/atkinson-hyperlegible/files/, the
latin and latin-ext subsets the browser loads) map, in thousandths of an em.
tests/test_glyph_widths.py fails when the committed table differs from what
this derives. Needs fontTools and brotli (requirements-test.txt); the wall
itself only imports the generated table.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools.ttLib import TTFont

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "vendor" / "atkinson-hyperlegible" / "files"
# The subsets, in the order a character is looked up: latin holds everything ASCII and Latin-1.
SUBSETS = ("latin", "latin-ext")
WEIGHTS = {"REGULAR": 400, "BOLD": 700}
PER_LINE = 10


def widths(weight: int) -> dict[int, int]:
    """Code point → advance width in thousandths of an em, for the printable characters of `weight`."""
    table: dict[int, int] = {}
    for subset in SUBSETS:
        font = TTFont(FONT_DIR / f"atkinson-hyperlegible-{subset}-{weight}-normal.woff2")
        per_em = font["head"].unitsPerEm
        advances = font["hmtx"]
        for code, glyph in sorted(font.getBestCmap().items()):
            if code >= 32 and code not in table:
                table[code] = round(advances[glyph][0] * 1000 / per_em)
    return table


def module_text() -> str:
    """The generated module layouts/glyph_widths.py."""
    lines = [
        '"""Advance widths of Atkinson Hyperlegible, the wall\'s font, in thousandths of an em, by code point.',
        "",
        "Generated from the vendored font files by `python -m layouts.fontmetrics > layouts/glyph_widths.py`;",
        "do not edit (tests/test_glyph_widths.py checks it against the fonts).",
        '"""',
        "",
    ]
    for name, weight in WEIGHTS.items():
        items = [f"{code}: {width}" for code, width in widths(weight).items()]
        lines.append(f"{name} = {{")
        lines += ["    " + ", ".join(items[i:i + PER_LINE]) + "," for i in range(0, len(items), PER_LINE)]
        lines += ["}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(module_text())
