"""The wall's week: quiet hours and the panels' `show` windows, in the wall's time zone.

Pure functions. A window (config.TimeWindow) holds on its days, from its
`from` to its `to` (across midnight when `to` is earlier: the morning belongs
to the day it started). The wall's state at a moment is worked out on the
wall clock of its zone, so a daylight-saving change moves nothing a team
wrote: 19:00–07:00 is 11 hours on the night clocks go forward, 13 on the
night they go back. `timeline` lists the moments the state changes, for the
page to switch at by itself (the server may be unreachable then).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from obeya.config import WEEKDAYS, Config, TimeWindow
from obeya.localdays import offset_stretches

HORIZON_DAYS = 8  # how far ahead the page is told: a week's rules, and a day to spare


@dataclass(frozen=True)
class WallState:
    """What the schedule says the wall does: dark or not, and the panels its rotation leaves out."""

    quiet: bool
    hidden: tuple[str, ...] = ()


def _minutes(clock: str) -> int:
    return int(clock[:2]) * 60 + int(clock[3:])


def in_window(window: TimeWindow, local: datetime) -> bool:
    """Whether the wall-clock moment `local` (in the wall's zone) falls in `window`."""
    days = window.days or WEEKDAYS
    today, yesterday = WEEKDAYS[local.weekday()], WEEKDAYS[(local.weekday() - 1) % 7]
    if window.start is None:
        return today in days
    now, start, end = local.hour * 60 + local.minute, _minutes(window.start), _minutes(window.end)
    if start < end:
        return today in days and start <= now < end
    return (today in days and now >= start) or (yesterday in days and now < end)


def state_at(config: Config, moment: datetime) -> WallState:
    """The wall's state at `moment` (aware): quiet when any quiet_hours entry holds; the panels whose `show`
    does not hold are left out of rotation, unless that would leave none (a wall never rotates nothing)."""
    local = moment.astimezone(ZoneInfo(config.wall.timezone))
    quiet = any(in_window(window, local) for window in config.wall.quiet_hours)
    hidden = tuple(setting.id for setting in config.wall.panels
                   if setting.show is not None and not in_window(setting.show, local))
    if len(hidden) == len(config.wall.panels):
        hidden = ()
    return WallState(quiet, hidden)


def _windows(config: Config) -> list[TimeWindow]:
    return [*config.wall.quiet_hours, *(setting.show for setting in config.wall.panels if setting.show)]


def _candidates(config: Config, first: datetime, last: datetime) -> list[datetime]:
    """Every moment in [first, last] (UTC) the state may change at: each window's times and each midnight on the
    wall clock (either side of a repeated hour), and the zone's daylight-saving changes."""
    zone = ZoneInfo(config.wall.timezone)
    clocks = {time(0, 0)} | {time.fromisoformat(clock) for window in _windows(config)
                             for clock in (window.start, window.end) if clock}
    day: date = first.astimezone(zone).date() - timedelta(days=1)
    moments = set()
    while day <= last.astimezone(zone).date() + timedelta(days=1):
        for clock in clocks:
            for fold in (0, 1):
                moments.add(datetime.combine(day, clock, zone).replace(fold=fold).astimezone(timezone.utc))
        day += timedelta(days=1)
    naive = (first.astimezone(timezone.utc).replace(tzinfo=None), last.astimezone(timezone.utc).replace(tzinfo=None))
    moments |= {start.replace(tzinfo=timezone.utc) for start, _ in offset_stretches(config.wall.timezone, *naive)
                if start is not None}
    return sorted(moment for moment in moments if first < moment <= last)


def timeline(config: Config, first: datetime, last: datetime) -> list[tuple[datetime, WallState]]:
    """(from this moment on, the state) from `first` to `last` (aware): the state at `first`, then each change."""
    changes = [(first.astimezone(timezone.utc), state_at(config, first))]
    if not _windows(config):
        return changes
    for moment in _candidates(config, first, last):
        state = state_at(config, moment)
        if state != changes[-1][1]:
            changes.append((moment, state))
    return changes


def page_schedule(config: Config, now: datetime, days: int = HORIZON_DAYS) -> list[list]:
    """The timeline around `now` as the page reads it: [[epoch milliseconds, quiet, [hidden panel ids]], ...],
    from a day before `now` (a browser clock a little behind still finds its state) to `days` after."""
    return [[int(moment.timestamp() * 1000), state.quiet, list(state.hidden)]
            for moment, state in timeline(config, now - timedelta(days=1), now + timedelta(days=days))]


def quiet_spans(config: Config, first: datetime, last: datetime) -> Sequence[tuple[datetime, datetime]]:
    """The quiet stretches between `first` and `last` (aware, UTC): [start, end) each."""
    spans, start = [], None
    changes = timeline(config, first, last)
    for moment, state in changes:
        if state.quiet and start is None:
            start = moment
        elif not state.quiet and start is not None:
            spans.append((start, moment))
            start = None
    if start is not None:
        spans.append((start, last.astimezone(timezone.utc)))
    return spans
