"""The command line: `python -m obeya validate | demo | import | schema | serve`.

    python -m obeya validate [CONFIG_DIR]     check the YAML (and sources.yaml's SQL); exit 0 valid, 1 invalid
    python -m obeya demo                      (re)build the demo database
    python -m obeya import responses FILE.csv  add survey responses; duplicates skipped, all or nothing
    python -m obeya import ftr FILE.csv        add first-time-right results (--help for the options)
    python -m obeya schema [CONFIG_DIR]       write the JSON Schemas editors use into CONFIG_DIR/schema/
    python -m obeya serve [--workers N]       serve the wall with gunicorn, for production

Problems are printed one per line as `CONFIG_DIR/file:line:column: problem`,
the directory written as the user gave it, so editors and terminals can jump
to the spot.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from obeya.config import ConfigError, load_config
from obeya.database import ftr_results, make_engine, survey_responses
from obeya.importer import (
    IMPORT_KINDS,
    ImportFileError,
    ImportResult,
    RollupRefreshFailed,
    TimestampReader,
    import_rows,
    match_columns,
    open_csv,
)

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
        description=(
            "Import survey responses or first-time-right results from a CSV export into $OBEYA_DATABASE_URL "
            "(or the embedded SQLite file) and refresh the wall's daily roll-ups. Rows whose id is already "
            "there are skipped, so the same file can be imported again. One invalid row imports nothing "
            "unless --skip-invalid. Exit 0 when imported, 1 when not, 2 on a usage error."
        ),
    )
    importer.add_argument("kind", choices=("responses", "ftr"), help="what the CSV holds")
    importer.add_argument(
        "csv_file",
        metavar="FILE.csv",
        help="comma, semicolon or tab separated; UTF-8, UTF-16 or Latin-1; common export headers are recognised",
    )
    importer.add_argument(
        "--map",
        action="append",
        default=[],
        type=_column_and_header,
        metavar="COLUMN=HEADER",
        help="read COLUMN (e.g. score) from the column headed HEADER; repeat for more columns",
    )
    importer.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid rows and report the others (default: one invalid row imports nothing)",
    )
    order = importer.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst", dest="dayfirst", action="store_const", const=True,
        help="read dates like 01/03/2025 as 1 March",
    )
    order.add_argument(
        "--monthfirst", dest="dayfirst", action="store_const", const=False,
        help="read dates like 01/03/2025 as 3 January",
    )
    importer.add_argument(
        "--timezone",
        default="UTC",
        metavar="ZONE",
        help="IANA time zone of timestamps written without one, e.g. Europe/Amsterdam (default: UTC)",
    )
    importer.set_defaults(run=_import, dayfirst=None)

    schema = commands.add_parser(
        "schema",
        help="write the config's JSON Schemas for editors",
        description="Write one JSON Schema per config file into CONFIG_DIR/schema/, generated from the models.",
    )
    schema.add_argument("config_dir", nargs="?", metavar="CONFIG_DIR",
                        help=f"default: $OBEYA_CONFIG_DIR or {DEFAULT_CONFIG_DIR}")
    schema.set_defaults(run=_schema)

    serve = commands.add_parser(
        "serve",
        help="serve the wall with gunicorn (production)",
        description=(
            "Serve the wall with gunicorn on $OBEYA_HOST:$OBEYA_PORT (default 127.0.0.1:8050), never in debug "
            "mode. Workers share the numbers they read through $OBEYA_CACHE_URL (Redis) or a temporary folder."
        ),
    )
    serve.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    serve.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    serve.set_defaults(run=_serve)
    return parser


# --- schema and serve --------------------------------------------------------


def _schema(arguments: argparse.Namespace) -> int:
    from obeya.schema import write_schemas

    directory = arguments.config_dir or os.environ.get("OBEYA_CONFIG_DIR") or DEFAULT_CONFIG_DIR
    for path in write_schemas(directory):
        print(f"wrote {path}")
    return EXIT_OK


def _serve(arguments: argparse.Namespace) -> int:
    from obeya.server import serve

    return serve(workers=arguments.workers, threads=arguments.threads)


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
    if config.sources.responses or config.sources.ftr:
        problems = _check_sources(config, directory)
        if problems:
            for problem in problems:
                print(f"{shown}{problem}")
            return EXIT_INVALID
    counts = ", ".join(
        _count(len(items), noun)
        for items, noun in ((config.personas, "persona"), (config.journeys, "journey"), (config.services, "service"))
    )
    print(f"{shown}: valid ({counts})")
    return EXIT_OK


def _check_sources(config, directory: str) -> list[str]:
    """sources.yaml's queries run against $OBEYA_DATABASE_URL and return the wall's columns."""
    from obeya.config import key_position
    from obeya.queries import check_own_query, FTR_COLUMNS, RESPONSE_COLUMNS

    engine = _engine_or_message()
    if engine is None:
        return ["sources.yaml:1:1: cannot check the queries: OBEYA_DATABASE_URL is not usable"]
    problems = []
    try:
        with engine.connect() as connection:
            for key, sql, columns in (("responses", config.sources.responses, RESPONSE_COLUMNS),
                                      ("ftr", config.sources.ftr, FTR_COLUMNS)):
                if sql:
                    line, column = key_position(directory, "sources.yaml", key)
                    problems += [f"sources.yaml:{line}:{column}: {message}"
                                 for message in check_own_query(connection, sql, columns, key)]
    except SQLAlchemyError as error:
        problems.append(f"sources.yaml:1:1: cannot reach the database to check the queries: {_first_line(error)}")
    finally:
        engine.dispose()
    return problems


def _first_line(error: Exception) -> str:
    return (str(getattr(error, "orig", None) or error).strip().splitlines() or [type(error).__name__])[0]


def _engine_or_message() -> Engine | None:
    """The engine for $OBEYA_DATABASE_URL, or None after saying why it cannot be made."""
    try:
        return make_engine()
    except (SQLAlchemyError, ImportError, OSError) as error:  # malformed URL, driver not installed, no folder
        print(f"cannot use OBEYA_DATABASE_URL: {error}", file=sys.stderr)
        return None


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


# --- demo ------------------------------------------------------------------


def _demo(arguments: argparse.Namespace) -> int:
    engine = _engine_or_message()
    if engine is None:
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

PROGRESS_MIN_BYTES = 1_000_000  # smaller files import before a bar would be worth drawing


def _column_and_header(text: str) -> tuple[str, str]:
    column, equals, header = text.partition("=")
    if not equals or not column.strip() or not header.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not COLUMN=HEADER (like score=Rating)")
    return column.strip(), header


def _import(arguments: argparse.Namespace) -> int:
    kind = IMPORT_KINDS[arguments.kind]
    shown = arguments.csv_file  # as the user wrote it, like validate
    mapping: dict[str, str] = {}
    try:
        for column, header in arguments.map:
            kind.column(column)
            if column in mapping:
                raise ValueError(f"{column} is mapped twice")
            mapping[column] = header
    except ValueError as error:
        return _usage_error(f"argument --map: {error}")
    try:
        timestamps = TimestampReader(arguments.timezone, dayfirst=arguments.dayfirst)
    except ValueError as error:
        return _usage_error(f"argument --timezone: {error}")

    try:
        csv_file = open_csv(arguments.csv_file)
        columns = match_columns(kind, csv_file.header, mapping, csv_file.header_line)
    except ImportFileError as error:
        for line, problem in error.problems:
            print(f"{shown}:{line}: {problem}" if line else f"{shown}: {problem}")
        print(f"{shown}: nothing imported")
        return EXIT_INVALID

    engine = _engine_or_message()
    if engine is None:
        return EXIT_INVALID
    where = engine.url.render_as_string(hide_password=True)
    print(f"Importing {kind.noun} from {shown} ({csv_file.description}) into {where}")
    print("Columns: " + ", ".join(f"{name}={_shell_word(csv_file.header[index])}" for name, index in columns.items()))
    progress = _ProgressBar(sys.stderr, enabled=csv_file.size >= PROGRESS_MIN_BYTES)
    failure = None
    try:
        result = import_rows(
            engine, kind, csv_file, columns,
            skip_invalid=arguments.skip_invalid, timestamps=timestamps, progress=progress,
        )
    except RollupRefreshFailed as refresh_failure:  # the rows are in; the wall's day counts lag behind
        result = refresh_failure.result
        failure = f"imported, but could not refresh the wall's daily roll-ups in {where}: {refresh_failure}"
    except SQLAlchemyError as error:  # rolled back: nothing imported
        result = None
        failure = f"cannot import into {where}: {getattr(error, 'orig', None) or error}"
    finally:
        progress.close()  # before anything is printed, so no line starts in the middle of the bar
        engine.dispose()

    if result is None:
        print(failure, file=sys.stderr)
        print(f"{shown}: nothing imported")
        return EXIT_INVALID
    _print_rejected(shown, result)
    print(_summary(shown, result))
    if failure is not None:
        print(failure, file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK if result.committed else EXIT_INVALID


def _usage_error(message: str) -> int:
    print(f"python -m obeya import: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _shell_word(header: str) -> str:
    """A header as it would be typed after --map COLUMN=: quoted when it holds spaces or commas."""
    return f'"{header}"' if not header or any(character in header for character in " ,;'\"") else header


def _print_rejected(shown: str, result: ImportResult) -> None:
    for problem in result.problems:
        print(f"{shown}:{problem.line}: {problem.message}")
    if result.rejected > len(result.problems):
        print(f"… and {_count(result.rejected - len(result.problems), 'more rejected row')}")


def _summary(shown: str, result: ImportResult) -> str:
    read = _count(result.rows_read, "row") + " read"
    if not result.committed:
        return (
            f"{shown}: {read}, {result.rejected:,} rejected: nothing imported "
            "(--skip-invalid imports the valid rows)"
        )
    return (
        f"{shown}: {read}: {result.imported:,} imported, "
        f"{_count(result.duplicates, 'duplicate')} skipped, {result.rejected:,} rejected"
    )


class _ProgressBar:
    """`import_rows`' progress as one redrawn line on a terminal; silent when stderr is not one."""

    WIDTH = 30

    def __init__(self, stream, *, enabled: bool = True) -> None:
        self.stream = stream
        self.enabled = enabled and stream.isatty()
        self.drawn = 0  # characters on the line now
        self.last_drawn_at = 0.0

    def __call__(self, done_bytes: int, total_bytes: int, rows: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last_drawn_at < 0.1 and done_bytes < total_bytes):
            return
        self.last_drawn_at = now
        fraction = min(done_bytes / total_bytes, 1.0) if total_bytes else 1.0
        filled = round(fraction * self.WIDTH)
        text = f"{fraction:4.0%} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {rows:,} rows"
        self.stream.write("\r" + text.ljust(self.drawn))
        self.stream.flush()
        self.drawn = len(text)

    def close(self) -> None:
        """Wipe the bar so the summary starts on a clean line."""
        if self.drawn:
            self.stream.write("\r" + " " * self.drawn + "\r")
            self.stream.flush()
            self.drawn = 0


if __name__ == "__main__":
    sys.exit(main())
