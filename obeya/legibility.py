"""How big letters must be to be read from where people stand (ISO 9241-303: at least 16 arcminutes).

Pure maths, in metres and fractions of the screen height; layouts/geometry.py turns the fractions into the
wall's type scale. A 16:9 screen is assumed, filled by the browser's viewport.
"""

from __future__ import annotations

import math

MIN_CAP_ARCMINUTES = 16.0  # capital letters subtend at least this much (ISO 9241-303; 20-22 preferred)
INCH_M = 0.0254
ASPECT = (16, 9)


def screen_height_m(diagonal_inches: float) -> float:
    """The picture height of a 16:9 screen with this diagonal: 55" → 0.685 m."""
    width, height = ASPECT
    return diagonal_inches * INCH_M * height / math.hypot(width, height)


def cap_height_m(distance_m: float, arcminutes: float = MIN_CAP_ARCMINUTES) -> float:
    """The capital-letter height that subtends `arcminutes` at `distance_m`: 16′ at 2.5 m → 11.6 mm."""
    return 2 * distance_m * math.tan(math.radians(arcminutes / 60) / 2)


def cap_fraction(diagonal_inches: float, distance_m: float) -> float:
    """The smallest legible capital height from `distance_m`, as a fraction of the screen height."""
    return cap_height_m(distance_m) / screen_height_m(diagonal_inches)


def arcminutes(cap_m: float, distance_m: float) -> float:
    """What a capital `cap_m` high subtends at `distance_m`, in arcminutes (the tests' measure)."""
    return math.degrees(2 * math.atan(cap_m / (2 * distance_m))) * 60
