"""The command line: `python -m obeya validate | demo | import | rollups | schema | serve`.

    python -m obeya validate [CONFIG_DIR]     check the YAML (and sources.yaml's SQL); exit 0 valid, 1 invalid
    python -m obeya demo                      (re)build the demo database
    python -m obeya import responses FILE.csv  add survey responses; duplicates skipped, all or nothing
    python -m obeya import ftr FILE.csv        add first-time-right results (--help for the options)
    python -m obeya rollups [--check]         re-count (or check) the daily roll-ups in wall.yaml's zone
    python -m obeya schema [CONFIG_DIR]       write the JSON Schemas editors use into CONFIG_DIR/schema/
    python -m obeya serve [--workers N]       serve the wall with gunicorn, for production

Problems are printed one per line as `CONFIG_DIR/file:line:column: problem`,
the directory written as the user gave it, so editors and terminals can jump
to the spot. The config folder is `--config DIR` (validate: CONFIG_DIR), else
$OBEYA_CONFIG_DIR, else the project's `config/` next to the `obeya` package,
whatever the current folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from obeya import settings
from obeya.config import Config, ConfigError, load_config
from obeya.database import ftr_results, make_engine, survey_responses
from obeya.engine import reading
from obeya.csvfile import ImportFileError, open_csv
from obeya.headers import IMPORT_KINDS, derived_column, match_columns
from obeya.importer import ImportResult, RollupRefreshFailed, import_rows
from obeya.values import TimestampReader

PROJECT_CONFIG_DIR = settings.DEFAULT_CONFIG_DIR

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
        help="folder with wall.yaml, mission.yaml, ... (default: $OBEYA_CONFIG_DIR, else the project's config/)",
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
    _config_option(demo, "whose wall.yaml timezone the roll-ups count days in")
    demo.set_defaults(run=_demo)

    importer = commands.add_parser(
        "import",
        help="import survey responses or first-time-right results from CSV",
        description=(
            "Import survey responses or first-time-right results from a CSV export into $OBEYA_DATABASE_URL "
            "(or the embedded SQLite file) and re-count the wall's daily roll-ups of their days (in wall.yaml's "
            "timezone), all in one transaction. Rows whose id is already there are skipped (--replace: written "
            "over), so the same file can be imported again. Services are stored as the ids their spellings name "
            "in services.yaml (ids or aliases). One invalid row imports nothing unless --skip-invalid. "
            "Exit 0 when imported, 1 when not, 2 on a usage error."
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
    importer.add_argument(
        "--replace",
        action="store_true",
        help="write over rows whose id is already there (default: skip them as duplicates)",
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
        metavar="ZONE",
        help="IANA time zone of timestamps written without one, e.g. Europe/Amsterdam "
             "(default: wall.yaml's timezone, else UTC)",
    )
    _config_option(importer, "for service aliases and the timezone")
    importer.set_defaults(run=_import, dayfirst=None)

    rollups = commands.add_parser(
        "rollups",
        help="re-count or check the wall's daily roll-ups",
        description=(
            "Re-count the daily roll-ups (nps_daily, ftr_daily) of $OBEYA_DATABASE_URL from the raw rows, in one "
            "transaction, with progress on stderr. --check only compares them with a direct count of the raw "
            "rows: exit 0 when they match, 1 naming the days and services that differ."
        ),
    )
    recount = rollups.add_mutually_exclusive_group()
    recount.add_argument("--timezone", metavar="ZONE",
                         help="count days in this IANA time zone (default: wall.yaml's timezone)")
    recount.add_argument("--check", action="store_true",
                         help="compare the roll-ups with the raw rows, in the zone the roll-ups say they use")
    _config_option(rollups, "whose wall.yaml timezone to count in")
    rollups.set_defaults(run=_rollups)

    schema = commands.add_parser(
        "schema",
        help="write the config's JSON Schemas for editors",
        description="Write one JSON Schema per config file into CONFIG_DIR/schema/, generated from the models.",
    )
    schema.add_argument("config_dir", nargs="?", metavar="CONFIG_DIR",
                        help="default: $OBEYA_CONFIG_DIR, else the project's config/")
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

    directory, _ = _config_folder(arguments.config_dir)
    for path in write_schemas(directory):
        print(f"wrote {path}")
    return EXIT_OK


def _serve(arguments: argparse.Namespace) -> int:
    from obeya.server import serve

    return serve(workers=arguments.workers, threads=arguments.threads)


# --- the config folder -------------------------------------------------------


def _config_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--config", metavar="DIR", dest="config_dir",
                        help=f"the wall's config folder, {what} "
                             "(default: $OBEYA_CONFIG_DIR, else the project's config/)")


def _config_folder(given: str | None) -> tuple[str, bool]:
    """(the config folder as it is shown, whether the user named it): the given folder,
    else $OBEYA_CONFIG_DIR, else the project's own config/ (never the current folder)."""
    named = given or settings.named_config_dir()
    if named:
        return named, True
    try:
        shown = PROJECT_CONFIG_DIR.relative_to(Path.cwd())
    except ValueError:
        shown = PROJECT_CONFIG_DIR
    return str(shown), False


