"""What each kind of import file holds, and which of a file's headers fill which column.

    match_columns(RESPONSES, ["Survey ID", "Rating", ...]) -> {"response_id": 0, "score": 1, ...}

The import columns are those of DESIGN.md; each has the header names of common
exports (ServiceNow, Jira, spreadsheets) that fill it, compared without case,
spaces or punctuation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Table

from obeya.csvfile import ImportFileError
from obeya.database import ftr_results, survey_responses


@dataclass(frozen=True)
class ImportColumn:
    """One import column (DESIGN.md) and the header names that fill it, most specific first."""

    name: str
    aliases: tuple[str, ...]
    reads: str  # how a value is read: "text", "comment", "factors", "timestamp", "score", "boolean" or "flag"
    required: bool = True
    derived_from: tuple[str, ...] = ()  # columns it is derived from when the file lacks it (any one will do)
    look_alikes: tuple[str, ...] = ()  # headers that sound like this column but hold something else
    look_alike_reason: str = ""  # why, after the header's name, in the missing column's message


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
        ImportColumn("response_id", ("response_id", "id", "survey_id", "sys_id", "issue_id"), "text"),
        ImportColumn("ticket_id", TICKET_ALIASES, "text"),
        ImportColumn("service", SERVICE_ALIASES, "text"),
        ImportColumn(
            "responded_at",
            (
                "responded_at", "created_at", "submitted_at", "sys_created_on", "taken_on",
                "satisfaction_date", "Custom field (Satisfaction date)", "completion_time", "date", "created",
            ),
            "timestamp",
        ),
        ImportColumn(
            "score",
            ("score", "rating", "actual_value", "nps", "answer", "nps_score", "Custom field (NPS)"),
            "score",
            # Jira Service Management's own rating is one to five stars, not the 0–10 answer NPS counts
            look_alikes=("satisfaction_rating", "custom field (satisfaction rating)", "satisfaction"),
            look_alike_reason="is a 1–5 star rating, not the 0–10 answer to \"would you recommend us\" "
                              "that NPS counts, so it is not read as a score",
        ),
        ImportColumn(
            "comment",
            (
                "comment", "feedback", "string_value", "comments", "text",
                "satisfaction_comment", "Custom field (Satisfaction comment)", "Custom field (NPS comment)",
            ),
            "comment", required=False,
        ),
        ImportColumn("factors", ("factors", "reasons", "survey_reasons", "drivers"), "factors", required=False),
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


def normalised_header(name: str) -> str:
    """Header names compare without case, spaces, underscores or punctuation: "Response ID" is response_id."""
    return "".join(character for character in name.casefold() if character.isalnum())


def match_columns(
    kind: ImportKind, header: list[str], mapping: Mapping[str, str] | None = None, header_line: int = 1,
    *, names: str = "header",
) -> dict[str, int]:
    """{column: index in the header} for every column found, in the order of `kind.columns`;
    ImportFileError (at `header_line`) naming each missing required column and the headers
    found; ValueError when `mapping` names a column `kind` does not have.

    `mapping` ({column: header}) names headers explicitly; other columns are
    found by their aliases, most specific first, each header used once.
    `names` is what the messages call a header: the ingest API's rows have
    "key"s, and no --map option to name them with.
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
        hint = f" (name it with --map {column.name}=HEADER)" if names == "header" else ""
        problems.append(f"missing column {column.name}: no {names} {_or_list(column.aliases)}{sources}{hint}")
        look_alikes = {normalised_header(alias) for alias in column.look_alikes}
        problems += [f"{names} {name!r} {column.look_alike_reason}" for name in header
                     if normalised_header(name) in look_alikes]
    if problems:
        shown = ", ".join(name for name in header if name) or "none"
        problems.append(f"{names}s found: {shown}")
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
