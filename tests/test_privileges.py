"""A database user that cannot do harm: the wall says when its user could, and how to make one that cannot.

On the real PostgreSQL and MariaDB servers: the admin user of a fresh database
hears every warning; a user the test creates with SELECT only hears none.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Iterator

import pytest
from sqlalchemy import make_url, text

from obeya.database import create_schema, make_engine
from obeya.privileges import privilege_warnings
from tests.db_servers import fresh_database

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


@contextmanager
def database_user(kind: str, admin_url: str, grants: list[str]) -> Iterator[str]:
    """A new login on the wall's database with only `grants` ({user}, {database} filled in); dropped afterwards."""
    name = f"obeya_reader_{uuid.uuid4().hex[:8]}"
    database = make_url(admin_url).database
    account = name if kind == "postgresql" else f"'{name}'@'127.0.0.1'"
    create = [f"CREATE ROLE {name} LOGIN"] if kind == "postgresql" else [f"CREATE USER {account}"]
    admin = make_engine(admin_url)
    with admin.begin() as connection:
        for statement in create + grants:
            connection.execute(text(statement.format(user=account, database=database)))
    reader = make_engine(make_url(admin_url).set(username=name, password=None).render_as_string(hide_password=False))
    try:
        yield reader
    finally:
        reader.dispose()
        with admin.begin() as connection:
            if kind == "postgresql":
                connection.execute(text(f"DROP OWNED BY {name}"))
                connection.execute(text(f"DROP ROLE {name}"))
            else:
                connection.execute(text(f"DROP USER {account}"))
        admin.dispose()


READ_ONLY = {
    "postgresql": ["GRANT CONNECT ON DATABASE {database} TO {user}", "GRANT USAGE ON SCHEMA public TO {user}",
                   "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {user}"],
    "mariadb": ["GRANT SELECT ON {database}.* TO {user}"],
}


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
