"""SQL the wall runs on a refresh. Every query is bounded and pre-aggregated.

Trends read the daily roll-ups (`nps_daily`, `ftr_daily`), a few thousand
rows however many raw rows there are; comments read the newest raw rows
through the `responded_at` index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, func, select

from obeya.database import ftr_daily, nps_daily, survey_responses
from obeya.metrics import FtrCounts, NpsCounts


def nps_daily_counts(connection: Connection, since: date) -> dict[tuple[str, date], NpsCounts]:
    """Survey counts per (service, day) from `since` on."""
    rows = connection.execute(
        select(nps_daily.c.service, nps_daily.c.day, nps_daily.c.promoters, nps_daily.c.passives, nps_daily.c.detractors)
        .where(nps_daily.c.day >= since)
        .order_by(nps_daily.c.day)
    )
    return {(row.service, _as_date(row.day)): NpsCounts(row.promoters, row.passives, row.detractors) for row in rows}


def ftr_daily_counts(connection: Connection, since: date) -> dict[tuple[str, date], FtrCounts]:
    """First-time-right counts per (service, day) from `since` on."""
    rows = connection.execute(
        select(
            ftr_daily.c.service,
            ftr_daily.c.day,
            ftr_daily.c.resolved,
            ftr_daily.c.first_time_right,
            ftr_daily.c.reopened,
            ftr_daily.c.reassigned,
        )
        .where(ftr_daily.c.day >= since)
        .order_by(ftr_daily.c.day)
    )
    return {
        (row.service, _as_date(row.day)): FtrCounts(row.resolved, row.first_time_right, row.reopened, row.reassigned)
        for row in rows
    }


def latest_day(connection: Connection) -> date | None:
    """The newest day with any survey response or resolved ticket."""
    days = [
        connection.execute(select(func.max(nps_daily.c.day))).scalar(),
        connection.execute(select(func.max(ftr_daily.c.day))).scalar(),
    ]
    days = [_as_date(day) for day in days if day is not None]
    return max(days) if days else None


@dataclass(frozen=True)
class Comment:
    """One survey comment as stored (before masking)."""

    response_id: str
    service: str
    score: int
    responded_at: datetime
    comment: str


def recent_comments(
    connection: Connection, since: datetime, until: datetime, limit: int, *, detractors: bool,
    hidden: frozenset[str] = frozenset(),
) -> list[Comment]:
    """The newest non-empty comments from `since` up to `until` (naive UTC): detractors (0–6) or promoters (9–10)."""
    score_filter = survey_responses.c.score <= 6 if detractors else survey_responses.c.score >= 9
    query = (
        select(
            survey_responses.c.response_id,
            survey_responses.c.service,
            survey_responses.c.score,
            survey_responses.c.responded_at,
            survey_responses.c.comment,
        )
        .where(survey_responses.c.responded_at >= since)
        .where(survey_responses.c.responded_at <= until)
        .where(score_filter)
        .where(survey_responses.c.comment.is_not(None))
        .where(func.length(func.trim(survey_responses.c.comment)) > 0)
        .order_by(survey_responses.c.responded_at.desc())
        .limit(limit)
    )
    if hidden:
        query = query.where(survey_responses.c.response_id.not_in(sorted(hidden)))
    return [
        Comment(row.response_id, row.service, int(row.score), row.responded_at, row.comment)
        for row in connection.execute(query)
    ]


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value
