"""The daily roll-ups and the writers that keep them: raw rows and their day counts change together.

`nps_daily` and `ftr_daily` hold counts per service and day (in the wall's
zone) of the raw rows in `survey_responses` and `ftr_results`; `theme_daily`
counts the responses with comments per service, day and tag, with the rules
of themes.yaml (obeya/theme_rollups.py). Every writer (the importer, the demo
builder, `obeya rollups`) takes the writers' lock, writes its rows, re-counts
the days it touched and bumps the change marker that open walls poll, all in
one transaction; `check_rollups` compares the roll-ups with a direct count.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import (
    Engine,
    Integer,
    Select,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    select,
)

from sqlalchemy.exc import IntegrityError, SQLAlchemyError


from obeya.database import (
    create_schema,
    ftr_daily,
    ftr_results,
    nps_daily,
    read_setting,
    rollup_settings,
    survey_responses,
    theme_daily,
    write_setting,
)
from obeya.localdays import as_day, local_day, offset_stretches, utc_span
from obeya.theme_rollups import (
    ThemeRules,
    count_theme_days,
    recount_theme_days,
    store_themes_fingerprint,
    stored_theme_counts,
    stored_themes_fingerprint,
)

log = logging.getLogger(__name__)


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
    write_setting(connection, DATA_MARKER, datetime.now(timezone.utc).isoformat(timespec="microseconds"))


def data_marker(connection) -> str | None:
    """The last change mark (a cheap primary-key read the wall polls); None when nothing marked yet."""
    return read_setting(connection, DATA_MARKER)


def rollup_timezone(engine: Engine) -> str | None:
    """The time zone the roll-ups count days in, or None before the first roll-up."""
    with engine.connect() as connection:
        return stored_rollup_timezone(connection)


def stored_rollup_timezone(connection) -> str | None:
    """`rollup_timezone` inside the caller's connection (and transaction)."""
    return read_setting(connection, "timezone")


# --- writers: raw rows and their roll-ups change in one transaction ------------
#
# Every writer of raw rows (the importer, the demo builder, a re-count) runs
#
#     prepare_writing(engine)
#     with engine.begin() as connection:
#         lock_for_writing(connection)
#         ... write raw rows ...
#         recount_written_days(connection, zone, utc_days, rules)   # or recount_all
#         mark_data_changed(connection)
#
# so roll-ups always equal the raw rows: an interrupted writer leaves nothing,
# and a second writer waits for the first and then sees its rows. `rules` are
# the config's themes and language (`ThemeRules.of(config)`); a writer without
# them (no themes.yaml) writes no theme rows.

WRITER_LOCK = "writer_lock"  # rollup_settings row that writers lock on PostgreSQL and MariaDB
WRITER_WAIT_SECONDS = 3600  # how long a writer waits for another one (a big import takes minutes)
ROLLUP_CHUNK_DAYS = 92  # days re-counted per statement by a full re-count, so progress can be shown


def prepare_writing(engine: Engine) -> None:
    """Create the schema and the writers' lock row where missing; safe when two writers start at once."""
    for attempt in (1, 2):
        try:
            create_schema(engine)
            break
        except SQLAlchemyError:  # another writer created the same tables a moment earlier
            if attempt == 2:
                raise
    if engine.dialect.name == "sqlite":
        return  # SQLite locks the whole database (BEGIN IMMEDIATE): no lock row needed
    with engine.connect() as connection:
        if connection.execute(select(rollup_settings.c.name).where(rollup_settings.c.name == WRITER_LOCK)).first():
            return
        try:
            connection.execute(insert(rollup_settings).values(name=WRITER_LOCK, value="writers lock this row"))
            connection.commit()
        except IntegrityError:  # the other writer inserted it first: it is there, as wanted
            connection.rollback()


def lock_for_writing(connection) -> None:
    """Wait until no other writer holds the database, then hold it until this transaction ends.

    Call first in the writer's transaction (after `prepare_writing`). SQLite:
    BEGIN IMMEDIATE, with a long busy timeout; PostgreSQL and MariaDB: a row
    lock on `rollup_settings`. Everything the writer reads after it includes
    what the writer before it committed.
    """
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {WRITER_WAIT_SECONDS * 1000}")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    if dialect in ("mysql", "mariadb"):
        connection.exec_driver_sql(f"SET SESSION innodb_lock_wait_timeout = {WRITER_WAIT_SECONDS}")
    connection.execute(
        select(rollup_settings.c.value).where(rollup_settings.c.name == WRITER_LOCK).with_for_update()
    ).first()


# (roll-up table, raw table, the raw table's timestamp column, the counts per service and day)
ROLLUPS = (
    (nps_daily, survey_responses, "responded_at", nps_day_counts),
    (ftr_daily, ftr_results, "resolved_at", ftr_day_counts),
)


def _day_counts(raw, moment_name: str, counts, first: date, last: date, zone: str, dialect: str):
    """SELECT of the counts per service and local day from `first` to `last` (days in `zone`)."""
    moment = raw.c[moment_name]
    start, end = utc_span(first, last)  # a day either side of the local days; keep whole local days
    day = local_day(moment, offset_stretches(zone, start, end), dialect)
    grouped = counts(raw, day).where(moment >= start, moment < end).subquery("per_day")
    return select(grouped).where(grouped.c.day >= first, grouped.c.day <= last)


