"""What the data panels show, read from the database in one go.

`load_wall_data` turns daily roll-up counts into period trends (week or month,
pooled, never averaged), current values with interval, status and change,
and the latest customer comments with personal data masked.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Generic, Literal, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from obeya import metrics, queries
from obeya.actions import (ActionsView, DailyCounts, actions_view, history_since, service_gaps, theme_gaps,
                           window_edges)
from obeya.changes import (ROLLING_DAYS, ChangesView, NewComments, actions_due, last_standup, movements,
                           new_comments, new_comments_counted)
from obeya.config import Config, Theme
from obeya.engine import reading
from obeya.metrics import Change, Estimate, FtrCounts, NpsCounts, Status
from obeya.privacy import mask_personal_data, phone_region
from obeya.rollups import data_marker
from obeya.theme_recount import RecountRequest, ThemeDaily, ThemeRecounts, count_window
from obeya.theme_stats import THEME_PERIODS, Quote, ThemesView, themes_view
from obeya.themes import rules_fingerprint, tag

Period = Literal["week", "month"]
Counts = TypeVar("Counts", NpsCounts, FtrCounts)


def period_start(day: date, period: Period) -> date:
    """First day of the week (Monday) or month holding `day`."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period_start(start: date, period: Period) -> date:
    if period == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_period_start(start: date, period: Period) -> date:
    return period_start(start - timedelta(days=1), period)


def complete_periods(today: date, period: Period, count: int) -> list[date]:
    """Starts of the `count` complete periods before the one holding `today`, oldest first."""
    starts = []
    start = period_start(today, period)
    for _ in range(count):
        start = previous_period_start(start, period)
        starts.append(start)
    return starts[::-1]


@dataclass(frozen=True)
class PeriodValue(Generic[Counts]):
    """One period of a trend: its pooled counts and the estimate they support."""

    start: date
    end: date  # exclusive
    counts: Counts
    estimate: Estimate | None  # None: not enough responses / tickets


@dataclass(frozen=True)
class NpsSeries:
    """NPS over time for one service (or, with `service_id` None, for all)."""

    service_id: str | None
    name: str
    target: float | None
    periods: tuple[PeriodValue, ...]
    change: Change | None
    status: Status

    @property
    def current(self) -> PeriodValue:
        return self.periods[-1]

    @property
    def previous(self) -> PeriodValue:
        return self.periods[-2]


@dataclass(frozen=True)
class FtrSeries:
    """First-time-right over time for one key service, against its target."""

    service_id: str
    name: str
    target: float
    expected_experience: str
    periods: tuple[PeriodValue, ...]
    change: Change | None
    status: Status
    gap: float | None
    main_miss_reason: str | None

    @property
    def current(self) -> PeriodValue:
        return self.periods[-1]


@dataclass(frozen=True)
class Voice:
    """A customer comment fit for the wall: personal data already masked."""

    response_id: str
    service: str
    score: int
    band: Literal["promoter", "passive", "detractor"]
    responded_at: datetime  # in the wall's time zone
    text: str
    themes: tuple[str, ...] = ()  # ids of the themes.yaml themes the comment points to
    new: bool = False  # arrived since the last stand-up


@dataclass(frozen=True)
class WallData:
    """Everything the data panels need, as of one moment."""

    as_of: datetime  # in the wall's time zone
    period: Period
    min_responses: int
    nps_overall: NpsSeries
    nps_by_service: dict[str, NpsSeries] = field(default_factory=dict)
    ftr_by_service: dict[str, FtrSeries] = field(default_factory=dict)
    voices: tuple[Voice, ...] = ()
    zone: str = "UTC"  # the wall's time zone: every time shown is in it
    rollup_zone: str | None = None  # set when the roll-ups count days in another zone (and may not be re-counted)
    # Responses and tickets in the trends' window whose service is neither an id nor an alias, by spelling:
    # counted here, never in "All services".
    unknown_services: dict[str, int] = field(default_factory=dict)
    themes: ThemesView | None = None  # None: no themes.yaml, or nothing counted yet
    actions: ActionsView = ActionsView()  # the gaps and the actions that answer them (obeya/actions.py)
    changes: ChangesView | None = None  # what changed since the last stand-up (obeya/changes.py)


