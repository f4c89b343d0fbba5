"""SQL the wall runs on a refresh. Every query is bounded and aggregated in the database.

Raw rows come from one of two places:

- the wall's own tables: trends read the daily roll-ups (`nps_daily`,
  `ftr_daily`), a few thousand rows however many raw rows there are;
- a team's own SELECTs (`sources.yaml`): the wall wraps each as a subquery
  and pushes the GROUP BY per service and day to the database.

Comments always read the newest raw rows, newest first, with a LIMIT. Comment
themes read their roll-up `theme_daily`; where it cannot serve (a team's own
SQL, rules edited since it was counted) `commented_rows` streams the raw rows
with comments for the wall to tag itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    DateTime,
    Integer,
    String,
    Text,
    func,
    inspect,
    literal_column,
    null,
    select,
    text,
    type_coerce,
)

from obeya.config import Sources
from obeya.engine import problem_kind
from obeya.database import ftr_daily, has_column, nps_daily, read_setting, rollup_settings, survey_responses
from obeya.localdays import as_day, local_day, offset_stretches
from obeya.rollups import ftr_day_counts, nps_day_counts
from obeya.metrics import FtrCounts, NpsCounts
from obeya.theme_rollups import THEMES_SETTING, commented_responses, stored_theme_counts, stored_theme_spans

RESPONSE_COLUMNS = {
    "response_id": String,
    "ticket_id": String,
    "service": String,
    "responded_at": DateTime,
    "score": Integer,
    "comment": Text,
    "factors": Text,
}
FTR_COLUMNS = {
    "ticket_id": String,
    "service": String,
    "resolved_at": DateTime,
    "first_time_right": Boolean,
    "reopened": Boolean,
    "reassigned": Boolean,
}
OPTIONAL_COLUMNS = {"comment", "factors", "reopened", "reassigned"}


class SourceError(Exception):
    """A team's own query cannot feed the wall: it fails, or lacks a column.

    `problem` is the kind of trouble (obeya.engine.PROBLEM_WORDS): a query the
    database stopped for taking too long is "slow", one that tried to write is
    "read_only", anything else about the query "team_sql".
    """

    def __init__(self, message: str, problem: str = "team_sql") -> None:
        super().__init__(message)
        self.problem = problem


def own_query(sql: str, columns: dict, name: str, returned: set[str]):
    """A team's SELECT as a typed subquery the wall can aggregate over; optional columns it lacks are NULL.

    `returned` are the column names the query gives (from `inspect_own_query`).
    """
    present = {column: kind for column, kind in columns.items() if column in returned}
    typed = text(sql).columns(**{column: kind() for column, kind in present.items()}).subquery(f"{name}_rows")
    return select(*[typed.c[column] if column in present else null().label(column) for column in columns]) \
        .subquery(name)


def inspect_own_query(connection: Connection, sql: str, columns: dict, what: str) -> tuple[list[str], set[str]]:
    """Run a team's query for one row: (problems, the column names it returns).

    It must run and return the canonical columns with usable values. A query
    the database stops raises SourceError with the kind ("slow", "read_only").
    """
    probe = text(sql).columns().subquery("probe")
    try:
        result = connection.execute(select(literal_column("*")).select_from(probe).limit(1))
        returned = [key.lower() for key in result.keys()]
        row = result.first()
    except Exception as error:  # any driver error is the team's query failing
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        kind = problem_kind(error)
        if kind == "read_only":
            raise SourceError(f"{what}: the query tries to change data, and the wall only reads: the database "
                              f"refused it ({first_line[:200]})", "read_only") from error
        if kind == "slow":
            raise SourceError(f"{what}: the query took longer than database_timeout_seconds (wall.yaml) and the "
                              "database stopped it", "slow") from error
        return [f"{what}: the query fails: {first_line[:200]}"], set()
    problems = [
        f"{what}: the query returns no column '{column}' (it returns: {', '.join(returned) or 'nothing'})"
        for column in columns
        if column not in returned and column not in OPTIONAL_COLUMNS
    ]
    if row is None or problems:
        return problems, set(returned)
    values = dict(zip(returned, row))
    for column, kind in columns.items():
        if column not in values or values[column] is None:
            continue
        value = values[column]
        if kind is DateTime and not _usable_moment(value):
            problems.append(f"{what}: column '{column}' gives {value!r}, not a timestamp")
        if column == "score" and not (_whole(value) and 0 <= int(value) <= 10):
            problems.append(f"{what}: column 'score' gives {value!r}, not a whole number from 0 to 10")
        if kind is Boolean and value not in (True, False, 0, 1):
            problems.append(f"{what}: column '{column}' gives {value!r}, not true/false or 1/0")
    return problems, set(returned)


def check_own_query(connection: Connection, sql: str, columns: dict, what: str) -> list[str]:
    """Problems with a team's query (none when it runs and returns the canonical columns)."""
    return inspect_own_query(connection, sql, columns, what)[0]


