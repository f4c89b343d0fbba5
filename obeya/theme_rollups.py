"""The theme roll-up `theme_daily`: survey responses per service, day and comment tag (obeya/themes.py).

Tagging is Python (word stems), not SQL, so re-counting some days reads their
raw rows that carry a comment or ticked reasons (streamed, never all at once),
finds each one's day in the wall's zone, counts the tags with `count_tags` and
writes the counts. The writers of obeya/rollups.py call this in their
transaction, like the other roll-ups. `rollup_settings` row "themes" holds the
fingerprint of the rules the counts were made with: a writer that finds
another one (themes.yaml or the language changed) re-counts every day. Rules
without themes write no rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cache

from sqlalchemy import String, case, delete, func, insert, or_, select, type_coerce

from obeya.config import Config, Theme
from obeya.database import read_setting, survey_responses, theme_daily, write_setting
from obeya.localdays import as_day, local_dates, utc_span
from obeya.metrics import NpsCounts
from obeya.themes import count_tags, rules_fingerprint

THEMES_SETTING = "themes"  # rollup_settings row: the fingerprint of the rules theme_daily was counted with
STREAM_ROWS = 10_000  # raw rows fetched at a time while tagging
INSERT_ROWS = 5_000  # theme_daily rows inserted at a time

ThemeCounts = dict[tuple[str, date, str], NpsCounts]  # (service, day, tag) -> counts, as `count_tags` gives


@dataclass(frozen=True)
class ThemeRules:
    """The rules the theme roll-ups are counted with: themes.yaml's themes, in wall.yaml's language."""

    themes: tuple[Theme, ...] = ()
    language: str = "en"

    @classmethod
    def of(cls, config: Config | None) -> ThemeRules:
        """The rules of `config`; no themes without a config."""
        return cls() if config is None else cls(tuple(config.themes), config.wall.language)

    @property
    def fingerprint(self) -> str:
        return rules_fingerprint(self.themes, self.language)


def stored_themes_fingerprint(connection) -> str | None:
    """The fingerprint of the rules `theme_daily` was counted with; None before the first count."""
    return read_setting(connection, THEMES_SETTING)


def store_themes_fingerprint(connection, rules: ThemeRules) -> None:
    write_setting(connection, THEMES_SETTING, rules.fingerprint)


def commented_responses(connection, source, since_utc: datetime, until_utc: datetime
                        ) -> Iterator[tuple[str, datetime, int, str | None, str | None]]:
    """(service, responded_at in naive UTC, score, comment, factors) of the rows of `source` (a table or
    subquery with those columns) with a comment or ticked reasons, since_utc <= responded_at < until_utc,
    fetched `STREAM_ROWS` at a time."""
    rows = source.c
    query = (
        select(rows.service, rows.responded_at, rows.score, rows.comment, rows.factors)
        .where(rows.responded_at >= since_utc, rows.responded_at < until_utc)
        .where(or_(rows.comment.is_not(None), rows.factors.is_not(None)))
        .execution_options(yield_per=STREAM_ROWS)
    )
    for service, moment, score, comment, factors in connection.execute(query):
        yield service, _naive_utc(moment), int(score), comment, factors


def _naive_utc(value) -> datetime:
    # A team's own SQL may give text, or a timestamp with a zone; the wall's tables give naive UTC.
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def count_theme_days(connection, first: date, last: date, zone: str, rules: ThemeRules,
                     source=survey_responses) -> ThemeCounts:
    """The tag counts of `source`'s rows per service and day in `zone`, days `first` to `last`."""
    local_date = local_dates(zone)
    rows = commented_responses(connection, source, *utc_span(first, last))
    days = ((service, local_date(moment), score, comment, factors) for service, moment, score, comment, factors in rows)
    return count_tags((row for row in days if first <= row[1] <= last), rules.themes, rules.language)


def recount_theme_days(connection, first: date, last: date, zone: str, rules: ThemeRules) -> None:
    """Re-count `theme_daily` for the days `first` to `last` (days in `zone`), in the caller's transaction."""
    connection.execute(delete(theme_daily).where(theme_daily.c.day >= first, theme_daily.c.day <= last))
    if rules.themes:
        _insert_counts(connection, count_theme_days(connection, first, last, zone, rules))


def _insert_counts(connection, counts: ThemeCounts) -> None:
    rows = [{"service": service, "day": day, "tag": tag, "responses": count.responses, "promoters": count.promoters,
             "passives": count.passives, "detractors": count.detractors}
            for (service, day, tag), count in counts.items()]
    for start in range(0, len(rows), INSERT_ROWS):
        connection.execute(insert(theme_daily), rows[start:start + INSERT_ROWS])


def stored_theme_counts(connection, since: date | None = None, until: date | None = None) -> ThemeCounts:
    """The rows of `theme_daily` (days `since` to `until`, each included; default all) as counts per
    (service, day, tag)."""
    rows = theme_daily.c
    # The wall reads ten thousand of these on a refresh: the day as the driver gives it (SQLite: text, not
    # parsed row by row), each day read once, the rows unpacked by position.
    query = select(rows.service, type_coerce(rows.day, String), rows.tag, rows.promoters, rows.passives,
                   rows.detractors)
    if since is not None:
        query = query.where(rows.day >= since)
    if until is not None:
        query = query.where(rows.day <= until)
    day_of = cache(as_day)
    return {(service, day_of(day), tag): NpsCounts(promoters, passives, detractors)
            for service, day, tag, promoters, passives, detractors in connection.execute(query)}


def stored_theme_spans(connection, edges: Sequence[date]) -> ThemeCounts:
    """The rows of `theme_daily` pooled into the spans between consecutive `edges` (sorted days: from
    edges[0], up to but not including edges[-1]), each span's counts under its first day.

    Whoever sums these counts over days from one edge up to another gets what the daily counts would give,
    from a few hundred rows instead of ten thousand: SQL pools them. Sums are int()-ed (MariaDB: Decimal).
    """
    rows = theme_daily.c
    span = case(*((rows.day >= edge, index) for index, edge in reversed(list(enumerate(edges[:-1])))), else_=0)
    # The span worked out in a subquery: PostgreSQL would not take the CASE's bound days in GROUP BY as the same.
    spans = (select(rows.service, span.label("span"), rows.tag, rows.promoters, rows.passives, rows.detractors)
             .where(rows.day >= edges[0], rows.day < edges[-1]).subquery())
    query = (select(spans.c.service, spans.c.span, spans.c.tag, func.sum(spans.c.promoters),
                    func.sum(spans.c.passives), func.sum(spans.c.detractors))
             .group_by(spans.c.service, spans.c.span, spans.c.tag))
    return {(service, edges[index], tag): NpsCounts(int(promoters), int(passives), int(detractors))
            for service, index, tag, promoters, passives, detractors in connection.execute(query)}
