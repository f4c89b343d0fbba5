"""The database: the wall's tables, creating them, and a database ready to read at start.

Raw rows live in `survey_responses` and `ftr_results` (the import columns in
DESIGN.md). The wall never aggregates them on a refresh: `nps_daily` and
`ftr_daily` hold counts per service per day, and `theme_daily` per service, day
and comment tag, kept current by whoever writes raw rows, in the same
transaction (obeya/rollups.py). Connecting is obeya/engine.py's.
"""

from __future__ import annotations

import logging
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
    delete,
    func,
    insert,
    inspect,
    select,
)

from sqlalchemy.dialects import mysql
from sqlalchemy.exc import SQLAlchemyError

from obeya.engine import DEFAULT_DATABASE_PATH, database_url, is_embedded_default, make_engine  # noqa: F401

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
    Column("factors", Text, nullable=True),  # the reasons ticked, "; "-separated; added after the first release
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


# Services as the raw rows spell them, compared to the letter: Python counts the tags, and on MariaDB a
# case-insensitive key would call "Printers" and "printers" one service and refuse the second row.
EXACT_SERVICE = String(64).with_variant(mysql.VARCHAR(64, charset="utf8mb4", collation="utf8mb4_bin"),
                                        "mysql", "mariadb")

theme_daily = Table(
    "theme_daily",
    metadata,
    Column("service", EXACT_SERVICE, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("tag", String(80), primary_key=True),  # "comments", "unclassified", "theme:<id>", "cause:<cause>"
    Column("responses", Integer, nullable=False),
    Column("promoters", Integer, nullable=False),
    Column("passives", Integer, nullable=False),
    Column("detractors", Integer, nullable=False),
    Index("ix_theme_daily_day", "day"),
)

# Columns added to a table after databases were made with it: the next writer adds them (`create_schema`),
# and readers of an older table treat them as NULL (`has_column`).
ADDED_COLUMNS = ((survey_responses, "factors"),)


def create_schema(engine: Engine) -> None:
    """Create the wall's tables and indexes where they are missing, and add the columns older tables lack.

    Safe when two writers start at once: a column the other one added a
    moment earlier is left as it is.
    """
    metadata.create_all(engine)
    for table, name in ADDED_COLUMNS:
        if not has_column(engine, table, name):
            _add_column(engine, table.c[name])


def _add_column(engine: Engine, column: Column) -> None:
    quote = engine.dialect.identifier_preparer
    # Names and type from the schema above, never from input.
    ddl = (f"ALTER TABLE {quote.format_table(column.table)} ADD COLUMN {quote.format_column(column)} "
           f"{column.type.compile(dialect=engine.dialect)}")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(ddl)
    except SQLAlchemyError:
        if not has_column(engine, column.table, column.name):
            raise
        log.info("%s.%s was added by another writer meanwhile", column.table.name, column.name)


def has_column(bind, table: Table, name: str) -> bool:
    """True when the database's `table` has the column `name` (an older table may lack an added column)."""
    return any(column["name"].lower() == name for column in inspect(bind).get_columns(table.name))


def prepare_database(url: str, config_dir: str | Path | None = None, *, demo: bool = False,
                     writer: str | None = None, writer_setting: str = "OBEYA_INGEST_DATABASE_URL") -> None:
    """Create the wall's tables where they are missing, before the wall starts reading.

    The embedded default database is filled with demo data (days counted in
    the zone of `config_dir`'s wall.yaml, comments tagged with its themes)
    when empty, so a fresh clone shows a full wall; so is any database with
    `demo` (a wall's own embedded file, on a server of several). A database that cannot be
    reached, or a read-only user, is not fatal: the wall starts and shows what
    it can; a user that may do more than read is warned about in the log.
    `writer` is the URL the ingest API writes with, when it is on: the tables
    are created through it, and the log says when it cannot write them
    (naming `writer_setting`, where its URL is set).
    Raises DatabaseUrlError for a URL that cannot be used.
    """
    from obeya.config import ConfigError, load_config
    from obeya.demo import ensure_demo_database  # the demo writes through this module
    from obeya.privileges import privilege_warnings, writer_problem
    from obeya.theme_rollups import ThemeRules

    try:
        config = load_config(config_dir) if config_dir else None
    except ConfigError:
        config = None  # the wall shows the config's problems; the demo counts in the zone and themes it knows

    engine = make_engine(url)
    owner = make_engine(writer) if writer and writer != url else engine
    try:
        if demo or is_embedded_default(url):
            ensure_demo_database(engine, zone=config.wall.timezone if config else None,
                                 rules=ThemeRules.of(config) if config else None)
            return
        _create_missing_tables(owner)
        if writer:
            problem = writer_problem(owner, writer_setting)
            if problem:
                log.warning("ingest API: %s", problem)
        for warning in privilege_warnings(engine):
            log.warning("database user: %s", warning)
    except SQLAlchemyError as error:
        log.warning("could not check the wall's database; the wall starts and reads what there is: %s", error)
    finally:
        engine.dispose()
        owner.dispose()


def _create_missing_tables(engine: Engine) -> None:
    """Create the wall's tables when some are missing; a user that may not is told how to go on (logged)."""
    if has_schema(engine):
        return
    try:
        create_schema(engine)
    except SQLAlchemyError as error:
        user = engine.url.username or "the database user"
        log.warning(
            "the wall's tables are not all there and %s may not create them (%s); the wall starts, reads what "
            "there is and says which table is missing. Create them once as a user that may (the database's "
            "owner): OBEYA_DATABASE_URL=<that user's URL> python -m obeya rollups, or import a file with it",
            user, (str(getattr(error, "orig", None) or error).strip().splitlines() or ["refused"])[0])


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


def read_setting(connection, name: str) -> str | None:
    """The value of `rollup_settings` row `name` (a primary-key read); None when there is none."""
    return connection.execute(select(rollup_settings.c.value).where(rollup_settings.c.name == name)).scalar()


def write_setting(connection, name: str, value: str) -> None:
    """Set `rollup_settings` row `name` to `value`, in the caller's transaction."""
    connection.execute(delete(rollup_settings).where(rollup_settings.c.name == name))
    connection.execute(insert(rollup_settings).values(name=name, value=value))
