"""The database: table definitions, the engine, and the daily roll-ups.

Raw rows live in `survey_responses` and `ftr_results` (the import columns in
DESIGN.md). The wall never aggregates them on a refresh: `nps_daily` and
`ftr_daily` hold counts per service per day, kept current by whoever writes
raw rows (the demo builder and the importer call `refresh_rollups`).
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    and_,
    case,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_PATH = PROJECT_ROOT / "data" / "obeya.db"

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


def database_url() -> str:
    """The URL the wall reads: `OBEYA_DATABASE_URL`, else the embedded SQLite file."""
    return os.environ.get("OBEYA_DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE_PATH}"


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url` (default: `database_url()`), creating SQLite's folder."""
    url = url or database_url()
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection, _record) -> None:
    # WAL lets the wall read while an import writes; a busy timeout rides out the lock.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_schema(engine: Engine) -> None:
    """Create the wall's tables and indexes where they are missing."""
    metadata.create_all(engine)


def is_empty(engine: Engine) -> bool:
    """True when there are no survey responses and no first-time-right rows."""
    with engine.connect() as connection:
        responses = connection.execute(select(func.count()).select_from(survey_responses)).scalar_one()
        results = connection.execute(select(func.count()).select_from(ftr_results)).scalar_one()
    return responses == 0 and results == 0


def _day(column):
    # date() exists on SQLite, PostgreSQL and MariaDB alike.
    return func.date(column)


def refresh_rollups(engine: Engine, since: date | datetime | None = None) -> None:
    """Recompute the daily roll-ups from the raw rows, from `since` (inclusive) on.

    With no `since` every day is recomputed.
    """
    since_day = since.date() if isinstance(since, datetime) else since
    since_moment = datetime.combine(since_day, datetime.min.time()) if since_day else None
    nps_source = select(
        survey_responses.c.service,
        _day(survey_responses.c.responded_at).label("day"),
        func.count().label("responses"),
        func.sum(case((survey_responses.c.score >= 9, 1), else_=0)).label("promoters"),
        func.sum(case((and_(survey_responses.c.score >= 7, survey_responses.c.score <= 8), 1), else_=0)).label(
            "passives"
        ),
        func.sum(case((survey_responses.c.score <= 6, 1), else_=0)).label("detractors"),
    ).group_by(survey_responses.c.service, _day(survey_responses.c.responded_at))
    ftr_source = select(
        ftr_results.c.service,
        _day(ftr_results.c.resolved_at).label("day"),
        func.count().label("resolved"),
        func.sum(case((ftr_results.c.first_time_right, 1), else_=0)).label("first_time_right"),
        func.sum(case((ftr_results.c.reopened, 1), else_=0)).label("reopened"),
        func.sum(case((ftr_results.c.reassigned, 1), else_=0)).label("reassigned"),
    ).group_by(ftr_results.c.service, _day(ftr_results.c.resolved_at))
    if since_moment is not None:
        nps_source = nps_source.where(survey_responses.c.responded_at >= since_moment)
        ftr_source = ftr_source.where(ftr_results.c.resolved_at >= since_moment)
    with engine.begin() as connection:
        for rollup, source in ((nps_daily, nps_source), (ftr_daily, ftr_source)):
            wipe = delete(rollup)
            if since_day is not None:
                wipe = wipe.where(rollup.c.day >= since_day)
            connection.execute(wipe)
            # SQLite's date() gives 'YYYY-MM-DD' text, which is how SQLAlchemy stores a Date there.
            connection.execute(insert(rollup).from_select([column.name for column in rollup.c], source))