def _series_counts(daily: dict[tuple[str, date], Counts], services: set[str] | None, starts: list[date],
                   period: Period, empty: Counts) -> list[tuple[date, date, Counts]]:
    """Pool daily counts into the periods starting at `starts` for `services` (None: all)."""
    buckets = {start: empty for start in starts}
    for (service, day), counts in daily.items():
        if services is not None and service not in services:
            continue
        start = period_start(day, period)
        if start in buckets:
            buckets[start] = buckets[start] + counts
    return [(start, next_period_start(start, period), buckets[start]) for start in starts]


def pool_periods(daily: Mapping[tuple[str, date], Counts], starts: list[date],
                 period: Period) -> dict[tuple[str, date], Counts]:
    """Daily counts pooled into the periods at `starts`, per service, each under its period's first day: the
    same series from a few hundred counts instead of every day's, pooled once for all of them."""
    first, end = starts[0], next_period_start(starts[-1], period)
    pooled: dict[tuple[str, date], Counts] = {}
    start_of: dict[date, date] = {}  # each day's period worked out once, not once per service
    for (service, day), counts in daily.items():
        if first <= day < end:
            if day not in start_of:
                start_of[day] = period_start(day, period)
            key = (service, start_of[day])
            pooled[key] = pooled[key] + counts if key in pooled else counts
    return pooled


def nps_series(daily: dict[tuple[str, date], NpsCounts], *, service_id: str | None, name: str,
               target: float | None, starts: list[date], period: Period, min_responses: int) -> NpsSeries:
    """NPS trend over the periods at `starts` for one service (None: all services)."""
    services = None if service_id is None else {service_id}
    periods = tuple(
        PeriodValue(start, end, counts, metrics.nps_estimate(counts, min_responses))
        for start, end, counts in _series_counts(daily, services, starts, period, NpsCounts())
    )
    change = metrics.nps_change(periods[-1].counts, periods[-2].counts, min_responses) if len(periods) > 1 else None
    current = periods[-1]
    status = metrics.status(current.estimate, target, current.counts.responses) if target is not None else "no_data"
    return NpsSeries(service_id, name, target, periods, change, status)


def ftr_series(daily: dict[tuple[str, date], FtrCounts], *, service_id: str, name: str, target: float,
               expected_experience: str, starts: list[date], period: Period, min_resolved: int) -> FtrSeries:
    """First-time-right trend over the periods at `starts` for one service."""
    periods = tuple(
        PeriodValue(start, end, counts, metrics.ftr_estimate(counts, min_resolved))
        for start, end, counts in _series_counts(daily, {service_id}, starts, period, FtrCounts())
    )
    current = periods[-1]
    change = metrics.ftr_change(current.counts, periods[-2].counts, min_resolved) if len(periods) > 1 else None
    return FtrSeries(
        service_id=service_id,
        name=name,
        target=target,
        expected_experience=expected_experience,
        periods=periods,
        change=change,
        status=metrics.status(current.estimate, target, current.counts.resolved),
        gap=metrics.gap(current.estimate, target),
        main_miss_reason=metrics.main_miss_reason(current.counts),
    )


