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
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from obeya.engine import normalised_url

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
