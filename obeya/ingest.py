"""Rows that a ticket system pushes as JSON, written the way the CSV importer writes them.

    ingest(engine, "responses", [{"response_id": "R1", ...}], config) -> Answer(200, {"added": 1, ...})

`POST /api/v1/responses` and `/api/v1/ftr` (layouts/api.py) hand their parsed
body here. Each JSON object is one row under the import columns (or the header
names the importer knows for them); its values go through the importer's own
readers, duplicate and roll-up handling (`importer.import_records`), so a
webhook's answer and a CSV line are checked by the same words. One request is
one transaction: one invalid row and nothing of it is written.

The limits of one request and of a token's pace are here too; Flask is not.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from obeya.config import Config
from obeya.console import counted
from obeya.csvfile import ImportFileError
from obeya.engine import is_permission_denied
from obeya.headers import IMPORT_KINDS, ImportKind, match_columns
from obeya.importer import ImportResult, RollupRefreshFailed, import_records
from obeya.values import TimestampReader

MAX_BODY_BYTES = 1_000_000  # one request: a webhook sends one answer, a catch-up batch a few hundred
MAX_ROWS = 1_000
REQUESTS_PER_MINUTE = 120  # per token: a busy service desk's surveys, with room for a catch-up

WRITER_SETTING = "OBEYA_INGEST_DATABASE_URL"  # where a single wall's operator names the ingest API's writer


@dataclass(frozen=True)
class Limits:
    """How much one request may carry and how many requests a token may send per minute."""

    max_body_bytes: int = MAX_BODY_BYTES
    max_rows: int = MAX_ROWS
    requests_per_minute: int = REQUESTS_PER_MINUTE


@dataclass(frozen=True)
class Answer:
    """An HTTP status and the JSON body that says what happened."""

    status: int
    body: dict


def problem(status: int, message: str, **details) -> Answer:
    return Answer(status, {"error": message, **details})


class RateLimit:
    """At most `per_minute` requests per key in any 60 seconds, counted in this process.

    With a `shared` cache that counts (Redis: `obeya.cache.SharedCache`), every worker and server counts
    together instead, per minute of the clock; while it cannot count (Redis away), each process counts
    for itself again.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic, shared=None) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.shared = shared if hasattr(shared, "count") else None
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> int | None:
        """None, counting this request; else the whole seconds until the next one is allowed."""
        if self.shared is not None:
            now = time.time()
            minute = int(now // 60)
            counted = self.shared.count(f"rate:{hashlib.sha256(key.encode()).hexdigest()[:16]}:{minute}", 120)
            if counted is not None:
                return None if counted <= self.per_minute else max(int((minute + 1) * 60 - now) + 1, 1)
        now = self.clock()
        with self._lock:
            seen = self._seen.setdefault(key, deque())
            while seen and now - seen[0] >= 60:
                seen.popleft()
            if len(seen) >= self.per_minute:
                return max(int(60 - (now - seen[0])) + 1, 1)
            seen.append(now)
            return None


def json_records(rows: list) -> tuple[list[str], list[tuple[int, list[str] | None, str | None]]]:
    """(header, records) for `importer.import_records`: the header is every key of the rows in the order
    they first appear, each record (index in the list, the row's values as text, or a problem)."""
    position: dict[str, int] = {}
    for row in rows:
        if isinstance(row, dict):
            for key in row:
                position.setdefault(key, len(position))
    records = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            records.append((index, None, f"the row is a JSON {_json_type(row)}, not an object of columns"))
            continue
        fields = [""] * len(position)
        wrong = None
        for key, value in row.items():
            text = _as_text(value)
            if text is None:
                wrong = f"{key} is a JSON {_json_type(value)}; give text, a number, true/false or null"
                break
            fields[position[key]] = text
        records.append((index, None, wrong) if wrong else (index, fields, None))
    return list(position), records


def _as_text(value) -> str | None:
    """A JSON value as the text a CSV field would hold; None for one no column takes (objects, lists of them)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "; ".join(value)  # ticked reasons as a list: the importer's `;`-separated factors
    return None


def _json_type(value) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number")


def ingest(engine: Engine, kind: str | ImportKind, rows, config: Config, *, replace: bool = False,
           max_rows: int = MAX_ROWS, writer_setting: str = WRITER_SETTING) -> Answer:
    """Check and write one request's rows in one transaction; the answer names what was added, or why not.

    200: {"added", "unchanged" (the id was there already: left as it was), "updated" (with `replace`),
    "received", "unknown_services"}. 400: the body is not a list. 413: too many rows. 422: a missing
    column or invalid rows, each named by its index in the list and its id; nothing written.
    503: the database refused; nothing written (a user that may not write is told to set `writer_setting`).
    """
    kind = IMPORT_KINDS[kind] if isinstance(kind, str) else kind
    if not isinstance(rows, list):
        return problem(400, f"the body must be a JSON list of rows (objects), not a JSON {_json_type(rows)}")
    if len(rows) > max_rows:
        return problem(413, f"{counted(len(rows), 'row')} in one request; send at most {max_rows:,} at a time")
    header, records = json_records(rows)
    if not rows:
        return Answer(200, _written(kind, ImportResult(committed=True), 0))
    try:
        columns = match_columns(kind, header, names="key")
    except ImportFileError as error:
        return problem(422, f"no {kind.noun} written: " + "; ".join(message for _, message in error.problems))
    try:
        result = import_records(engine, kind, records, len(header), columns, replace=replace, config=config,
                                timestamps=TimestampReader(config.wall.timezone))
    except (RollupRefreshFailed, SQLAlchemyError) as error:
        reason = getattr(error, "orig", None) or error
        if is_permission_denied(error.__cause__ if isinstance(error, RollupRefreshFailed) else error):
            return problem(503, f"the database user may not write the {kind.noun}, nothing written ({reason}); "
                                f"the wall reads as a read-only user, so set {writer_setting} to the URL of a "
                                "user that may write its tables (the tables' owner)")
        return problem(503, f"the database refused the {kind.noun}, nothing written: {reason}")
    if not result.committed:
        key_name = header[columns[kind.key]]
        listed = [{"index": found.line, kind.key: _key_of(rows[found.line], key_name), "problem": found.message}
                  for found in result.problems]
        return problem(422, f"{result.rejected:,} of {counted(result.rows_read, 'row')} invalid: nothing written",
                       rejected=result.rejected, rows=listed)
    return Answer(200, _written(kind, result, len(rows)))


def _key_of(row, key_name: str):
    return row.get(key_name) if isinstance(row, dict) else None


def _written(kind: ImportKind, result: ImportResult, received: int) -> dict:
    return {
        "kind": kind.name,
        "received": received,
        "added": result.imported,
        "unchanged": result.duplicates,
        "updated": result.replaced,
        "unknown_services": dict(result.unknown_services.most_common()),
    }
