"""Status chips as the browser draws them: the real cascade (wall.css, then Bootstrap) in both themes.

tests/test_contrast.py reads the colours from the stylesheet; this checks that
what Chromium computes for a chip is what that test measured, so a later rule
(Bootstrap loads after wall.css) cannot quietly make two statuses look alike.
"""

from __future__ import annotations

import itertools
import math

import pytest

from tests.test_contrast import JUDGEMENTS, TEXT_SHARE, _lab

CHIP_COLOURS = """(theme) => {
    const wall = document.getElementById("wall");
    wall.className = "theme-" + theme;
    const card = getComputedStyle(wall).getPropertyValue("--surface").trim();
    const box = document.createElement("div");
    box.style.background = card;
    wall.appendChild(box);
    const looks = {};
    for (const status of %s) {
        const chip = document.createElement("span");
        chip.className = "status status-chip status-" + status;
        chip.textContent = status;
        box.appendChild(chip);
        const style = getComputedStyle(chip);
        looks[status] = {fill: style.backgroundColor, text: style.color, card: getComputedStyle(box).backgroundColor};
    }
    box.remove();
    return looks;
}"""


def _channels(css: str) -> tuple[float, ...]:
    """'rgb(1, 2, 3)' or 'rgba(1, 2, 3, 0.5)' as 0–1 channels and alpha."""
    parts = [float(part) for part in css[css.index("(") + 1:-1].split(",")]
    return tuple(part / 255 for part in parts[:3]) + ((parts[3],) if len(parts) > 3 else (1.0,))


def _over(colour: str, under: tuple[float, ...]) -> tuple[float, float, float]:
    *rgb, alpha = _channels(colour)
    return tuple(alpha * channel + (1 - alpha) * base for channel, base in zip(rgb, under))


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_drawn_status_chips_differ_clearly_from_across_the_room(wall, theme):
    wall.open(panel="nps", rotate=0)
    looks = wall.page.evaluate(CHIP_COLOURS % list(JUDGEMENTS), theme)

    def blurred(status):
        card = _channels(looks[status]["card"])[:3]
        fill = _over(looks[status]["fill"], card)
        text = _over(looks[status]["text"], fill)
        return _lab(tuple((1 - TEXT_SHARE) * f + TEXT_SHARE * t for f, t in zip(fill, text)))

    for first, second in itertools.combinations(JUDGEMENTS, 2):
        assert math.dist(blurred(first), blurred(second)) >= 20, (theme, first, second, looks)
