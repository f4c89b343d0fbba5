"""A CSV export as a file: its encoding, separator and header, and its records with the
lines they start on.

    open_csv("survey.csv") -> CsvFile; Records(csv_file) yields (line, fields, problem)

The encoding (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252/Latin-1)
and the separator (comma, semicolon, tab, or Excel's `sep=` line) are
detected; a file that cannot be read at all raises ImportFileError.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class ImportFileError(Exception):
    """The file cannot be imported at all (unreadable, no header, a missing column): nothing was imported.

    `problems` are (line or None, message) pairs, in file order.
    """

    def __init__(self, problems: list[tuple[int | None, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


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
            line, line_number = _next_filled_line(text, 0, "the file is empty")
            delimiter = _separator_hint(line)
            if delimiter is not None:  # Excel's "sep=;" line names the separator
                line, line_number = _next_filled_line(text, line_number, "the file has no header line")
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


def _next_filled_line(text: Iterator[str], line_number: int, when_none: str) -> tuple[str, int]:
    """(the next line that is not blank, its physical line number); ImportFileError(`when_none`) at the end."""
    for line in text:
        line_number += 1
        if line.strip():
            return line, line_number
    raise ImportFileError([(None, when_none)])


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


class Records:
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