def recount_days(connection, first: date, last: date, zone: str, tables=ROLLUPS) -> None:
    """Re-count the roll-ups of the days `first` to `last` (days in `zone`) in the caller's transaction."""
    for rollup, raw, moment_name, counts in tables:
        connection.execute(delete(rollup).where(rollup.c.day >= first, rollup.c.day <= last))
        source = _day_counts(raw, moment_name, counts, first, last, zone, connection.dialect.name)
        # SQLite's date() gives 'YYYY-MM-DD' text, which is how SQLAlchemy stores a Date there.
        connection.execute(insert(rollup).from_select([column.name for column in rollup.c], source))


def _raw_day_bounds(connection, raw, moment_name: str) -> tuple[date, date] | None:
    """The first and last UTC day of the raw rows, widened by a day either side (a local day may differ)."""
    bounds = _moment_bounds(connection, raw.c[moment_name])
    if bounds is None:
        return None
    return bounds[0].date() - timedelta(days=1), bounds[1].date() + timedelta(days=1)


Progress = Callable[[str], None]


def recount_all(connection, zone: str, progress: Progress | None = None, rules: ThemeRules = ThemeRules()) -> None:
    """Re-count every roll-up from the raw rows in `zone` (`theme_daily` with `rules`), in the caller's transaction.

    `progress` gets a line per table and per chunk of `ROLLUP_CHUNK_DAYS` days.
    """
    for table in ROLLUPS:
        rollup, raw, moment_name, _ = table
        connection.execute(delete(rollup))
        _recount_in_chunks(rollup.name, _raw_day_bounds(connection, raw, moment_name), progress,
                           lambda first, last: recount_days(connection, first, last, zone, tables=(table,)))
    recount_all_theme_days(connection, zone, rules, progress)
    write_setting(connection, "timezone", zone)


def recount_all_theme_days(connection, zone: str, rules: ThemeRules, progress: Progress | None = None) -> None:
    """Re-count every day of `theme_daily` with `rules` in `zone`, and store the rules' fingerprint."""
    connection.execute(delete(theme_daily))
    if rules.themes:
        _recount_in_chunks(theme_daily.name, _raw_day_bounds(connection, survey_responses, "responded_at"), progress,
                           lambda first, last: recount_theme_days(connection, first, last, zone, rules))
    elif progress:
        progress(f"{theme_daily.name}: no themes in themes.yaml")
    store_themes_fingerprint(connection, rules)


def _recount_in_chunks(name: str, bounds: tuple[date, date] | None, progress: Progress | None,
                       recount: Callable[[date, date], None]) -> None:
    """`recount` the days of `bounds` (first, last) `ROLLUP_CHUNK_DAYS` at a time, saying so to `progress`."""
    if bounds is None:
        if progress:
            progress(f"{name}: no raw rows")
        return
    first, last = bounds
    chunks = (last - first).days // ROLLUP_CHUNK_DAYS + 1
    for number in range(chunks):
        start = first + timedelta(days=number * ROLLUP_CHUNK_DAYS)
        end = min(start + timedelta(days=ROLLUP_CHUNK_DAYS - 1), last)
        if progress:
            progress(f"{name}: {start:%Y-%m-%d} to {end:%Y-%m-%d} ({number + 1} of {chunks})")
        recount(start, end)


def recount_written_days(connection, zone: str, utc_days: set[date], rules: ThemeRules = ThemeRules()) -> None:
    """After raw rows were written (or removed) on the UTC days `utc_days`: re-count their local days.

    In the caller's transaction, `theme_daily` with `rules`. When the
    roll-ups count in another zone, every day is re-counted in `zone`; when
    `theme_daily` was counted with other rules, every day of it.
    """
    if stored_rollup_timezone(connection) != zone:
        recount_all(connection, zone, rules=rules)
        return
    for first, last in _day_runs({day + timedelta(days=shift) for day in utc_days for shift in (-1, 0, 1)}):
        _recount_span(connection, first, last, zone, rules)


def _recount_span(connection, first: date, last: date, zone: str, rules: ThemeRules,
                  progress: Progress | None = None) -> None:
    """Re-count the days `first` to `last`; every day of `theme_daily` when it was counted with other rules."""
    recount_days(connection, first, last, zone)
    if stored_themes_fingerprint(connection) == rules.fingerprint:
        recount_theme_days(connection, first, last, zone, rules)
    else:
        recount_all_theme_days(connection, zone, rules, progress)


MAX_DAY_RUNS = 20  # more separate runs of days than this are re-counted as one span


def _day_runs(days: set[date]) -> list[tuple[date, date]]:
    """`days` as (first, last) runs of consecutive days; one span from first to last when there are many."""
    runs: list[list[date]] = []
    for day in sorted(days):
        if runs and day - runs[-1][1] == timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    if len(runs) > MAX_DAY_RUNS:
        return [(runs[0][0], runs[-1][1])]
    return [(first, last) for first, last in runs]


