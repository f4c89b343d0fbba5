"""Connecting to the team's database: URLs as operators are handed them, time limits, read-only sessions.

- `make_engine` takes `postgresql://`, `postgres://`, `mysql://`, `mariadb://`
  and `sqlite:///` URLs and uses the drivers the project ships (psycopg 3,
  PyMySQL); a driver named in the URL that is not installed gets a sentence
  naming the package.
- `make_engine(read_only=True)` is what the wall reads with: the database
  itself refuses writes (read-only transactions on PostgreSQL and MariaDB,
  `query_only` on SQLite), whatever a team's query calls.
- `reading(engine, seconds)` is one read: a transaction whose statements the
  database stops after `seconds`.
- `problem_kind` names what went wrong in words fit for a TV: no host, user,
  password or SQL.
"""

from __future__ import annotations

import math
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Literal

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import NullPool

from obeya import settings
from obeya.labels import problem_words

DEFAULT_DATABASE_PATH = settings.DEFAULT_DATABASE_PATH
CONNECT_SECONDS = 5
DEFAULT_STATEMENT_SECONDS = 30

# The URL schemes operators are handed, and the shipped driver each one uses.
SHIPPED_DRIVERS = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
    "sqlite": "sqlite",
}
# Drivers an operator may name explicitly, and the package that brings each.
DRIVER_PACKAGES = {
    "psycopg": "psycopg[binary]",
    "psycopg2": "psycopg2-binary",
    "pg8000": "pg8000",
    "asyncpg": "asyncpg",
    "pymysql": "PyMySQL",
    "mysqldb": "mysqlclient",
    "mysqlconnector": "mysql-connector-python",
    "mariadbconnector": "mariadb",
    "pyodbc": "pyodbc",
}


class DatabaseUrlError(ArgumentError):
    """The database URL cannot be used as it is; the message says what to do (after "cannot use OBEYA_DATABASE_URL: ")."""


database_url = settings.database_url  # the URL the wall reads: OBEYA_DATABASE_URL, else the embedded SQLite file


def is_embedded_default(url: str) -> bool:
    """True for the embedded demo database (the one the wall fills with demo data)."""
    return url == settings.default_database_url()


def normalised_url(url: str) -> URL:
    """`url` with the shipped driver filled in where it names none (`postgresql://` → psycopg 3)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(
            "not a database URL: use for example postgresql://user@host/db, "
            "mariadb://user@host/db or sqlite:///path/to/file.db") from None
    backend, _, driver = parsed.drivername.partition("+")
    if not driver:
        if backend not in SHIPPED_DRIVERS:
            raise DatabaseUrlError(
                f"'{backend}://' is a kind of database the wall does not know: "
                "use postgresql://, mysql://, mariadb:// or sqlite:///")
        parsed = parsed.set(drivername=SHIPPED_DRIVERS[backend])
    elif backend == "postgres":
        parsed = parsed.set(drivername=f"postgresql+{driver}")
    if parsed.get_backend_name() in ("mysql", "mariadb") and "charset" not in parsed.query:
        parsed = parsed.update_query_dict({"charset": "utf8mb4"})  # comments hold emoji and accents
    return parsed


def make_engine(url: str | None = None, *, read_only: bool = False) -> Engine:
    """An engine for `url` (default: `database_url()`), creating SQLite's folder.

    Connecting gives up after 5 seconds. With `read_only` (the wall's reads)
    the database refuses every write on its connections and stops every
    statement after `DEFAULT_STATEMENT_SECONDS` unless `reading` sets another
    limit; a writer's statements have no limit.
    Raises DatabaseUrlError with a sentence for a URL or driver that cannot be used.
    """
    parsed = normalised_url(url or database_url())
    backend = parsed.get_backend_name()
    options: dict = {}
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # No pool for a SQLite file: a pooled connection keeps reading a file that was replaced or
        # moved away, so the wall would show old numbers as fresh instead of a stale badge.
        options["poolclass"] = NullPool
    else:
        options["pool_pre_ping"] = True
        options["connect_args"] = {"connect_timeout": CONNECT_SECONDS}
        if backend == "postgresql" and read_only:
            options["execution_options"] = {"postgresql_readonly": True}  # every transaction BEGIN READ ONLY
    try:
        engine = create_engine(parsed, **options)
    except (ImportError, NoSuchModuleError) as error:
        raise DatabaseUrlError(_missing_driver(parsed, error)) from None
    event.listen(engine, "connect", _session_setup(backend, read_only))
    return engine


def _missing_driver(parsed: URL, error: Exception) -> str:
    backend, _, driver = parsed.drivername.partition("+")
    package = DRIVER_PACKAGES.get(driver)
    if package is None:
        return (f"the driver '{parsed.drivername}' cannot be loaded "
                f"({error}); leave the driver out (e.g. {backend}://...) to use the shipped one")
    return (f"the URL names the driver '{driver}', which is not installed: install it with "
            f"'pip install {package}', or leave it out ({backend}://...) to use the shipped driver")


def _session_setup(backend: str, read_only: bool):
    """What every new connection runs first: time limits, and the database's own read-only switch."""

    def setup(dbapi_connection, record) -> None:
        if backend == "sqlite":
            cursor = dbapi_connection.cursor()
            # WAL lets the wall read while an import writes; a busy timeout rides out the lock.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            if read_only:
                cursor.execute("PRAGMA query_only=ON")
            cursor.close()
            # SQLite has no statement timeout: the progress handler interrupts a statement past its deadline.
            record.info["deadline"] = math.inf
            dbapi_connection.set_progress_handler(
                lambda: 1 if time.monotonic() > record.info.get("deadline", math.inf) else 0, 20_000)
            return
        if not read_only:
            return  # a writer (an import, a re-count of millions of rows) may take as long as it needs
        cursor = dbapi_connection.cursor()
        if backend == "postgresql":
            cursor.execute(f"SET statement_timeout = {DEFAULT_STATEMENT_SECONDS * 1000}")
        else:
            _mysql_statement_limit(cursor, DEFAULT_STATEMENT_SECONDS)
            cursor.execute("SET SESSION TRANSACTION READ ONLY")
        cursor.close()
        dbapi_connection.commit()  # PostgreSQL's SET is transactional: keep it past the first rollback

    return setup


def _mysql_statement_limit(cursor, seconds: float) -> None:
    try:
        cursor.execute(f"SET SESSION max_statement_time = {float(seconds)}")  # MariaDB
    except Exception:  # MySQL names it differently, in milliseconds, and applies it to SELECTs
        cursor.execute(f"SET SESSION max_execution_time = {int(seconds * 1000)}")


@contextmanager
def reading(engine: Engine, seconds: float) -> Iterator[Connection]:
    """One read: a transaction whose every statement the database stops after `seconds`."""
    with engine.connect() as connection:
        backend = connection.dialect.name
        if backend == "sqlite":
            connection.info["deadline"] = time.monotonic() + seconds
        elif backend == "postgresql":
            connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(seconds * 1000)}")
        else:
            cursor = connection.connection.dbapi_connection.cursor()
            _mysql_statement_limit(cursor, seconds)
            cursor.close()
        try:
            yield connection
        finally:
            if backend == "sqlite":
                connection.info["deadline"] = math.inf
            connection.rollback()  # a read commits nothing


