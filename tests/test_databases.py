"""The same rows give the same wall on SQLite, PostgreSQL and MariaDB, including awkward moments.

Timestamps are stored in UTC; the test config's wall runs in Europe/Berlin, so
days, weeks and months are Berlin days: a response at 23:30 UTC on a Sunday
belongs to Monday's week, and the daylight-saving change moves that line.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, text

from obeya.config import Sources, Theme
from obeya.database import create_schema, ftr_results, make_engine, survey_responses
from obeya.metrics import NpsCounts
from obeya.rollups import refresh_rollups
from obeya.queries import (
    check_sources,
    commented_rows,
    ftr_daily_counts,
    nps_daily_counts,
    raw_rows,
    theme_daily_counts,
    theme_span_counts,
    themes_fingerprint,
)
from obeya.snapshot import load_wall_data
from obeya.theme_rollups import ThemeRules
from tests.db_servers import KINDS, fresh_database

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 11, 5, 9, 0, tzinfo=timezone.utc)  # a Wednesday; the last complete week ends 2 Nov

# (UTC moment, score): each pair sits either side of a line the wall must draw right.
AWKWARD_RESPONSES = [
    (datetime(2025, 5, 31, 21, 59), 10),  # Saturday 23:59 CEST: still May
    (datetime(2025, 5, 31, 22, 0), 5),    # Sunday 1 June 00:00 CEST: June, still week of 26 May
    (datetime(2025, 6, 1, 21, 59), 10),   # Sunday 23:59 CEST: still week of 26 May
    (datetime(2025, 6, 1, 22, 0), 3),     # Monday 00:00 CEST: week of 2 June
    (datetime(2025, 6, 10, 22, 30), 9),   # 00:30 CEST on 11 June: day after in Berlin
    (datetime(2025, 10, 25, 21, 59), 8),  # 23:59 CEST on Saturday 25 Oct
    (datetime(2025, 10, 25, 22, 30), 0),  # 00:30 CEST on 26 Oct, the night clocks go back
    (datetime(2025, 10, 26, 0, 59), 9),   # 02:59 CEST, the last minute of summer time
    (datetime(2025, 10, 26, 1, 0), 10),   # 02:00 CET, the first minute of winter time
    (datetime(2025, 10, 26, 22, 59), 6),  # 23:59 CET on Sunday 26 Oct: week of 20 Oct
    (datetime(2025, 10, 26, 23, 0), 7),   # 00:00 CET on Monday 27 Oct: week of 27 Oct
    (datetime(2025, 10, 31, 22, 59), 10), # 23:59 CET on 31 Oct: October
    (datetime(2025, 10, 31, 23, 0), 2),   # 00:00 CET on 1 Nov: November
]


def berlin_day(moment: datetime) -> date:
    return moment.replace(tzinfo=timezone.utc).astimezone(BERLIN).date()


def expected_daily_counts() -> dict[tuple[str, date], tuple[int, int, int]]:
    """Promoters, passives, detractors per Berlin day, computed in Python from the rows above."""
    counts: dict[tuple[str, date], Counter] = {}
    for moment, score in AWKWARD_RESPONSES:
        band = "promoters" if score >= 9 else "passives" if score >= 7 else "detractors"
        counts.setdefault(("lims", berlin_day(moment)), Counter())[band] += 1
    return {key: (c["promoters"], c["passives"], c["detractors"]) for key, c in counts.items()}


def fill(engine) -> None:
    create_schema(engine)
    with engine.begin() as connection:
        connection.execute(insert(survey_responses), [
            {"response_id": f"R{i}", "ticket_id": f"T{i}", "service": "lims", "responded_at": moment,
             "score": score, "comment": f"comment {i}" if score <= 6 else None}
            for i, (moment, score) in enumerate(AWKWARD_RESPONSES)
        ])
        connection.execute(insert(ftr_results), [
            {"ticket_id": f"T{i}", "service": "lims", "resolved_at": moment, "first_time_right": i % 3 != 0,
             "reopened": i % 3 == 0, "reassigned": False}
            for i, (moment, _score) in enumerate(AWKWARD_RESPONSES)
        ])
    refresh_rollups(engine, zone="Europe/Berlin")


@pytest.fixture(params=KINDS)
def engine(request, tmp_path):
    with fresh_database(request.param, tmp_path) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def test_days_are_berlin_days_on_every_database(engine):
    fill(engine)
    with engine.connect() as connection:
        counts = nps_daily_counts(connection, date(2025, 5, 1))
    assert {key: (c.promoters, c.passives, c.detractors) for key, c in counts.items()} == expected_daily_counts()


def test_the_wall_shows_the_same_numbers_on_every_database(engine, config_copy):
    fill(engine)
    config_copy.edit("wall.yaml", "periods_shown: 4", "periods_shown: 30")
    config = config_copy.load()
    data = load_wall_data(engine, config, now=NOW)
    weeks = {period.start: period.counts.responses for period in data.nps_by_service["lims"].periods}
    assert weeks[date(2025, 5, 26)] == 3
    assert weeks[date(2025, 6, 2)] == 1
    assert weeks[date(2025, 6, 9)] == 1
    assert weeks[date(2025, 10, 20)] == 5  # Sat 25 Oct 23:59 … Sun 26 Oct 23:59, across the clock change
    assert weeks[date(2025, 10, 27)] == 3
    ftr_weeks = {period.start: period.counts for period in data.ftr_by_service["lims"].periods}
    assert ftr_weeks[date(2025, 10, 20)].resolved == 5
    assert ftr_weeks[date(2025, 10, 20)].first_time_right == 3  # rows 5..9: 6 and 9 missed (reopened)
    assert ftr_weeks[date(2025, 10, 20)].reopened == 2


def test_months_split_at_berlin_midnight(engine, config_copy):
    fill(engine)
    config_copy.edit("wall.yaml", "period: week", "period: month")
    config_copy.edit("wall.yaml", "periods_shown: 4", "periods_shown: 12")
    data = load_wall_data(engine, config_copy.load(), now=NOW)
    months = {period.start: period.counts.responses for period in data.nps_by_service["lims"].periods}
    assert months[date(2025, 5, 1)] == 1
    assert months[date(2025, 6, 1)] == 4
    assert months[date(2025, 10, 1)] == 7
    # 1 Nov is in the running month, which the wall does not show until it is complete.
    assert date(2025, 11, 1) not in months


# --- a team's own SQL over its reporting schema -----------------------------

SERVICENOW_TABLES = [
    "CREATE TABLE incident (sys_id VARCHAR(32) PRIMARY KEY, number VARCHAR(20), u_service VARCHAR(64), "
    "resolved_at TIMESTAMP NULL, reopen_count INTEGER, reassignment_count INTEGER)",
    "CREATE TABLE asmt_metric_result (sys_id VARCHAR(32) PRIMARY KEY, instance VARCHAR(32), metric VARCHAR(20), "
    "actual_value INTEGER, string_value TEXT, sys_created_on TIMESTAMP NULL)",
]
SERVICENOW_RESPONSES = """
SELECT r.sys_id AS response_id, i.number AS ticket_id, i.u_service AS service,
       r.sys_created_on AS responded_at, r.actual_value AS score, c.string_value AS comment
