"""Days in the wall's time zone, in portable SQL.

Timestamps are stored in UTC; a "day" on the wall is a day in its time zone.
SQLite has no time zones and MariaDB only with its zone tables loaded, so the
conversion is written out: the zone's UTC offsets are known (zoneinfo) for
every stretch between daylight-saving changes, and a CASE shifts each
timestamp by the offset of its stretch before taking its date. Python that
counts rows itself (comment themes) takes the date with `local_dates`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, literal_column


def utc_span(first: date, last: date) -> tuple[datetime, datetime]:
    """Naive-UTC moments [start, end) that hold every moment of the local days `first` to `last` in any zone.

    A local day lies within a day of its UTC date: the span reaches a day
    either side, so the caller keeps the rows whose local day is in range.
    """
    return datetime.combine(first - timedelta(days=1), time.min), datetime.combine(last + timedelta(days=2), time.min)


def local_dates(zone: str) -> Callable[[datetime], date]:
    """The date in `zone` of a naive-UTC moment, in Python: the same day `local_day` gives in SQL."""
    tz = ZoneInfo(zone)

    def local_date(moment: datetime) -> date:
        return moment.replace(tzinfo=timezone.utc).astimezone(tz).date()

    return local_date


def offset_stretches(zone: str, first: datetime, last: datetime) -> list[tuple[datetime | None, int]]:
    """(from this naive-UTC moment on, offset in seconds) for `zone` between `first` and `last`."""
    tz = ZoneInfo(zone)
    start = first.replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    end = last + timedelta(days=1)
    stretches: list[tuple[datetime | None, int]] = [(None, _offset(tz, start))]
    day = start
    while day <= end:  # day by day, then hour by hour inside a day where the offset changed
        following = day + timedelta(days=1)
        if _offset(tz, following) != stretches[-1][1]:
            moment = day
            while moment < following:
                moment += timedelta(hours=1)
                if (offset := _offset(tz, moment)) != stretches[-1][1]:
                    stretches.append((moment, offset))
        day = following
    return stretches


def _offset(tz: ZoneInfo, moment_utc: datetime) -> int:
    return int(moment_utc.replace(tzinfo=timezone.utc).astimezone(tz).utcoffset().total_seconds())


def _shifted(column, seconds: int, dialect: str):
    seconds = int(seconds)  # an integer from zoneinfo, never user input
    if dialect == "sqlite":
        return func.datetime(column, f"{seconds:+d} seconds")
    if dialect == "postgresql":
        return column + literal_column(f"INTERVAL '{seconds} seconds'")
    return func.date_add(column, literal_column(f"INTERVAL {seconds} SECOND"))


def local_day(column, stretches: list[tuple[datetime | None, int]], dialect: str):
    """SQL for the date of `column` (naive UTC) in the zone the `stretches` describe."""
    if len(stretches) == 1:
        return func.date(_shifted(column, stretches[0][1], dialect))
    cases = [(column < start, func.date(_shifted(column, offset, dialect)))
             for (_, offset), (start, _) in zip(stretches, stretches[1:])]
    return case(*cases, else_=func.date(_shifted(column, stretches[-1][1], dialect)))


def as_day(value) -> date:
    """A day as the database gives it back (a date, a datetime, or SQLite's 'YYYY-MM-DD' text) as a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value
