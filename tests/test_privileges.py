"""A database user that cannot do harm: the wall says when its user could, and how to make one that cannot.

On the real PostgreSQL and MariaDB servers: the admin user of a fresh database
hears every warning; a user the test creates with SELECT only hears none.
"""

from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy import make_url

from obeya.database import create_schema, make_engine, prepare_database
from obeya.privileges import privilege_warnings, writer_problem
from tests.db_servers import READ_ONLY, database_user, fresh_database

TABLES = "survey_responses, ftr_results, nps_daily, ftr_daily"


def reader_advice(kind: str, database: str) -> str:
    """How each warning ends: the README's read-only user for that server."""
    fix = "the wall only reads, so connect it as a read-only user instead: "
    if kind == "postgresql":
        return fix + (f"CREATE ROLE wall_reader LOGIN PASSWORD '...'; GRANT CONNECT ON DATABASE {database} TO "
                      "wall_reader; GRANT USAGE ON SCHEMA public TO wall_reader; GRANT SELECT ON ALL TABLES IN SCHEMA "
                      "public TO wall_reader (see the README, \"A read-only database user\").")
    return fix + (f"CREATE USER 'wall_reader'@'%' IDENTIFIED BY '...'; GRANT SELECT ON {database}.* TO "
                  "'wall_reader'@'%' (see the README, \"A read-only database user\").")


@pytest.fixture(params=["postgresql", "mariadb"])
def wall_database(request, tmp_path) -> Iterator[tuple[str, str]]:
    """(kind, admin URL) of a fresh database holding the wall's tables."""
    with fresh_database(request.param, tmp_path) as url:
        engine = make_engine(url)
        create_schema(engine)
        engine.dispose()
        yield request.param, url


def test_the_admin_user_hears_everything_it_could_do_and_how_to_make_a_reader(wall_database):
    kind, url = wall_database
    engine = make_engine(url)
    try:
        warnings = privilege_warnings(engine)
    finally:
        engine.dispose()
    user, changes, reason = {
        "postgresql": ("postgres", "INSERT, UPDATE, DELETE, TRUNCATE", "a superuser"),
        "mariadb": ("root@127.0.0.1", "INSERT, UPDATE, DELETE, DROP", "it holds SUPER"),
    }[kind]
    advice = reader_advice(kind, make_url(url).database)
    assert warnings == [
        f"The database user {user} is a superuser; {advice}",
        f"The database user {user} may change the wall's tables ({changes} on {TABLES}); {advice}",
        f"The database user {user} may end other sessions ({reason}); {advice}",
    ]


def test_a_read_only_user_hears_nothing(wall_database):
    kind, url = wall_database
    with database_user(kind, url, READ_ONLY[kind]) as reader:
        assert privilege_warnings(reader) == []


def test_a_user_that_may_write_one_table_hears_which(wall_database):
    kind, url = wall_database
    table = "survey_responses" if kind == "postgresql" else "{database}.survey_responses"
    grants = READ_ONLY[kind] + ["GRANT INSERT, UPDATE ON " + table + " TO {user}"]
    with database_user(kind, url, grants) as reader:
        user = reader.url.username if kind == "postgresql" else f"{reader.url.username}@127.0.0.1"
        assert privilege_warnings(reader) == [
            f"The database user {user} may change the wall's tables (INSERT, UPDATE on survey_responses); "
            + reader_advice(kind, make_url(url).database)
        ]


def test_sqlite_has_no_users_to_warn_about(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'wall.db'}")
    create_schema(engine)
    assert privilege_warnings(engine) == []


def test_a_read_only_user_cannot_be_the_ingest_writer_and_hears_where_to_set_one(wall_database):
    kind, url = wall_database
    with database_user(kind, url, READ_ONLY[kind]) as reader:
        user = reader.url.username if kind == "postgresql" else f"{reader.url.username}@127.0.0.1"
        assert writer_problem(reader, "OBEYA_INGEST_DATABASE_URL") == (
            f"The database user {user} cannot write what the ingest API writes (it lacks INSERT, UPDATE, DELETE on "
            "survey_responses, ftr_results, nps_daily, ftr_daily, theme_daily, rollup_settings), so every "
            "POST /api/v1/... is refused: set OBEYA_INGEST_DATABASE_URL to the URL of a user that may (the tables' "
            'owner; see the README, "Data that flows in")')
    owner = make_engine(url)
    try:
        assert writer_problem(owner, "OBEYA_INGEST_DATABASE_URL") is None
    finally:
        owner.dispose()


def test_the_start_says_when_the_ingest_writer_cannot_write_and_when_a_reader_cannot_create_tables(
        wall_database, tmp_path, caplog):
    kind, url = wall_database
    with database_user(kind, url, READ_ONLY[kind]) as reader:
        reader_url = reader.url.render_as_string(hide_password=False)
        prepare_database(url, writer=reader_url)
        assert [record.getMessage().split(" (")[0] for record in caplog.records
                if record.getMessage().startswith("ingest API")] == [
            "ingest API: The database user " + (reader.url.username if kind == "postgresql"
                                                else f"{reader.url.username}@127.0.0.1")
            + " cannot write what the ingest API writes"]
    caplog.clear()
    with fresh_database(kind, tmp_path / "empty") as empty_url, \
            database_user(kind, empty_url, READ_ONLY[kind]) as reader:
        prepare_database(reader.url.render_as_string(hide_password=False))
        messages = [record.getMessage() for record in caplog.records]
        assert messages[0].startswith(f"the wall's tables are not all there and {reader.url.username} may not "
                                      "create them (")
        assert messages[0].endswith("Create them once as a user that may (the database's owner): "
                                    "OBEYA_DATABASE_URL=<that user's URL> python -m obeya rollups, or import a "
                                    "file with it")


def test_rebuilding_the_demo_keeps_a_read_only_users_grants(wall_database):
    from sqlalchemy import func, select

    from obeya.database import survey_responses
    from obeya.demo import build_demo_database

    kind, url = wall_database
    with database_user(kind, url, READ_ONLY[kind]) as reader:
        owner = make_engine(url)
        try:
            build_demo_database(owner)
        finally:
            owner.dispose()
        with reader.connect() as connection:  # the tables were emptied and filled, not dropped: still readable
            assert connection.execute(select(func.count()).select_from(survey_responses)).scalar_one() > 1000