FROM asmt_metric_result r
JOIN incident i ON i.sys_id = r.instance
LEFT JOIN asmt_metric_result c ON c.instance = r.instance AND c.metric = 'comment'
WHERE r.metric = 'nps'
"""
SERVICENOW_FTR = """
SELECT number AS ticket_id, u_service AS service, resolved_at,
       CASE WHEN reopen_count = 0 AND reassignment_count = 0 THEN 1 ELSE 0 END AS first_time_right,
       CASE WHEN reopen_count > 0 THEN 1 ELSE 0 END AS reopened,
       CASE WHEN reassignment_count > 0 THEN 1 ELSE 0 END AS reassigned
FROM incident WHERE resolved_at IS NOT NULL
"""

JIRA_TABLES = [
    "CREATE TABLE jira_issue (issue_key VARCHAR(20) PRIMARY KEY, component VARCHAR(64), resolved TIMESTAMP NULL, "
    "reopen_count INTEGER)",
    "CREATE TABLE jira_survey (id INTEGER PRIMARY KEY, issue_key VARCHAR(20), rating INTEGER, feedback TEXT, "
    "created TIMESTAMP NULL)",
]
JIRA_RESPONSES = """
SELECT CAST(s.id AS CHAR(20)) AS response_id, s.issue_key AS ticket_id, i.component AS service,
       s.created AS responded_at, s.rating AS score, s.feedback AS comment
FROM jira_survey s JOIN jira_issue i ON i.issue_key = s.issue_key
"""
JIRA_FTR = """
SELECT issue_key AS ticket_id, component AS service, resolved AS resolved_at,
       CASE WHEN reopen_count = 0 THEN 1 ELSE 0 END AS first_time_right,
       CASE WHEN reopen_count > 0 THEN 1 ELSE 0 END AS reopened
