"""`python -m obeya import responses|ftr FILE.csv`: what an operator sees and what lands on the wall.

The files in tests/fixtures/imports/ are the messy exports real tools write;
messages are asserted word for word, as they are part of the interface.
"""

from __future__ import annotations

import codecs
import re
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

import obeya.importer
from obeya.__main__ import main
from obeya.database import create_schema, ftr_daily, ftr_results, make_engine, nps_daily, survey_responses, theme_daily
from obeya.headers import RESPONSES, match_columns
from obeya.importer import import_csv
from obeya.values import FALSE_WORDS, TRUE_WORDS, InvalidValue, TimestampReader, read_boolean, read_flag, read_score
from tests.db_servers import KINDS, fresh_database

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "imports"
SERVICENOW = "servicenow-survey.csv"
HELPDESK = "helpdesk-latin1-semicolon.csv"
JIRA_FTR = "jira-ftr.tsv"
ZONES = "zones.csv"
CUSTOM = "custom-headers.csv"
NOT_A_TIMESTAMP = "is not a date and time like 2025-03-31 14:05 or 31/03/2025 14:05"
SERVICENOW_COLUMNS = (
    "Columns: response_id=sys_id, ticket_id=number, service=service_offering, responded_at=sys_created_on, "
    "score=actual_value, comment=string_value"
)
HELPDESK_COLUMNS = (
    'Columns: response_id="Survey ID", ticket_id=Ticket, service=Category, responded_at="Submitted at", '
    "score=Rating, comment=Feedback"
)
PLAIN_COLUMNS = (
    "Columns: response_id=response_id, ticket_id=ticket_id, service=service, responded_at=responded_at, "
    "score=score, comment=comment"
)
HELPDESK_BAD_ROWS = [
    f"{HELPDESK}:7: score '11' is not a whole number from 0 to 10",
    f"{HELPDESK}:9: score '7.5' is not a whole number from 0 to 10",
    f"{HELPDESK}:10: score is empty",
]


