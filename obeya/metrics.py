"""The statistics that keep the team honest: NPS and first-time-right maths.

Pure functions over counts; no database, no Dash. Formulas are in DESIGN.md:
NPS = %promoters − %detractors with SE = 100·sqrt((p + d − (p − d)²) / n);
first-time-right rate with a Wilson 95% interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Z95 = 1.959963984540054

# The ids are what the wall's CSS classes (status-<id>) and catalogs (status.<id>) are keyed on: keep them, add.
# Judgements, best first: on target (the whole interval above), within noise (the estimate at or above target,
# the target inside the interval), likely off target (the estimate below target, the target inside the
# interval), off target (the whole interval below). Then no number: too few responses or tickets yet (some, fewer
# than the minimum), no data (none at all).
Status = Literal["on_target", "within_noise", "likely_off_target", "off_target", "too_few", "no_data"]


@dataclass(frozen=True)
class NpsCounts:
    """Survey responses of one period (or a pooled window), split by score band."""

    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def responses(self) -> int:
        return self.promoters + self.passives + self.detractors

    def __add__(self, other: NpsCounts) -> NpsCounts:
        return NpsCounts(
            self.promoters + other.promoters,
            self.passives + other.passives,
            self.detractors + other.detractors,
        )

    def __sub__(self, other: NpsCounts) -> NpsCounts:
        """The responses of `self` that are not in `other` (a part of them), never fewer than none."""
        return NpsCounts(
            max(self.promoters - other.promoters, 0),
            max(self.passives - other.passives, 0),
            max(self.detractors - other.detractors, 0),
        )


@dataclass(frozen=True)
class FtrCounts:
    """Resolved tickets of one period: how many were right the first time, and why others missed."""

    resolved: int = 0
    first_time_right: int = 0
    reopened: int = 0
    reassigned: int = 0

    def __add__(self, other: FtrCounts) -> FtrCounts:
        return FtrCounts(
            self.resolved + other.resolved,
            self.first_time_right + other.first_time_right,
            self.reopened + other.reopened,
            self.reassigned + other.reassigned,
        )


@dataclass(frozen=True)
class Estimate:
    """A value with its 95% interval, all in points (NPS) or percent (FTR)."""

    value: float
    low: float
    high: float
    n: int


def score_band(score: int) -> Literal["promoter", "passive", "detractor"]:
    """Which band a 0–10 score falls in."""
    if score >= 9:
        return "promoter"
    if score >= 7:
        return "passive"
    return "detractor"


def pool(counts):
    """Pool the counts of a window: sums, never an average of period scores."""
    counts = list(counts)
    total = counts[0]
    for item in counts[1:]:
        total = total + item
    return total


def nps(counts: NpsCounts) -> float | None:
    """NPS in points (−100..100), or None without responses."""
    n = counts.responses
    if n == 0:
        return None
    return 100.0 * (counts.promoters - counts.detractors) / n


def nps_standard_error(counts: NpsCounts) -> float | None:
    """Standard error of the NPS in points, or None without responses."""
    n = counts.responses
    if n == 0:
        return None
    p = counts.promoters / n
    d = counts.detractors / n
    variance = max(p + d - (p - d) ** 2, 0.0)
    return 100.0 * math.sqrt(variance / n)


def nps_estimate(counts: NpsCounts, min_responses: int = 30) -> Estimate | None:
    """NPS with its 95% band, or None below `min_responses` ("not enough responses")."""
    if counts.responses < max(min_responses, 1):
        return None
    value = nps(counts)
    margin = Z95 * nps_standard_error(counts)
    return Estimate(value, max(value - margin, -100.0), min(value + margin, 100.0), counts.responses)


def wilson_interval(successes: int, n: int) -> tuple[float, float]:
    """Wilson 95% interval for a proportion, as fractions in [0, 1]."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    z2 = Z95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # Rounding can leave p a hair outside its own interval at 0 or 1: clamp it in.
    return max(min(centre - half, p), 0.0), min(max(centre + half, p), 1.0)


def ftr_estimate(counts: FtrCounts, min_resolved: int = 1) -> Estimate | None:
    """First-time-right rate in percent with its Wilson 95% interval, or None below `min_resolved`."""
    if counts.resolved < max(min_resolved, 1):
        return None
    low, high = wilson_interval(counts.first_time_right, counts.resolved)
    return Estimate(100.0 * counts.first_time_right / counts.resolved, 100.0 * low, 100.0 * high, counts.resolved)


def status(estimate: Estimate | None, target: float, counted: int = 0) -> Status:
    """On or off target when the interval lies wholly on one side; when the target lies inside it, within noise
    (the estimate at or above target) or likely off target (below it). Without an estimate: too few when
    `counted` responses or tickets fell short of the minimum, no data when there were none."""
    if estimate is None:
        return "too_few" if counted > 0 else "no_data"
    if estimate.low <= target <= estimate.high:
        return "within_noise" if estimate.value >= target else "likely_off_target"
    return "on_target" if estimate.value > target else "off_target"


def gap(estimate: Estimate | None, target: float) -> float | None:
    """Estimate minus target, in points."""
    return None if estimate is None else estimate.value - target


@dataclass(frozen=True)
class Change:
    """How a value moved between two periods, and whether that beats the noise."""

    delta: float
    significant: bool


def nps_change(current: NpsCounts, previous: NpsCounts, min_responses: int = 30) -> Change | None:
    """Change in NPS points between two periods; significant when |z| > 1.96."""
    if current.responses < min_responses or previous.responses < min_responses:
        return None
    delta = nps(current) - nps(previous)
    spread = math.hypot(nps_standard_error(current), nps_standard_error(previous))
    return Change(delta, _beats_noise(delta, spread))


def ftr_change(current: FtrCounts, previous: FtrCounts, min_resolved: int = 1) -> Change | None:
    """Change in first-time-right points between two periods (two-proportion z-test)."""
    return proportion_change(current.first_time_right, current.resolved, previous.first_time_right,
                             previous.resolved, min_resolved)


def proportion_change(hits: int, n: int, previous_hits: int, previous_n: int, minimum: int = 1) -> Change | None:
    """Change in percentage points from `previous_hits` of `previous_n` to `hits` of `n`; significant when
    |z| > 1.96 (two-proportion z-test, unpooled). None when either side has fewer than `minimum`."""
    if n < max(minimum, 1) or previous_n < max(minimum, 1):
        return None
    p1 = hits / n
    p2 = previous_hits / previous_n
    spread = 100.0 * math.sqrt(p1 * (1 - p1) / n + p2 * (1 - p2) / previous_n)
    return Change(100.0 * (p1 - p2), _beats_noise(100.0 * (p1 - p2), spread))


def _beats_noise(delta: float, spread: float) -> bool:
    if spread == 0:
        return delta != 0
    return abs(delta) / spread > Z95


def main_miss_reason(counts: FtrCounts) -> str | None:
    """The commonest recorded reason tickets missed first time, if any is recorded."""
    if counts.reopened == 0 and counts.reassigned == 0:
        return None
    return "reopened" if counts.reopened >= counts.reassigned else "reassigned"
