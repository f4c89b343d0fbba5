""""You said, we did": the gaps the wall shows, the actions that answer them, and what a done action changed.

Pure functions over the config and the counts; no database, no Dash.

A gap is a key service whose current NPS or first-time-right is off target, or
a comment theme that is rising. An action answers a service's gap when it is
linked to the service, or, linked to no service, to a journey stage whose
services include it (a journey without a stage: any of its stages); it answers
a theme's gap when it is linked to the theme. Actions that answer no current gap are listed too.

A done action shows the number it is linked to over the WEEKS_COMPARED weeks
before the day it started against as many weeks from the day after it was
done, and whether the difference is more than noise (z > 1.96): the service's
NPS (pooled counts) and first-time-right, and for a theme the share of
commented responses that mention it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from obeya import metrics
from obeya.config import Action, Config, Journey, Service, Stage, Theme
from obeya.metrics import Change, FtrCounts, NpsCounts
from obeya.theme_stats import ThemesView
from obeya.themes import COMMENTS, theme_tag

WEEKS_COMPARED = 4  # weeks before `started` against weeks after `done`
HISTORY_DAYS = 730  # the before window of an action started longer ago than this is not read

Measure = Literal["nps", "ftr", "theme"]


# --- before and after a done action --------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Days from `start` up to `end` (exclusive)."""

    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day < self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def windows(started: date, done: date, today: date, weeks: int = WEEKS_COMPARED) -> tuple[Window, Window]:
    """The `weeks` before the day an action started, and the `weeks` from the day after it was done,
    cut at `today` (not counted: it is not over) while they are still running."""
    after_start = done + timedelta(days=1)
    after_end = min(after_start + timedelta(weeks=weeks), max(today, after_start))
    return Window(started - timedelta(weeks=weeks), started), Window(after_start, after_end)


@dataclass(frozen=True)
class BeforeAfter:
    """One number over the weeks before an action started and the weeks after it was done."""

    measure: Measure
    subject: str  # the service's or the theme's name
    before: Window
    after: Window  # shorter than `weeks` while it is still running
    before_value: float | None  # NPS points or percent; None below the minimum (responses, tickets, comments)
    after_value: float | None
    before_n: int  # responses, resolved tickets, or commented responses
    after_n: int
    change: Change | None  # after − before; None when either side is below the minimum
    counted: bool = True  # False: these counts are not kept yet (theme shares, until the themes are counted)
    weeks: int = WEEKS_COMPARED

    @property
    def complete(self) -> bool:
        """The weeks after are over: the after value will not change any more."""
        return self.after.days >= 7 * self.weeks


# How each service measure is counted: its counts, its estimate, its change test, and what it counts.
_SERVICE_MEASURES = {
    "nps": (NpsCounts, metrics.nps_estimate, metrics.nps_change, lambda counts: counts.responses),
    "ftr": (FtrCounts, metrics.ftr_estimate, metrics.ftr_change, lambda counts: counts.resolved),
}


def service_before_after(measure: Literal["nps", "ftr"], daily: Mapping[tuple[str, date], NpsCounts | FtrCounts],
                         service_id: str, name: str, started: date, done: date, today: date,
                         minimum: int) -> BeforeAfter:
    """The service's NPS (`measure` "nps", from daily NpsCounts) or first-time-right ("ftr", FtrCounts) over
    the weeks before `started` and after `done`, counts pooled, with the change's noise test; a side with
    fewer than `minimum` responses or tickets has no value and no change."""
    empty, estimate_of, change_of, size = _SERVICE_MEASURES[measure]
    before, after = windows(started, done, today)
    counts = [metrics.pool([empty(), *(counts for (service, day), counts in daily.items()
                                       if service == service_id and day in window)])
              for window in (before, after)]
    values = [estimate.value if (estimate := estimate_of(side, minimum)) else None for side in counts]
    return BeforeAfter(measure, name, before, after, values[0], values[1], size(counts[0]), size(counts[1]),
                       change_of(counts[1], counts[0], minimum))