class Wall:
    """The database the wall reads, as the importer leaves it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url = engine.url.render_as_string(hide_password=False)

    def rows(self, table=survey_responses) -> dict[str, dict]:
        """Every raw row by its key, as the database gives it back."""
        key = table.primary_key.columns.values()[0].name
        with self.engine.connect() as connection:
            return {row[key]: dict(row) for row in connection.execute(select(table)).mappings()}

    def rollup(self, table=nps_daily) -> list[tuple]:
        """The daily roll-up rows, sorted: (service, day, counts...)."""
        with self.engine.connect() as connection:
            return sorted(tuple(row) for row in connection.execute(select(table)))


@pytest.fixture(autouse=True)
def in_the_fixtures_folder(monkeypatch, tmp_path):
    """Messages name files as the user typed them; these tests type bare fixture names.

    The wall's config is the shipped one (its services are the fixtures'), with
    `timezone: UTC`, so timestamps without a zone read as UTC unless a test says otherwise.
    """
    monkeypatch.chdir(FIXTURES)
    monkeypatch.setenv("OBEYA_CONFIG_DIR", str(utc_wall_config(tmp_path)))


def utc_wall_config(tmp_path: Path, zone: str = "UTC") -> Path:
    """A copy of the shipped config whose wall counts days in `zone`."""
    folder = tmp_path / f"config-{zone.replace('/', '-')}"
    if not folder.exists():
        shutil.copytree(REPO_ROOT / "config", folder)
        wall_yaml = folder / "wall.yaml"
        wall_yaml.write_text(wall_yaml.read_text(encoding="utf-8").replace(
            "timezone: Europe/Amsterdam", f"timezone: {zone}"), encoding="utf-8")
    return folder


@pytest.fixture
def wall(tmp_path, monkeypatch) -> Wall:
    """An empty SQLite wall database, named in OBEYA_DATABASE_URL for the command line."""
    engine = make_engine(f"sqlite:///{tmp_path / 'wall.db'}")
    create_schema(engine)
    monkeypatch.setenv("OBEYA_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    yield Wall(engine)
    engine.dispose()


@pytest.fixture(params=KINDS)
def wall_on_any_database(request, tmp_path, monkeypatch) -> Wall:
    """An empty wall database on SQLite, PostgreSQL and MariaDB in turn, named in OBEYA_DATABASE_URL."""
    with fresh_database(request.param, tmp_path) as url:
        engine = make_engine(url)
        create_schema(engine)
        monkeypatch.setenv("OBEYA_DATABASE_URL", url)
        yield Wall(engine)
        engine.dispose()


def obeya_import(capsys, *argv: str) -> tuple[int, list[str], list[str]]:
    """`python -m obeya import ...` in-process: (exit code, stdout lines, stderr lines)."""
    code = main(["import", *argv])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    (folder / name).write_bytes(text.encode(encoding))
    return str(folder / name)


# --- good files ----------------------------------------------------------------


def test_a_servicenow_export_imports_every_row_and_the_wall_counts_them(capsys, wall):
    assert obeya_import(capsys, "responses", SERVICENOW) == (
        0,
        [
            f"Importing survey responses from {SERVICENOW} (UTF-8 with BOM, comma-separated) into {wall.url}",
            SERVICENOW_COLUMNS,
            f"{SERVICENOW}: 8 rows read: 8 imported, 0 duplicates skipped, 0 rejected",
        ],
        [],
    )
    rows = wall.rows()
    assert len(rows) == 8
    assert rows["6816f79cc0a8016401c5a33be04be441"] == {
        "response_id": "6816f79cc0a8016401c5a33be04be441",
        "ticket_id": "INC0010001",
        "service": "laptop",
        "responded_at": datetime(2025, 3, 3, 8, 12, 44),
        "score": 10,
        "comment": "Fixed before my coffee was cold",
        "factors": None,
    }
    assert rows["6816f79cc0a8016401c5a33be04be442"]["comment"] is None
    assert rows["6816f79cc0a8016401c5a33be04be445"]["comment"] == 'Agent said "it works on my machine"'
    assert rows["6816f79cc0a8016401c5a33be04be446"]["comment"] == "Très rapide, merci ! 👍"
    assert rows["6816f79cc0a8016401c5a33be04be447"]["comment"] == "New badge worked at once.\nThe lift too!"
    # (service, day, responses, promoters, passives, detractors)
    assert wall.rollup(nps_daily) == [
        ("access", date(2025, 3, 3), 2, 0, 1, 1),
        ("access", date(2025, 3, 4), 2, 1, 1, 0),
        ("laptop", date(2025, 3, 3), 3, 2, 0, 1),
        ("laptop", date(2025, 3, 4), 1, 1, 0, 0),
    ]


def test_a_latin1_semicolon_export_keeps_umlauts_quotes_and_line_breaks_in_comments(capsys, wall):
    code, out, _ = obeya_import(capsys, "responses", HELPDESK, "--skip-invalid")

    assert code == 0
    assert out[0] == (
        f"Importing survey responses from {HELPDESK} (Latin-1, semicolon-separated) into {wall.url}"
    )
    assert out[1] == HELPDESK_COLUMNS
    rows = wall.rows()
    assert rows["S-1002"]["comment"] == (
        'Drucker läuft wieder, der Techniker sagte "Neustart hilft immer".\nDanke für die schnelle Hilfe!'
    )
    assert rows["S-1003"]["comment"] == "Wachtwoord reset duurde één week"
    assert rows["S-1008"]["comment"] == "Nobody came; I fixed it myself"


def test_mixed_date_formats_in_one_file_all_land_in_utc(capsys, wall):
    obeya_import(capsys, "responses", HELPDESK, "--skip-invalid")
    assert {key: row["responded_at"] for key, row in wall.rows().items()} == {
        "S-1001": datetime(2025, 3, 3, 9, 15),  # 2025-03-03 09:15
        "S-1002": datetime(2025, 3, 14, 10, 20),  # 14/03/2025 10:20: day first, as 14 is no month
        "S-1003": datetime(2025, 3, 14, 10, 0),  # 2025-03-14T11:00:00+01:00
        "S-1007": datetime(2025, 3, 18, 8, 0),  # 2025-03-18 08:00
        "S-1008": datetime(2025, 3, 18, 8, 30),  # 2025-03-18 09:30:00+01:00
    }


def test_a_tab_separated_ftr_export_reads_counts_as_reopened_and_reassigned(capsys, wall):
    assert obeya_import(capsys, "ftr", JIRA_FTR) == (
        0,
        [
            f"Importing first-time-right results from {JIRA_FTR} (UTF-8, tab-separated) into {wall.url}",
            'Columns: ticket_id="Issue key", service=Component/s, resolved_at=Resolved, '
            'first_time_right="First time right", reopened="Reopen count", reassigned="Reassignment count"',
            f"{JIRA_FTR}: 6 rows read: 6 imported, 0 duplicates skipped, 0 rejected",
        ],
        [],
    )
    assert {
        key: (row["service"], row["resolved_at"], row["first_time_right"], row["reopened"], row["reassigned"])
        for key, row in wall.rows(ftr_results).items()
    } == {
        "OPS-101": ("laptop", datetime(2025, 3, 3, 10, 0), True, False, False),  # yes, 0, 0
        "OPS-102": ("laptop", datetime(2025, 3, 3, 15, 30), False, True, True),  # No, 1, 2
        "OPS-103": ("access", datetime(2025, 3, 4, 8, 0), True, False, None),  # Y, 0, empty
        "OPS-104": ("access", datetime(2025, 3, 4, 11, 45), False, False, True),  # N, 0, 3
        "OPS-105": ("laptop", datetime(2025, 3, 5, 1, 30), True, False, False),  # ja; 23:30 at -02:00
        "OPS-106": ("access", datetime(2025, 3, 5, 8, 0), False, True, True),  # nee, 2, 1
    }
    # (service, day, resolved, first_time_right, reopened, reassigned)
    assert wall.rollup(ftr_daily) == [
        ("access", date(2025, 3, 4), 2, 1, 0, 1),
        ("access", date(2025, 3, 5), 1, 0, 1, 1),
        ("laptop", date(2025, 3, 3), 2, 1, 1, 1),
        ("laptop", date(2025, 3, 5), 1, 1, 0, 0),
    ]


# --- timestamps ------------------------------------------------------------------


def test_timestamps_with_a_zone_are_converted_to_utc(capsys, wall):
    assert obeya_import(capsys, "responses", ZONES) == (
        0,
        [
            f"Importing survey responses from {ZONES} (UTF-8, comma-separated) into {wall.url}",
            PLAIN_COLUMNS,
            f"{ZONES}: 6 rows read: 6 imported, 0 duplicates skipped, 0 rejected",
        ],
        [],
    )
    assert {key: row["responded_at"] for key, row in wall.rows().items()} == {
        "R-1": datetime(2025, 3, 2, 4, 30),  # 2025-03-01T23:30:00-05:00: the next day in UTC
        "R-2": datetime(2025, 3, 30, 0, 30),  # 2025-03-30T01:30:00+01:00
        "R-3": datetime(2025, 3, 30, 1, 30),  # 2025-03-30 03:30:00+02:00
        "R-4": datetime(2025, 3, 31, 12, 0),  # ...Z
        "R-5": datetime(2025, 3, 31, 12, 0),  # ... UTC
        "R-6": datetime(2025, 3, 31, 14, 0),  # no zone: UTC by default
    }
    assert ("laptop", date(2025, 3, 2), 1, 1, 0, 0) in wall.rollup(nps_daily)


def test_timestamps_without_a_zone_are_read_in_the_timezone_given(capsys, wall):
    assert obeya_import(capsys, "responses", ZONES, "--timezone", "Europe/Amsterdam")[0] == 0
    moments = {key: row["responded_at"] for key, row in wall.rows().items()}
    assert moments["R-6"] == datetime(2025, 3, 31, 12, 0)  # 14:00 summer time in Amsterdam
    assert moments["R-2"] == datetime(2025, 3, 30, 0, 30)  # a written zone wins over --timezone


def test_ambiguous_day_month_dates_are_rejected_until_dayfirst_or_monthfirst_decides(
    capsys, wall, tmp_path, monkeypatch
):
    dates = write(tmp_path, "dates.csv", (
        "id,ticket,service,date,score\n"
        "A,T1,laptop,01/03/2025 14:05,9\n"
        "B,T2,laptop,13/03/2025 14:05,9\n"
        "C,T3,laptop,03/13/2025 2:05 PM,9\n"
        "D,T4,laptop,05/05/2025,9\n"
    ))

    code, out, _ = obeya_import(capsys, "responses", dates)
    assert code == 1
    assert out[2:] == [
        f"{dates}:2: responded_at '01/03/2025 14:05' could be 1 March or 3 January: pass --dayfirst or --monthfirst",
        f"{dates}: 4 rows read, 1 rejected: nothing imported (--skip-invalid imports the valid rows)",
    ]

    code, out, _ = obeya_import(capsys, "responses", dates, "--dayfirst", "--skip-invalid")
    assert out[2] == f"{dates}:4: responded_at '03/13/2025 2:05 PM' {NOT_A_TIMESTAMP}"
    assert wall.rows()["A"]["responded_at"] == datetime(2025, 3, 1, 14, 5)

    monthfirst = Wall(make_engine(f"sqlite:///{tmp_path / 'monthfirst.db'}"))
    create_schema(monthfirst.engine)
    monkeypatch.setenv("OBEYA_DATABASE_URL", monthfirst.url)
    code, out, _ = obeya_import(capsys, "responses", dates, "--monthfirst", "--skip-invalid")
    assert out[2] == f"{dates}:3: responded_at '13/03/2025 14:05' {NOT_A_TIMESTAMP}"
    assert {key: row["responded_at"] for key, row in monthfirst.rows().items()} == {
        "A": datetime(2025, 1, 3, 14, 5),
        "C": datetime(2025, 3, 13, 14, 5),
        "D": datetime(2025, 5, 5, 0, 0),
    }


# --- bad rows --------------------------------------------------------------------


def test_one_bad_row_imports_nothing_and_every_bad_row_is_listed_with_its_line(capsys, wall):
    assert obeya_import(capsys, "responses", HELPDESK) == (
        1,
        [
            f"Importing survey responses from {HELPDESK} (Latin-1, semicolon-separated) into {wall.url}",
            HELPDESK_COLUMNS,
            *HELPDESK_BAD_ROWS,
            f"{HELPDESK}: 8 rows read, 3 rejected: nothing imported (--skip-invalid imports the valid rows)",
        ],
        [],
    )
    assert wall.rows() == {}
    assert wall.rollup(nps_daily) == []


def test_skip_invalid_imports_the_good_rows_and_lists_the_others(capsys, wall):
    code, out, err = obeya_import(capsys, "responses", HELPDESK, "--skip-invalid")
    assert (code, out[2:], err) == (
        0,
        [*HELPDESK_BAD_ROWS, f"{HELPDESK}: 8 rows read: 5 imported, 0 duplicates skipped, 3 rejected"],
        [],
    )
    assert sorted(wall.rows()) == ["S-1001", "S-1002", "S-1003", "S-1007", "S-1008"]
    assert ("access", date(2025, 3, 18), 1, 0, 0, 1) in wall.rollup(nps_daily)


def test_a_row_with_several_bad_values_names_each_of_them(capsys, wall, tmp_path):
    bad = write(tmp_path, "bad.csv", (
        "response_id,ticket_id,service,responded_at,score\n"
        f"X-1,,{'s' * 65},31/02/2025,eleven\n"
    ))
    code, out, _ = obeya_import(capsys, "responses", bad)
    assert code == 1
    assert out[2] == (
        f"{bad}:2: ticket_id is empty; service '{'s' * 39}…' is longer than 64 characters; "
        f"responded_at '31/02/2025' {NOT_A_TIMESTAMP}; score 'eleven' is not a whole number from 0 to 10"
    )


def test_rows_the_csv_reader_cannot_split_are_rejected_with_their_line(capsys, wall, tmp_path):
    broken = write(tmp_path, "broken.csv", (
        "response_id,ticket_id,service,responded_at,score,comment\n"
        "A,T1,laptop,2025-03-01 10:00,9,ok\n"
        'B,T2,laptop,2025-03-01 10:00,9,"He said "hi" to me"\n'
        "C,T3,laptop,2025-03-01 10:00,9,one,two\n"
        "D,T4,laptop,2025-03-01 10:00\n"
        "E,T5,laptop,2025-03-01 10:00,9,,\n"
        'F,T6,laptop,2025-03-01 10:00,9,"never closed\n'
        "G,T7,laptop,2025-03-01 10:00,9,swallowed\n"
    ))
    code, out, _ = obeya_import(capsys, "responses", broken, "--skip-invalid")
    assert (code, out[2:]) == (0, [
        f'{broken}:3: a quote inside a quoted value must be doubled ("")',
        f"{broken}:4: the row has 7 values but the header has 6 columns (an unquoted separator?)",
        f"{broken}:5: the row has 4 values but the header has 6 columns",
        f"{broken}:7: a quote opened here is never closed",
        f"{broken}: 6 rows read: 2 imported, 0 duplicates skipped, 4 rejected",
    ])
    assert sorted(wall.rows()) == ["A", "E"]  # E's trailing separator is harmless


def test_the_listing_stops_after_20_rejected_rows_and_counts_the_rest(capsys, wall, tmp_path):
    many = write(tmp_path, "many.csv", "id,ticket,service,date,score\n" + "".join(
        f"R{i},T{i},laptop,2025-03-01,11\n" for i in range(25)
    ))
    code, out, _ = obeya_import(capsys, "responses", many)
    assert code == 1
    assert out[2:] == [
        *(f"{many}:{line}: score '11' is not a whole number from 0 to 10" for line in range(2, 22)),
        "… and 5 more rejected rows",
        f"{many}: 25 rows read, 25 rejected: nothing imported (--skip-invalid imports the valid rows)",
    ]


def test_line_numbers_count_physical_lines_across_multi_line_comments_and_blank_lines(capsys, wall, tmp_path):
    lines = write(tmp_path, "lines.csv", (
        "\n"
        "id,ticket,service,date,score,comment\n"  # line 2: the header may follow a blank line
        'A,T1,laptop,2025-03-01,9,"one\r\ntwo\r\nthree"\r\n'  # lines 3-5
        "\n"  # 6
        " , ,  ,,,\n"  # 7: separators and spaces only, blank too
        "B,T2,laptop,2025-03-01,99,\n"  # 8
    ))
    assert obeya_import(capsys, "responses", lines)[1][2:] == [
        f"{lines}:8: score '99' is not a whole number from 0 to 10",
        f"{lines}: 2 rows read, 1 rejected: nothing imported (--skip-invalid imports the valid rows)",
    ]


# --- all or nothing, duplicates: on every database ----------------------------------


def test_a_bad_row_after_thousands_of_good_ones_changes_nothing(capsys, wall_on_any_database, tmp_path, monkeypatch):
    monkeypatch.setattr(obeya.importer, "CHUNK_ROWS", 2)  # good rows are written before the bad one is read
    late = write(tmp_path, "late.csv", "id,ticket,service,date,score\n" + "".join(
        f"R{i},T{i},laptop,2025-03-0{1 + i % 5} 10:00,9\n" for i in range(7)
    ) + "R7,T7,laptop,2025-03-01 10:00,7.5\n")

    code, out, _ = obeya_import(capsys, "responses", late)

    assert (code, out[2:]) == (1, [
        f"{late}:9: score '7.5' is not a whole number from 0 to 10",
        f"{late}: 8 rows read, 1 rejected: nothing imported (--skip-invalid imports the valid rows)",
    ])
    assert wall_on_any_database.rows() == {}
    assert wall_on_any_database.rollup(nps_daily) == []


def test_importing_the_same_file_twice_adds_nothing(capsys, wall_on_any_database):
    wall = wall_on_any_database
    assert obeya_import(capsys, "responses", SERVICENOW)[1][-1] == (
        f"{SERVICENOW}: 8 rows read: 8 imported, 0 duplicates skipped, 0 rejected"
    )
    before = (wall.rows(), wall.rollup(nps_daily))

    assert obeya_import(capsys, "responses", SERVICENOW) == (
        0,
        [
            f"Importing survey responses from {SERVICENOW} (UTF-8 with BOM, comma-separated) into {wall.url}",
            SERVICENOW_COLUMNS,
            f"{SERVICENOW}: 8 rows read: 0 imported, 8 duplicates skipped, 0 rejected",
        ],
        [],
    )
    assert (wall.rows(), wall.rollup(nps_daily)) == before


def test_duplicates_within_a_file_are_counted_and_the_first_row_wins(capsys, wall, tmp_path, monkeypatch):
    monkeypatch.setattr(obeya.importer, "CHUNK_ROWS", 2)  # a repeat two chunks later is found in the database
    repeats = write(tmp_path, "repeats.csv", (
        "id,ticket,service,date,score\n"
        "A,T1,laptop,2025-03-01,9\n"
        "A,T1,laptop,2025-03-01,0\n"  # same chunk
        "B,T2,laptop,2025-03-01,9\n"
        "C,T3,laptop,2025-03-01,9\n"
        "D,T4,laptop,2025-03-01,9\n"
        "A,T1,laptop,2025-03-01,3\n"  # a later chunk
    ))
    assert obeya_import(capsys, "responses", repeats)[1][-1] == (
        f"{repeats}: 6 rows read: 4 imported, 2 duplicates skipped, 0 rejected"
    )
    assert wall.rows()["A"]["score"] == 9


def test_a_ftr_file_is_deduplicated_by_ticket(capsys, wall):
    obeya_import(capsys, "ftr", JIRA_FTR)
    assert obeya_import(capsys, "ftr", JIRA_FTR)[1][-1] == (
        f"{JIRA_FTR}: 6 rows read: 0 imported, 6 duplicates skipped, 0 rejected"
    )


@pytest.mark.parametrize("server", ["postgresql", "mariadb"])
def test_the_same_files_give_identical_rows_on_postgresql_and_mariadb_as_on_sqlite(server, tmp_path):
    seen = {}
    for name in ("sqlite", server):
        with fresh_database(name, tmp_path) as url:
            engine = make_engine(url)
            for kind, file, options in (
                ("responses", SERVICENOW, {}),
                ("responses", HELPDESK, {"skip_invalid": True}),
                ("responses", ZONES, {"timestamps": TimestampReader("Europe/Amsterdam")}),
                ("ftr", JIRA_FTR, {}),
            ):
                import_csv(engine, kind, FIXTURES / file, **options)
            wall = Wall(engine)
            seen[name] = (wall.rows(survey_responses), wall.rows(ftr_results), wall.rollup(nps_daily),
                          wall.rollup(ftr_daily))
            engine.dispose()
    assert (len(seen["sqlite"][0]), len(seen["sqlite"][1])) == (8 + 5 + 6, 6)
    assert seen[server] == seen["sqlite"]


# --- columns -----------------------------------------------------------------------


def test_a_factors_column_holds_the_reasons_ticked_and_counts_toward_their_themes(capsys, wall, tmp_path):
    path = write(tmp_path, "reasons.csv", "id,ticket,service,date,score,comment,Reasons\n"
                 "F-1,T1,laptop,2025-03-03 09:00,3,,Speed of service ; ;keeping me informed\n"
                 "F-2,T2,laptop,2025-03-03 10:00,9,Quick!, ; \n")
    code, out, _ = obeya_import(capsys, "responses", path)
    assert (code, out[1]) == (0, "Columns: response_id=id, ticket_id=ticket, service=service, responded_at=date, "
                                 "score=score, comment=comment, factors=Reasons")
    assert {key: row["factors"] for key, row in wall.rows().items()} == {
        "F-1": "Speed of service; keeping me informed", "F-2": None}
    # (service, day, tag, responses, promoters, passives, detractors): the shipped themes.yaml counts
    # "Speed of service" and "Keeping me informed" as waiting without news
    assert wall.rollup(theme_daily) == [
        ("laptop", date(2025, 3, 3), "cause:process", 1, 0, 0, 1),
        ("laptop", date(2025, 3, 3), "comments", 2, 1, 0, 1),
        ("laptop", date(2025, 3, 3), "theme:waiting", 1, 0, 0, 1),
        ("laptop", date(2025, 3, 3), "unclassified", 1, 1, 0, 0),
    ]


def test_missing_columns_are_named_with_the_headers_the_file_has(capsys, wall):
    assert obeya_import(capsys, "responses", CUSTOM) == (
        1,
        [
            f"{CUSTOM}:1: missing column response_id: no header response_id, id, survey_id, sys_id or issue_id "
            "(name it with --map response_id=HEADER)",
            f"{CUSTOM}:1: missing column responded_at: no header responded_at, created_at, submitted_at, "
            "sys_created_on, taken_on, satisfaction_date, Custom field (Satisfaction date), completion_time, date "
            "or created (name it with --map responded_at=HEADER)",
            f"{CUSTOM}:1: missing column score: no header score, rating, actual_value, nps, answer, nps_score or "
            "Custom field (NPS) (name it with --map score=HEADER)",
            f"{CUSTOM}:1: headers found: Survey, Ticket, Service, When, How likely to recommend, Remarks",
            f"{CUSTOM}: nothing imported",
        ],
        [],
    )
    assert wall.rows() == {}


def test_map_names_the_columns_the_aliases_do_not_know(capsys, wall):
    code, out, _ = obeya_import(
        capsys, "responses", CUSTOM,
        "--map", "response_id=Survey", "--map", "responded_at=When",
        "--map", "score=How likely to recommend", "--map", "comment=remarks",
    )
    assert (code, out[1:]) == (0, [
        'Columns: response_id=Survey, ticket_id=Ticket, service=Service, responded_at=When, '
        'score="How likely to recommend", comment=Remarks',
        f"{CUSTOM}: 2 rows read: 2 imported, 0 duplicates skipped, 0 rejected",
    ])
    assert wall.rows()["Q-2"] == {
        "response_id": "Q-2", "ticket_id": "INC9002", "service": "access",
        "responded_at": datetime(2025, 3, 5, 11, 0), "score": 2, "comment": "Bad", "factors": None,
    }


def test_map_overrides_an_alias_and_may_share_a_header(capsys, wall):
    # One survey per ticket: the ticket number can serve as both. A mapped header is
    # not also guessed for another column, so both are named.
    code, out, _ = obeya_import(capsys, "responses", SERVICENOW, "--map", "response_id=number")
    assert out[0] == (
        f"{SERVICENOW}:1: missing column ticket_id: no header ticket_id, number, ticket, issue_key, incident or key "
        "(name it with --map ticket_id=HEADER)"
    )
    code, out, _ = obeya_import(
        capsys, "responses", SERVICENOW, "--map", "response_id=number", "--map", "ticket_id=number"
    )
    assert code == 0
    assert out[1].startswith("Columns: response_id=number, ticket_id=number, service=service_offering")
    assert sorted(wall.rows())[:2] == ["INC0010001", "INC0010002"]


def test_map_to_a_header_the_file_does_not_have(capsys, wall):
    code, out, _ = obeya_import(capsys, "responses", CUSTOM, "--map", "score=Score (0-10)")
    assert code == 1
    assert f"{CUSTOM}:1: --map score=Score (0-10): no header 'Score (0-10)'" in out
    assert out[-2:] == [
        f"{CUSTOM}:1: headers found: Survey, Ticket, Service, When, How likely to recommend, Remarks",
        f"{CUSTOM}: nothing imported",
    ]


@pytest.mark.parametrize("header", ["response_id", "Response ID", "RESPONSE-ID", " responseId ", "Survey_ID", "sys_id"])
def test_headers_match_without_case_spaces_underscores_or_dashes(header):
    columns = match_columns(RESPONSES, [header, "Number", "Category", "Created At", "Rating"])
    assert columns == {"response_id": 0, "ticket_id": 1, "service": 2, "responded_at": 3, "score": 4}


def test_the_most_specific_alias_wins_and_each_header_is_used_once():
    header = ["id", "response_id", "date", "sys_created_on", "ticket", "service", "score", "text", "comment"]
    assert match_columns(RESPONSES, header) == {
        "response_id": 1, "ticket_id": 4, "service": 5, "responded_at": 3, "score": 6, "comment": 8,
    }


# --- encodings and separators ---------------------------------------------------------


def test_a_byte_that_is_not_utf8_late_in_a_big_file_switches_the_whole_file_to_latin1(capsys, wall, tmp_path):
    rows = "".join(f"R{i},T{i},laptop,2025-03-01 10:00,9,plain ascii\n" for i in range(30_000))
    late = tmp_path / "late-latin1.csv"
    late.write_bytes(("id,ticket,service,date,score,comment\n" + rows + "R-last,T,laptop,2025-03-01,10,Café\n")
                     .encode("latin-1"))

    code, out, _ = obeya_import(capsys, "responses", str(late))

    assert code == 0
    assert out[0].startswith(f"Importing survey responses from {late} (Latin-1, comma-separated)")
    assert out[-1] == f"{late}: 30,001 rows read: 30,001 imported, 0 duplicates skipped, 0 rejected"
    assert wall.rows()["R-last"]["comment"] == "Café"


def test_windows_1252_curly_quotes_and_euro_signs(capsys, wall, tmp_path):
    text = "id;ticket;service;date;score;comment\r\nW-1;T1;laptop;2025-03-01;2;“Costs €40” – really?\r\n"
    windows = write(tmp_path, "windows.csv", text, encoding="cp1252")
    assert obeya_import(capsys, "responses", windows)[1][0] == (
        f"Importing survey responses from {windows} (Windows-1252, semicolon-separated) into {wall.url}"
    )
    assert wall.rows()["W-1"]["comment"] == "“Costs €40” – really?"


def test_a_utf16_tab_separated_excel_export(capsys, wall, tmp_path):
    text = "ticket_id\tservice\tresolved_at\tftr\r\nINC1\tlaptop\t2025-03-01 10:00\tTRUE\r\n"
    excel = tmp_path / "excel-unicode.txt"
    excel.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    code, out, _ = obeya_import(capsys, "ftr", str(excel))
    assert (code, out[0]) == (
        0, f"Importing first-time-right results from {excel} (UTF-16, tab-separated) into {wall.url}"
    )
    assert wall.rows(ftr_results)["INC1"]["first_time_right"] is True


def test_an_excel_sep_line_names_the_separator(capsys, wall, tmp_path):
    # Without the hint the header would split best on commas.
    hinted = write(tmp_path, "hinted.csv", (
        "sep=;\n"
        "id;ticket;service;date;score;comment\n"
        "A;T;laptop;2025-03-01;9;yes, good\n"
    ))
    assert obeya_import(capsys, "responses", hinted)[0] == 0
    assert wall.rows()["A"]["comment"] == "yes, good"


def test_a_utf8_file_with_a_bom_and_a_bad_byte_is_refused_with_the_line(capsys, wall, tmp_path):
    broken = tmp_path / "broken-bom.csv"
    broken.write_bytes(
        codecs.BOM_UTF8 + b"id,ticket,service,date,score\nA,T,laptop,2025-03-01,9\nB,T,caf\xe9,2025-03-01,9\n"
    )
    assert obeya_import(capsys, "responses", str(broken)) == (
        1,
        [
            f"{broken}:3: not UTF-8, though the file starts with a UTF-8 byte order mark",
            f"{broken}: nothing imported",
        ],
        [],
    )


@pytest.mark.parametrize(
    "content, message",
    [(None, "no such file"), ("", "the file is empty"), ("\n\n  \n", "the file is empty")],
)
def test_files_that_cannot_be_imported_at_all(capsys, wall, tmp_path, content, message):
    path = tmp_path / "export.csv"
    if content is not None:
        path.write_text(content)
    assert obeya_import(capsys, "responses", str(path)) == (
        1, [f"{path}: {message}", f"{path}: nothing imported"], []
    )


def test_a_header_without_rows_imports_nothing_and_says_so(capsys, wall, tmp_path):
    empty = write(tmp_path, "empty.csv", "id,ticket,service,date,score\n")
    assert obeya_import(capsys, "responses", empty)[1][-1] == (
        f"{empty}: 0 rows read: 0 imported, 0 duplicates skipped, 0 rejected"
    )


# --- reading values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, moment",
    [
        ("2025-03-01T14:05:00+01:00", datetime(2025, 3, 1, 13, 5)),
        ("2025-03-01 14:05", datetime(2025, 3, 1, 14, 5)),
        ("2025-03-01", datetime(2025, 3, 1)),
        ("2025-03-01T14:05:06.789Z", datetime(2025, 3, 1, 14, 5, 6)),  # stored to the second
        ("2025-03-01 14:05:00 UTC", datetime(2025, 3, 1, 14, 5)),
        ("2025-03-01 14:05 +0530", datetime(2025, 3, 1, 8, 35)),
        ("2025/03/01 14:05", datetime(2025, 3, 1, 14, 5)),
        (" 2025-03-01 14:05 ", datetime(2025, 3, 1, 14, 5)),
        ("31.03.2025 14:05", datetime(2025, 3, 31, 14, 5)),
        ("31-03-2025", datetime(2025, 3, 31)),
        ("3/31/2025 2:05 PM", datetime(2025, 3, 31, 14, 5)),
        ("31/03/2025 12:00 AM", datetime(2025, 3, 31, 0, 0)),
        ("31/03/2025 23:59:59 GMT", datetime(2025, 3, 31, 23, 59, 59)),
        ("31/03/2025 14:05 -03:00", datetime(2025, 3, 31, 17, 5)),
    ],
)
def test_timestamps_that_are_read(text, moment):
    assert TimestampReader()(text) == moment


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("yesterday", f"'yesterday' {NOT_A_TIMESTAMP}"),
        ("2025-02-30", f"'2025-02-30' {NOT_A_TIMESTAMP}"),
        ("01/03/25", f"'01/03/25' {NOT_A_TIMESTAMP}"),  # two-digit years are refused
        ("13/13/2025", f"'13/13/2025' {NOT_A_TIMESTAMP}"),
        ("31/03/2025 13:00 PM", f"'31/03/2025 13:00 PM' {NOT_A_TIMESTAMP}"),
        ("02/03/2025", "'02/03/2025' could be 2 March or 3 February: pass --dayfirst or --monthfirst"),
    ],
)
def test_timestamps_that_are_refused(text, problem):
    with pytest.raises(InvalidValue) as refused:
        TimestampReader()(text)
    assert str(refused.value) == problem


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ValueError, match="unknown time zone 'Europe/Amsterdm' "):
        TimestampReader("Europe/Amsterdm")


@pytest.mark.parametrize("text, score", [("0", 0), ("10", 10), (" 9 ", 9), ("09", 9), ("9.0", 9), ("8,00", 8)])
def test_scores_that_are_read(text, score):
    assert read_score(text) == score


@pytest.mark.parametrize("text", ["11", "-1", "7.5", "10.5", "eleven", "1e1", "9/10", "90%"])
def test_scores_that_are_refused_never_rescaled(text):
    with pytest.raises(InvalidValue, match=f"^'{text}' is not a whole number from 0 to 10$"):
        read_score(text)


def test_the_boolean_words():
    assert TRUE_WORDS == ("true", "t", "yes", "y", "1", "ja")
    assert FALSE_WORDS == ("false", "f", "no", "n", "0", "nee", "nein")
    assert all(read_boolean(word) is True for word in TRUE_WORDS + ("TRUE", " Yes ", "Ja"))
    assert all(read_boolean(word) is False for word in FALSE_WORDS + ("FALSE", " No ", "Nee"))
    with pytest.raises(InvalidValue) as refused:
        read_boolean("maybe")
    assert str(refused.value) == "'maybe' is not true or false (use true/false, yes/no, y/n, 1/0, ja/nee)"
    with pytest.raises(InvalidValue, match="^is empty$"):
        read_boolean("")


@pytest.mark.parametrize("text, flag", [("yes", True), ("0", False), ("3", True), ("", None), ("N", False)])
def test_reopened_and_reassigned_take_a_boolean_or_a_count(text, flag):
    assert read_flag(text) is flag


def test_a_negative_count_is_refused():
    with pytest.raises(InvalidValue, match="^'-1' is not true or false or a count$"):
        read_flag("-1")


# --- the wall's config: time zone, service names and aliases ------------------------------

SERVICENOW_INCIDENTS = "servicenow-incidents.csv"
JSM = "jsm-issues.csv"


def test_timestamps_without_a_zone_and_the_rollups_follow_wall_yaml_timezone(capsys, wall, tmp_path, monkeypatch):
    monkeypatch.setenv("OBEYA_CONFIG_DIR", str(utc_wall_config(tmp_path, "Europe/Amsterdam")))
    code, out, _ = obeya_import(capsys, "ftr", JSM)

    assert (code, out[1:]) == (0, [
        'Columns: ticket_id="Issue key", service=Component/s, resolved_at=Resolved, '
        'reopened="Custom field (Reopen count)"',
        'first_time_right: derived from "Custom field (Reopen count)" (not reopened)',
        f"{JSM}: 4 rows read: 4 imported, 0 duplicates skipped, 0 rejected",
    ])
    rows = wall.rows(ftr_results)
    # 02/Dec/26 12:05 AM in Amsterdam is 23:05 UTC the day before; "Access" is the service id access
    assert rows["ITSM-483"] == {"ticket_id": "ITSM-483", "service": "access", "resolved_at": datetime(2026, 12, 1, 23, 5),
                                "first_time_right": True, "reopened": None, "reassigned": None}
    # (service, day in Amsterdam, resolved, first time right, reopened, reassigned)
    assert wall.rollup(ftr_daily) == [
        ("access", date(2026, 12, 1), 1, 0, 1, 0),
        ("access", date(2026, 12, 2), 1, 1, 0, 0),
        ("laptop", date(2026, 12, 1), 1, 1, 0, 0),
        ("laptop", date(2026, 12, 2), 1, 0, 1, 0),
    ]


def test_a_servicenow_incident_export_derives_first_time_right_and_names_unknown_services(capsys, wall, tmp_path,
                                                                                         monkeypatch):
    # "Laptop & workplace" and "Accounts & access" are the services' names in services.yaml: no aliases needed
    monkeypatch.setenv("OBEYA_CONFIG_DIR", str(utc_wall_config(tmp_path)))
    assert obeya_import(capsys, "ftr", SERVICENOW_INCIDENTS) == (0, [
        f"Importing first-time-right results from {SERVICENOW_INCIDENTS} (UTF-8 with BOM, comma-separated) "
        f"into {wall.url}",
        'Columns: ticket_id=Number, service="Service offering", resolved_at=Resolved, reopened="Reopen count", '
        'reassigned="Reassignment count"',
        'first_time_right: derived from "Reopen count" and "Reassignment count" (neither reopened nor reassigned)',
        f"{SERVICENOW_INCIDENTS}: 5 rows read: 5 imported, 0 duplicates skipped, 0 rejected",
        f'{SERVICENOW_INCIDENTS}: 1 row names a service that is not in services.yaml: "Printers" (1); add it as an '
        "alias of its service in services.yaml, then import again with --replace",
    ], [])
    rows = wall.rows(ftr_results)
    assert {key: (row["service"], row["first_time_right"]) for key, row in rows.items()} == {
        "INC0012001": ("laptop", True),
        "INC0012002": ("laptop", False),  # reopened
        "INC0012003": ("access", False),  # reassigned twice
        "INC0012004": ("Printers", False),  # stored as written, counted apart
        "INC0012005": ("access", True),
    }
    assert wall.rollup(ftr_daily) == [
        ("Printers", date(2026, 12, 2), 1, 0, 0, 1),
        ("access", date(2026, 12, 1), 1, 0, 0, 1),
        ("access", date(2026, 12, 2), 1, 1, 0, 0),
        ("laptop", date(2026, 12, 1), 2, 1, 1, 0),
    ]


def test_a_dutch_jira_nps_export_is_read_with_its_display_names_and_month_names(capsys, wall, tmp_path, monkeypatch):
    monkeypatch.setenv("OBEYA_CONFIG_DIR", str(utc_wall_config(tmp_path)))
    export = write(tmp_path, "jsm-nps.csv", (
        "Issue key,Issue id,Summary,Created,Component/s,Satisfaction date,Custom field (NPS),"
        "Custom field (NPS comment)\n"
        "ITSM-501,10501,Laptop swap,28/nov/26 9:00,Laptop & workplace,01/dec/26 10:15,9,Snel geholpen\n"
        "ITSM-502,10502,Geen toegang,30/nov/26 16:10,Accounts & Access,02/dec/26 08:05,3,Drie keer gebeld\n"
        "ITSM-503,10503,Wifi,01/mrt/26 16:10,Wi-Fi & VPN,02/mrt/26 08:05,10,\n"
    ))
    assert obeya_import(capsys, "responses", export)[1][1:] == [
        'Columns: response_id="Issue id", ticket_id="Issue key", service=Component/s, '
        'responded_at="Satisfaction date", score="Custom field (NPS)", comment="Custom field (NPS comment)"',
        f"{export}: 3 rows read: 3 imported, 0 duplicates skipped, 0 rejected",
    ]
    assert {key: (row["service"], row["responded_at"], row["score"]) for key, row in wall.rows().items()} == {
        "10501": ("laptop", datetime(2026, 12, 1, 10, 15), 9),
        "10502": ("access", datetime(2026, 12, 2, 8, 5), 3),
        "10503": ("network", datetime(2026, 3, 2, 8, 5), 10),
    }


def test_a_jira_satisfaction_rating_is_not_taken_for_a_score(capsys, wall, tmp_path, monkeypatch):
    monkeypatch.setenv("OBEYA_CONFIG_DIR", str(utc_wall_config(tmp_path)))
    code, out, _ = obeya_import(capsys, "responses", JSM)
    assert code == 1
    assert f"{JSM}:1: header 'Custom field (Satisfaction rating)' is a 1–5 star rating, not the 0–10 answer to " \
           '"would you recommend us" that NPS counts, so it is not read as a score' in out
    assert out[-1] == f"{JSM}: nothing imported"
    assert wall.rows() == {}


def test_replace_writes_over_known_rows_and_recounts_their_old_and_new_days(capsys, wall, tmp_path, monkeypatch):
    config = utc_wall_config(tmp_path)
    monkeypatch.setenv("OBEYA_CONFIG_DIR", str(config))
    obeya_import(capsys, "ftr", SERVICENOW_INCIDENTS)
    services = config / "services.yaml"  # the team decides printers belong to the laptop service
    services.write_text(services.read_text(encoding="utf-8").replace(
        "  - id: laptop\n", "  - id: laptop\n    aliases: [Printers]\n"), encoding="utf-8")

    assert obeya_import(capsys, "ftr", SERVICENOW_INCIDENTS, "--replace")[1][-1] == (
        f"{SERVICENOW_INCIDENTS}: 5 rows read: 0 imported, 5 replaced, 0 duplicates skipped, 0 rejected"
    )
    assert wall.rows(ftr_results)["INC0012004"]["service"] == "laptop"
    assert wall.rollup(ftr_daily) == [
        ("access", date(2026, 12, 1), 1, 0, 0, 1),
        ("access", date(2026, 12, 2), 1, 1, 0, 0),
        ("laptop", date(2026, 12, 1), 2, 1, 1, 0),
        ("laptop", date(2026, 12, 2), 1, 0, 0, 1),
    ]


def test_replace_moves_a_response_to_its_new_day_and_service_and_imports_new_ones(capsys, wall, tmp_path):
    obeya_import(capsys, "responses", ZONES)
    moved = write(tmp_path, "moved.csv", (
        "response_id,ticket_id,service,responded_at,score\n"
        "R-1,INC1,access,2025-04-10 12:00,0\n"  # was laptop, 2 March, a promoter
        "R-NEW,INC9,access,2025-04-10 13:00,10\n"
    ))
    before = {row[:2]: row for row in wall.rollup(nps_daily)}
    assert before[("laptop", date(2025, 3, 2))][2] == 1

    assert obeya_import(capsys, "responses", moved, "--replace")[1][-1] == (
        f"{moved}: 2 rows read: 1 imported, 1 replaced, 0 duplicates skipped, 0 rejected"
    )
    after = {row[:2]: row for row in wall.rollup(nps_daily)}
    assert ("laptop", date(2025, 3, 2)) not in after
    assert after[("access", date(2025, 4, 10))] == ("access", date(2025, 4, 10), 2, 1, 0, 1)
    assert len(wall.rows()) == 7


def test_without_first_time_right_nor_reopened_nor_reassigned_the_headers_are_named(capsys, wall, tmp_path):
    bare = write(tmp_path, "bare.csv", "Number,Resolved,Service offering\nINC1,2026-12-01 09:00,laptop\n")
    assert obeya_import(capsys, "ftr", bare) == (1, [
        f"{bare}:1: missing column first_time_right: no header first_time_right, ftr, first_contact_resolution, "
        "fcr or first_time_fix, and no reopened or reassigned column to derive it from "
        "(name it with --map first_time_right=HEADER)",
        f"{bare}:1: headers found: Number, Resolved, Service offering",
        f"{bare}: nothing imported",
    ], [])


def test_an_invalid_config_imports_nothing_and_says_how_to_go_on(capsys, wall, tmp_path, monkeypatch):
    config = utc_wall_config(tmp_path)
    (config / "wall.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    code, out, err = obeya_import(capsys, "responses", ZONES)
    assert (code, out, err[-1]) == (1, [], (
        f"{config}/: the config is not valid; fix it (python -m obeya validate) or name another folder with --config"
    ))
    assert wall.rows() == {}


@pytest.mark.parametrize(
    "text, moment",
    [
        ("01/Dec/26 9:15 AM", datetime(2026, 12, 1, 9, 15)),
        ("01/Dec/26 12:05 AM", datetime(2026, 12, 1, 0, 5)),
        ("1/dec/26 12:30 PM", datetime(2026, 12, 1, 12, 30)),
        ("15/Sep/2026 17:45", datetime(2026, 9, 15, 17, 45)),
        ("15-March-2026", datetime(2026, 3, 15)),
        ("01/mrt/26 9:15", datetime(2026, 3, 1, 9, 15)),  # a Dutch Jira
        ("12 mei 2026", datetime(2026, 5, 12)),
        ("3-okt.-2026 14:00", datetime(2026, 10, 3, 14, 0)),
        ("01/März/26 9:15", datetime(2026, 3, 1, 9, 15)),  # a German one
        ("01/Dez./2026", datetime(2026, 12, 1)),
    ],
)
def test_jira_dates_with_a_month_name(text, moment):
    assert TimestampReader()(text) == moment


@pytest.mark.parametrize("text", ["31/Feb/26 9:15 AM", "01/Dek/26 9:15 AM", "01/Dec/26 13:15 PM"])
def test_jira_dates_that_do_not_exist_are_refused(text):
    with pytest.raises(InvalidValue, match=f"^'{re.escape(text)}' {NOT_A_TIMESTAMP}$"):
        TimestampReader()(text)
