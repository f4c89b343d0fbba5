"""What the themes panel shows: the causes behind detractor comments, and each theme's weight.

Pure functions over the roll-up counts of obeya/themes.py (per service, day
and tag): the share of detractor comments per cause, and per theme its
mentions, the NPS of the responses that mention it next to the rest, its
impact on the overall score, and its trend against the window before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from obeya import metrics
from obeya.config import CAUSES, Theme
from obeya.metrics import Change, Estimate, NpsCounts
from obeya.themes import COMMENTS, UNCLASSIFIED, cause_tag, theme_tag

THEME_PERIODS = 4  # the themes window: the last four complete periods (weeks or months), against the four before


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
    # service id -> theme id -> detractor responses in the window that mention it (journey stages name the top one)
    by_service: dict[str, dict[str, int]] = field(default_factory=dict)

    def theme(self, theme_id: str) -> ThemeStat | None:
        return next((stat for stat in self.themes if stat.theme_id == theme_id), None)

    def cause_share(self, cause: str) -> float | None:
        """Percent of the detractor comments that point to `cause`; None without detractor comments."""
        if self.comments.detractors == 0:
            return None
        return 100.0 * self.cause_detractors.get(cause, 0) / self.comments.detractors


Window = tuple[date, date]  # first day, and the day after the last


def themes_view(theme_daily: Mapping[tuple[str, date, str], NpsCounts],
                nps_daily: Mapping[tuple[str, date], NpsCounts], themes: Iterable[Theme], *,
                window: Window, previous: Window, min_responses: int,
                quotes: Mapping[str, Quote] | None = None, recounting: bool = False) -> ThemesView:
    """The themes panel's figures over `window`, trends against `previous`.

    `theme_daily` holds counts per (service id, day, tag) as obeya/themes.py
    counts them; `nps_daily` every response per (service id, day). A theme's
    NPS, and its impact, need `min_responses` responses that mention it; its
    trend needs that many commented responses in both windows.
    """
    now, before = _pooled(theme_daily, window, previous)
    overall = sum((counts for (_, day), counts in nps_daily.items() if window[0] <= day < window[1]), NpsCounts())
    comments = now.get(COMMENTS, NpsCounts())
    stats = [theme_stat(theme, now.get(theme_tag(theme.id), NpsCounts()), comments, overall,
                        before.get(theme_tag(theme.id), NpsCounts()), before.get(COMMENTS, NpsCounts()),
                        min_responses, (quotes or {}).get(theme.id))
             for theme in themes]
    return ThemesView(
        start=window[0], end=window[1], comments=comments, unclassified=now.get(UNCLASSIFIED, NpsCounts()),
        cause_detractors={cause: now[cause_tag(cause)].detractors for cause in CAUSES if cause_tag(cause) in now},
        themes=tuple(sorted(stats, key=_costliest_first)), recounting=recounting,
        by_service=_detractor_mentions_by_service(theme_daily, window),
    )


def theme_stat(theme: Theme, mentions: NpsCounts, comments: NpsCounts, overall: NpsCounts,
               mentions_before: NpsCounts, comments_before: NpsCounts, min_responses: int,
               quote: Quote | None = None) -> ThemeStat:
    """One theme's figures: `mentions` of `comments` (commented responses) of `overall` (every response)."""
    rest = overall - mentions
    with_theme = metrics.nps_estimate(mentions, min_responses)
    impact = None
    if with_theme is not None and overall.responses and rest.responses:
        impact = metrics.nps(overall) - metrics.nps(rest)
    return ThemeStat(
        theme_id=theme.id, name=theme.name, cause=theme.cause, mentions=mentions,
        share=100.0 * mentions.responses / comments.responses if comments.responses else None,
        with_theme=with_theme, without_theme=metrics.nps_estimate(rest, min_responses), impact=impact,
        trend=metrics.proportion_change(mentions.responses, comments.responses, mentions_before.responses,
                                   comments_before.responses, min_responses),
        quote=quote,
    )


def top_theme(view: ThemesView, services: Iterable[str]) -> ThemeStat | None:
    """The theme most detractor comments of `services` mention in the window; None when none does."""
    totals: dict[str, int] = {}
    for service in services:
        for theme_id, count in view.by_service.get(service, {}).items():
            totals[theme_id] = totals.get(theme_id, 0) + count
    ranked = sorted((item for item in totals.items() if item[1] > 0), key=lambda item: (-item[1], item[0]))
    return view.theme(ranked[0][0]) if ranked else None


def _pooled(theme_daily: Mapping[tuple[str, date, str], NpsCounts], *windows: Window) -> list[dict[str, NpsCounts]]:
    """The counts per tag in each of `windows`, in one pass over the daily counts."""
    pooled: list[dict[str, NpsCounts]] = [{} for _ in windows]
    for (_, day, tag), counts in theme_daily.items():
        for window, sums in zip(windows, pooled):
            if window[0] <= day < window[1]:
                sums[tag] = sums[tag] + counts if tag in sums else counts
    return pooled


def _detractor_mentions_by_service(theme_daily: Mapping[tuple[str, date, str], NpsCounts],
                                   window: Window) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for (service, day, tag), counts in theme_daily.items():
        if window[0] <= day < window[1] and tag.startswith("theme:") and counts.detractors:
            per_theme = found.setdefault(service, {})
            theme_id = tag.removeprefix("theme:")
            per_theme[theme_id] = per_theme.get(theme_id, 0) + counts.detractors
    return found


def _costliest_first(stat: ThemeStat) -> tuple:
    # Themes with an impact first, the one costing most points on top; then the rest by mentions.
    return (stat.impact is None, stat.impact if stat.impact is not None else 0.0, -stat.mentions.responses,
            stat.theme_id)