ProblemKind = Literal["unreachable", "login", "no_database", "slow", "missing_table", "team_sql", "read_only",
                      "other"]

# The kinds in words for the server's log; screens say them in the wall's language (catalog keys problem.<kind>).
PROBLEM_WORDS: dict[str, str] = problem_words()

# Error codes by kind: PostgreSQL SQLSTATEs, MariaDB/MySQL error numbers.
_POSTGRES_STATES = {
    "57014": "slow", "42P01": "missing_table", "28P01": "login", "28000": "login", "3D000": "no_database",
    "25006": "read_only", "08001": "unreachable", "08006": "unreachable",
}
_MYSQL_ERRORS = {
    2003: "unreachable", 2005: "unreachable", 2006: "unreachable", 2013: "slow", 1045: "login", 1044: "login",
    1049: "no_database", 1146: "missing_table", 1969: "slow", 3024: "slow", 1792: "read_only", 1290: "read_only",
}
# What the drivers say when no code comes with the error (connection failures, SQLite).
_PHRASES = (
    ("statement timeout", "slow"), ("interrupted", "slow"), ("max_statement_time", "slow"),
    ("password authentication failed", "login"), ("authentication failed", "login"), ("access denied", "login"),
    ("no such table", "missing_table"), ("readonly database", "read_only"),
    ("read-only transaction", "read_only"), ("read only transaction", "read_only"),
    ("connection refused", "unreachable"), ("timeout expired", "unreachable"), ("timed out", "unreachable"),
    ("could not translate host name", "unreachable"), ("name or service not known", "unreachable"),
    ("unable to open database file", "unreachable"), ("can't connect", "unreachable"),
    ("connection failed", "unreachable"), ("server closed the connection", "unreachable"),
)


def is_permission_denied(error: BaseException) -> bool:
    """True when the database refused `error`'s statement because the user may not do it (a reader that
    was asked to write): PostgreSQL's 42501, MariaDB's 1142 and 1143."""
    original = getattr(error, "orig", None) or error
    state = getattr(original, "sqlstate", None) or getattr(getattr(original, "diag", None), "sqlstate", None)
    number = original.args[0] if getattr(original, "args", None) and isinstance(original.args[0], int) else None
    return state == "42501" or number in (1142, 1143)


def problem_kind(error: BaseException) -> ProblemKind:
    """What kind of database problem `error` is, judged by codes first and the driver's words second."""
    if isinstance(getattr(error, "problem", None), str):  # obeya.queries.SourceError knows its kind
        return error.problem  # type: ignore[attr-defined, return-value]
    original = getattr(error, "orig", None) or error
    state = getattr(original, "sqlstate", None) or getattr(getattr(original, "diag", None), "sqlstate", None)
    if state in _POSTGRES_STATES:
        return _POSTGRES_STATES[state]  # type: ignore[return-value]
    number = original.args[0] if getattr(original, "args", None) and isinstance(original.args[0], int) else None
    if number in _MYSQL_ERRORS:
        return _MYSQL_ERRORS[number]  # type: ignore[return-value]
    text = str(error).lower()
    if "does not exist" in text and ("role \"" in text or "user \"" in text):
        return "login"
    if "does not exist" in text and "database \"" in text:
        return "no_database"
    for phrase, kind in _PHRASES:
        if phrase in text:
            return kind  # type: ignore[return-value]
    if isinstance(error, OSError):
        return "unreachable"
    return "other"
