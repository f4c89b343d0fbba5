"""The operator's database: plain URLs, the shipped drivers, read-only for real, time limits, problems by kind.

Everything here runs against the real SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, insert, select, text

from obeya.database import create_schema, survey_responses
from obeya.rollups import refresh_rollups
from obeya.engine import DatabaseUrlError, make_engine, normalised_url, problem_kind, reading
from obeya.live import LiveWall
from obeya.queries import check_sources
from tests.db_servers import KINDS, SERVERS, fresh_database

NOW = datetime(2025, 6, 18, 9, 30, tzinfo=timezone.utc)


# --- URLs as operators are handed them ------------------------------------------------------


@pytest.mark.parametrize("url, driver", [
    ("postgresql://wall_reader@db-host/servicedesk", "postgresql+psycopg"),
    ("postgres://wall_reader:secret@db-host:5433/servicedesk", "postgresql+psycopg"),
    ("mysql://wall_reader@db-host/servicedesk", "mysql+pymysql"),
    ("mariadb://wall_reader@db-host/servicedesk", "mariadb+pymysql"),
    ("sqlite:///data/obeya.db", "sqlite"),
    ("postgres+psycopg://u@h/db", "postgresql+psycopg"),
])
def test_plain_urls_use_the_shipped_drivers(url, driver):
    assert normalised_url(url).drivername == driver


def test_mysql_urls_read_text_as_utf8mb4_unless_told_otherwise():
    assert normalised_url("mysql://u@h/db").query["charset"] == "utf8mb4"
    assert normalised_url("mysql://u@h/db?charset=latin1").query["charset"] == "latin1"


def test_a_named_driver_that_is_not_installed_names_the_package_to_install():
    with pytest.raises(DatabaseUrlError) as error:
        make_engine("mysql+mysqldb://wall_reader@db-host/servicedesk")
    assert str(error.value) == (
        "the URL names the driver 'mysqldb', which is not installed: install it with 'pip install mysqlclient', "
        "or leave it out (mysql://...) to use the shipped driver")


def test_an_unknown_kind_of_database_says_which_ones_work():
    with pytest.raises(DatabaseUrlError) as error:
        make_engine("oracle2://scott@db-host/orcl")
    assert str(error.value) == ("'oracle2://' is a kind of database the wall does not know: "
                                "use postgresql://, mysql://, mariadb:// or sqlite:///")


@pytest.mark.parametrize("kind", ["postgresql", "mariadb"])
def test_the_plain_url_reaches_the_real_server(kind, tmp_path):
    with fresh_database(kind, tmp_path) as url:
        assert url.startswith(SERVERS[kind])  # the plain form, no driver named
        alias = url.replace("postgresql://", "postgres://").replace("mariadb://", "mysql://")
        for form in (url, alias):
            engine = make_engine(form, read_only=True)
            with reading(engine, 5) as connection:
                assert connection.execute(text("SELECT 1")).scalar() == 1
            engine.dispose()


# --- read-only, enforced by the database ---------------------------------------------------------


def fill(url: str, rows: int = 40) -> None:
    """A wall database with `rows` responses for "lims" (half promoters), rolled up in the test config's zone."""
    engine = make_engine(url)
    create_schema(engine)
    with engine.begin() as connection:
        connection.execute(insert(survey_responses), [
            {"response_id": f"R{i}", "ticket_id": f"T{i}", "service": "lims",
             "responded_at": datetime(2025, 6, 10, 10, 0), "score": 10 if i % 2 else 3, "comment": None}
            for i in range(rows)
        ])
    refresh_rollups(engine, zone="Europe/Berlin")
    engine.dispose()


def count_responses(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(survey_responses)).scalar_one()
    engine.dispose()
    return count


def create_wiping_function(kind: str, url: str) -> str:
    """A function that deletes every survey response, as a careless or hostile team query could call."""
    if kind == "sqlite":
        return "wipe()"  # registered on each connection below: SQL alone cannot define one on SQLite
    engine = make_engine(url)
    with engine.begin() as connection:
        if kind == "postgresql":
            connection.exec_driver_sql("CREATE FUNCTION wipe() RETURNS integer LANGUAGE sql VOLATILE AS "
                                       "'DELETE FROM survey_responses; SELECT 1'")
        else:
            connection.exec_driver_sql("CREATE FUNCTION wipe() RETURNS INT MODIFIES SQL DATA "
                                       "BEGIN DELETE FROM survey_responses; RETURN 1; END")
    engine.dispose()
    return "wipe()"


def sqlite_wipe_on_connect(engine) -> list[str]:
    """Register wipe() on the wall's SQLite connections; returns what SQLite answered its DELETEs."""
    import sqlite3

    from sqlalchemy import event

    answers: list[str] = []

    def register(dbapi_connection, _record):
        def wipe():
            try:
                dbapi_connection.execute("DELETE FROM survey_responses")
            except sqlite3.OperationalError as error:
                answers.append(str(error))
                raise
            return 1
        dbapi_connection.create_function("wipe", 0, wipe)

    event.listen(engine, "connect", register)
    return answers


