"""`python -m obeya import responses|ftr FILE.csv`: the options checked, the file opened and its
columns shown, the import run with a progress bar, and its summary.
"""

from __future__ import annotations

import argparse
import sys
import time

from sqlalchemy.exc import SQLAlchemyError

from obeya.console import EXIT_INVALID, EXIT_OK, counted, engine_or_message, spellings, usage_error, wall_config
from obeya.csvfile import ImportFileError, open_csv
from obeya.headers import IMPORT_KINDS, derived_column, match_columns
from obeya.importer import ImportResult, RollupRefreshFailed, import_rows
from obeya.values import TimestampReader

PROGRESS_MIN_BYTES = 1_000_000  # smaller files import before a bar would be worth drawing


def run(arguments: argparse.Namespace) -> int:
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
        return usage_error(f"argument --map: {error}")
    if arguments.timezone is not None:
        try:
            TimestampReader(arguments.timezone)
        except ValueError as error:
            return usage_error(f"argument --timezone: {error}")
    config, failed = wall_config(arguments.config_dir)
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

    engine = engine_or_message()
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
        f"{shown}: {counted(rows, 'row')} {'names' if rows == 1 else 'name'} a service that is not in services.yaml: "
        f"{spellings(unknown)}; add {'it as an alias' if len(unknown) == 1 else 'each as an alias'} of its "
        "service in services.yaml, then import again with --replace"
    )


def _shell_word(header: str) -> str:
    """A header as it would be typed after --map COLUMN=: quoted when it holds spaces or commas."""
    return f'"{header}"' if not header or any(character in header for character in " ,;'\"") else header


def _print_rejected(shown: str, result: ImportResult) -> None:
    for problem in result.problems:
        print(f"{shown}:{problem.line}: {problem.message}")
    if result.rejected > len(result.problems):
        print(f"… and {counted(result.rejected - len(result.problems), 'more rejected row')}")


def _summary(shown: str, result: ImportResult, *, replace: bool = False) -> str:
    read = counted(result.rows_read, "row") + " read"
    if not result.committed:
        return (
            f"{shown}: {read}, {result.rejected:,} rejected: nothing imported "
            "(--skip-invalid imports the valid rows)"
        )
    replaced = f"{result.replaced:,} replaced, " if replace else ""
    return (
        f"{shown}: {read}: {result.imported:,} imported, {replaced}"
        f"{counted(result.duplicates, 'duplicate')} skipped, {result.rejected:,} rejected"
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