def load_wall_data(engine: Engine, config: Config, now: datetime | None = None,
                   recounts: ThemeRecounts | None = None) -> WallData:
    """Read the database once, read-only, and compute every number the data panels show.

    `now` (default: the current time) decides which periods are complete;
    the current period is the last complete one. Days are days in the wall's
    time zone; roll-ups counted in another zone are shown in theirs, and
    `rollup_zone` says so (reading never re-counts: `obeya rollups` does).
    Theme counts come from the roll-ups when they were counted with
    themes.yaml's current rules; otherwise from `recounts`, the wall's own
    background count (without it: counted here and now). Statements stop
    after `database_timeout_seconds`. Raises SQLAlchemy
    errors when the database cannot be read; callers keep their last good data.
    """
    sources = config.sources
    wall_zone = ZoneInfo(config.wall.timezone)
    now = (now or datetime.now(timezone.utc)).astimezone(wall_zone)
    settings = config.wall.nps
    hidden = frozenset(config.wall.voices.hide)
    until = now.astimezone(timezone.utc).replace(tzinfo=None)  # stored as naive UTC
    with reading(engine, config.wall.database_timeout_seconds) as connection:
        rollup_zone = None
        if not (sources.responses and sources.ftr):
            stored = queries.rollup_zone(connection)
            rollup_zone = stored if stored and stored != config.wall.timezone else None
        day_zone = rollup_zone or config.wall.timezone
        today = now.astimezone(ZoneInfo(day_zone)).date()
        starts = complete_periods(today, settings.period, settings.periods_shown)
        theme_starts = complete_periods(today, settings.period, 2 * THEME_PERIODS)  # the window and the one before
        since = min(starts[0], theme_starts[0])
        history = history_since(since, config.actions, today)  # the before windows of done actions, too
        comments_since = datetime.combine(today - timedelta(days=config.wall.voices.days), time.min)
        raw = queries.raw_rows(connection, sources)  # the team's own queries checked once per refresh
        nps_daily = queries.nps_daily_counts(connection, history, raw=raw, until=until, zone=config.wall.timezone)
        ftr_daily = queries.ftr_daily_counts(connection, history, raw=raw, until=until, zone=config.wall.timezone)
        window = (comments_since, until, max(config.wall.voices.count, 1))
        comments = queries.recent_comments(connection, *window, detractors=True, hidden=hidden, raw=raw)
        comments += queries.recent_comments(connection, *window, detractors=False, hidden=hidden, raw=raw)
        theme_window = (theme_starts[THEME_PERIODS], next_period_start(theme_starts[-1], settings.period))
        # Theme counts from the themes window before, or earlier for the before windows of actions on a theme only.
        theme_actions = [action for action in config.actions if action.links.theme]
        theme_history = history_since(theme_starts[0], theme_actions, today)
        since_standup = _last_standup(config, now)
        # The days every sum over theme counts starts or ends at: the windows, the stand-up's day, the actions'.
        edges = {theme_starts[0], *theme_window, since_standup.date(), *window_edges(theme_actions, today)}
        themes = _read_themes(connection, config, raw, theme_history, today, day_zone, recounts, now, edges) \
            if config.themes else None
        quote_comments = queries.recent_comments(
            connection, datetime.combine(theme_window[0], time.min) - timedelta(days=1), until, QUOTES_READ,
            detractors=True, hidden=hidden, raw=raw) if themes else []
        # Without themes there are no theme counts to count new comments by: count the rows (no tagging).
        new_rows = [] if themes is not None else list(itertools.islice(queries.commented_rows(
            connection, since_standup.astimezone(timezone.utc).replace(tzinfo=None), until, raw=raw), NEW_COMMENTS_READ))
    spellings = service_spellings(config)
    nps_daily, unknown = fold_services(nps_daily, spellings, unknown_since=since)
    ftr_daily, unknown_tickets = fold_services(ftr_daily, spellings, unknown_since=since)
    for spelling, count in unknown_tickets.items():
        unknown[spelling] = unknown.get(spelling, 0) + count

    common = dict(starts=starts, period=settings.period)
    nps_periods, ftr_periods = (pool_periods(daily, starts, settings.period) for daily in (nps_daily, ftr_daily))
    overall = nps_series(nps_periods, service_id=None, name="All services", target=settings.target,
                         min_responses=settings.min_responses, **common)
    nps_by_service = {
        service.id: nps_series(nps_periods, service_id=service.id, name=service.name, target=service.nps_target,
                               min_responses=settings.min_responses, **common)
        for service in config.services
    }
    ftr_by_service = {
        service.id: ftr_series(ftr_periods, service_id=service.id, name=service.name, target=service.ftr_target,
                               expected_experience=service.expected_experience,
                               min_resolved=settings.min_responses, **common)
        for service in config.services
    }
    names = {spelling: config.service(service_id).name for spelling, service_id in spellings.items()}
    region = phone_region(config.wall.language)  # national phone numbers as the team writes them
    voices = tuple(_voice(comment, names, wall_zone, region, config, since_standup)
                   for comment in _detractors_first(comments, config.wall.voices.count))
    themes_figures, theme_daily = None, {}
    if themes is not None:
        theme_daily, recounting = themes
        theme_daily, _ = fold_services(theme_daily, spellings)  # unknown services are counted by the NPS above
        themes_figures = themes_view(
            theme_daily, nps_daily, config.themes, window=theme_window,
            previous=(theme_starts[0], theme_window[0]), min_responses=settings.min_responses, recounting=recounting)
        mentioned = [theme for theme in config.themes if themes_figures.theme(theme.id).mentions.detractors]
        quotes = _theme_quotes(quote_comments, mentioned, config, names, wall_zone, region)
        themes_figures = dataclasses.replace(themes_figures, themes=tuple(
            dataclasses.replace(stat, quote=quotes.get(stat.theme_id)) for stat in themes_figures.themes))
    gaps = service_gaps(config, nps_by_service, ftr_by_service) + theme_gaps(themes_figures)
    daily = DailyCounts(nps_daily, ftr_daily, themes=theme_daily)
    actions = actions_view(config, gaps, daily, today, settings.min_responses)
    changes = ChangesView(
        since=since_standup, days=ROLLING_DAYS,
        movements=movements(nps_daily, ftr_daily, [(service.id, service.name) for service in config.services], today,
                            settings.min_responses),
        comments=_new_comments(theme_daily if themes is not None else None, new_rows, since_standup, today,
                               _newest_detractor(comments, since_standup, names, wall_zone, region)),
        due=actions_due(actions, today))
    return WallData(now, settings.period, settings.min_responses, overall, nps_by_service, ftr_by_service, voices,
                    zone=config.wall.timezone, rollup_zone=rollup_zone,
                    unknown_services=dict(sorted(unknown.items(), key=lambda item: (-item[1], item[0]))),
                    themes=themes_figures, actions=actions, changes=changes)


