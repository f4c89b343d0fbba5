"""What changed since the last stand-up: the figures of the `changes` panel.

Pure functions. Numbers are compared on rolling windows that move every day
(the last 7 complete days against the 7 before), so Tuesday's stand-up sees
something other than Monday's even when the weekly trend has not moved; only
a change larger than noise is listed. "Since the last stand-up" is since the
start of the last stand-up that has ended (a stand-up in progress counts
from the one before it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

from obeya import metrics
from obeya.actions import ActionItem, ActionsView
from obeya.config import CAUSES, Theme
from obeya.metrics import Change, Estimate, FtrCounts, NpsCounts
from obeya.theme_stats import Quote
from obeya.themes import COMMENTS, UNCLASSIFIED, cause_tag, causes, split_factors, tag

ROLLING_DAYS = 7
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOOK_BACK_DAYS = 14  # a stand-up schedule with none in the last two weeks: count from a day ago
NO_SCHEDULE_HOURS = 24


@dataclass(frozen=True)
class Movement:
    """A number that moved by more than noise: this rolling window against the one before."""

    measure: Literal["nps", "ftr"]
    service_id: str | None  # None: all services
    name: str
    current: Estimate
    previous: Estimate
    change: Change


@dataclass(frozen=True)
class NewComments:
    """Comments that arrived since the last stand-up."""

    count: int = 0
    detractors: int = 0
    by_cause: dict[str, int] = field(default_factory=dict)  # cause (or "unclassified") -> new comments
    newest_detractor: Quote | None = None  # masked


@dataclass(frozen=True)
class ChangesView:
    """Everything the changes panel shows."""

    since: datetime  # the last stand-up's start, in the wall's zone
    days: int  # the rolling windows' length
    movements: tuple[Movement, ...] = ()
    comments: NewComments = NewComments()
    due: tuple[ActionItem, ...] = ()  # not done, due by the end of this week or overdue, soonest first


def rolling_windows(today: date, days: int = ROLLING_DAYS) -> tuple[tuple[date, date], tuple[date, date]]:
    """The last `days` complete days before `today`, and the `days` before them (first day, day after the last)."""
    end = today
    start = end - timedelta(days=days)
    return (start, end), (start - timedelta(days=days), start)


def movements(nps_daily: Mapping[tuple[str, date], NpsCounts], ftr_daily: Mapping[tuple[str, date], FtrCounts],
              services: Sequence[tuple[str, str]], today: date, min_responses: int,
              overall_name: str = "All services", days: int = ROLLING_DAYS) -> tuple[Movement, ...]:
    """Every NPS (all services and each of `services`, (id, name)) and first-time-right (each service) whose
    rolling window moved by more than noise against the window before; the largest moves first."""
    now, before = rolling_windows(today, days)
    # Only the two windows' days, once: the daily counts a refresh reads go back months.
    nps_daily = {key: counts for key, counts in nps_daily.items() if before[0] <= key[1] < now[1]}
    ftr_daily = {key: counts for key, counts in ftr_daily.items() if before[0] <= key[1] < now[1]}
    found: list[Movement] = []
    for service_id, name in [(None, overall_name), *services]:
        pick = (lambda s: True) if service_id is None else (lambda s, wanted=service_id: s == wanted)
        current, previous = (_pool(nps_daily, window, pick, NpsCounts()) for window in (now, before))
        change = metrics.nps_change(current, previous, min_responses)
        if change is not None and change.significant:
            found.append(Movement("nps", service_id, name, metrics.nps_estimate(current, min_responses),
                                  metrics.nps_estimate(previous, min_responses), change))
        if service_id is None:
            continue
        current, previous = (_pool(ftr_daily, window, pick, FtrCounts()) for window in (now, before))
        change = metrics.ftr_change(current, previous, min_responses)
        if change is not None and change.significant:
            found.append(Movement("ftr", service_id, name, metrics.ftr_estimate(current, min_responses),
                                  metrics.ftr_estimate(previous, min_responses), change))
    return tuple(sorted(found, key=lambda movement: -abs(movement.change.delta)))


def new_comments(rows: Iterable[tuple[str, int, str | None, str | None]], themes: Sequence[Theme], language: str,
                 newest: Quote | None = None) -> NewComments:
    """Count `rows` (service, score, comment, factors) by the causes their themes point to ("unclassified"
    when none); `newest` is the newest detractor among them, masked, for the panel to quote."""
    count = detractors = 0
    by_cause: dict[str, int] = {}
    for _service, score, comment, factors in rows:
        count += 1
        detractors += score <= 6
        found = causes(tag(comment or "", themes, language, split_factors(factors))) or ("unclassified",)
        for cause in found:
            by_cause[cause] = by_cause.get(cause, 0) + 1
    return NewComments(count, detractors, by_cause, newest)


def new_comments_counted(theme_daily: Mapping[tuple[str, date, str], NpsCounts], first: date, last: date,
                         newest: Quote | None = None) -> NewComments:
    """The comments of the days `first` to `last` from the theme counts (obeya/themes.py's tags), by cause."""
    pooled: dict[str, NpsCounts] = {}
    for (_service, day, name), counts in theme_daily.items():
        if first <= day <= last:
            pooled[name] = pooled.get(name, NpsCounts()) + counts
    comments = pooled.get(COMMENTS, NpsCounts())
    by_cause = {cause: pooled[cause_tag(cause)].responses for cause in CAUSES if cause_tag(cause) in pooled}
    if UNCLASSIFIED in pooled:
        by_cause["unclassified"] = pooled[UNCLASSIFIED].responses
    return NewComments(comments.responses, comments.detractors, by_cause, newest)


def actions_due(actions: ActionsView, today: date) -> tuple[ActionItem, ...]:
    """The actions not done whose due day is past or falls by Sunday of this week, soonest due first."""
    sunday = today + timedelta(days=6 - today.weekday())
    items = {item.id: item for gap in actions.gaps for item in gap.actions}
    items.update({item.id: item for item in actions.other})
    return tuple(sorted((item for item in items.values() if item.status != "done" and item.due and item.due <= sunday),
                        key=lambda item: (item.due, item.id)))


def last_standup(now: datetime, starts: Iterable[time], days: Iterable[str], minutes: float) -> datetime:
    """When the last stand-up that has ended began: its start on a listed day, `minutes` long; `now` is in the
    wall's zone. Without a schedule (or none in two weeks): a day before `now`, on the hour (a window that
    moved with every read would make every read a new wall to draw, for a subtitle nobody reads by the minute)."""
    starts = sorted(starts)
    weekdays = {WEEKDAYS.index(day) for day in days}
    for back in range(LOOK_BACK_DAYS + 1):
        day = now.date() - timedelta(days=back)
        if day.weekday() not in weekdays:
            continue
        for start in reversed(starts):
            moment = datetime.combine(day, start, now.tzinfo)
            if moment + timedelta(minutes=minutes) <= now:
                return moment
    return (now - timedelta(hours=NO_SCHEDULE_HOURS)).replace(minute=0, second=0, microsecond=0)


def _pool(daily, window: tuple[date, date], pick, empty):
    return sum((counts for (service, day), counts in daily.items() if window[0] <= day < window[1] and pick(service)),
               empty)
