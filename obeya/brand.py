"""The team's own look on the wall: a logo and an accent colour that stays readable from across the room.

The wall's text needs at least 7:1 contrast (DESIGN.md, Look); the accent
colours headings and labels, so a team's accent is held to the same rule
against the background of the wall's theme and the cards on it.
"""

from __future__ import annotations

import math

MINIMUM_CONTRAST = 7.0

# The surfaces text sits on in each theme, as assets/wall.css sets them (--bg, --surface-2; a test compares).
THEME_SURFACES = {
    "dark": {"background": "#0b0f14", "cards": "#1e2733"},
    "light": {"background": "#ffffff", "cards": "#e4e9ef"},
}


def luminance(colour: str) -> float:
    """Relative luminance of '#rrggbb' (WCAG 2)."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two '#rrggbb' colours, from 1 to 21."""
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def accent_problem(accent: str, theme: str) -> str | None:
    """Why `accent` cannot be the wall's accent in `theme`, or None when it reads well on every surface.

    The ratio is cut, never rounded up, so 6.97:1 is not shown as a passing 7.0:1.
    """
    for surface, colour in THEME_SURFACES[theme].items():
        ratio = contrast(accent, colour)
        if ratio < MINIMUM_CONTRAST:
            shown = math.floor(ratio * 10) / 10
            return (f"{accent} has a contrast of {shown:.1f}:1 against the {theme} {surface}; "
                    f"the wall needs at least {MINIMUM_CONTRAST:g}:1 for text")
    return None