NEW_COMMENTS_READ = 5000  # comments since the last stand-up counted at most (a day or a weekend has far fewer)


def _last_standup(config: Config, now: datetime) -> datetime:
    """When the last stand-up that has ended began (standup.yaml's schedule), in the wall's zone."""
    standup = config.standup
    return last_standup(now, [time.fromisoformat(start) for start in standup.starts], standup.days,
                        sum(item.minutes for item in config.agenda()))


def _newest_detractor(comments: list[queries.Comment], since: datetime, names: dict[str, str], zone: ZoneInfo,
                      region: str) -> Quote | None:
    """The newest detractor comment since `since` among the voices' comments (newest first), masked."""
    for comment in comments:
        if comment.score <= 6 and _utc_moment(comment) >= since:
            return _quote(comment, names, zone, region, timespec="minutes")
    return None


def _utc_moment(comment: queries.Comment) -> datetime:
    moment = comment.responded_at
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)  # stored in UTC


def _quote(comment: queries.Comment, names: dict[str, str], zone: ZoneInfo, region: str, *,
           timespec: str | None = None) -> Quote:
    """`comment` as a quote for the wall: masked, its service by name, its time in the wall's zone
    (the day alone, or to `timespec`)."""
    moment = _utc_moment(comment).astimezone(zone)
    return Quote(mask_personal_data(comment.comment.strip(), region=region), comment.score,
                 names.get(comment.service.strip().casefold(), comment.service),
                 moment.isoformat(timespec=timespec) if timespec else moment.date().isoformat())


def _new_comments(theme_daily: ThemeDaily | None, rows: list[tuple], since: datetime, today: date,
                  newest: Quote | None) -> NewComments:
    """The comments since the last stand-up: from the theme counts of its day to today (days, not minutes:
    the roll-ups count days), else by counting the rows read since it."""
    if theme_daily is not None:
        return new_comments_counted(theme_daily, since.date(), today, newest)
    return new_comments([(row[0], row[2], row[3], row[4]) for row in rows], (), "en", newest)


QUOTES_READ = 120  # newest detractor comments read to find each theme's example quote