def theme_share_before_after(theme_daily: Mapping[tuple[str, date, str], NpsCounts], theme_id: str, name: str,
                             started: date, done: date, today: date, min_comments: int) -> BeforeAfter:
    """The share of commented responses (all services) that mention the theme, in percent, over the weeks
    before `started` and after `done`, with a two-proportion test. Empty `theme_daily`: not counted yet."""
    before, after = windows(started, done, today)

    def responses(tag: str, window: Window) -> int:
        return sum(counts.responses for (_service, day, name_of_tag), counts in theme_daily.items()
                   if name_of_tag == tag and day in window)

    sides = [(responses(theme_tag(theme_id), window), responses(COMMENTS, window)) for window in (before, after)]
    values = [100.0 * hits / n if n >= max(min_comments, 1) else None for hits, n in sides]
    (mentioned, commented), (mentioned_after, commented_after) = sides
    change = metrics.proportion_change(mentioned_after, commented_after, mentioned, commented, min_comments)
    return BeforeAfter("theme", name, before, after, values[0], values[1], commented, commented_after, change,
                       counted=bool(theme_daily))


@dataclass(frozen=True)
class DailyCounts:
    """The counts per day a refresh read, from the earliest day a before window needs."""

    nps: Mapping[tuple[str, date], NpsCounts] = field(default_factory=dict)  # (service id, day)
    ftr: Mapping[tuple[str, date], FtrCounts] = field(default_factory=dict)
    themes: Mapping[tuple[str, date, str], NpsCounts] = field(default_factory=dict)  # (service, day, tag)


def before_after(action: Action, config: Config, daily: DailyCounts, today: date,
                 min_responses: int) -> tuple[BeforeAfter, ...]:
    """What a done action changed: its service's NPS and first-time-right, its theme's share of comments
    (each that it is linked to); () for an action not done, or linked to neither."""
    if action.status != "done" or action.started is None or action.done is None:
        return ()
    dates = (action.started, action.done, today, min_responses)
    found: list[BeforeAfter] = []
    if service := _service_of(action, config):
        found.append(service_before_after("nps", daily.nps, service.id, service.name, *dates))
        found.append(service_before_after("ftr", daily.ftr, service.id, service.name, *dates))
    if theme := _theme_of(action, config):
        found.append(theme_share_before_after(daily.themes, theme.id, theme.name, *dates))
    return tuple(found)


def _service_of(action: Action, config: Config) -> Service | None:
    service_id = config.service_id_for(action.links.service)
    return config.service(service_id) if service_id else None


def _theme_of(action: Action, config: Config) -> Theme | None:
    return next((theme for theme in config.themes if theme.id == action.links.theme), None)


def earliest_day(actions: Iterable[Action], weeks: int = WEEKS_COMPARED) -> date | None:
    """The first day a before window of a done action needs counts from; None without done actions."""
    return min((action.started - timedelta(weeks=weeks) for action in actions
                if action.status == "done" and action.started is not None), default=None)


def window_edges(actions: Iterable[Action], today: date) -> set[date]:
    """The first days and the ends of the before and after windows of the done actions among `actions`."""
    edges: set[date] = set()
    for action in actions:
        if action.status == "done" and action.started is not None and action.done is not None:
            for window in windows(action.started, action.done, today):
                edges.update((window.start, window.end))
    return edges


def history_since(trend_start: date, actions: Iterable[Action], today: date) -> date:
    """The first day a refresh reads counts from: the trends' first day, or earlier for the before windows
    of done actions, though never more than HISTORY_DAYS before `today`."""
    earliest = earliest_day(actions)
    if earliest is None or earliest >= trend_start:
        return trend_start
    return max(earliest, min(trend_start, today - timedelta(days=HISTORY_DAYS)))


# --- gaps and the actions that answer them ----------------------------------------------------------------


@dataclass(frozen=True)
class ActionItem:
    """An action as the panel shows it."""

    id: str
    title: str
    owner: str
    status: str  # planned | doing | done
    started: date | None
    due: date | None
    done: date | None
    overdue: bool  # not done, and the due day has passed
    linked: tuple[str, ...] = ()  # the names of what it is linked to: service, theme, journey stage
    before_after: tuple[BeforeAfter, ...] = ()  # done actions: what changed


@dataclass(frozen=True)
class Shortfall:
    """One number that makes a gap: its value now, and its target (a theme has none: it is rising)."""

    measure: Measure
    value: float | None  # NPS points, first-time-right percent, or a theme's share of comments in percent
    target: float | None = None
    rise: float | None = None  # a theme: points up on the window before


@dataclass(frozen=True)
class Gap:
    """A service off target or a theme rising, and the actions that answer it."""

    kind: Literal["service", "theme"]
    id: str
    name: str
    shortfalls: tuple[Shortfall, ...]
    actions: tuple[ActionItem, ...] = ()


