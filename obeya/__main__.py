"""The command line: `python -m obeya validate | demo | import`.

    python -m obeya validate [CONFIG_DIR]     check the YAML; exit 0 valid, 1 invalid
    python -m obeya demo                      (re)build the demo database
    python -m obeya import responses FILE.csv
    python -m obeya import ftr FILE.csv

Problems are printed one per line as `CONFIG_DIR/file:line:column: problem`,
the directory written as the user gave it, so editors and terminals can jump
to the spot.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from obeya.config import ConfigError, load_config
from obeya.database import ftr_results, make_engine, survey_responses

DEFAULT_CONFIG_DIR = "config/"

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (argparse errors return 2, never raise)."""
    parser = _parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, usage errors: keep main() callable in-process
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    return arguments.run(arguments)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m obeya",
        description="Obeya Wall: check the wall's config, build demo data, import survey and ticket data.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check the config YAML files",
        description="Check the config YAML files. Exit 0 when valid, 1 with one line per problem.",
    )
    validate.add_argument(
        "config_dir",
        nargs="?",
        metavar="CONFIG_DIR",
        help=f"folder with wall.yaml, mission.yaml, ... (default: $OBEYA_CONFIG_DIR or {DEFAULT_CONFIG_DIR})",
    )
    validate.set_defaults(run=_validate)

    demo = commands.add_parser(
        "demo",
        help="(re)build the demo database",
        description="(Re)build the demo database at $OBEYA_DATABASE_URL or the embedded SQLite file.",
    )
    demo.add_argument(
        "--force",
        action="store_true",
        help="replace the data even when $OBEYA_DATABASE_URL points at a database that already holds rows",
    )
    demo.set_defaults(run=_demo)

    importer = commands.add_parser(
        "import",
        help="import survey responses or first-time-right results from CSV",
        description="Import survey responses or first-time-right results from a CSV file.",
    )
    importer.add_argument("kind", choices=("responses", "ftr"), help="what the CSV holds")
    importer.add_argument("csv_file", metavar="FILE.csv", help="CSV file with the columns listed in DESIGN.md")
    importer.set_defaults(run=_import)
    return parser


# --- validate --------------------------------------------------------------


def _validate(arguments: argparse.Namespace) -> int:
    directory = arguments.config_dir or os.environ.get("OBEYA_CONFIG_DIR") or DEFAULT_CONFIG_DIR
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
    counts = ", ".join(
        _count(len(items), noun)
        for items, noun in ((config.personas, "persona"), (config.journeys, "journey"), (config.services, "service"))
    )
    print(f"{shown}: valid ({counts})")
    return EXIT_OK


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


# --- demo ------------------------------------------------------------------


def _demo(arguments: argparse.Namespace) -> int:
    try:
        engine = make_engine()
    except (SQLAlchemyError, ImportError, OSError) as error:  # malformed URL, driver not installed, no folder
        print(f"cannot use OBEYA_DATABASE_URL: {error}", file=sys.stderr)
        return EXIT_INVALID
    where = engine.url.render_as_string(hide_password=True)
    try:
        return _build_demo(engine, where, force=arguments.force)
    except SQLAlchemyError as error:
        print(f"cannot build demo data in {where}: {getattr(error, 'orig', None) or error}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        engine.dispose()


def _build_demo(engine: Engine, where: str, *, force: bool) -> int:
    # The demo drops and recreates the wall's tables. The default SQLite file is
    # ours to rebuild; a database named in OBEYA_DATABASE_URL may hold real data.
    if os.environ.get("OBEYA_DATABASE_URL") and not force:
        rows = _row_counts(engine)
        if rows and sum(rows) > 0:
            print(
                f"{where} already holds {_count(rows[0], 'survey response')} and "
                f"{_count(rows[1], 'resolved ticket')}; pass --force to replace them with demo data",
                file=sys.stderr,
            )
            return EXIT_INVALID

    from obeya.demo import build_demo_database  # imported only when asked for: the biggest module

    print(f"Building demo data in {where} ...")
    summary = build_demo_database(engine)
    print(
        f"Demo data ready: {_count(summary.responses, 'survey response')} and "
        f"{_count(summary.ftr_results, 'resolved ticket')}, "
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


# --- import ----------------------------------------------------------------


def _import(arguments: argparse.Namespace) -> int:
    print("import is not available yet", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
