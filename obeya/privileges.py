"""What the wall's database user could do beyond reading, so the operator hears about it.

The wall only reads. If the account in `OBEYA_DATABASE_URL` may also write the
wall's tables, or is a superuser, or may end other sessions, a mistake (or an
attacker on the box behind the TV) could do harm with it. `privilege_warnings`
says so, one sentence each, ending with how to create the read-only user the
README recommends. The ingest API is the one writer: `writer_problem` says
when its user cannot write. SQLite has no users: nothing to warn about.
"""

from __future__ import annotations

from sqlalchemy import Engine, bindparam, text

WALL_TABLES = ("survey_responses", "ftr_results", "nps_daily", "ftr_daily")
POSTGRES_CHANGES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")
MARIADB_CHANGES = ("INSERT", "UPDATE", "DELETE", "DROP")  # DROP is what TRUNCATE needs there
MARIADB_SIGNALS = ("SUPER", "CONNECTION ADMIN")  # either lets KILL end another user's session
# What the ingest API's writer needs: the raw rows, their roll-ups and the row writers lock on
WRITTEN_TABLES = (*WALL_TABLES, "theme_daily", "rollup_settings")
WRITER_NEEDS = ("SELECT", "INSERT", "UPDATE", "DELETE")


def privilege_warnings(engine: Engine) -> list[str]:
    """Sentences naming what the connected user may do beyond reading; empty for a read-only user."""
    dialect = engine.dialect.name
    if dialect == "postgresql":
        return _postgres_warnings(engine)
    if dialect in ("mysql", "mariadb"):
        return _mariadb_warnings(engine)
    return []