def refresh_rollups(engine: Engine, since: date | datetime | None = None, zone: str | None = None,
                    progress: Progress | None = None, rules: ThemeRules = ThemeRules()) -> None:
    """Recompute the daily roll-ups from the raw rows, from `since` on, in one transaction of their own.

    Days are counted in `zone` (default: the zone the roll-ups already use,
    else UTC), themes with `rules` (default: none). A `since` datetime is a
    UTC moment, a date a UTC day; with no `since`, or a new zone, every day is
    recomputed; with other rules than before, every day of `theme_daily`.
    Marks the data changed.
    """
    prepare_writing(engine)
    with engine.begin() as connection:
        lock_for_writing(connection)
        stored = stored_rollup_timezone(connection)
        zone = zone or stored or "UTC"
        if since is None or stored != zone:
            recount_all(connection, zone, progress, rules)
        else:
            moment = since if isinstance(since, datetime) else datetime.combine(since, datetime.min.time())
            if moment.tzinfo:
                moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
            bounds = _raw_day_bounds(connection, survey_responses, "responded_at")
            other = _raw_day_bounds(connection, ftr_results, "resolved_at")
            last = max((b[1] for b in (bounds, other) if b is not None), default=moment.date())
            first = moment.date() - timedelta(days=1)
            _recount_span(connection, first, max(last, moment.date()), zone, rules, progress)
        mark_data_changed(connection)


@dataclass(frozen=True)
class RollupMismatch:
    """One service and day (and tag) where a roll-up differs from a direct count of the raw rows."""

    table: str  # "nps_daily", "ftr_daily" or "theme_daily"
    service: str
    day: date
    names: tuple[str, ...]  # the counted columns, e.g. ("responses", "promoters", "passives", "detractors")
    rollup: tuple[int, ...] | None  # None: no roll-up row
    raw: tuple[int, ...] | None  # None: no raw rows
    tag: str | None = None  # theme_daily's tag, e.g. "theme:waiting"


@dataclass(frozen=True)
class RollupCheck:
    """What `check_rollups` found: the zone the roll-ups say they use, the days compared, the differences."""

    zone: str | None
    days: int
    mismatches: list[RollupMismatch]
    # theme_daily: None when not checked (no rules given); False when it was counted with other rules or not
    # yet (`themes_fingerprint` None), so not compared; True when compared with the raw rows re-tagged.
    themes_current: bool | None = None
    themes_fingerprint: str | None = None


def check_rollups(connection, rules: ThemeRules | None = None) -> RollupCheck:
    """Compare every roll-up row with a direct count of the raw rows, in the zone the roll-ups say they use.

    With `rules` (the config's), `theme_daily` too, when it was counted with those rules.
    """
    stored_zone = stored_rollup_timezone(connection)
    zone = stored_zone or "UTC"
    compared = []  # (table, counted columns, roll-up rows, direct count), each by (service, day[, tag])
    for rollup, raw, moment_name, counts in ROLLUPS:
        names = tuple(column.name for column in rollup.c if column.name not in ("service", "day"))
        stored = {(row[0], as_day(row[1])): tuple(int(value) for value in row[2:])
                  for row in connection.execute(select(rollup))}
        counted = {}
        bounds = _raw_day_bounds(connection, raw, moment_name)
        if bounds is not None:
            query = _day_counts(raw, moment_name, counts, *bounds, zone, connection.dialect.name)
            counted = {(row[0], as_day(row[1])): tuple(int(value) for value in row[2:])
                       for row in connection.execute(query)}
        compared.append((rollup.name, names, stored, counted))
    fingerprint = stored_themes_fingerprint(connection)
    themes_current = None if rules is None else fingerprint == rules.fingerprint
    if themes_current:
        compared.append((theme_daily.name, THEME_COUNTS, *_theme_rows(connection, zone, rules)))
    days = {key[1] for _, _, stored, counted in compared for key in stored.keys() | counted.keys()}
    mismatches = [RollupMismatch(table, key[0], key[1], names, stored.get(key), counted.get(key), *key[2:])
                  for table, names, stored, counted in compared
                  for key in stored.keys() | counted.keys() if stored.get(key) != counted.get(key)]
    mismatches.sort(key=lambda mismatch: (mismatch.day, mismatch.service, mismatch.table, mismatch.tag or ""))
    return RollupCheck(stored_zone, len(days), mismatches, themes_current, fingerprint)


THEME_COUNTS = ("responses", "promoters", "passives", "detractors")


def _theme_rows(connection, zone: str, rules: ThemeRules):
    """(theme_daily's rows, a direct count of the raw rows tagged with `rules`), as tuples of THEME_COUNTS."""
    bounds = _raw_day_bounds(connection, survey_responses, "responded_at")
    counted = count_theme_days(connection, *bounds, zone, rules) if bounds and rules.themes else {}
    return tuple({key: (count.responses, count.promoters, count.passives, count.detractors)
                  for key, count in counts.items()}
                 for counts in (stored_theme_counts(connection), counted))