@dataclass(frozen=True)
class RawRows:
    """Where one refresh reads raw rows: the team's SELECTs as subqueries, or None for the wall's own tables."""

    responses: Any = None
    ftr: Any = None


def raw_rows(connection: Connection, sources: Sources) -> RawRows:
    """Check the team's queries once and wrap them for this refresh; raises SourceError naming what is wrong."""
    problems: list[str] = []
    wrapped = {}
    for key, sql, columns, name in (("responses", sources.responses, RESPONSE_COLUMNS, "responses"),
                                    ("ftr", sources.ftr, FTR_COLUMNS, "results")):
        if sql:
            found, returned = inspect_own_query(connection, sql, columns, f"sources.yaml: {key}")
            problems += found
            wrapped[key] = own_query(sql, columns, name, returned)
    if problems:
        raise SourceError("; ".join(problems))
    return RawRows(**wrapped)


def _usable_moment(value) -> bool:
    if isinstance(value, datetime):
        return True
    try:
        datetime.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _whole(value) -> bool:
    try:
        return float(value) == int(float(value))
    except (TypeError, ValueError):
        return False


def check_sources(connection: Connection, sources: Sources) -> list[str]:
    """Every problem with the team's own queries in `sources.yaml` (none when it has none)."""
    problems = []
    for sql, columns, what in ((sources.responses, RESPONSE_COLUMNS, "sources.yaml: responses"),
                               (sources.ftr, FTR_COLUMNS, "sources.yaml: ftr")):
        if sql:
            try:
                problems += check_own_query(connection, sql, columns, what)
            except SourceError as error:  # stopped by the database: still a problem to name, not a crash
                problems.append(str(error))
    return problems


def _window_start(since: date) -> datetime:
    # A local day east of UTC starts the evening before in UTC: read a day early, keep whole days.
    return datetime.combine(since - timedelta(days=1), time.min)


def _own_daily_counts(connection: Connection, raw, moment_column, counts, columns: tuple[str, ...], since: date,
                      until: datetime, zone: str):
    day = local_day(moment_column, offset_stretches(zone, _window_start(since), until), connection.dialect.name)
    grouped = counts(raw, day).where(moment_column >= _window_start(since)).subquery("per_day")
    return connection.execute(select(grouped.c.service, grouped.c.day, *(grouped.c[column] for column in columns))
                              .where(grouped.c.day >= since).order_by(grouped.c.day)).all()


def _daily_rows(connection: Connection, own, moment: str, counts, rollup, columns: tuple[str, ...], since: date,
                until: datetime | None, zone: str):
    """Rows of (service, day, *columns) from `since` on: grouped from the team's query `own`, else the roll-up."""
    if own is not None:
        return _own_daily_counts(connection, own, own.c[moment], counts, columns, since, until or datetime.now(), zone)
    # A refresh reads a thousand or more of these: the day as the driver gives it (SQLite: text, parsed once per
    # day by `day_of`), all rows fetched at once and unpacked by position.
    return connection.execute(
        select(rollup.c.service, type_coerce(rollup.c.day, String), *(rollup.c[column] for column in columns))
        .where(rollup.c.day >= since)
        .order_by(rollup.c.day)
    ).all()


def nps_daily_counts(connection: Connection, since: date, *, sources: Sources = Sources(), until: datetime | None = None,
                     zone: str = "UTC", raw: RawRows | None = None) -> dict[tuple[str, date], NpsCounts]:
    """Survey counts per (service, day in `zone`) from `since` on (`raw`: from `raw_rows`, else made here)."""
    raw = raw or raw_rows(connection, sources)
    rows = _daily_rows(connection, raw.responses, "responded_at", nps_day_counts, nps_daily,
                       ("promoters", "passives", "detractors"), since, until, zone)
    day_of = cache(as_day)
    return {(service, day_of(day)): NpsCounts(int(promoters), int(passives), int(detractors))
            for service, day, promoters, passives, detractors in rows}


def ftr_daily_counts(connection: Connection, since: date, *, sources: Sources = Sources(), until: datetime | None = None,
                     zone: str = "UTC", raw: RawRows | None = None) -> dict[tuple[str, date], FtrCounts]:
    """First-time-right counts per (service, day in `zone`) from `since` on (`raw`: from `raw_rows`, else made here)."""
    raw = raw or raw_rows(connection, sources)
    rows = _daily_rows(connection, raw.ftr, "resolved_at", ftr_day_counts, ftr_daily,
                       ("resolved", "first_time_right", "reopened", "reassigned"), since, until, zone)
    day_of = cache(as_day)
    return {(service, day_of(day)): FtrCounts(int(resolved), int(right), int(reopened), int(reassigned))
            for service, day, resolved, right, reopened, reassigned in rows}


def rollup_zone(connection: Connection) -> str | None:
    """The time zone the wall's roll-ups count days in (None before the first roll-up)."""
    return read_setting(connection, "timezone")


# --- comment themes --------------------------------------------------------------------------------------


