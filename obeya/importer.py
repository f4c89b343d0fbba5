"""Import survey responses and first-time-right results from CSV exports.

    import_csv(engine, "responses", "survey.csv") -> ImportResult

The file may come straight out of a ticket tool or a spreadsheet: the header
names of common exports are recognised, the encoding (UTF-8 with or without
BOM, UTF-16 with BOM, Windows-1252/Latin-1) and the separator (comma,
semicolon, tab) are detected, and every value is checked against the import
columns in DESIGN.md. The rules a user relies on (header aliases, timestamps,
booleans, duplicates, all-or-nothing) are in the README under "Importing
survey and ticket data"; tests/test_importer.py holds the code to them.

The file is streamed: rows are read, checked and written `CHUNK_ROWS` at a
time inside one transaction, so a file of millions of rows needs the memory of
one chunk, and a failed import leaves the database as it was.

The file itself (encoding, separator, records) is obeya/csvfile.py, reading
each value obeya/values.py, the kinds of file and their headers obeya/headers.py.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from obeya.config import Config
from obeya.csvfile import CsvFile, Records, open_csv
from obeya.rollups import (
    lock_for_writing,
    mark_data_changed,
    prepare_writing,
    recount_written_days,
    stored_rollup_timezone,
)
from obeya.theme_rollups import ThemeRules
from obeya.headers import IMPORT_KINDS, ImportKind, derived_column, match_columns
from obeya.values import (
    InvalidValue,
    TimestampReader,
    read_boolean,
    read_comment,
    read_factors,
    read_flag,
    read_score,
    read_text,
)

CHUNK_ROWS = 10_000  # rows checked against the database and inserted at a time
LISTED_PROBLEMS = 20  # rejected rows kept with their message; the rest are only counted


# --- what an import did -------------------------------------------------------


class RollupRefreshFailed(Exception):
    """The daily roll-ups could not be counted, so nothing was committed (rows and roll-ups go together)."""

    def __init__(self, result: ImportResult, cause: SQLAlchemyError) -> None:
        super().__init__(str(getattr(cause, "orig", None) or cause))
        self.result = result


@dataclass(frozen=True)
class RowProblem:
    line: int  # physical line where the row starts; the header is line 1 (unless blank lines precede it)
    message: str


@dataclass
class ImportResult:
    """What an import did. When rows were rejected without `skip_invalid`, nothing was committed."""

    rows_read: int = 0
    imported: int = 0
    replaced: int = 0  # rows whose key was there already, written over (only with `replace`)
    duplicates: int = 0
    rejected: int = 0
    problems: list[RowProblem] = field(default_factory=list)  # the first LISTED_PROBLEMS rejected rows
    unknown_services: Counter = field(default_factory=Counter)  # valid rows per service spelling not in the config
    committed: bool = False

    def reject(self, line: int, message: str) -> None:
        self.rejected += 1
        if len(self.problems) < LISTED_PROBLEMS:
            self.problems.append(RowProblem(line, message))


# --- importing ----------------------------------------------------------------


def import_csv(
    engine: Engine,
    kind: str | ImportKind,
    path: str | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    skip_invalid: bool = False,
    timestamps: TimestampReader | None = None,
    replace: bool = False,
    config: Config | None = None,
) -> ImportResult:
    """Import one CSV file: open it, match its columns, import its rows (see `import_rows`)."""
    kind = IMPORT_KINDS[kind] if isinstance(kind, str) else kind
    csv_file = open_csv(path)
    columns = match_columns(kind, csv_file.header, mapping, csv_file.header_line)
    return import_rows(engine, kind, csv_file, columns, skip_invalid=skip_invalid, timestamps=timestamps,
                       replace=replace, config=config)


def import_rows(
    engine: Engine,
    kind: ImportKind,
    csv_file: CsvFile,
    columns: Mapping[str, int],
    *,
    skip_invalid: bool = False,
    timestamps: TimestampReader | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    replace: bool = False,
    config: Config | None = None,
) -> ImportResult:
    """Check every row and insert the new ones, and re-count the roll-ups of their days, in one transaction.

    A row whose key is already in the database or earlier in the file is a
    duplicate: counted and skipped, or with `replace` (for a key already in
    the database) written over. Rows with invalid values are rejected; one
    rejected row means nothing is committed unless `skip_invalid`. `progress`
    is called now and then with (bytes read, file size, rows read).

    With a `config`, each row's service is stored as the service id its
    spelling names (an id or an alias); other spellings are stored as they are
    and counted in `unknown_services`. Roll-ups count days in the config's
    time zone (else the zone they use already, else UTC), comment themes with
    its themes and language (none without a config). The transaction
    waits for any other writer first. Raises SQLAlchemyError or
    RollupRefreshFailed: nothing committed.
    """
    records = Records(csv_file)
    try:
        rows_read = None if progress is None else (
            lambda rows: progress(records.bytes_read(), csv_file.size, rows))
        result = import_records(engine, kind, records, len(csv_file.header), columns, skip_invalid=skip_invalid,
                                timestamps=timestamps, progress=rows_read, replace=replace, config=config)
    finally:
        records.close()
    if progress is not None:
        progress(csv_file.size, csv_file.size, result.rows_read)
    return result


def import_records(
    engine: Engine,
    kind: ImportKind,
    records: Iterable[tuple[int, list[str] | None, str | None]],
    width: int,
    columns: Mapping[str, int],
    *,
    skip_invalid: bool = False,
    timestamps: TimestampReader | None = None,
    progress: Callable[[int], None] | None = None,
    replace: bool = False,
    config: Config | None = None,
) -> ImportResult:
    """`import_rows` for records from anywhere: (line, fields, problem) as `Records` yields them, each
    `width` fields wide, under the header `columns` were matched in (the ingest API sends JSON rows
    through here). `progress` is called now and then with the rows read."""
    result = ImportResult()
    check = _RowChecker(kind, columns, width, timestamps or TimestampReader(), config, result.unknown_services)
    prepare_writing(engine)
    try:
        with (
            _without_cycle_collection(),
            engine.connect() as connection,
            _big_sqlite_page_cache(connection),
            connection.begin() as transaction,
        ):
            lock_for_writing(connection)
            zone = config.wall.timezone if config else stored_rollup_timezone(connection) or "UTC"
            writer = _Writer(connection, kind, result, replace=replace)
            chunk: dict[str, dict] = {}  # valid new rows by key, until CHUNK_ROWS are written at once
            writing = True  # turns False at the first rejected row of an all-or-nothing import
            for line, fields, problem in records:
                result.rows_read += 1
                if progress is not None and result.rows_read % CHUNK_ROWS == 0:
                    progress(result.rows_read)
                row = check(fields) if problem is None else problem
                if type(row) is str:  # a problem, not a row
                    result.reject(line, row)
                    writing = writing and skip_invalid  # all or nothing: stop writing, keep listing problems
                elif writing:
                    if row[kind.key] in chunk:
                        result.duplicates += 1
                    else:
                        chunk[row[kind.key]] = row
                        if len(chunk) == CHUNK_ROWS:
                            writer.write(chunk)
                            chunk = {}
                            gc.collect(1)  # the few cycles the database layer leaves per chunk
            if writing:
                writer.write(chunk)
                if writer.utc_days:
                    try:
                        recount_written_days(connection, zone, writer.utc_days, ThemeRules.of(config))
                        mark_data_changed(connection)
                    except SQLAlchemyError as error:
                        raise RollupRefreshFailed(result, error) from error
                transaction.commit()
                result.committed = True
            else:
                transaction.rollback()
    finally:
        if not result.committed:
            result.imported = result.replaced = result.duplicates = 0
    return result


class _RowChecker:
    """Turns the fields of one CSV record into a row for the table, or a problem message."""

    def __init__(self, kind: ImportKind, columns: Mapping[str, int], width: int,
                 timestamps: TimestampReader, config: Config | None = None,
                 unknown_services: Counter | None = None) -> None:
        self.readers = _value_readers(kind, columns, timestamps)
        self.absent = tuple(column.name for column in kind.columns if column.name not in columns)
        self.width = width
        self.derived = derived_column(kind, columns)
        self.config = config
        self.service_ids: dict[str, str | None] = {}  # spelling in the file: service id, None when unknown
        self.unknown_services = Counter() if unknown_services is None else unknown_services

    def __call__(self, fields: list[str]) -> dict | str:
        if len(fields) != self.width:
            problem = _width_problem(fields, self.width)
            if problem is not None:
                return problem
        row = dict.fromkeys(self.absent) if self.absent else {}
        try:
            for name, index, read in self.readers:
                row[name] = read(fields[index])
        except InvalidValue:
            return _row_problems(self.readers, fields)
        if self.derived is not None:  # first_time_right: neither reopened nor reassigned
            column, sources = self.derived
            row[column] = not any(row[source] for source in sources)
        if self.config is not None:
            self._service_id(row)
        return row

    def _service_id(self, row: dict) -> None:
        spelling = row["service"]
        try:
            service_id = self.service_ids[spelling]
        except KeyError:
            service_id = self.service_ids[spelling] = self.config.service_id_for(spelling)
        if service_id is None:
            self.unknown_services[spelling] += 1
        else:
            row["service"] = service_id


class _Writer:
    """Writes chunks of checked rows in the import's transaction, skipping keys the database
    already holds: rows from before, and rows of earlier chunks of this file."""

    def __init__(self, connection: Connection, kind: ImportKind, result: ImportResult, *, replace: bool) -> None:
        self.connection = connection
        self.kind = kind
        self.key_column = kind.table.c[kind.key]
        self.moment_column = kind.table.c[kind.moment]
        self.result = result
        self.replace = replace
        self.utc_days: set[date] = set()  # UTC days of rows written or written over: their roll-ups are re-counted

    def write(self, chunk: dict[str, dict]) -> None:
        """Insert the rows of `chunk` ({key: row}) whose key is new; count the others as duplicates,
        or with `replace` delete them first and count them as replaced."""
        if not chunk:
            return
        keys = sorted(chunk)  # in key order the lookups and inserts walk the primary-key index, not jump around it
        where = self.key_column.in_(keys)
        result = self.result
        if self.replace:
            known = dict(self.connection.execute(select(self.key_column, self.moment_column).where(where)).all())
            if known:
                self.connection.execute(delete(self.kind.table).where(self.key_column.in_(sorted(known))))
                self.utc_days.update(_as_moment(moment).date() for moment in known.values())
            rows = [chunk[key] for key in keys]
            result.replaced += len(known)
        else:
            known = set(self.connection.scalars(select(self.key_column).where(where)))
            rows = [chunk[key] for key in keys if key not in known]
            result.duplicates += len(chunk) - len(rows)
        if not rows:
            return
        self.connection.execute(insert(self.kind.table), rows)
        result.imported += len(rows) - (len(known) if self.replace else 0)
        moment = self.kind.moment
        self.utc_days.update({row[moment].date() for row in rows})


def _as_moment(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's automatic cycle collection paused: rows are dicts of strings that hold no
    reference cycles, and scanning a chunk's worth of young objects again and again costs
    an import of a million rows about a second. The import collects the young generations
    itself once per chunk."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


SQLITE_IMPORT_CACHE_KIB = 65_536


@contextmanager
def _big_sqlite_page_cache(connection: Connection) -> Iterator[None]:
    """On SQLite, a 64 MB page cache for this connection while the import runs.

    SQLite's default 2 MB cache thrashes once the primary-key index outgrows it
    (random ids such as ServiceNow sys_ids): a million rows then take twice as
    long. A setting of this one connection, restored afterwards; no SQL the
    data depends on differs between databases.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    connection.commit()
    try:
        yield
    finally:
        try:
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")
            connection.commit()
        except SQLAlchemyError:
            pass  # the connection broke; the error that broke it is the one to report