FROM jira_issue WHERE resolved IS NOT NULL
"""


def fill_servicenow(engine) -> None:
    with engine.begin() as connection:
        for statement in SERVICENOW_TABLES:
            connection.execute(text(statement))
        for i, (moment, score) in enumerate(AWKWARD_RESPONSES):
            connection.execute(text("INSERT INTO incident VALUES (:id, :number, 'lims', :at, :reopen, 0)"),
                               {"id": f"i{i}", "number": f"INC{i:07d}", "at": moment, "reopen": int(i % 3 == 0)})
            connection.execute(text("INSERT INTO asmt_metric_result VALUES (:id, :inst, 'nps', :score, NULL, :at)"),
                               {"id": f"r{i}", "inst": f"i{i}", "score": score, "at": moment})
            if score <= 6:
                connection.execute(
                    text("INSERT INTO asmt_metric_result VALUES (:id, :inst, 'comment', NULL, :comment, :at)"),
                    {"id": f"c{i}", "inst": f"i{i}", "comment": f"comment {i}", "at": moment},
                )


def fill_jira(engine) -> None:
    with engine.begin() as connection:
        for statement in JIRA_TABLES:
            connection.execute(text(statement))
        for i, (moment, score) in enumerate(AWKWARD_RESPONSES):
            connection.execute(text("INSERT INTO jira_issue VALUES (:key, 'lims', :at, :reopen)"),
                               {"key": f"LAB-{i}", "at": moment, "reopen": int(i % 3 == 0)})
            connection.execute(text("INSERT INTO jira_survey VALUES (:id, :key, :score, :feedback, :at)"),
                               {"id": i, "key": f"LAB-{i}", "score": score,
                                "feedback": f"comment {i}" if score <= 6 else None, "at": moment})


def yaml_block(key: str, sql: str) -> str:
    """`key: |` followed by the indented SQL, as a team writes it in sources.yaml."""
    return f"{key}: |\n" + "".join(f"  {line}\n" for line in sql.strip().splitlines())


@pytest.mark.parametrize("schema", ["servicenow", "jira"])
def test_own_sql_over_a_reporting_schema_gives_the_wall_the_same_numbers(engine, config_copy, schema):
    fill(engine)  # the wall's own tables, as the reference
    own = Sources(responses=SERVICENOW_RESPONSES, ftr=SERVICENOW_FTR) if schema == "servicenow" else \
        Sources(responses=JIRA_RESPONSES, ftr=JIRA_FTR)
    (fill_servicenow if schema == "servicenow" else fill_jira)(engine)
    with engine.connect() as connection:
        assert check_sources(connection, own) == []
        scope = dict(until=NOW.replace(tzinfo=None), zone="Europe/Berlin")
        assert nps_daily_counts(connection, date(2025, 5, 1), sources=own, **scope) == \
            nps_daily_counts(connection, date(2025, 5, 1))
        assert ftr_daily_counts(connection, date(2025, 5, 1), sources=own, **scope) == \
            ftr_daily_counts(connection, date(2025, 5, 1))

    config_copy.edit("wall.yaml", "periods_shown: 4", "periods_shown: 30")
    reference = load_wall_data(engine, config_copy.load(), now=NOW)
    config_copy.write("sources.yaml", yaml_block("responses", own.responses) + yaml_block("ftr", own.ftr))
    from_own_sql = load_wall_data(engine, config_copy.load(), now=NOW)
    assert from_own_sql.nps_by_service == reference.nps_by_service
    assert from_own_sql.ftr_by_service == reference.ftr_by_service
    assert [voice.text for voice in from_own_sql.voices] == [voice.text for voice in reference.voices]


def test_own_sql_missing_a_column_is_named(engine):
    create_schema(engine)
    broken = Sources(responses="SELECT response_id, ticket_id, service, responded_at AS answered_at, score "
                               "FROM survey_responses")
    with engine.connect() as connection:
        assert check_sources(connection, broken) == [
            "sources.yaml: responses: the query returns no column 'responded_at' "
            "(it returns: response_id, ticket_id, service, answered_at, score)"
        ]


def test_own_sql_that_fails_says_so(engine):
    create_schema(engine)
    with engine.connect() as connection:
        [problem] = check_sources(connection, Sources(ftr="SELECT * FROM no_such_table"))
    assert problem.startswith("sources.yaml: ftr: the query fails: ")
    assert "no_such_table" in problem


def test_own_sql_must_only_read(config_copy):
    config_copy.write("sources.yaml", "responses: DELETE FROM survey_responses\n")
    with pytest.raises(Exception) as error:
        config_copy.load()
    assert str(error.value) == (
        "sources.yaml:1:12: responses: must be a SELECT (or WITH ... SELECT) query: the wall only reads"
    )


def test_a_refresh_probes_each_of_the_teams_queries_once(engine, config_copy):
    from sqlalchemy import event

    fill(engine)
    fill_jira(engine)
    config_copy.write("sources.yaml", yaml_block("responses", JIRA_RESPONSES) + yaml_block("ftr", JIRA_FTR))
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        load_wall_data(engine, config_copy.load(), now=NOW)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    probes = [statement for statement in statements if "AS probe" in statement]
    assert len(probes) == 2  # one for responses, one for ftr: not again for each aggregate


# --- comment themes: the roll-up, the rules it was counted with, the raw rows for the wall to tag -------


def test_commented_rows_from_own_sql_equal_those_of_the_walls_table(engine):
    fill(engine)
    fill_jira(engine)

    def commented(since: datetime, until: datetime) -> list[tuple]:
        return [("lims", moment, score, f"comment {i}", None) for i, (moment, score) in enumerate(AWKWARD_RESPONSES)
                if score <= 6 and since <= moment < until]

    with engine.connect() as connection:
        jira = raw_rows(connection, Sources(responses=JIRA_RESPONSES))
        # From a row's second up to, not including, another's.
        rows = sorted(commented_rows(connection, datetime(2025, 5, 31, 22, 0), datetime(2025, 10, 25, 22, 30)))
        assert rows == commented(datetime(2025, 5, 31, 22, 0), datetime(2025, 10, 25, 22, 30))
        assert [moment for _, moment, *_ in rows] == [datetime(2025, 5, 31, 22, 0), datetime(2025, 6, 1, 22, 0)]
        # Not on a row's very second: SQLite compares the text of a team's timestamps, which may lack
        # the ".000000" of the wall's own rows and of the parameters.
        since, until = datetime(2025, 5, 31, 21, 0), datetime(2025, 10, 27)
        assert sorted(commented_rows(connection, since, until, raw=jira)) == commented(since, until)
        assert sorted(commented_rows(connection, since, until)) == commented(since, until)


def test_commented_rows_read_the_reasons_a_teams_query_gives(engine):
    fill(engine)
    ticked = Sources(responses="SELECT response_id, ticket_id, service, responded_at, score, NULL AS comment, "
                               "'Speed of service' AS factors FROM survey_responses WHERE score >= 9")
    with engine.connect() as connection:
        rows = list(commented_rows(connection, datetime(2025, 10, 1), datetime(2025, 11, 1),
                                   raw=raw_rows(connection, ticked)))
    assert sorted(rows) == [("lims", datetime(2025, 10, 26, 0, 59), 9, None, "Speed of service"),
                            ("lims", datetime(2025, 10, 26, 1, 0), 10, None, "Speed of service"),
                            ("lims", datetime(2025, 10, 31, 22, 59), 10, None, "Speed of service")]


def test_theme_counts_read_the_days_asked_for_and_the_rules_they_were_counted_with(engine):
    with engine.connect() as connection:
        assert themes_fingerprint(connection) is None  # no wall tables at all
    fill(engine)
    rules = ThemeRules((Theme(id="said", name="Said something", cause="process", phrases=["comment"]),), "en")
    refresh_rollups(engine, zone="Europe/Berlin", rules=rules)

    with engine.connect() as connection:
        counts = theme_daily_counts(connection, date(2025, 6, 1), date(2025, 6, 2))
        assert themes_fingerprint(connection) == rules.fingerprint
    detractor = NpsCounts(0, 0, 1)
    assert counts == {("lims", day, tag): detractor for day in (date(2025, 6, 1), date(2025, 6, 2))
                      for tag in ("comments", "theme:said", "cause:process")}


def test_theme_counts_pooled_between_edges_sum_to_the_daily_counts_on_every_database(engine):
    fill(engine)
    rules = ThemeRules((Theme(id="said", name="Said something", cause="process", phrases=["comment"]),), "en")
    refresh_rollups(engine, zone="Europe/Berlin", rules=rules)
    edges = [date(2025, 5, 1), date(2025, 6, 2), date(2025, 10, 26), date(2025, 12, 1)]

    with engine.connect() as connection:
        daily = theme_daily_counts(connection, edges[0], edges[-1])
        spans = theme_span_counts(connection, edges)

    def by_span(counts) -> Counter:
        pooled = Counter()
        for (service, day, tag), count in counts.items():
            start = max(edge for edge in edges[:-1] if edge <= day)
            if day < edges[-1]:
                pooled[service, start, tag, "detractors"] += count.detractors
                pooled[service, start, tag, "responses"] += count.responses
        return pooled

    assert set(spans) == {(service, start, tag) for service, start, tag, _ in by_span(daily)}
    assert by_span(spans) == by_span(daily) != Counter()
    assert all(type(count.detractors) is int for count in spans.values())  # MariaDB sums to Decimal
