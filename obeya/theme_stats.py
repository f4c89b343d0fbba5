"""What the themes panel shows: the causes behind detractor comments, and each theme's weight.

Pure functions over the roll-up counts of obeya/themes.py (per service, day
and tag): the share of detractor comments per cause, and per theme its
mentions, the NPS of the responses that mention it next to the rest, its
impact on the overall score, and its trend against the window before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from obeya.metrics import Change, Estimate, NpsCounts


@dataclass(frozen=True)
class Quote:
    """One comment that mentions a theme, personal data already masked."""

    text: str
    score: int
    service: str  # the service's name on the wall
    responded_at: str  # ISO date in the wall's zone


@dataclass(frozen=True)
class ThemeStat:
    """One theme over the themes window."""

    theme_id: str
    name: str
    cause: str  # process | people | training
    mentions: NpsCounts  # responses in the window that mention it, by score band
    share: float | None  # percent of the commented responses that mention it; None without comments
    with_theme: Estimate | None  # NPS of the responses that mention it; None below the minimum responses
    without_theme: Estimate | None  # NPS of every other response in the window
    impact: float | None  # NPS points the theme moves the overall score: overall − without (negative: it costs)
    trend: Change | None  # change of `share` against the window before, in points; None with too few comments
    quote: Quote | None = None

    @property
    def rising(self) -> bool:
        """Mentioned by a larger share than in the window before, by more than noise."""
        return self.trend is not None and self.trend.significant and self.trend.delta > 0


@dataclass(frozen=True)
class ThemesView:
    """Everything the themes panel needs, over one window of complete periods."""

    start: date
    end: date  # exclusive
    comments: NpsCounts  # responses with a comment or a ticked reason
    unclassified: NpsCounts  # ... of which no theme matched
    cause_detractors: dict[str, int] = field(default_factory=dict)  # cause -> detractor comments pointing to it
    themes: tuple[ThemeStat, ...] = ()  # by impact, the costliest first
    recounting: bool = False  # the rules changed and the wall is re-counting: these counts use the earlier rules

    def theme(self, theme_id: str) -> ThemeStat | None:
        return next((stat for stat in self.themes if stat.theme_id == theme_id), None)

    def cause_share(self, cause: str) -> float | None:
        """Percent of the detractor comments that point to `cause`; None without detractor comments."""
        if self.comments.detractors == 0:
            return None
        return 100.0 * self.cause_detractors.get(cause, 0) / self.comments.detractors