def _row_problems(readers, fields: list[str]) -> str:
    """Every invalid value of a row, in column order, as one message."""
    problems = []
    for name, index, read in readers:
        try:
            read(fields[index])
        except InvalidValue as invalid:
            problems.append(f"{name} {invalid}")
    return "; ".join(problems)


def _width_problem(fields: list[str], width: int) -> str | None:
    """Why a record with `fields` does not fit a header of `width` columns; None when it does."""
    if len(fields) > width:
        if not any(value.strip() for value in fields[width:]):
            return None  # a trailing separator
        return f"the row has {len(fields)} values but the header has {width} columns (an unquoted separator?)"
    return f"the row has {len(fields)} values but the header has {width} columns"


def _value_readers(
    kind: ImportKind, columns: Mapping[str, int], timestamps: TimestampReader
) -> list[tuple[str, int, Callable[[str], object]]]:
    readers = []
    for column in kind.columns:
        if column.name not in columns:
            continue
        if column.reads == "text":
            max_length = kind.table.c[column.name].type.length

            def read(value: str, max_length: int = max_length) -> str:
                text = value.strip()
                return text if text and len(text) <= max_length else read_text(value, max_length)

        else:
            read = {
                "comment": read_comment,
                "factors": read_factors,
                "timestamp": timestamps,
                "score": read_score,
                "boolean": read_boolean,
                "flag": read_flag,
            }[column.reads]
        readers.append((column.name, columns[column.name], read))
    return readers
