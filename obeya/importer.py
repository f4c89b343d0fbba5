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
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, Engine, Table, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from obeya.config import Config
from obeya.database import (
    ftr_results,
    lock_for_writing,
    mark_data_changed,
    prepare_writing,
    recount_written_days,
    stored_rollup_timezone,
    survey_responses,
)

CHUNK_ROWS = 10_000  # rows checked against the database and inserted at a time
LISTED_PROBLEMS = 20  # rejected rows kept with their message; the rest are only counted


# --- what each kind of file holds --------------------------------------------


@dataclass(frozen=True)
class ImportColumn:
    """One import column (DESIGN.md) and the header names that fill it, most specific first."""

    name: str
    aliases: tuple[str, ...]
    reads: str  # how a value is read: "text", "comment", "timestamp", "score", "boolean" or "flag"
    required: bool = True
    derived_from: tuple[str, ...] = ()  # columns it is derived from when the file lacks it (any one will do)


@dataclass(frozen=True)
class ImportKind:
    """What one kind of CSV file holds and the table its rows go to."""

    name: str  # as on the command line: "responses", "ftr"
    noun: str  # for messages: "survey responses"
    table: Table
    key: str  # the unique column: a row whose key is already known is a duplicate
    moment: str  # the timestamp column the daily roll-ups group by
    columns: tuple[ImportColumn, ...]

    def column(self, name: str) -> ImportColumn:
        for column in self.columns:
            if column.name == name:
                return column
        names = ", ".join(column.name for column in self.columns)
        raise ValueError(f"no column {name!r} for {self.name} (use one of {names})")


TICKET_ALIASES = ("ticket_id", "number", "ticket", "issue_key", "incident", "key")
SERVICE_ALIASES = (
    "service", "service_offering", "business_service", "category", "component", "components", "assignment_group",
)

RESPONSES = ImportKind(
    name="responses",
    noun="survey responses",
    table=survey_responses,
    key="response_id",
    moment="responded_at",
    columns=(
        ImportColumn("response_id", ("response_id", "id", "survey_id", "sys_id"), "text"),
        ImportColumn("ticket_id", TICKET_ALIASES, "text"),
        ImportColumn("service", SERVICE_ALIASES, "text"),
        ImportColumn(
            "responded_at",
            ("responded_at", "created_at", "submitted_at", "sys_created_on", "taken_on", "date"),
            "timestamp",
        ),
        ImportColumn("score", ("score", "rating", "actual_value", "nps", "answer"), "score"),
        ImportColumn(
            "comment", ("comment", "feedback", "string_value", "comments", "text"), "comment", required=False
        ),
    ),
)

FTR = ImportKind(
    name="ftr",
    noun="first-time-right results",
    table=ftr_results,
    key="ticket_id",
    moment="resolved_at",
    columns=(
        ImportColumn("ticket_id", TICKET_ALIASES, "text"),
        ImportColumn("service", SERVICE_ALIASES, "text"),
        ImportColumn(
            "resolved_at",
            ("resolved_at", "resolved", "resolved_on", "resolution_date", "closed_at", "closed"),
            "timestamp",
        ),
        ImportColumn(
            "first_time_right", ("first_time_right", "ftr", "first_contact_resolution", "fcr", "first_time_fix"),
            "boolean", derived_from=("reopened", "reassigned"),
        ),
        ImportColumn(
            "reopened", ("reopened", "reopen_count", "reopens", "custom field (reopen count)"), "flag", required=False
        ),
        ImportColumn(
            "reassigned",
            ("reassigned", "reassignment_count", "reassignments", "custom field (reassignment count)"),
            "flag", required=False,
        ),
    ),
)

IMPORT_KINDS = {kind.name: kind for kind in (RESPONSES, FTR)}


# --- problems -----------------------------------------------------------------


