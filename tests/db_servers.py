"""Real database servers for tests: a fresh, throw-away database per test run.

PostgreSQL and MariaDB run on 127.0.0.1 on this machine and in CI. A server
that cannot be reached fails the test under CI (CI=true) and skips it on a
developer's machine, with the reason.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import Iterator

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from obeya.engine import make_engine, normalised_url

# The plain URLs operators are handed: the wall picks the shipped drivers (psycopg 3, PyMySQL).
SERVERS = {
    "postgresql": "postgresql://postgres@127.0.0.1:5432",
    "mariadb": "mariadb://root@127.0.0.1:3306",
}
ADMIN_DATABASE = {"postgresql": "test", "mariadb": "test"}
KINDS = ("sqlite", "postgresql", "mariadb")


def _unreachable(kind: str, error: Exception) -> None:
    reason = f"{kind} server not reachable at {SERVERS[kind]}: {str(error).splitlines()[0]}"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@contextmanager
def fresh_database(kind: str, tmp_path) -> Iterator[str]:
    """Yield the SQLAlchemy URL of a new empty database of `kind`; drop it afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'wall.db'}"
        return
    name = f"obeya_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = create_engine(normalised_url(f"{SERVERS[kind]}/{ADMIN_DATABASE[kind]}"), isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 5})
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
    except (OperationalError, ImportError) as error:  # server down, or its driver not installed
        _unreachable(kind, error)
    url = f"{SERVERS[kind]}/{name}"
    try:
        yield url
    finally:
        with admin.connect() as connection:
            if kind == "postgresql":
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            else:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


@contextmanager
def database_user(kind: str, admin_url: str, grants: list[str]) -> Iterator[Engine]:
    """An engine for a new login on the wall's database with only `grants` ({user}, {database} filled in);
    the login is dropped afterwards."""
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