def _read_themes(connection, config: Config, raw: queries.RawRows, first: date, last: date, zone: str,
                 recounts: ThemeRecounts | None, now: datetime, edges: set[date]) -> tuple[ThemeDaily, bool] | None:
    """Theme counts per (service, day, tag) from `first` to `last` (today: the changes since the last
    stand-up count from them too), and whether they are being re-counted.

    Read from the roll-ups they are pooled into the spans between `edges` (each under its first day): every
    sum the panels make runs from one edge to another, and SQL pools ten thousand rows faster than Python.
    The roll-ups when a writer counted them with the current rules; else the
    wall's own count (see obeya/theme_recount.py), and while that runs the
    counts there were, marked as re-counting. None: nothing counted yet.
    """
    rules = rules_fingerprint(config.themes, config.wall.language)
    own_sql = raw.responses is not None
    stored = None if own_sql else queries.themes_fingerprint(connection)
    spans = sorted({first, last + timedelta(days=1), *(edge for edge in edges if first < edge <= last)})
    if stored == rules:
        return queries.theme_span_counts(connection, spans), False
    marker = data_marker(connection) if not own_sql else None
    if marker is None:  # a team's own SQL has no change marker: count again each refresh period
        seconds = config.wall.refresh_seconds
        marker = f"t{int(now.timestamp() // seconds)}"
    request = RecountRequest(rules, first, last, zone, marker)
    if recounts is None:
        return count_window(connection, config, request, raw=raw), False
    counts = recounts.counts(request)
    if counts is not None:
        return counts, False
    recounts.start(request, config)
    latest = recounts.latest()
    if latest is not None:
        return latest[1], latest[0] != rules
    if stored is not None:
        return queries.theme_span_counts(connection, spans), True  # counted with the earlier rules
    return None


def _theme_quotes(comments: list[queries.Comment], themes: list[Theme], config: Config, names: dict[str, str],
                  zone: ZoneInfo, region: str) -> dict[str, Quote]:
    """The newest detractor comment for each of `themes`, masked, from `comments` (newest first).

    Each comment is matched only against the themes still without a quote, and the search stops when
    every one has its quote: tagging is the costly part of a refresh at millions of responses.
    """
    quotes: dict[str, Quote] = {}
    for comment in comments:
        wanted = [theme for theme in themes if theme.id not in quotes]
        if not wanted:
            break
        for theme in tag(comment.comment, wanted, config.wall.language):
            quotes[theme.id] = _quote(comment, names, zone, region)
    return quotes


def service_spellings(config: Config) -> dict[str, str]:
    """Every spelling of a service the data may use (ids and aliases, case-folded) → its id."""
    spellings: dict[str, str] = {}
    for service in config.services:
        for spelling in (service.id, *service.aliases):
            spellings.setdefault(spelling.strip().casefold(), service.id)
    return spellings


def fold_services(daily: dict[tuple, Counts], spellings: dict[str, str], *,
                  unknown_since: date | None = None) -> tuple[dict[tuple, Counts], dict[str, int]]:
    """Daily counts under their service ids (aliases folded in), and the rows of unknown services by spelling
    (those from `unknown_since` on, when given: the days the trends show).

    Keys are (service spelling, day) or (service spelling, day, tag): the first part is folded, the rest kept.
    """
    folded: dict[tuple, Counts] = {}
    unknown: dict[str, int] = {}
    resolved: dict = {}  # each spelling looked up once: a refresh folds thousands of rows of a few services
    for (spelling, *rest), counts in daily.items():
        if spelling not in resolved:
            resolved[spelling] = spellings.get(str(spelling).strip().casefold())
        service_id = resolved[spelling]
        if service_id is None and unknown_since is not None and rest[0] < unknown_since:
            continue
        if service_id is None:
            size = counts.responses if isinstance(counts, NpsCounts) else counts.resolved
            unknown[spelling] = unknown.get(spelling, 0) + size
            continue
        key = (service_id, *rest)
        folded[key] = folded[key] + counts if key in folded else counts
    return folded, unknown


def _detractors_first(comments: list[queries.Comment], count: int) -> list[queries.Comment]:
    """Detractors first (newest first), then promoters, `count` in all, both kinds shown where there are both."""
    detractors = [comment for comment in comments if comment.score <= 6]
    promoters = [comment for comment in comments if comment.score >= 9]
    promoter_share = min(len(promoters), count // 2)
    chosen = detractors[: count - promoter_share]
    return chosen + promoters[: count - len(chosen)]


def _voice(comment: queries.Comment, names: dict[str, str], zone: ZoneInfo, region: str, config: Config,
           since_standup: datetime | None = None) -> Voice:
    moment = _utc_moment(comment)
    return Voice(
        response_id=comment.response_id,
        service=names.get(comment.service.strip().casefold(), comment.service),
        score=comment.score,
        band=metrics.score_band(comment.score),
        responded_at=moment.astimezone(zone),
        text=mask_personal_data(comment.comment.strip(), region=region),
        themes=tuple(theme.id for theme in tag(comment.comment, config.themes, config.wall.language)),
        new=since_standup is not None and moment >= since_standup,
    )