@dataclass(frozen=True)
class ActionsView:
    """Everything the actions panel shows: the gaps with their actions, then the actions answering no gap."""

    today: date | None = None  # in the wall's zone: what "overdue" was decided against
    gaps: tuple[Gap, ...] = ()
    other: tuple[ActionItem, ...] = ()  # actions answering no current gap
    weeks: int = WEEKS_COMPARED

    @property
    def unanswered(self) -> int:
        """Gaps no action answers."""
        return sum(1 for gap in self.gaps if not gap.actions)

    @property
    def overdue(self) -> int:
        """Actions not done by their due day (each once, however many gaps it answers)."""
        items = [item for gap in self.gaps for item in gap.actions] + list(self.other)
        return len({item.id for item in items if item.overdue})


def service_gaps(config: Config, nps_by_service: Mapping, ftr_by_service: Mapping) -> list[Gap]:
    """Every key service whose current NPS or first-time-right is off target, in services.yaml's order."""
    gaps = []
    for service in config.services:
        shortfalls = []
        for measure, series in (("nps", nps_by_service.get(service.id)), ("ftr", ftr_by_service.get(service.id))):
            if series is not None and series.status == "off_target":
                shortfalls.append(Shortfall(measure, series.current.estimate.value, series.target))
        if shortfalls:
            gaps.append(Gap("service", service.id, service.name, tuple(shortfalls)))
    return gaps


def theme_gaps(themes: ThemesView | None) -> list[Gap]:
    """Every rising theme, in the themes panel's order (the costliest first)."""
    if themes is None:
        return []
    return [Gap("theme", stat.theme_id, stat.name, (Shortfall("theme", stat.share, None, stat.trend.delta),))
            for stat in themes.themes if stat.rising]


def linked_stages(action: Action, config: Config) -> list[tuple[Journey, Stage]]:
    """The journey stages an action is linked to: its stage, or every stage of a journey named alone."""
    journey = next((journey for journey in config.journeys if journey.id == action.links.journey), None)
    if journey is None:
        return []
    return [(journey, stage) for stage in journey.stages
            if action.links.stage is None or stage.name == action.links.stage]


def answers(action: Action, gap: Gap, config: Config) -> bool:
    """Whether `action` answers `gap` (see the module's docstring)."""
    if gap.kind == "theme":
        return action.links.theme == gap.id
    if action.links.service is not None:  # the service it names, not every service of its stage
        return config.service_id_for(action.links.service) == gap.id
    return any(gap.id in stage.services for _journey, stage in linked_stages(action, config))


def _linked_names(action: Action, config: Config) -> tuple[str, ...]:
    service, theme = _service_of(action, config), _theme_of(action, config)
    stages = linked_stages(action, config) if action.links.stage is not None else []
    return tuple(name for name in (service and service.name, theme and theme.name, stages and stages[0][1].name)
                 if name)


def _in_order(items: Iterable[ActionItem]) -> tuple[ActionItem, ...]:
    """Open actions first, soonest due first (those without a due day last); then done ones, latest first."""
    items = list(items)
    open_items = sorted((item for item in items if item.status != "done"),
                        key=lambda item: (item.due is None, item.due or date.max))
    done_items = sorted((item for item in items if item.status == "done"), key=lambda item: item.done or date.min,
                        reverse=True)
    return tuple(open_items + done_items)


def actions_view(config: Config, gaps: list[Gap], daily: DailyCounts, today: date,
                 min_responses: int) -> ActionsView:
    """The gaps, each with the actions that answer it, and the actions that answer none.

    `today` is in the wall's zone: an open action whose due day is before it is overdue.
    """
    items = {action.id: ActionItem(
        id=action.id, title=action.title, owner=action.owner, status=action.status, started=action.started,
        due=action.due, done=action.done, overdue=action.overdue(today), linked=_linked_names(action, config),
        before_after=before_after(action, config, daily, today, min_responses),
    ) for action in config.actions}
    answered: set[str] = set()
    with_actions = []
    for gap in gaps:
        ids = [action.id for action in config.actions if answers(action, gap, config)]
        answered.update(ids)
        with_actions.append(Gap(gap.kind, gap.id, gap.name, gap.shortfalls, _in_order(items[i] for i in ids)))
    other = _in_order(item for action_id, item in items.items() if action_id not in answered)
    return ActionsView(today, tuple(with_actions), other)


def open_actions(config: Config, journey: Journey, stage: Stage) -> tuple[Action, ...]:
    """The planned and doing actions linked to this stage of this journey, soonest due first."""
    found = [action for action in config.actions
             if action.open and action.links.journey == journey.id and action.links.stage == stage.name]
    return tuple(sorted(found, key=lambda action: (action.due is None, action.due or date.max)))
