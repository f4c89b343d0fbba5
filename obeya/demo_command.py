"""`python -m obeya demo`: (re)build the demo database, never over real data without --force."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from obeya import settings
from obeya.config import Config
from obeya.console import EXIT_INVALID, EXIT_OK, config_and_engine, counted
from obeya.database import ftr_results, survey_responses


def run(arguments: argparse.Namespace) -> int:
    config, engine, where = config_and_engine(arguments.config_dir)
    try:
        return _build_demo(engine, where, force=arguments.force, config=config)
    except SQLAlchemyError as error:
        print(f"cannot build demo data in {where}: {getattr(error, 'orig', None) or error}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        engine.dispose()


def _build_demo(engine: Engine, where: str, *, force: bool, config: Config | None) -> int:
    # The demo empties the wall's tables and fills them anew. The default SQLite file is
    # ours to rebuild; a database named in OBEYA_DATABASE_URL may hold real data.
    if settings.named_database_url() and not force:
        rows = _row_counts(engine)
        if rows and sum(rows) > 0:
            print(
                f"{where} already holds {counted(rows[0], 'survey response')} and "
                f"{counted(rows[1], 'resolved ticket')}; pass --force to replace them with demo data",
                file=sys.stderr,
            )
            return EXIT_INVALID

    from obeya.demo import build_demo_database  # imported only when asked for: the biggest module
    from obeya.theme_rollups import ThemeRules

    print(f"Building demo data in {where} ...")
    summary = build_demo_database(engine, zone=config.wall.timezone if config else None,
                                  rules=ThemeRules.of(config) if config else None)
    print(
        f"Demo data ready: {counted(summary.responses, 'survey response')} and "
        f"{counted(summary.ftr_results, 'resolved ticket')}, "
        f"{summary.first_day:%Y-%m-%d} to {summary.last_day:%Y-%m-%d}."
    )
    return EXIT_OK


def _row_counts(engine: Engine) -> tuple[int, int] | None:
    """(survey responses, first-time-right rows) when the wall's tables exist, else None."""
    tables = set(inspect(engine).get_table_names())
    if not {survey_responses.name, ftr_results.name} <= tables:
        return None
    with engine.connect() as connection:
        return (
            connection.execute(select(func.count()).select_from(survey_responses)).scalar_one(),
            connection.execute(select(func.count()).select_from(ftr_results)).scalar_one(),
        )


