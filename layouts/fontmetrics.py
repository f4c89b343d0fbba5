"""Derive the wall's glyph widths from the vendored font files, for layouts/textfit.py.

    python -m layouts.fontmetrics > layouts/glyph_widths.py

The browser draws a character with the first font of the wall's font stack
(`--font` in assets/wall.css) whose `@font-face` rules (assets/vendor/*/*.css)
cover it: Atkinson Hyperlegible for what it has, then the Noto fonts for other
scripts, symbols and emoji. This reads the same stack and rules and records,
for every character a vendored font maps, its advance width in thousandths of
an em: Atkinson's where Atkinson has it, otherwise the widest among the
fallback fonts that have it (which of them draws a symbol can depend on the
browser's emoji presentation rules, so plan the widest). A family without a
bold face is drawn bold from its regular one, as the browser synthesises it.

tests/test_glyph_widths.py fails when the committed table differs from what
this derives. Needs fontTools and brotli (requirements-test.txt); the wall
itself only imports the generated table.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

ASSETS = Path(__file__).resolve().parent.parent / "assets"
STYLESHEET = ASSETS / "wall.css"
FONT_RULES = sorted((ASSETS / "vendor").glob("*/*.css"))
WEIGHTS = {"REGULAR": 400, "BOLD": 700}
PER_LINE = 10
GENERIC_FAMILIES = {"serif", "sans-serif", "system-ui", "monospace", "cursive", "fantasy", "emoji"}


@dataclass(frozen=True)
class Face:
    """One @font-face rule: a font file for one family and weight, used for the code points in its range."""
    family: str
    weight: int
    path: Path
    ranges: tuple[tuple[int, int], ...]

    def covers(self, code: int) -> bool:
        return any(first <= code <= last for first, last in self.ranges)


def font_stack(stylesheet: Path = STYLESHEET) -> list[str]:
    """The families of `--font` in wall.css, in the order the browser tries them."""
    match = re.search(r"--font:\s*([^;]+);", stylesheet.read_text(encoding="utf-8"))
    return [name.strip().strip("'\"") for name in match[1].split(",")]


def unicode_range(text: str) -> tuple[tuple[int, int], ...]:
    """`U+0000-00FF,U+0131` → ((0, 255), (305, 305))."""
    ranges = []
    for part in text.split(","):
        first, _, last = part.strip()[2:].partition("-")
        ranges.append((int(first, 16), int(last or first, 16)))
    return tuple(ranges)


def faces(families: list[str], rule_files: list[Path] = FONT_RULES) -> list[Face]:
    """The upright @font-face rules of `families` in the vendored stylesheets, files resolved next to them."""
    found = []
    for css in rule_files:
        for rule in re.findall(r"@font-face\s*{([^}]*)}", css.read_text(encoding="utf-8")):
            field = {name: value.strip() for name, value in re.findall(r"([a-z-]+)\s*:\s*([^;]+)", rule)}
            family = field["font-family"].strip("'\"")
            if family not in families or field.get("font-style", "normal") != "normal":
                continue
            url = re.search(r"url\(['\"]?([^'\")]+)", field["src"])[1]
            found.append(Face(family, int(field["font-weight"]), css.parent / url,
                              unicode_range(field.get("unicode-range", "U+0-10FFFF"))))
    return found


@cache
def advances(path: Path) -> dict[int, int]:
    """Code point → advance width in thousandths of an em, for every printable character the file maps."""
    font = TTFont(path)
    per_em = font["head"].unitsPerEm
    metrics = font["hmtx"]
    return {code: round(metrics[glyph][0] * 1000 / per_em)
            for code, glyph in sorted(font.getBestCmap().items()) if code >= 32}


def family_widths(family_faces: list[Face], weight: int) -> dict[int, int]:
    """What one family draws at `weight`: its faces of the nearest weight the browser would pick."""
    nearest = min({face.weight for face in family_faces}, key=lambda w: (abs(w - weight), -w))
    table: dict[int, int] = {}
    # Where ranges overlap the browser tries the rule defined last first (CSS Fonts, unicode-range).
    for face in reversed([face for face in family_faces if face.weight == nearest]):
        for code, width in advances(face.path).items():
            if code not in table and face.covers(code):
                table[code] = width
    return table


def widths(weight: int) -> dict[int, int]:
    """Code point → planned width in thousandths of an em at `weight` (see the module's docstring)."""
    rules = faces(font_stack())
    stack = [family for family in font_stack() if any(face.family == family for face in rules)]
    primary, *fallbacks = [family_widths([face for face in rules if face.family == family], weight)
                           for family in stack]
    widest: dict[int, int] = {}
    for fallback in fallbacks:
        for code, width in fallback.items():
            if code not in primary:
                widest[code] = max(width, widest.get(code, 0))
    return dict(sorted((primary | widest).items()))


def cap_height() -> float:
    """The capital height of the font that draws Latin text (the stack's first), as a fraction of the em.

    The smallest over its faces, from each file's OS/2 table: the legibility floors (layouts/geometry.py)
    are capital heights, and the font size is what the stylesheets set.
    """
    rules = faces(font_stack())
    primary = next(face.family for face in rules if face.covers(ord("H")))
    heights = []
    for face in rules:
        if face.family == primary and face.covers(ord("H")):
            font = TTFont(face.path)
            heights.append(font["OS/2"].sCapHeight / font["head"].unitsPerEm)
    return round(min(heights), 4)


def module_text() -> str:
    """The generated module layouts/glyph_widths.py."""
    stack = ", ".join(family if family in GENERIC_FAMILIES else f'"{family}"' for family in font_stack())
    lines = [
        '"""Advance widths of the wall\'s fonts, in thousandths of an em, by code point: Atkinson Hyperlegible',
        "where it has the character, else the widest of the fallback fonts that have it.",
        "",
        "Generated from assets/wall.css and the vendored font files by",
        "`python -m layouts.fontmetrics > layouts/glyph_widths.py`; do not edit",
        "(tests/test_glyph_widths.py checks it against the fonts).",
        '"""',
        "",
        "# The font stack the widths were measured for (--font in assets/wall.css), for the charts.",
        f"FONT_STACK = {stack!r}",
        "# Capital-letter height of the Latin font, in ems: the legibility floors are capital heights.",
        f"CAP_HEIGHT = {cap_height()!r}",
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