def theme_daily_counts(connection: Connection, since: date, until: date) -> dict[tuple[str, date, str], NpsCounts]:
    """Responses per (service, day, tag) from the roll-up `theme_daily`, days `since` to `until` (both included).

    Tags as obeya/themes.py counts them ("comments", "unclassified",
    "theme:<id>", "cause:<cause>"), counted with the rules whose fingerprint
    `themes_fingerprint` gives.
    """
    return stored_theme_counts(connection, since, until)


def theme_span_counts(connection: Connection, edges: Sequence[date]) -> dict[tuple[str, date, str], NpsCounts]:
    """Responses per (service, span, tag) from `theme_daily`, pooled into the spans between consecutive
    `edges` (sorted days, the last one not included), each span under its first day: what the wall reads,
    for sums over days from one edge to another."""
    return stored_theme_spans(connection, edges)


def themes_fingerprint(connection: Connection) -> str | None:
    """The fingerprint (obeya.themes.rules_fingerprint) of the rules `theme_daily` was counted with;
    None before the first count, or without the wall's tables."""
    if not inspect(connection).has_table(rollup_settings.name):
        return None
    return read_setting(connection, THEMES_SETTING)


def commented_rows(connection: Connection, since_utc: datetime, until_utc: datetime, raw: RawRows | None = None
                   ) -> Iterator[tuple[str, datetime, int, str | None, str | None]]:
    """(service, responded_at in naive UTC, score, comment, factors) of every response with a comment or ticked
    reasons, since_utc <= responded_at < until_utc, streamed (read while the caller iterates).

    From the team's own SQL when `raw` (from `raw_rows`) has it, else from the
    wall's table; `factors` is None where the query or an older table has none.
    """
    own = raw.responses if raw is not None else None
    return commented_responses(connection, own if own is not None else _wall_responses(connection), since_utc,
                               until_utc)


def _wall_responses(connection: Connection):
    """`survey_responses`, with a NULL `factors` when its table was made before the column (read-only users)."""
    if has_column(connection, survey_responses, "factors"):
        return survey_responses
    columns = [column for column in survey_responses.c if column.name != "factors"]
    return select(*columns, null().label("factors")).subquery("survey_responses_before_factors")


@dataclass(frozen=True)
class Comment:
    """One survey comment as stored (before masking)."""

    response_id: str
    service: str
    score: int
    responded_at: datetime
    comment: str


def recent_comments(
    connection: Connection, since: datetime, until: datetime, limit: int, *, detractors: bool,
    hidden: frozenset[str] = frozenset(), sources: Sources = Sources(), raw: RawRows | None = None,
) -> list[Comment]:
    """The newest non-empty comments from `since` up to `until` (naive UTC): detractors (0–6) or promoters (9–10)."""
    own = (raw or raw_rows(connection, sources)).responses
    rows = own if own is not None else survey_responses
    score_filter = rows.c.score <= 6 if detractors else rows.c.score >= 9
    query = (
        select(rows.c.response_id, rows.c.service, rows.c.score, rows.c.responded_at, rows.c.comment)
        .where(rows.c.responded_at >= since)
        .where(rows.c.responded_at <= until)
        .where(score_filter)
        .where(rows.c.comment.is_not(None))
        .where(func.length(func.trim(rows.c.comment)) > 0)
        .order_by(rows.c.responded_at.desc())
        .limit(limit)
    )
    if hidden:
        query = query.where(rows.c.response_id.not_in(sorted(hidden)))
    return [
        Comment(str(row.response_id), row.service, int(row.score), _as_moment(row.responded_at), row.comment)
        for row in connection.execute(query)
    ]


def _as_moment(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))




def unknown_services(connection: Connection, config, since: date | None = None) -> dict[str, int]:
    """Rows per service spelling that names no service of `config` (neither an id nor an alias), most first.

    Survey responses and resolved tickets together, from the day `since` on
    (default: all). The wall's own tables are read through their roll-ups
    (cheap); a team's own SQL (`config.sources`) is grouped by service in the
    database. A NULL service is counted as "". Raises SourceError or
    SQLAlchemy errors like a refresh.
    """


    raw = raw_rows(connection, config.sources)
    counts: Counter = Counter()
    start = datetime.combine(since, time.min) if since else None
    for own, moment, rollup, rows_counted in ((raw.responses, "responded_at", nps_daily, nps_daily.c.responses),
                                              (raw.ftr, "resolved_at", ftr_daily, ftr_daily.c.resolved)):
        if own is not None:
            query = select(own.c.service, func.count()).group_by(own.c.service)
            if start is not None:
                query = query.where(own.c[moment] >= start)
        elif inspect(connection).has_table(rollup.name):
            query = select(rollup.c.service, func.sum(rows_counted)).group_by(rollup.c.service)
            if since is not None:
                query = query.where(rollup.c.day >= since)
        else:
            continue  # no rows of this kind yet
        for service, rows in connection.execute(query):
            if rows and config.service_id_for(service) is None:
                counts["" if service is None else str(service)] += int(rows)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
