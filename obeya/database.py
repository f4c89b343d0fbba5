"""The database: table definitions, the engine, and the daily roll-ups.

Raw rows live in `survey_responses` and `ftr_results` (the import columns in
DESIGN.md). The wall never aggregates them on a refresh: `nps_daily` and
`ftr_daily` hold counts per service per day, kept current by whoever writes
raw rows (the demo builder and the importer call `refresh_rollups`).
"""

from __future__ import annotations

import logging
import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    Select,
    SmallInteger,
    String,
    Table,
    Text,
    and_,
    case,
    cast,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    literal_column,
    select,
)

from sqlalchemy.exc import SQLAlchemyError

from obeya.engine import DEFAULT_DATABASE_PATH, database_url, make_engine  # noqa: F401  (where callers find them)

log = logging.getLogger(__name__)

metadata = MetaData()

survey_responses = Table(
    "survey_responses",
    metadata,
    Column("response_id", String(64), primary_key=True),
    Column("ticket_id", String(64), nullable=False),
    Column("service", String(64), nullable=False),
    Column("responded_at", DateTime, nullable=False),
    Column("score", SmallInteger, nullable=False),
    Column("comment", Text, nullable=True),
    Index("ix_survey_responses_responded_at", "responded_at"),
    Index("ix_survey_responses_service_responded_at", "service", "responded_at"),
)

ftr_results = Table(
    "ftr_results",
    metadata,
    Column("ticket_id", String(64), primary_key=True),
    Column("service", String(64), nullable=False),
    Column("resolved_at", DateTime, nullable=False),
    Column("first_time_right", Boolean, nullable=False),
    Column("reopened", Boolean, nullable=True),
    Column("reassigned", Boolean, nullable=True),
    Index("ix_ftr_results_service_resolved_at", "service", "resolved_at"),
)