class ImportFileError(Exception):
    """The file cannot be imported at all (unreadable, no header, a missing column): nothing was imported.

    `problems` are (line or None, message) pairs, in file order.
    """

    def __init__(self, problems: list[tuple[int | None, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


class RollupRefreshFailed(Exception):
    """The daily roll-ups could not be counted, so nothing was committed (rows and roll-ups go together)."""

    def __init__(self, result: ImportResult, cause: SQLAlchemyError) -> None:
        super().__init__(str(getattr(cause, "orig", None) or cause))
        self.result = result


class InvalidValue(ValueError):
    """A value that cannot go into its column; the message follows the column name."""


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


# --- reading values -----------------------------------------------------------


TRUE_WORDS = ("true", "t", "yes", "y", "1", "ja")
FALSE_WORDS = ("false", "f", "no", "n", "0", "nee", "nein")
_BOOLEANS = {**{word: True for word in TRUE_WORDS}, **{word: False for word in FALSE_WORDS}}
_SCORES = {str(score): score for score in range(11)}
_WHOLE_SCORE = re.compile(r"\+?(\d{1,2})(?:[.,]0+)?")  # "9", "09", "9.0", "9,00"
_COUNT = re.compile(r"\+?\d{1,18}")


def _quoted(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:39] + "…")


def read_text(value: str, max_length: int = 64) -> str:
    """An id or service name: surrounding spaces dropped; empty or too long is invalid."""
    text = value.strip()
    if not text:
        raise InvalidValue("is empty")
    if len(text) > max_length:
        raise InvalidValue(f"{_quoted(text)} is longer than {max_length} characters")
    return text


def read_comment(value: str) -> str | None:
    """A comment, or None when empty; line breaks inside it become plain newlines."""
    text = value.strip()
    if not text:
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def read_score(value: str) -> int:
    """A score: a whole number from 0 to 10 ("9.0" is 9). Anything else is invalid, never rescaled."""
    score = _SCORES.get(value)
    if score is not None:
        return score
    text = value.strip()
    if not text:
        raise InvalidValue("is empty")
    match = _WHOLE_SCORE.fullmatch(text)
    if match is None or int(match[1]) > 10:
        raise InvalidValue(f"{_quoted(text)} is not a whole number from 0 to 10")
    return int(match[1])


def read_boolean(value: str) -> bool:
    """True or false from one of TRUE_WORDS / FALSE_WORDS, in any case."""
    text = value.strip().lower()
    answer = _BOOLEANS.get(text)
    if answer is None:
        if not text:
            raise InvalidValue("is empty")
        raise InvalidValue(f"{_quoted(value.strip())} is not true or false (use true/false, yes/no, y/n, 1/0, ja/nee)")
    return answer


def read_flag(value: str) -> bool | None:
    """`reopened`/`reassigned`: a boolean word or a count (more than 0 is true); empty is unknown (None)."""
    text = value.strip().lower()
    answer = _BOOLEANS.get(text)
    if answer is not None:
        return answer
    if not text:
        return None
    if _COUNT.fullmatch(text):
        return int(text) > 0
    raise InvalidValue(f"{_quoted(value.strip())} is not true or false or a count")


_OTHER_TIMESTAMP = re.compile(
    r"(?P<a>\d{1,4})[-/.](?P<b>\d{1,2})[-/.](?P<c>\d{1,4})"
    r"(?:(?:\s+|T)(?P<hour>\d{1,2}):(?P<minute>\d\d)(?::(?P<second>\d\d)(?:[.,]\d+)?)?(?:\s*(?P<half>[AaPp][Mm]))?)?"
    r"\s*(?P<zone>Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)?",
    re.IGNORECASE,
)
# Jira's "01/Dec/26 9:15 AM" (dd/MMM/yy h:mm a), also with a four-digit year or a full month name
_NAMED_MONTH_TIMESTAMP = re.compile(
    r"(?P<day>\d{1,2})[-/ ](?P<month>[A-Za-z]{3,9})\.?[-/ ](?P<year>\d{2}|\d{4})"
    r"(?:\s+(?P<hour>\d{1,2}):(?P<minute>\d\d)(?::(?P<second>\d\d))?(?:\s*(?P<half>[AaPp][Mm]))?)?"
)
EARLIEST, LATEST = datetime(1900, 1, 1), datetime(2200, 1, 1)  # what the roll-ups can count
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_MONTH_NUMBERS = {**{name[:3].casefold(): number for number, name in enumerate(_MONTHS, 1)},
                  **{name.casefold(): number for number, name in enumerate(_MONTHS, 1)}, "sept": 9}


class TimestampReader:
    """Reads timestamps as naive UTC, to the second.

    ISO 8601 first (`2025-03-01T14:05:00+01:00`, `2025-03-01 14:05`, `2025-03-01`);
    then `dd/mm/yyyy` or `mm/dd/yyyy` (also with `-` or `.`, an optional time,
    seconds and AM/PM). Which of day and month comes first is decided per value
    when one of them is above 12, else by `dayfirst` (True: day first, False:
    month first); without it such a value is invalid, as it could be either.
    A value with a zone (`Z`, `UTC`, `+01:00`) is converted to UTC; one without
    is read in `zone` (an IANA name, default UTC).
    """

    def __init__(self, zone: str = "UTC", dayfirst: bool | None = None) -> None:
        try:
            local = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {zone!r} (use an IANA name like Europe/Amsterdam)") from None
        self.zone = zone
        self.dayfirst = dayfirst
        self._local = None if zone in ("UTC", "Etc/UTC") else local

    def __call__(self, value: str) -> datetime:
        try:
            moment = datetime.fromisoformat(value)  # the fast path: most exports write ISO 8601
        except ValueError:
            moment = self._other_formats(value.strip())
        if moment.tzinfo is None:
            if self._local is None:
                moment = moment.replace(microsecond=0) if moment.microsecond else moment
                return self._in_range(moment, value)
            moment = moment.replace(tzinfo=self._local)
        try:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)
        except OverflowError:
            raise InvalidValue(f"{_quoted(value.strip())} is not between {EARLIEST:%Y} and {LATEST:%Y}") from None
        return self._in_range(moment, value)

    @staticmethod
    def _named_month(match: re.Match, not_a_timestamp: InvalidValue) -> datetime:
        year = int(match["year"])
        if len(match["year"]) == 2:
            year += 2000 if year < 70 else 1900  # Jira's yy: 26 is 2026
        hour = _hour(match, not_a_timestamp)
        try:
            return datetime(year, _MONTH_NUMBERS[match["month"].casefold()], int(match["day"]), hour,
                            int(match["minute"] or 0), int(match["second"] or 0))
        except ValueError:
            raise not_a_timestamp from None

    @staticmethod
    def _in_range(moment: datetime, value: str) -> datetime:
        if not EARLIEST <= moment < LATEST:
            raise InvalidValue(f"{_quoted(value.strip())} is not between {EARLIEST:%Y} and {LATEST:%Y}")
        return moment

    def _other_formats(self, text: str) -> datetime:
        if not text:
            raise InvalidValue("is empty")
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
        match = _OTHER_TIMESTAMP.fullmatch(text)
        not_a_timestamp = InvalidValue(
            f"{_quoted(text)} is not a date and time like 2025-03-31 14:05 or 31/03/2025 14:05"
        )
        if match is None:
            named = _NAMED_MONTH_TIMESTAMP.fullmatch(text)
            if named is None or named["month"].casefold() not in _MONTH_NUMBERS:
                raise not_a_timestamp
            return self._named_month(named, not_a_timestamp)
        a, b, c = match["a"], match["b"], match["c"]
        if len(a) == 4 and len(c) <= 2:
            year, month, day = int(a), int(b), int(c)
        elif len(c) == 4 and len(a) <= 2:
            year, first, second = int(c), int(a), int(b)
            dayfirst = self.dayfirst
            if dayfirst is None and first != second:
                if first > 12 >= second:
                    dayfirst = True
                elif second > 12 >= first:
                    dayfirst = False
                elif first <= 12 and second <= 12:
                    raise InvalidValue(
                        f"{_quoted(text)} could be {first} {_MONTHS[second - 1]} or {second} {_MONTHS[first - 1]}: "
                        "pass --dayfirst or --monthfirst"
                    )
            day, month = (first, second) if dayfirst in (True, None) else (second, first)
        else:
            raise not_a_timestamp
        hour = _hour(match, not_a_timestamp)
        try:
            moment = datetime(year, month, day, hour, int(match["minute"] or 0), int(match["second"] or 0))
        except ValueError:
            raise not_a_timestamp from None
        zone = match["zone"]
        if zone is None:
            return moment
        if zone.upper() in ("Z", "UTC", "GMT"):
            return moment.replace(tzinfo=timezone.utc)
        digits = zone[1:].replace(":", "")
        if int(digits[:2]) > 23 or int(digits[2:] or 0) > 59:
            raise not_a_timestamp
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        return moment.replace(tzinfo=timezone(offset if zone[0] == "+" else -offset))


def _hour(match: re.Match, not_a_timestamp: InvalidValue) -> int:
    """The hour of a matched timestamp on the 24-hour clock (12 AM is 0)."""
    hour = int(match["hour"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            raise not_a_timestamp
        hour = hour % 12 + (12 if match["half"].lower() == "pm" else 0)
    return hour


# --- the file -----------------------------------------------------------------

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
_ENCODING_NAMES = {
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
    "latin-1": "Latin-1",
}
_SCAN_BLOCK = 1 << 20


@dataclass(frozen=True)
class CsvFile:
    """A CSV export ready to stream: its encoding, separator and header."""

    path: Path
    encoding: str  # a Python codec name
    bom: bool
    delimiter: str
    header: list[str]  # the header names as written, surrounding spaces dropped
    header_line: int  # the physical line of the header: 1 unless blank lines or a `sep=` line precede it
    size: int  # bytes

    @property
    def description(self) -> str:
        """Like "UTF-8 with BOM, semicolon-separated"."""
        encoding = _ENCODING_NAMES[self.encoding] + (" with BOM" if self.bom and self.encoding == "utf-8-sig" else "")
        return f"{encoding}, {SEPARATORS[self.delimiter]}-separated"


def open_csv(path: str | Path) -> CsvFile:
    """Detect the file's encoding, separator and header; ImportFileError when it cannot be read."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError([(None, "no such file")])
    if not path.is_file():
        raise ImportFileError([(None, "not a file")])
    try:
        encoding, bom = detect_encoding(path)
        with path.open(encoding=encoding, newline="") as text:
            line_number = 0
            for line in text:
                line_number += 1
                if line.strip():
                    break
            else:
                raise ImportFileError([(None, "the file is empty")])
            delimiter = _separator_hint(line)
            if delimiter is not None:  # Excel's "sep=;" line names the separator
                for line in text:
                    line_number += 1
                    if line.strip():
                        break
                else:
                    raise ImportFileError([(None, "the file has no header line")])
            else:
                delimiter = sniff_separator(line)
            try:
                header = [name.strip() for name in next(csv.reader([line], delimiter=delimiter))]
            except csv.Error as error:
                raise ImportFileError([(line_number, _csv_problem(str(error)))]) from None
        return CsvFile(
            path=path,
            encoding=encoding,
            bom=bom,
            delimiter=delimiter,
            header=header,
            header_line=line_number,
            size=path.stat().st_size,
        )
    except OSError as error:
        raise ImportFileError([(None, f"cannot read the file: {error.strerror or error}")]) from None


def detect_encoding(path: Path) -> tuple[str, bool]:
    """(codec, has a byte order mark): UTF-16 by its BOM; UTF-8 (BOM or not) when every byte
    of the file decodes as UTF-8; else Windows-1252 when it uses the printable characters
    Windows puts in 0x80-0x9F (€, curly quotes); else Latin-1, which decodes anything.

    The whole file is checked before a row is read (at disk speed), so a byte
    near the end that is not UTF-8 cannot break an import halfway.
    """
    with path.open("rb") as binary:
        start = binary.read(4)
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            bad_line = _first_undecodable_line(binary, "utf-16")
            if bad_line is not None:
                raise ImportFileError([(bad_line, "not UTF-16, though the file starts with a UTF-16 byte order mark")])
            return "utf-16", True
        bom = start.startswith(codecs.BOM_UTF8)
        bad_line = _first_undecodable_line(binary, "utf-8")
        if bad_line is None:
            return "utf-8-sig", bom
        if bom:
            raise ImportFileError([(bad_line, "not UTF-8, though the file starts with a UTF-8 byte order mark")])
        binary.seek(0)
        if not any(_WINDOWS_1252_ONLY.search(block) for block in iter(lambda: binary.read(_SCAN_BLOCK), b"")):
            return "latin-1", False  # the same characters either way
        return ("cp1252" if _first_undecodable_line(binary, "cp1252") is None else "latin-1"), False


_WINDOWS_1252_ONLY = re.compile(rb"[\x80-\x9f]")


def _first_undecodable_line(binary, encoding: str) -> int | None:
    binary.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    lines_before = 0
    while True:
        block = binary.read(_SCAN_BLOCK)
        try:
            decoder.decode(block, final=not block)
        except UnicodeDecodeError as error:
            return lines_before + block.count(b"\n", 0, error.start) + 1
        if not block:
            return None
        lines_before += block.count(b"\n")


def _separator_hint(line: str) -> str | None:
    text = line.strip()
    if text.lower().startswith("sep=") and len(text) == 5 and text[4] in SEPARATORS:
        return text[4]
    return None


def sniff_separator(header_line: str) -> str:
    """The separator that splits the header line into the most names; comma when none splits it."""
    counts = {}
    for separator in SEPARATORS:
        try:
            counts[separator] = len(next(csv.reader([header_line], delimiter=separator)))
        except csv.Error:
            counts[separator] = 0
    return max(counts, key=lambda separator: counts[separator])  # ties go to the first: comma


class _Records:
    """The data rows of a CsvFile, each with the physical line it starts on; blank lines (also
    lines of separators and spaces only) skipped."""

    def __init__(self, csv_file: CsvFile) -> None:
        self._binary = csv_file.path.open("rb")
        text = io.TextIOWrapper(self._binary, encoding=csv_file.encoding, newline="")
        # strict: a stray quote fails its row instead of silently swallowing the rows after it
        self._reader = csv.reader(text, delimiter=csv_file.delimiter, strict=True)
        while self._reader.line_num < csv_file.header_line:  # past the header (open_csv has read it)
            try:
                next(self._reader)
            except csv.Error:
                pass
            except StopIteration:
                break

    def __iter__(self) -> Iterator[tuple[int, list[str] | None, str | None]]:
        """(line, fields, None) for a row; (line, None, problem) for a row the CSV reader cannot split."""
        reader = self._reader
        end = reader.line_num
        while True:
            try:
                for fields in reader:
                    line, end = end + 1, reader.line_num
                    if (fields and fields[0].strip()) or any(value.strip() for value in fields):
                        yield line, fields, None
                return
            except csv.Error as error:  # the reader carries on with the next line
                line, end = end + 1, reader.line_num
                yield line, None, _csv_problem(str(error))

    def bytes_read(self) -> int:
        return self._binary.tell()

    def close(self) -> None:
        self._binary.close()


def _csv_problem(error: str) -> str:
    if error == "unexpected end of data":
        return "a quote opened here is never closed"
    if "expected after" in error:
        return 'a quote inside a quoted value must be doubled ("")'
    if "field larger than field limit" in error:
        return f"a value is longer than {csv.field_size_limit():,} characters (a quote that is never closed?)"
    if "NUL" in error:
        return "the row contains a NUL byte (is this a text file?)"
    return f"cannot read the row: {error}"


# --- matching headers to columns ----------------------------------------------


def normalised_header(name: str) -> str:
    """Header names compare without case, spaces, underscores or punctuation: "Response ID" is response_id."""
    return "".join(character for character in name.casefold() if character.isalnum())


def match_columns(
    kind: ImportKind, header: list[str], mapping: Mapping[str, str] | None = None, header_line: int = 1
) -> dict[str, int]:
    """{column: index in the header} for every column found, in the order of `kind.columns`;
    ImportFileError (at `header_line`) naming each missing required column and the headers
    found; ValueError when `mapping` names a column `kind` does not have.

    `mapping` ({column: header}) names headers explicitly; other columns are
    found by their aliases, most specific first, each header used once.
    """
    found: dict[str, int] = {}
    problems: list[str] = []
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(normalised_header(name), index)
    for column_name, wanted in (mapping or {}).items():
        kind.column(column_name)  # ValueError for a column this kind does not have
        index = header.index(wanted.strip()) if wanted.strip() in header else positions.get(normalised_header(wanted))
        if index is None:
            problems.append(f"--map {column_name}={wanted}: no header {wanted!r}")
        else:
            found[column_name] = index
    claimed = set(found.values())
    missing = []
    for column in kind.columns:
        if column.name in found or column.name in (mapping or {}):
            continue
        for alias in column.aliases:
            index = positions.get(normalised_header(alias))
            if index is not None and index not in claimed:
                found[column.name] = index
                claimed.add(index)
                break
        else:
            if column.required:
                missing.append(column)
    for column in missing:
        if any(name in found for name in column.derived_from):
            continue  # derived from those columns row by row (see `derived_column`)
        sources = f", and no {_or_list(column.derived_from)} column to derive it from" if column.derived_from else ""
        problems.append(
            f"missing column {column.name}: no header {_or_list(column.aliases)}{sources} "
            f"(name it with --map {column.name}=HEADER)"
        )
    if problems:
        shown = ", ".join(name for name in header if name) or "none"
        problems.append(f"headers found: {shown}")
        raise ImportFileError([(header_line, problem) for problem in problems])
    return {column.name: found[column.name] for column in kind.columns if column.name in found}


def derived_column(kind: ImportKind, columns: Mapping[str, int]) -> tuple[str, tuple[str, ...]] | None:
    """(column, the columns it is derived from) when `columns` (from `match_columns`) lack a
    required column that is derived instead; None when every required column is in the file."""
    for column in kind.columns:
        if column.required and column.name not in columns and column.derived_from:
            return column.name, tuple(name for name in column.derived_from if name in columns)
    return None


def _or_list(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


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
    time zone (else the zone they use already, else UTC). The transaction
    waits for any other writer first. Raises SQLAlchemyError or
    RollupRefreshFailed: nothing committed.
    """
    result = ImportResult()
    check = _RowChecker(kind, columns, csv_file, timestamps or TimestampReader(), config, result.unknown_services)
    prepare_writing(engine)
    records = _Records(csv_file)
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
                    progress(records.bytes_read(), csv_file.size, result.rows_read)
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
                        recount_written_days(connection, zone, writer.utc_days)
                        mark_data_changed(connection)
                    except SQLAlchemyError as error:
                        raise RollupRefreshFailed(result, error) from error
                transaction.commit()
                result.committed = True
            else:
                transaction.rollback()
    finally:
        records.close()
        if not result.committed:
            result.imported = result.replaced = result.duplicates = 0
    if progress is not None:
        progress(csv_file.size, csv_file.size, result.rows_read)
    return result


class _RowChecker:
    """Turns the fields of one CSV record into a row for the table, or a problem message."""

    def __init__(self, kind: ImportKind, columns: Mapping[str, int], csv_file: CsvFile,
                 timestamps: TimestampReader, config: Config | None = None,
                 unknown_services: Counter | None = None) -> None:
        self.readers = _value_readers(kind, columns, timestamps)
        self.absent = tuple(column.name for column in kind.columns if column.name not in columns)
        self.width = len(csv_file.header)
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
                "timestamp": timestamps,
                "score": read_score,
                "boolean": read_boolean,
                "flag": read_flag,
            }[column.reads]
        readers.append((column.name, columns[column.name], read))
    return readers