def _wall_config(given: str | None) -> tuple[Config | None, int | None]:
    """(the wall's config, None) for the writers; (None, None) when the project's default folder is
    not there; (None, exit code) after printing why a config folder that is there cannot be used."""
    directory, named = _config_folder(given)
    shown = os.path.join(directory, "")
    if not Path(directory).is_dir():
        if not named:
            return None, None
        print(f"{directory}: {'not a folder' if Path(directory).exists() else 'no such folder'}", file=sys.stderr)
        return None, EXIT_INVALID
    try:
        return load_config(directory), None
    except ConfigError as error:
        for problem in error.problems:
            print(f"{shown}{problem}", file=sys.stderr)
        print(f"{shown}: the config is not valid; fix it (python -m obeya validate) or name another folder "
              "with --config", file=sys.stderr)
        return None, EXIT_INVALID


# --- validate --------------------------------------------------------------


def _validate(arguments: argparse.Namespace) -> int:
    directory, _ = _config_folder(arguments.config_dir)
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
        _count(len(items), noun)
        for items, noun in ((config.personas, "persona"), (config.journeys, "journey"), (config.services, "service"))
    )
    print(f"{shown}: valid ({counts})")
    return EXIT_OK


def _check_sources(config, directory: str) -> list[str]:
    """sources.yaml's queries run against $OBEYA_DATABASE_URL and return the wall's columns."""
    from obeya.config import key_position
    from obeya.queries import check_own_query, FTR_COLUMNS, RESPONSE_COLUMNS, SourceError

    engine = _engine_or_message(read_only=True)  # as the wall runs them: the database refuses any write
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
        problems.append(f"sources.yaml:1:1: cannot reach the database to check the queries: {_first_line(error)}")
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
    engine = _engine_or_message(read_only=True)
    if engine is None:
        return []
    try:
        with reading(engine, config.wall.database_timeout_seconds) as connection:
            unknown = unknown_services(connection, config)
    except (SQLAlchemyError, SourceError) as error:
        return [f"{where} cannot look for unknown services in the data: {_first_line(error)}"]
    finally:
        engine.dispose()
    if not unknown:
        return []
    rows = sum(unknown.values())
    return [f"{where} {_count(rows, 'row')} in the database {'names' if rows == 1 else 'name'} a service that is "
            f"not in services.yaml: {_spellings(unknown)}; add "
            f"{'it as an alias' if len(unknown) == 1 else 'each as an alias'} of its service"]


def _database_warnings(config: Config, shown: str) -> list[str]:
    """Warnings about $OBEYA_DATABASE_URL itself: a user that may do more than read, roll-ups in another zone.

    Advice, not invalid config: they do not change the exit code.
    """
    from obeya.privileges import privilege_warnings
    from obeya.queries import rollup_zone

    engine = _engine_or_message()
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
        return [f"database: warning: cannot check the database user: {_first_line(error)}"]
    finally:
        engine.dispose()
    return warnings


def _spellings(counts: dict[str, int], shown: int = 10) -> str:
    """'"Printers" (2), "Clinical workstations" (1)', the first `shown` of them and a count of the rest."""
    listed = ", ".join(f'"{spelling}" ({rows:,})' for spelling, rows in list(counts.items())[:shown])
    if len(counts) > shown:
        listed += f" and {_count(len(counts) - shown, 'more spelling')}"
    return listed