nps_daily = Table(
    "nps_daily",
    metadata,
    Column("service", String(64), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("responses", Integer, nullable=False),
    Column("promoters", Integer, nullable=False),
    Column("passives", Integer, nullable=False),
    Column("detractors", Integer, nullable=False),
    Index("ix_nps_daily_day", "day"),
)

ftr_daily = Table(
    "ftr_daily",
    metadata,
    Column("service", String(64), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("resolved", Integer, nullable=False),
    Column("first_time_right", Integer, nullable=False),
    Column("reopened", Integer, nullable=False),
    Column("reassigned", Integer, nullable=False),
    Index("ix_ftr_daily_day", "day"),
)


def create_schema(engine: Engine) -> None:
    """Create the wall's tables and indexes where they are missing."""
    metadata.create_all(engine)


def has_schema(engine: Engine) -> bool:
    """True when every table of the wall is there (so a read-only user never needs to create one)."""
    existing = set(inspect(engine).get_table_names())
    return all(table in existing for table in metadata.tables)


def is_empty(engine: Engine) -> bool:
    """True when there are no survey responses and no first-time-right rows."""
    with engine.connect() as connection:
        responses = connection.execute(select(func.count()).select_from(survey_responses)).scalar_one()
        results = connection.execute(select(func.count()).select_from(ftr_results)).scalar_one()
    return responses == 0 and results == 0


rollup_settings = Table(
    "rollup_settings",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
)


# --- days in the wall's time zone, in portable SQL --------------------------
#
# Timestamps are stored in UTC; a "day" on the wall is a day in its time zone.
# SQLite has no time zones and MariaDB only with its zone tables loaded, so the
# conversion is written out: the zone's UTC offsets are known (zoneinfo) for
# every stretch between daylight-saving changes, and a CASE shifts each
# timestamp by the offset of its stretch before taking its date.


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


def _moment_bounds(connection, column) -> tuple[datetime, datetime] | None:
    first, last = connection.execute(select(func.min(column), func.max(column))).one()
    if first is None:
        return None
    return _as_datetime(first), _as_datetime(last)


def _as_datetime(value) -> datetime:
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, datetime.min.time())
    return value.replace(tzinfo=None) if value.tzinfo else value


def nps_day_counts(source, day) -> Select:
    """Responses per service and day from `source` (a table or subquery with the response columns)."""
    score = source.c.score
    return select(
        source.c.service.label("service"),
        day.label("day"),
        func.count().label("responses"),
        func.sum(case((score >= 9, 1), else_=0)).label("promoters"),
        func.sum(case((and_(score >= 7, score <= 8), 1), else_=0)).label("passives"),
        func.sum(case((score <= 6, 1), else_=0)).label("detractors"),
    ).group_by(source.c.service, day)


def ftr_day_counts(source, day) -> Select:
    """Resolved tickets per service and day from `source` (a table or subquery with the ftr columns)."""
    return select(
        source.c.service.label("service"),
        day.label("day"),
        func.count().label("resolved"),
        _count_true(source.c.first_time_right).label("first_time_right"),
        _count_true(source.c.reopened).label("reopened"),
        _count_true(source.c.reassigned).label("reassigned"),
    ).group_by(source.c.service, day)


def _count_true(column):
    # A team's own SQL may give booleans as true/false or 1/0: both cast to 1/0; NULL counts as no.
    return func.coalesce(func.sum(cast(column, Integer)), 0)


DATA_MARKER = "data_changed"  # rollup_settings row that every writer of raw rows bumps


def mark_data_changed(connection) -> None:
    """Tell open walls that raw rows changed: call inside the writer's transaction."""
    connection.execute(delete(rollup_settings).where(rollup_settings.c.name == DATA_MARKER))
    connection.execute(insert(rollup_settings).values(
        name=DATA_MARKER, value=datetime.now(timezone.utc).isoformat(timespec="microseconds")))


def data_marker(connection) -> str | None:
    """The last change mark (a cheap primary-key read the wall polls); None when nothing marked yet."""
    return connection.execute(
        select(rollup_settings.c.value).where(rollup_settings.c.name == DATA_MARKER)).scalar()


def rollup_timezone(engine: Engine) -> str | None:
    """The time zone the roll-ups count days in, or None before the first roll-up."""
    with engine.connect() as connection:
        return connection.execute(
            select(rollup_settings.c.value).where(rollup_settings.c.name == "timezone")
        ).scalar()


def refresh_rollups(engine: Engine, since: date | datetime | None = None, zone: str | None = None) -> None:
    """Recompute the daily roll-ups from the raw rows, from `since` on.

    Days are counted in `zone` (default: the zone the roll-ups already use,
    else UTC). A `since` datetime is a UTC moment, a date a UTC day; with no
    `since`, or a new zone, every day is recomputed.
    """
    stored = rollup_timezone(engine)
    zone = zone or stored or "UTC"
    if stored != zone:
        since = None
    since_day = None
    if since is not None:
        moment = since if isinstance(since, datetime) else datetime.combine(since, datetime.min.time())
        moment = moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        since_day = min(moment.date(), moment.astimezone(ZoneInfo(zone)).date())
    dialect = engine.dialect.name
    with engine.begin() as connection:
        for rollup, raw, moment_column, counts in (
            (nps_daily, survey_responses, survey_responses.c.responded_at, nps_day_counts),
            (ftr_daily, ftr_results, ftr_results.c.resolved_at, ftr_day_counts),
        ):
            wipe = delete(rollup)
            if since_day is not None:
                wipe = wipe.where(rollup.c.day >= since_day)
            connection.execute(wipe)
            bounds = _moment_bounds(connection, moment_column)
            if bounds is None:
                continue
            day = local_day(moment_column, offset_stretches(zone, *bounds), dialect)
            source = counts(raw, day)
            if since_day is not None:
                # A day east of UTC starts the evening before in UTC: read a day early, keep whole days.
                source = source.where(moment_column >= datetime.combine(since_day - timedelta(days=1),
                                                                         datetime.min.time()))
                source = select(source.subquery()).where(literal_column("day") >= since_day)
            # SQLite's date() gives 'YYYY-MM-DD' text, which is how SQLAlchemy stores a Date there.
            connection.execute(insert(rollup).from_select([column.name for column in rollup.c], source))
        connection.execute(delete(rollup_settings).where(rollup_settings.c.name == "timezone"))
        connection.execute(insert(rollup_settings).values(name="timezone", value=zone))


def ensure_rollup_timezone(engine: Engine, zone: str) -> bool:
    """Make the roll-ups count days in `zone`, re-counting them if they use another.

    Returns False when they use another zone and cannot be re-counted (a
    read-only database user): the wall then shows days in the zone they have.
    """
    if rollup_timezone(engine) == zone:
        return True
    try:
        refresh_rollups(engine, zone=zone)
    except SQLAlchemyError as error:
        log.warning("cannot re-count the roll-ups in %s (read-only?): %s", zone, error)
        return False
    return True