@pytest.mark.parametrize("kind", KINDS)
def test_a_team_query_that_calls_a_deleting_function_deletes_nothing(kind, tmp_path, config_copy):
    with fresh_database(kind, tmp_path) as url:
        fill(url)
        call = create_wiping_function(kind, url)
        config_copy.write("sources.yaml", "responses: |\n"
                          f"  SELECT r.*, {call} AS w FROM survey_responses r\n")
        engine = make_engine(url, read_only=True)
        sqlite_answers = sqlite_wipe_on_connect(engine) if kind == "sqlite" else []
        state = LiveWall(config_copy.path, engine, now=lambda: NOW).settle()
        with reading(engine, 5) as connection:
            problems = check_sources(connection, config_copy.load().sources)
        engine.dispose()
        assert count_responses(url) == 40
        assert state.data is None
        if kind == "sqlite":  # SQLite reports a failing function only as such; what it refused is the write
            assert set(sqlite_answers) == {"attempt to write a readonly database"}
            assert problems == ["sources.yaml: responses: the query fails: (sqlite3.OperationalError) "
                                "user-defined function raised exception"]
        else:
            assert state.problem == "read_only"
            assert len(problems) == 1
            assert problems[0].startswith("sources.yaml: responses: the query tries to change data, and the wall "
                                          "only reads: the database refused it (")


# --- time limits ---------------------------------------------------------------------------------

SLOW_QUERIES = {
    "sqlite": ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) "
               "SELECT r.* FROM survey_responses r CROSS JOIN (SELECT max(i) AS m FROM n) slow"),
    "postgresql": "SELECT r.* FROM survey_responses r CROSS JOIN (SELECT pg_sleep(30) AS s) slow",
    "mariadb": "SELECT r.* FROM survey_responses r CROSS JOIN (SELECT SLEEP(30) AS s) slow",
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_query_over_the_time_limit_keeps_the_last_numbers_marked_too_slow(kind, tmp_path, config_copy):
    with fresh_database(kind, tmp_path) as url:
        fill(url)
        config_copy.edit("wall.yaml", "rotate_seconds: 20", "rotate_seconds: 20\ndatabase_timeout_seconds: 1")
        engine = make_engine(url, read_only=True)
        clock = Clock()
        live = LiveWall(config_copy.path, engine, now=lambda: NOW, clock=clock)
        good = live.settle()
        assert good.data is not None
        config_copy.write("sources.yaml", "responses: |\n  " + SLOW_QUERIES[kind] + "\n")
        slow = live.settle()
        engine.dispose()
        assert slow.problem == "slow"
        assert slow.data == good.data and slow.stale_since == NOW


@pytest.mark.parametrize("kind", ["postgresql", "mariadb"])
def test_only_the_walls_reads_have_a_time_limit_an_import_may_take_as_long_as_it_needs(kind, tmp_path):
    with fresh_database(kind, tmp_path) as url:
        question = "SHOW statement_timeout" if kind == "postgresql" else "SELECT @@max_statement_time"
        unlimited = {"postgresql": "0", "mariadb": "0.0"}[kind]
        limited = {"postgresql": "30s", "mariadb": "30.0"}[kind]
        for read_only, expected in ((False, unlimited), (True, limited)):
            engine = make_engine(url, read_only=read_only)
            with engine.connect() as connection:
                answer = connection.exec_driver_sql(question).scalar()
                assert (str(float(answer)) if kind == "mariadb" else answer) == expected
            engine.dispose()


class Clock:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


# --- problems by kind, never with secrets -----------------------------------------------------


def test_a_server_that_is_not_there_is_cannot_reach(config_copy):
    engine = make_engine("postgresql://wall_reader:s3cret@127.0.0.1:1/servicedesk", read_only=True)
    state = LiveWall(config_copy.path, engine, now=lambda: NOW).settle()
    assert state.problem == "unreachable"


@pytest.mark.parametrize("kind", ["postgresql", "mariadb"])
def test_an_unknown_user_is_login_refused_and_a_missing_table_is_named(kind, tmp_path, config_copy):
    with fresh_database(kind, tmp_path) as url:
        fill(url)
        host = url.split("@", 1)[1]
        stranger = make_engine(f"{kind}://nobody_{kind}:wrong@{host}", read_only=True)
        assert LiveWall(config_copy.path, stranger, now=lambda: NOW).settle().problem == "login"
        stranger.dispose()
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE nps_daily")
        engine.dispose()
        reader = make_engine(url, read_only=True)
        assert LiveWall(config_copy.path, reader, now=lambda: NOW).settle().problem == "missing_table"
        reader.dispose()


def test_problem_kinds_come_from_codes_and_words():
    assert problem_kind(OSError("boom")) == "unreachable"
    assert problem_kind(RuntimeError("canceling statement due to statement timeout")) == "slow"
    assert problem_kind(RuntimeError("something else")) == "other"
