"""`python -m obeya validate`: the config YAML, sources.yaml's SQL against the database, and
warnings about the data and the database user (which do not change the exit code).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from obeya import settings
from obeya.config import Config, ConfigError, load_config
from obeya.console import EXIT_INVALID, EXIT_OK, config_folder, counted, engine_or_message, first_line, spellings
from obeya.engine import reading


def run(arguments: argparse.Namespace) -> int:
    directory, _ = config_folder(arguments.config_dir)
    shown = os.path.join(directory, "")  # "config" and "config/" both print as "config/"
    if not Path(directory).is_dir():
        print(f"{directory}: {'not a folder' if Path(directory).exists() else 'no such folder'}")
        return EXIT_INVALID
    try:
        config = load_config(directory)
    except ConfigError as error:
        for problem in error.problems:
            print(f"{shown}{problem}")
        return EXIT_INVALID
    if config.sources.responses or config.sources.ftr:
        problems = _check_sources(config, directory)
        if problems:
            for problem in problems:
                print(f"{shown}{problem}")
            return EXIT_INVALID
    if settings.named_database_url():
        for warning in _unknown_services_in_the_data(config, directory):
            print(f"{shown}{warning}")
        for warning in _database_warnings(config, shown):
            print(warning)
    counts = ", ".join(
        counted(len(items), noun)
        for items, noun in ((config.personas, "persona"), (config.journeys, "journey"), (config.services, "service"))
    )
    print(f"{shown}: valid ({counts})")
    return EXIT_OK


def _check_sources(config, directory: str) -> list[str]:
    """sources.yaml's queries run against $OBEYA_DATABASE_URL and return the wall's columns."""
    from obeya.config import key_position
    from obeya.queries import check_own_query, FTR_COLUMNS, RESPONSE_COLUMNS, SourceError

    engine = engine_or_message(read_only=True)  # as the wall runs them: the database refuses any write
    if engine is None:
        return ["sources.yaml:1:1: cannot check the queries: OBEYA_DATABASE_URL is not usable"]
    problems = []
    try:
        for key, sql, columns in (("responses", config.sources.responses, RESPONSE_COLUMNS),
                                  ("ftr", config.sources.ftr, FTR_COLUMNS)):
            if sql:
                line, column = key_position(directory, "sources.yaml", key)
                with reading(engine, config.wall.database_timeout_seconds) as connection:
                    try:
                        found = check_own_query(connection, sql, columns, key)
                    except SourceError as error:  # stopped by the database: too slow, or it tried to write
                        found = [str(error)]
                problems += [f"sources.yaml:{line}:{column}: {message}" for message in found]
    except SQLAlchemyError as error:
        problems.append(f"sources.yaml:1:1: cannot reach the database to check the queries: {first_line(error)}")
    finally:
        engine.dispose()
    return problems


def _unknown_services_in_the_data(config: Config, directory: str) -> list[str]:
    """A warning naming the services in $OBEYA_DATABASE_URL's rows that services.yaml does not know.

    A warning, not a problem: the YAML is valid, and the wall shows those rows apart.
    """
    from obeya.config import key_position
    from obeya.queries import SourceError, unknown_services

    line, column = key_position(directory, "services.yaml", "services")
    where = f"services.yaml:{line}:{column}: warning:"
    engine = engine_or_message(read_only=True)
    if engine is None:
        return []
    try:
        with reading(engine, config.wall.database_timeout_seconds) as connection:
            unknown = unknown_services(connection, config)
    except (SQLAlchemyError, SourceError) as error:
        return [f"{where} cannot look for unknown services in the data: {first_line(error)}"]
    finally:
        engine.dispose()
    if not unknown:
        return []
    rows = sum(unknown.values())
    return [f"{where} {counted(rows, 'row')} in the database {'names' if rows == 1 else 'name'} a service that is "
            f"not in services.yaml: {spellings(unknown)}; add "
            f"{'it as an alias' if len(unknown) == 1 else 'each as an alias'} of its service"]


def _database_warnings(config: Config, shown: str) -> list[str]:
    """Warnings about $OBEYA_DATABASE_URL itself: a user that may do more than read, roll-ups in another zone.

    Advice, not invalid config: they do not change the exit code.
    """
    from obeya.privileges import privilege_warnings
    from obeya.queries import rollup_zone

    engine = engine_or_message()
    if engine is None:
        return []
    try:
        warnings = [f"database: warning: {warning}" for warning in privilege_warnings(engine)]
        if not (config.sources.responses and config.sources.ftr):
            with reading(engine, config.wall.database_timeout_seconds) as connection:
                zone = rollup_zone(connection)
            if zone and zone != config.wall.timezone:
                warnings.append(f"{shown}wall.yaml: warning: the roll-ups count days in {zone}, not in {config.wall.timezone}; "
                                "the wall only reads, so it shows days in "
                                f"{zone} until 'python -m obeya rollups' re-counts them")
    except SQLAlchemyError as error:
        return [f"database: warning: cannot check the database user: {first_line(error)}"]
    finally:
        engine.dispose()
    return warnings

