"""Chromium as on a box behind the TV with no fonts of its own, for the glyph tests and screenshots.

Chromium draws no text at all without a single system font, so the box gets
one that adds nothing the page does not bring: Atkinson Hyperlegible's latin
subset, as plain TrueType. Whatever the page's own fonts cannot draw falls to
it, and it has only Latin letters: such a character shows as a missing-glyph box.

    env = dict(os.environ, FONTCONFIG_FILE=str(bare_box_fontconfig(folder)))  # for the browser process
"""

from __future__ import annotations

from pathlib import Path

from fontTools.ttLib import TTFont

LAST_RESORT_FONT = (Path(__file__).resolve().parent.parent / "assets" / "vendor" / "atkinson-hyperlegible" / "files"
                    / "atkinson-hyperlegible-latin-400-normal.woff2")


def bare_box_fontconfig(folder: Path) -> Path:
    """Write a fontconfig file (and its one font) into `folder`; returns the file for FONTCONFIG_FILE."""
    fonts = folder / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    font = TTFont(LAST_RESORT_FONT)
    font.flavor = None  # fontconfig reads plain TrueType
    font.save(fonts / "last-resort-latin.ttf")
    config = folder / "fonts.conf"
    config.write_text(f"<?xml version='1.0'?>\n<fontconfig><dir>{fonts}</dir><cachedir>{folder / 'cache'}</cachedir>"
                      "</fontconfig>\n", encoding="utf-8")
    return config