def _first_line(error: Exception) -> str:
    return (str(getattr(error, "orig", None) or error).strip().splitlines() or [type(error).__name__])[0]


def _engine_or_message(*, read_only: bool = False) -> Engine | None:
    """The engine for $OBEYA_DATABASE_URL, or None after saying why it cannot be made."""
    try:
        return make_engine(read_only=read_only)
    except (SQLAlchemyError, ImportError, OSError) as error:  # malformed URL, driver not installed, no folder
        print(f"cannot use OBEYA_DATABASE_URL: {error}", file=sys.stderr)
        return None


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {plural or noun + 's'}"


# --- demo ------------------------------------------------------------------


def _config_and_engine(config_dir: str | None) -> tuple[Config | None, Engine] | int:
    """The wall's config (None when the project's folder is not there) and the engine for
    $OBEYA_DATABASE_URL; or the exit code, after saying what is wrong."""
    config, failed = _wall_config(config_dir)
    if failed is not None:
        return failed
    engine = _engine_or_message()
    if engine is None:
        return EXIT_INVALID
    return config, engine


def _demo(arguments: argparse.Namespace) -> int:
    ready = _config_and_engine(arguments.config_dir)
    if isinstance(ready, int):
        return ready
    config, engine = ready
    where = engine.url.render_as_string(hide_password=True)
    try:
        return _build_demo(engine, where, force=arguments.force, zone=config.wall.timezone if config else None)
    except SQLAlchemyError as error:
        print(f"cannot build demo data in {where}: {getattr(error, 'orig', None) or error}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        engine.dispose()


def _build_demo(engine: Engine, where: str, *, force: bool, zone: str | None) -> int:
    # The demo drops and recreates the wall's tables. The default SQLite file is
    # ours to rebuild; a database named in OBEYA_DATABASE_URL may hold real data.
    if settings.named_database_url() and not force:
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
    summary = build_demo_database(engine, zone=zone)
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
    if arguments.timezone is not None:
        try:
            TimestampReader(arguments.timezone)
        except ValueError as error:
            return _usage_error(f"argument --timezone: {error}")
    config, failed = _wall_config(arguments.config_dir)
    if failed is not None:
        return failed
    zone = arguments.timezone or (config.wall.timezone if config else "UTC")
    timestamps = TimestampReader(zone, dayfirst=arguments.dayfirst)

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
    derived = derived_column(kind, columns)
    if derived is not None:
        column, sources = derived
        headers = " and ".join(f'"{csv_file.header[columns[name]]}"' for name in sources)
        rule = "neither " + " nor ".join(sources) if len(sources) > 1 else "not " + sources[0]
        print(f"{column}: derived from {headers} ({rule})")
    progress = _ProgressBar(sys.stderr, enabled=csv_file.size >= PROGRESS_MIN_BYTES)
    try:
        result = import_rows(
            engine, kind, csv_file, columns, skip_invalid=arguments.skip_invalid, timestamps=timestamps,
            progress=progress, replace=arguments.replace, config=config,
        )
    except RollupRefreshFailed as refresh_failure:  # rolled back with the rows: the roll-ups always match them
        result = None
        failure = f"cannot count the wall's daily roll-ups in {where}: {refresh_failure}"
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
    print(_summary(shown, result, replace=arguments.replace))
    if result.committed and result.unknown_services:
        print(_unknown_services_line(shown, dict(result.unknown_services.most_common())))
    return EXIT_OK if result.committed else EXIT_INVALID


def _unknown_services_line(shown: str, unknown: dict[str, int]) -> str:
    rows = sum(unknown.values())
    return (
        f"{shown}: {_count(rows, 'row')} {'names' if rows == 1 else 'name'} a service that is not in services.yaml: "
        f"{_spellings(unknown)}; add {'it as an alias' if len(unknown) == 1 else 'each as an alias'} of its "
        "service in services.yaml, then import again with --replace"
    )


def _usage_error(message: str, command: str = "import") -> int:
    print(f"python -m obeya {command}: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _shell_word(header: str) -> str:
    """A header as it would be typed after --map COLUMN=: quoted when it holds spaces or commas."""
    return f'"{header}"' if not header or any(character in header for character in " ,;'\"") else header


def _print_rejected(shown: str, result: ImportResult) -> None:
    for problem in result.problems:
        print(f"{shown}:{problem.line}: {problem.message}")
    if result.rejected > len(result.problems):
        print(f"… and {_count(result.rejected - len(result.problems), 'more rejected row')}")


def _summary(shown: str, result: ImportResult, *, replace: bool = False) -> str:
    read = _count(result.rows_read, "row") + " read"
    if not result.committed:
        return (
            f"{shown}: {read}, {result.rejected:,} rejected: nothing imported "
            "(--skip-invalid imports the valid rows)"
        )
    replaced = f"{result.replaced:,} replaced, " if replace else ""
    return (
        f"{shown}: {read}: {result.imported:,} imported, {replaced}"
        f"{_count(result.duplicates, 'duplicate')} skipped, {result.rejected:,} rejected"
    )


# --- rollups ---------------------------------------------------------------

MISMATCHES_LISTED = 20


def _rollups(arguments: argparse.Namespace) -> int:
    from obeya.database import check_rollups, refresh_rollups, rollup_timezone

    if arguments.timezone is not None:
        try:
            TimestampReader(arguments.timezone)
        except ValueError as error:
            return _usage_error(f"argument --timezone: {error}", "rollups")
    ready = _config_and_engine(arguments.config_dir)
    if isinstance(ready, int):
        return ready
    config, engine = ready
    where = engine.url.render_as_string(hide_password=True)
    try:
        if arguments.check:
            with engine.connect() as connection:
                return _print_check(check_rollups(connection), config)
        zone = arguments.timezone or (config.wall.timezone if config else None) or rollup_timezone(engine) or "UTC"
        print(f"Re-counting the daily roll-ups of {where} in {zone} ...")
        refresh_rollups(engine, zone=zone, progress=lambda line: print(line, file=sys.stderr, flush=True))
        with engine.connect() as connection:
            days = _rollup_days(connection)
        print(f"roll-ups re-counted in {zone} ({_count(days, 'day')})")
        return EXIT_OK
    except SQLAlchemyError as error:
        doing = "check" if arguments.check else "re-count"
        print(f"cannot {doing} the roll-ups in {where}: {_first_line(error)}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        engine.dispose()


def _print_check(check, config: Config | None) -> int:
    for mismatch in check.mismatches[:MISMATCHES_LISTED]:
        print(f"{mismatch.table} {mismatch.day:%Y-%m-%d} {mismatch.service}: "
              f"roll-up {_counts(mismatch.names, mismatch.rollup)}; raw rows {_counts(mismatch.names, mismatch.raw)}")
    if len(check.mismatches) > MISMATCHES_LISTED:
        print(f"… and {_count(len(check.mismatches) - MISMATCHES_LISTED, 'more mismatch', 'more mismatches')}")
    code = EXIT_OK
    if check.mismatches:
        differ = _count(len(check.mismatches), "roll-up row", "roll-up rows")
        verb = "differs" if len(check.mismatches) == 1 else "differ"
        print(f"roll-ups do not match the raw rows: {differ} {verb} (python -m obeya rollups re-counts them)")
        code = EXIT_INVALID
    else:
        print(f"roll-ups match the raw rows ({_count(check.days, 'day')})")
    if config is not None and check.days and check.zone != config.wall.timezone:
        print(f"the roll-ups count days in {check.zone or 'no time zone yet'}, but wall.yaml's timezone is "
              f"{config.wall.timezone} (python -m obeya rollups re-counts them)")
        code = EXIT_INVALID
    return code


def _counts(names: tuple[str, ...], values: tuple[int, ...] | None) -> str:
    if values is None:
        return "none"
    return " ".join(f"{name}={value}" for name, value in zip(names, values))


def _rollup_days(connection) -> int:
    from obeya.database import ftr_daily, nps_daily

    days = select(nps_daily.c.day).union(select(ftr_daily.c.day)).subquery()
    return connection.execute(select(func.count()).select_from(days)).scalar_one()


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
