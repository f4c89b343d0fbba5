"""Roll-ups always equal the raw rows: after imports killed at any point, after concurrent
imports, after `python -m obeya rollups`, after themes.yaml changed; and `rollups --check` says
when they do not.

The imports run as real processes (`python -m obeya import`) against SQLite,
PostgreSQL and MariaDB; the invariant is checked with `check_rollups`, a direct
count of the raw rows in the zone the roll-ups say they use.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, insert, select, text, update

from obeya.__main__ import main
from obeya.config import load_config
from obeya.database import create_schema, ftr_results, make_engine, nps_daily, survey_responses, theme_daily
from obeya.importer import import_csv
from obeya.metrics import NpsCounts
from obeya.rollups import check_rollups, data_marker, refresh_rollups, rollup_timezone
from obeya.queries import commented_rows, nps_daily_counts, theme_daily_counts, themes_fingerprint, unknown_services
from obeya.theme_rollups import ThemeRules
from obeya.themes import count_tags
from tests.db_servers import KINDS, fresh_database
from tests.import_killed_at import KILL_POINTS

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_CONFIG = REPO_ROOT / "tests" / "fixtures" / "config"  # Europe/Berlin; services analysers and lims; no themes
SHIPPED_THEMES = REPO_ROOT / "config" / "themes.yaml"
NO_THEMES = ThemeRules.of(load_config(TEST_CONFIG))


def survey_file(folder: Path, name: str, ids: range) -> Path:
    """Responses R-<i> for `ids`, an hour apart around midnight in Berlin, so UTC and local days differ."""
    lines = ["response_id,ticket_id,service,responded_at,score"]
    start = datetime(2026, 3, 27, 21, 30)  # the clocks change on 29 March 2026
    for i in ids:
        moment = start + timedelta(hours=7 * i)
        lines.append(f"R-{i},T-{i},{('analysers', 'lims')[i % 2]},{moment:%Y-%m-%dT%H:%M}Z,{i % 11}")
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def obeya_process(*argv: str, url: str, script: list[str] | None = None, config: Path = TEST_CONFIG
                  ) -> subprocess.Popen:
    """`python -m obeya ...` (or `script`) as its own process on `url` with the test config (or `config`)."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("OBEYA_")}
    environment.update(OBEYA_DATABASE_URL=url, OBEYA_CONFIG_DIR=str(config), PYTHONPATH=str(REPO_ROOT))
    command = [sys.executable, *(script or ["-m", "obeya"]), *argv]
    return subprocess.Popen(command, cwd=REPO_ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def finished(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def response_ids(engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(select(survey_responses.c.response_id)))


def assert_rollups_match(engine, zone: str = "Europe/Berlin", rules: ThemeRules = NO_THEMES) -> None:
    with engine.connect() as connection:
        check = check_rollups(connection, rules)
    assert (check.zone, check.mismatches, check.themes_current) == (zone, [], True)


def imported(out: str) -> int:
    """The number imported, from the summary line "FILE: N rows read: M imported, ..."."""
    summary = [line for line in out.splitlines() if " rows read: " in line][-1]
    return int(summary.split(": ")[2].split()[0].replace(",", ""))


@pytest.fixture(params=KINDS)
def database(request, tmp_path):
    with fresh_database(request.param, tmp_path) as url:
        engine = make_engine(url)
        yield url, engine
        engine.dispose()


def test_an_import_killed_at_any_point_leaves_all_or_nothing_and_matching_rollups(database, tmp_path):
    url, engine = database
    first = survey_file(tmp_path, "first.csv", range(0, 12))
    assert finished(obeya_process("import", "responses", str(first), url=url))[0] == 0
    before = response_ids(engine)
    second = survey_file(tmp_path, "second.csv", range(6, 20))  # overlaps the first file's ids and days
    script = [str(REPO_ROOT / "tests" / "import_killed_at.py")]

    for point in KILL_POINTS:  # "committed" last: only there do the second file's rows stay
        code, out, err = finished(obeya_process(point, "import", "responses", str(second), url=url, script=script))
        assert code == -signal.SIGKILL, (point, out, err)
        expected = before | {f"R-{i}" for i in range(6, 20)} if point == "committed" else before
        assert response_ids(engine) == expected, point
        assert_rollups_match(engine)


def test_concurrent_imports_of_different_and_of_overlapping_files_land_every_row_once(database, tmp_path):
    url, engine = database
    create_schema(engine)
    for label, ids in (("different", (range(0, 15), range(15, 30))), ("overlapping", (range(10, 40), range(25, 50)))):
        files = [survey_file(tmp_path, f"{label}-{n}.csv", rows) for n, rows in enumerate(ids)]
        before = response_ids(engine)
        imports = [obeya_process("import", "responses", str(file), url=url) for file in files]
        results = [finished(process) for process in imports]

        assert [code for code, _, _ in results] == [0, 0], results
        wanted = {f"R-{i}" for rows in ids for i in rows}
        assert response_ids(engine) == before | wanted
        assert sum(imported(out) for _, out, _ in results) == len(wanted - before)
        assert_rollups_match(engine)


def test_an_import_whose_rollups_cannot_be_written_commits_nothing(database, tmp_path):
    url, engine = database
    create_schema(engine)
    with engine.begin() as connection:  # a read-only roll-up table, as a badly granted user would have
        if engine.dialect.name == "sqlite":
            connection.execute(text("CREATE TRIGGER no_rollups BEFORE INSERT ON nps_daily "
                                    "BEGIN SELECT RAISE(ABORT, 'nps_daily is read-only'); END"))
        else:
            connection.execute(text("ALTER TABLE nps_daily ADD CONSTRAINT no_rollups CHECK (responses < 0)"))
    code, out, err = finished(obeya_process("import", "responses", str(survey_file(tmp_path, "a.csv", range(3))),
                                            url=url))
    assert (code, out.splitlines()[-1]) == (1, f"{tmp_path / 'a.csv'}: nothing imported")
    assert err.startswith(f"cannot count the wall's daily roll-ups in {engine.url.render_as_string()}: ")
    assert response_ids(engine) == set()


# --- python -m obeya rollups ---------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, list[str], list[str]]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


@pytest.fixture
def sqlite_wall(tmp_path, monkeypatch):
    """A SQLite wall with the survey file imported in UTC roll-ups, named in OBEYA_DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'wall.db'}"
    monkeypatch.setenv("OBEYA_DATABASE_URL", url)
    monkeypatch.setenv("OBEYA_CONFIG_DIR", str(TEST_CONFIG))
    engine = make_engine(url)
    create_schema(engine)
    with engine.begin() as connection:
        connection.execute(insert(survey_responses), [
            {"response_id": f"R-{i}", "ticket_id": f"T-{i}", "service": ("analysers", "lims")[i % 2],
             "responded_at": datetime(2026, 3, 27, 21, 30) + timedelta(hours=7 * i), "score": i % 11}
            for i in range(20)
        ])
    refresh_rollups(engine, zone="UTC")
    yield url, engine
    engine.dispose()


def test_rollups_recounts_in_wall_yaml_timezone_with_progress_and_marks_the_data_changed(capsys, sqlite_wall):
    url, engine = sqlite_wall
    with engine.connect() as connection:
        marker = data_marker(connection)

    assert run(capsys, "rollups") == (0, [
        f"Re-counting the daily roll-ups of {url} in Europe/Berlin ...",
        "roll-ups re-counted in Europe/Berlin (7 days)",
    ], [
        "nps_daily: 2026-03-26 to 2026-04-03 (1 of 1)",
        "ftr_daily: no raw rows",
        "theme_daily: no themes in themes.yaml",
    ])
    assert rollup_timezone(engine) == "Europe/Berlin"
    assert_rollups_match(engine)
    with engine.connect() as connection:
        assert data_marker(connection) != marker


def test_rollups_timezone_option_names_the_zone(capsys, sqlite_wall):
    _, engine = sqlite_wall
    assert run(capsys, "rollups", "--timezone", "America/New_York")[1][-1] == (
        "roll-ups re-counted in America/New_York (7 days)"
    )
    assert_rollups_match(engine, "America/New_York")


def test_rollups_check_says_they_match(capsys, sqlite_wall):
    run(capsys, "rollups")
    assert run(capsys, "rollups", "--check") == (0, ["roll-ups match the raw rows (7 days)"], [])


def test_rollups_check_names_the_days_and_services_that_differ_and_exits_1(capsys, sqlite_wall):
    _, engine = sqlite_wall
    run(capsys, "rollups")
    with engine.begin() as connection:
        connection.execute(update(nps_daily).where(nps_daily.c.day == date(2026, 3, 28),
                                                   nps_daily.c.service == "lims").values(promoters=99))
        connection.execute(delete(nps_daily).where(nps_daily.c.day == date(2026, 3, 30)))

    assert run(capsys, "rollups", "--check") == (1, [
        "nps_daily 2026-03-28 lims: roll-up responses=2 promoters=99 passives=0 detractors=2; "
        "raw rows responses=2 promoters=0 passives=0 detractors=2",
        "nps_daily 2026-03-30 analysers: roll-up none; raw rows responses=2 promoters=1 passives=1 detractors=0",
        # R-7 at 22:30 UTC on the 29th is 00:30 on the 30th in Berlin, after the clocks changed
        "nps_daily 2026-03-30 lims: roll-up none; raw rows responses=2 promoters=1 passives=1 detractors=0",
        "roll-ups do not match the raw rows: 3 roll-up rows differ (python -m obeya rollups re-counts them)",
    ], [])


def test_rollups_check_lists_20_mismatches_and_counts_the_rest(capsys, sqlite_wall):
    _, engine = sqlite_wall
    with engine.begin() as connection:
        connection.execute(insert(nps_daily), [
            {"service": "ghost", "day": date(2025, 1, 1) + timedelta(days=n), "responses": 1, "promoters": 1,
             "passives": 0, "detractors": 0} for n in range(23)])
    code, out, _ = run(capsys, "rollups", "--check")
    assert (code, len(out), out[-3:]) == (1, 23, [
        "… and 3 more mismatches",
        "roll-ups do not match the raw rows: 23 roll-up rows differ (python -m obeya rollups re-counts them)",
        "the roll-ups count days in UTC, but wall.yaml's timezone is Europe/Berlin "
        "(python -m obeya rollups re-counts them)",
    ])


def test_rollups_check_in_another_zone_than_wall_yaml_exits_1(capsys, sqlite_wall):
    assert run(capsys, "rollups", "--check") == (1, [
        "roll-ups match the raw rows (7 days)",
        "the roll-ups count days in UTC, but wall.yaml's timezone is Europe/Berlin "
        "(python -m obeya rollups re-counts them)",
    ], [])


@pytest.mark.parametrize("options, error", [
    (["--timezone", "Mars/Olympus"],
     "argument --timezone: unknown time zone 'Mars/Olympus' (use an IANA name like Europe/Amsterdam)"),
    (["--timezone", "UTC", "--check"], "argument --check: not allowed with argument --timezone"),
])
def test_rollups_usage_errors_exit_2(capsys, sqlite_wall, options, error):
    code, out, err = run(capsys, "rollups", *options)
    assert (code, out, err[-1]) == (2, [], f"python -m obeya rollups: error: {error}")


# --- services the config does not know ----------------------------------------------------------------


def test_unknown_services_counts_spellings_that_are_neither_ids_nor_aliases(database, config_copy):
    url, engine = database
    config_copy.edit("services.yaml", "  - id: lims\n", "  - id: lims\n    aliases: [LIS, Lab information system]\n")
    create_schema(engine)
    spellings = ["analysers", "LIMS", "lab information system", "Printers", "Printers", "Coffee", "Printers"]
    with engine.begin() as connection:
        connection.execute(insert(survey_responses), [
            {"response_id": f"R-{n}", "ticket_id": f"T-{n}", "service": service,
             "responded_at": datetime(2026, 3, 2, 9) + timedelta(days=n), "score": 9}
            for n, service in enumerate(spellings)])
        connection.execute(insert(ftr_results), [
            {"ticket_id": "T-old", "service": "Fax", "resolved_at": datetime(2025, 1, 6, 9), "first_time_right": True},
            {"ticket_id": "T-1", "service": "Coffee", "resolved_at": datetime(2026, 3, 3, 9), "first_time_right": False},
        ])
        connection.execute(text("CREATE TABLE team_tickets (number VARCHAR(20), offering VARCHAR(64), "
                                "resolved TIMESTAMP NULL, ok INTEGER)"))
        connection.execute(text("INSERT INTO team_tickets VALUES ('INC1', 'LIS', '2026-03-02 10:00:00', 1), "
                                "('INC2', 'Badges', '2026-03-02 11:00:00', 0), "
                                "('INC3', 'Badges', '2024-01-02 11:00:00', 1)"))
    refresh_rollups(engine, zone="Europe/Berlin")
    config = config_copy.load()

    with engine.connect() as connection:
        assert unknown_services(connection, config) == {"Printers": 3, "Coffee": 2, "Fax": 1}
        assert unknown_services(connection, config, since=date(2026, 3, 1)) == {"Printers": 3, "Coffee": 2}

    config_copy.write("sources.yaml", "ftr: SELECT number AS ticket_id, offering AS service, resolved AS resolved_at, "
                                      "ok AS first_time_right FROM team_tickets\n")
    with engine.connect() as connection:
        assert unknown_services(connection, config_copy.load()) == {"Printers": 3, "Badges": 2, "Coffee": 1}
        assert unknown_services(connection, config_copy.load(), since=date(2026, 3, 1)) == {
            "Printers": 3, "Badges": 1, "Coffee": 1}


# --- comment themes: theme_daily, kept by every writer ----------------------------------------------------

COMMENTS = ("I waited three days and nobody told me anything", "", "Rude on the phone", "Great, thanks!",
            "The agent didn't know how to reset my password", "Took ages")
FACTORS = ("", "Speed of service", " friendliness ;; Ease of reaching us ", " ; ", "")
SERVICES = ("analysers", "lims", "Printers", "printers")  # one unknown service spelled two ways


def commented_survey_file(folder: Path, name: str, ids: range, start: datetime = datetime(2026, 3, 27, 21, 30)
                          ) -> Path:
    """Responses R-<i> like `survey_file`'s, with comments and ticked reasons in turn (some neither)."""
    lines = ["response_id,ticket_id,service,responded_at,score,comment,reasons"]
    for i in ids:
        moment = start + timedelta(hours=7 * i)
        lines.append(f"R-{i},T-{i},{SERVICES[i % 4]},{moment:%Y-%m-%dT%H:%M}Z,{i % 11},"
                     f'"{COMMENTS[i % 6]}",{FACTORS[i % 5]}')
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def themed_config(config_copy):
    """The test config with the shipped themes.yaml."""
    return config_copy.write("themes.yaml", SHIPPED_THEMES.read_text(encoding="utf-8"))


def tagged_raw_rows(engine, rules: ThemeRules, zone: str = "Europe/Berlin") -> dict:
    """`count_tags` over every raw row, each on its day in `zone` by zoneinfo: what theme_daily must hold."""
    columns = survey_responses.c
    with engine.connect() as connection:
        rows = connection.execute(select(columns.service, columns.responded_at, columns.score, columns.comment,
                                         columns.factors)).all()
    local = ZoneInfo(zone)
    return count_tags([(service, moment.replace(tzinfo=timezone.utc).astimezone(local).date(), score, comment, factors)
                       for service, moment, score, comment, factors in rows], rules.themes, rules.language)


def theme_rollup(engine) -> dict:
    with engine.connect() as connection:
        return theme_daily_counts(connection, date(2000, 1, 1), date(2100, 1, 1))


def test_theme_rollups_after_an_import_equal_a_direct_count_of_the_raw_rows(database, themed_config, tmp_path):
    _, engine = database
    config = themed_config.load()
    rules = ThemeRules.of(config)
    result = import_csv(engine, "responses", commented_survey_file(tmp_path, "themes.csv", range(40)), config=config)
    assert result.imported == 40

    expected = tagged_raw_rows(engine, rules)
    assert theme_rollup(engine) == expected
    assert {tag for _, _, tag in expected} >= {"comments", "unclassified", "theme:waiting", "theme:unfriendly",
                                               "theme:didnt-know-how", "theme:accounts", "cause:process"}
    assert {service for service, _, _ in expected} == set(SERVICES)  # "Printers" and "printers" stay apart
    assert_rollups_match(engine, rules=rules)
    with engine.connect() as connection:
        assert themes_fingerprint(connection) == rules.fingerprint


def test_ticked_reasons_count_toward_their_theme_without_a_comment(tmp_path, themed_config):
    engine = make_engine(f"sqlite:///{tmp_path / 'wall.db'}")
    path = tmp_path / "reasons.csv"
    path.write_text("id,ticket,service,date,score,comment,factors\n"
                    "R-1,T-1,lims,2026-03-02T09:00Z,4,, speed of service ;;Friendliness \n"
                    "R-2,T-2,lims,2026-03-02T10:00Z,9,,\n", encoding="utf-8")
    import_csv(engine, "responses", path, config=themed_config.load())

    with engine.connect() as connection:
        assert connection.execute(select(survey_responses.c.response_id, survey_responses.c.factors)
                                  .order_by(survey_responses.c.response_id)).all() == [
            ("R-1", "speed of service; Friendliness"), ("R-2", None)]
    one_detractor = (0, 0, 1)
    assert {tag: (counts.promoters, counts.passives, counts.detractors)
            for (_, _, tag), counts in theme_rollup(engine).items()} == {
        "comments": one_detractor, "theme:waiting": one_detractor, "theme:unfriendly": one_detractor,
        "cause:process": one_detractor, "cause:people": one_detractor}


def test_an_import_after_editing_themes_recounts_every_day_with_the_new_rules(tmp_path, themed_config):
    engine = make_engine(f"sqlite:///{tmp_path / 'wall.db'}")
    import_csv(engine, "responses", commented_survey_file(tmp_path, "first.csv", range(30)),
               config=themed_config.load())
    themed_config.edit("themes.yaml", "phrases: [took ages,", "phrases: [great, took ages,")  # now "slow"
    edited = themed_config.load()
    later = commented_survey_file(tmp_path, "later.csv", range(100, 101))  # one row, a month later

    import_csv(engine, "responses", later, config=edited)

    rules = ThemeRules.of(edited)
    assert theme_rollup(engine) == tagged_raw_rows(engine, rules)
    first_days = {day for _, day, tag in theme_rollup(engine) if tag == "theme:slow" and day < date(2026, 4, 10)}
    assert len(first_days) > 3  # "Great, thanks!" on the first file's days counts as "slow" now
    assert_rollups_match(engine, rules=rules)


def test_a_writer_without_themes_writes_no_theme_rows_and_says_so_in_the_fingerprint(tmp_path, themed_config):
    engine = make_engine(f"sqlite:///{tmp_path / 'wall.db'}")
    import_csv(engine, "responses", commented_survey_file(tmp_path, "a.csv", range(20)), config=themed_config.load())
    assert theme_rollup(engine) != {}

    import_csv(engine, "responses", commented_survey_file(tmp_path, "b.csv", range(20, 25)),
               config=load_config(TEST_CONFIG))

    assert theme_rollup(engine) == {}
    with engine.connect() as connection:
        assert themes_fingerprint(connection) == NO_THEMES.fingerprint
    assert_rollups_match(engine)


def make_old_schema(engine) -> None:
    """The wall's tables as they were before theme roll-ups: no theme_daily, no survey_responses.factors."""
    create_schema(engine)
    theme_daily.drop(engine)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE survey_responses DROP COLUMN factors"))


def test_an_old_table_without_factors_still_reads_and_two_imports_at_once_add_the_column(database, themed_config,
                                                                                         tmp_path):
    url, engine = database
    make_old_schema(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO survey_responses (response_id, ticket_id, service, responded_at, score, "
                                "comment) VALUES ('OLD-1', 'T', 'lims', :moment, 3, 'Nobody told me')"),
                           {"moment": datetime(2026, 3, 1, 9)})
        connection.execute(insert(nps_daily).values(service="lims", day=date(2026, 3, 1), responses=1, promoters=0,
                                                    passives=0, detractors=1))

    with engine.connect() as connection:  # what a read-only wall on the old tables reads
        assert list(commented_rows(connection, datetime(2026, 3, 1), datetime(2026, 3, 2))) == [
            ("lims", datetime(2026, 3, 1, 9), 3, "Nobody told me", None)]
        assert list(nps_daily_counts(connection, date(2026, 1, 1)).values()) == [NpsCounts(0, 0, 1)]
        assert themes_fingerprint(connection) is None

    files = [commented_survey_file(tmp_path, f"{n}.csv", range(n * 10, n * 10 + 10)) for n in (1, 2)]
    imports = [obeya_process("import", "responses", str(file), url=url, config=themed_config.path) for file in files]
    assert [finished(process)[0] for process in imports] == [0, 0]

    rules = ThemeRules.of(themed_config.load())
    assert len(response_ids(engine)) == 21
    assert theme_rollup(engine) == tagged_raw_rows(engine, rules)
    assert_rollups_match(engine, rules=rules)


def test_rollups_counts_themes_in_chunks_with_progress(capsys, sqlite_wall, themed_config):
    _, engine = sqlite_wall
    with engine.begin() as connection:
        connection.execute(update(survey_responses).values(comment="Still waiting", factors=None))

    code, _, err = run(capsys, "rollups", "--config", str(themed_config.path))
    assert (code, err[-1]) == (0, "theme_daily: 2026-03-26 to 2026-04-03 (1 of 1)")
    rules = ThemeRules.of(themed_config.load())
    assert theme_rollup(engine) == tagged_raw_rows(engine, rules)
    assert run(capsys, "rollups", "--check", "--config", str(themed_config.path)) == (
        0, ["roll-ups match the raw rows (7 days)"], [])


def test_rollups_check_names_theme_rows_that_differ(capsys, sqlite_wall, themed_config):
    _, engine = sqlite_wall
    with engine.begin() as connection:
        connection.execute(update(survey_responses).where(survey_responses.c.response_id == "R-3")
                           .values(factors="Friendliness"))
    run(capsys, "rollups", "--config", str(themed_config.path))
    with engine.begin() as connection:
        connection.execute(update(theme_daily).where(theme_daily.c.tag == "theme:unfriendly")
                           .values(responses=6, promoters=5))
        connection.execute(delete(theme_daily).where(theme_daily.c.tag == "cause:people"))

    assert run(capsys, "rollups", "--check", "--config", str(themed_config.path)) == (1, [
        # R-3 at 18:30 UTC on 28 March is 19:30 in Berlin; score 3
        "theme_daily 2026-03-28 lims cause:people: roll-up none; "
        "raw rows responses=1 promoters=0 passives=0 detractors=1",
        "theme_daily 2026-03-28 lims theme:unfriendly: roll-up responses=6 promoters=5 passives=0 detractors=1; "
        "raw rows responses=1 promoters=0 passives=0 detractors=1",
        "roll-ups do not match the raw rows: 2 roll-up rows differ (python -m obeya rollups re-counts them)",
    ], [])


def test_rollups_check_says_when_themes_were_counted_with_other_rules_or_not_yet(capsys, sqlite_wall,
                                                                                 themed_config):
    run(capsys, "rollups")  # with the test config: no themes
    assert run(capsys, "rollups", "--check", "--config", str(themed_config.path)) == (1, [
        "roll-ups match the raw rows (7 days)",
        "the comment themes were counted with other rules than themes.yaml's in wall.yaml's language "
        "(python -m obeya rollups re-counts them)",
    ], [])
    _, engine = sqlite_wall
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM rollup_settings WHERE name = 'themes'"))  # as before theme roll-ups
    assert run(capsys, "rollups", "--check")[1][-1] == (
        "the comment themes are not counted yet (python -m obeya rollups counts them)")