def _postgres_warnings(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        user, superuser, signals = connection.execute(text(
            "SELECT current_user, rolsuper, pg_has_role(current_user, 'pg_signal_backend', 'MEMBER')"
            " FROM pg_roles WHERE rolname = current_user"
        )).one()
        changes = _postgres_held(connection, WALL_TABLES, POSTGRES_CHANGES)
    signal_reason = "a superuser" if superuser else "a member of pg_signal_backend" if signals else None
    return _sentences(user, superuser, changes, signal_reason, _postgres_reader(engine.url.database))


def _postgres_held(connection, tables: tuple[str, ...], privileges: tuple[str, ...]) -> dict[str, list[str]]:
    """{table: the `privileges` the current user holds on it} (none on a table that is not there)."""
    return {
        table: [privilege for privilege in privileges if connection.execute(
            text("SELECT to_regclass(:table) IS NOT NULL AND has_table_privilege(to_regclass(:table), :privilege)"),
            {"table": table, "privilege": privilege},
        ).scalar()]
        for table in tables
    }


def _mariadb_warnings(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        user, everywhere, held = _mariadb_grants(connection)
    changes = {table: [privilege for privilege in MARIADB_CHANGES if privilege in everywhere or (privilege, table) in held]
               for table in WALL_TABLES}
    signal_reason = next((f"it holds {p}" for p in MARIADB_SIGNALS if p in everywhere), None)
    return _sentences(user, "SUPER" in everywhere, changes, signal_reason, _mariadb_reader(engine.url.database))


def _mariadb_grants(connection) -> tuple[str, set[str], set[tuple[str, str]]]:
    """(current user, privileges it holds on the whole database or server, (privilege, table) pairs)."""
    user = connection.execute(text("SELECT CURRENT_USER()")).scalar()
    name, _, host = user.rpartition("@")
    grantees = [f"'{name}'@'{host}'"] + [f"'{role}'@''" for role in connection.execute(
        text("SELECT ROLE_NAME FROM information_schema.ENABLED_ROLES WHERE ROLE_NAME IS NOT NULL")).scalars()]
    rows = connection.execute(text(
        "SELECT PRIVILEGE_TYPE, NULL FROM information_schema.USER_PRIVILEGES WHERE GRANTEE IN :grantees"
        " UNION SELECT PRIVILEGE_TYPE, NULL FROM information_schema.SCHEMA_PRIVILEGES"
        "  WHERE GRANTEE IN :grantees AND TABLE_SCHEMA = DATABASE()"
        " UNION SELECT PRIVILEGE_TYPE, TABLE_NAME FROM information_schema.TABLE_PRIVILEGES"
        "  WHERE GRANTEE IN :grantees AND TABLE_SCHEMA = DATABASE()"
    ).bindparams(bindparam("grantees", expanding=True)), {"grantees": grantees}).all()
    return user, {privilege for privilege, table in rows if table is None}, {
        (privilege, table) for privilege, table in rows if table is not None}


def writer_problem(engine: Engine, setting: str) -> str | None:
    """A sentence when the connected user cannot write what the ingest API writes (the raw rows, their
    roll-ups and the writers' lock row), naming what it lacks and `setting`, the URL to change; None
    when it can, and on SQLite. Raises SQLAlchemyError when the database cannot be asked."""
    dialect = engine.dialect.name
    with engine.connect() as connection:
        if dialect == "postgresql":
            user = connection.execute(text("SELECT current_user")).scalar()
            held = _postgres_held(connection, WRITTEN_TABLES, WRITER_NEEDS)
        elif dialect in ("mysql", "mariadb"):
            user, everywhere, grants = _mariadb_grants(connection)
            held = {table: [privilege for privilege in WRITER_NEEDS if privilege in everywhere
                            or (privilege, table) in grants] for table in WRITTEN_TABLES}
        else:
            return None
    missing: dict[tuple[str, ...], list[str]] = {}
    for table in WRITTEN_TABLES:
        lacks = tuple(privilege for privilege in WRITER_NEEDS if privilege not in held[table])
        if lacks:
            missing.setdefault(lacks, []).append(table)
    if not missing:
        return None
    lacked = "; ".join(f"{', '.join(privileges)} on {', '.join(tables)}" for privileges, tables in missing.items())
    return (f"The database user {user} cannot write what the ingest API writes (it lacks {lacked}), so every "
            f"POST /api/v1/... is refused: set {setting} to the URL of a user that may (the tables' owner; "
            "see the README, \"Data that flows in\")")


def _sentences(user: str, superuser: bool, changes: dict[str, list[str]], signal_reason: str | None,
               reader: str) -> list[str]:
    """The warnings, each ending with how to create the read-only user."""
    fix = f"the wall only reads, so connect it as a read-only user instead: {reader}"
    warnings = []
    if superuser:
        warnings.append(f"The database user {user} is a superuser; {fix}")
    grouped: dict[tuple[str, ...], list[str]] = {}
    for table, privileges in changes.items():
        if privileges:
            grouped.setdefault(tuple(privileges), []).append(table)
    if grouped:
        held = "; ".join(f"{', '.join(privileges)} on {', '.join(tables)}" for privileges, tables in grouped.items())
        warnings.append(f"The database user {user} may change the wall's tables ({held}); {fix}")
    if signal_reason:
        warnings.append(f"The database user {user} may end other sessions ({signal_reason}); {fix}")
    return warnings


def _postgres_reader(database: str | None) -> str:
    database = database or "servicedesk"
    return (f"CREATE ROLE wall_reader LOGIN PASSWORD '...'; GRANT CONNECT ON DATABASE {database} TO wall_reader; "
            "GRANT USAGE ON SCHEMA public TO wall_reader; GRANT SELECT ON ALL TABLES IN SCHEMA public TO wall_reader "
            "(see the README, \"A read-only database user\").")


def _mariadb_reader(database: str | None) -> str:
    database = database or "servicedesk"
    return (f"CREATE USER 'wall_reader'@'%' IDENTIFIED BY '...'; GRANT SELECT ON {database}.* TO 'wall_reader'@'%' "
            "(see the README, \"A read-only database user\").")
