"""`python -m obeya`: what an operator or editor sees on the terminal, and the exit codes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from obeya.__main__ import main
from obeya.database import create_schema, make_engine, survey_responses
from obeya.rollups import rollup_timezone

REPO_ROOT = Path(__file__).resolve().parent.parent
VALID = "(3 personas, 1 journey, 2 services)"
SHIPPED_VALID = "(4 personas, 2 journeys, 6 services)"


@pytest.fixture(autouse=True)
def no_obeya_environment(monkeypatch):
    """Tests choose their own config and database; never the operator's, never data/obeya.db."""
    monkeypatch.delenv("OBEYA_CONFIG_DIR", raising=False)
    monkeypatch.delenv("OBEYA_DATABASE_URL", raising=False)


def run(capsys, *argv: str) -> tuple[int, list[str], list[str]]:
    """Run the command line in-process: (exit code, stdout lines, stderr lines)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


# --- validate --------------------------------------------------------------


def test_validate_valid_config(capsys, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    assert run(capsys, "validate", "tests/fixtures/config") == (
        0,
        [f"tests/fixtures/config/: valid {VALID}"],
        [],
    )


def test_validate_writes_the_folder_the_same_with_or_without_a_slash(capsys, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    assert run(capsys, "validate", "tests/fixtures/config/")[1] == [f"tests/fixtures/config/: valid {VALID}"]


def test_validate_defaults_to_the_projects_config_folder_from_the_repo_root(capsys, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    assert run(capsys, "validate") == (0, [f"config/: valid {SHIPPED_VALID}"], [])


def test_validate_defaults_to_the_projects_config_folder_from_any_folder(tmp_path):
    (tmp_path / "config").mkdir()  # a config/ in the current folder is not the wall's
    result = _python_m_obeya("validate", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        0, f"{REPO_ROOT / 'config'}/: valid {SHIPPED_VALID}\n", ""
    )


def test_validate_defaults_to_obeya_config_dir(capsys, monkeypatch, config_copy):
    monkeypatch.chdir(config_copy.path.parent)
    config_copy.path.rename(config_copy.path.parent / "team-config")
    monkeypatch.setenv("OBEYA_CONFIG_DIR", "team-config")
    assert run(capsys, "validate") == (0, [f"team-config/: valid {VALID}"], [])


def test_validate_invalid_config_prints_each_problem_with_its_path(capsys, monkeypatch, config_copy):
    config_copy.edit("wall.yaml", "rotate_seconds: 20", "rotate_seconds: soon")
    config_copy.edit("personas.yaml", '    quote: "A frozen', '    qoute: "A frozen')
    config_copy.edit("journeys.yaml", "  - id: night-breakdown", "  - id: Night Breakdown")
    monkeypatch.chdir(config_copy.path.parent)

    assert run(capsys, "validate", "config") == (
        1,
        [
            "config/wall.yaml:7:17: rotate_seconds: must be a whole number, not 'soon'",
            "config/personas.yaml:5:5: unknown key 'qoute' in personas[0] (did you mean 'quote'?)",
            "config/journeys.yaml:2:9: journeys[0].id: 'Night Breakdown' is not a usable id: "
            "use lower-case letters, digits, - and _ (like night-breakdown)",
        ],
        [],
    )


def test_validate_reports_a_broken_reference(capsys, monkeypatch, config_copy):
    config_copy.edit("journeys.yaml", "persona: ana", "persona: anna")
    monkeypatch.chdir(config_copy.path.parent)
    assert run(capsys, "validate", "config/") == (
        1,
        ["config/journeys.yaml:4:14: journeys[0].persona: unknown persona 'anna' (did you mean 'ana'?)"],
        [],
    )


def test_validate_missing_folder(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "validate", "nowhere") == (1, ["nowhere: no such folder"], [])


def test_validate_a_file_instead_of_a_folder(capsys, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    assert run(capsys, "validate", "tests/fixtures/config/wall.yaml") == (
        1,
        ["tests/fixtures/config/wall.yaml: not a folder"],
        [],
    )


# --- usage -----------------------------------------------------------------


def test_no_command_shows_usage(capsys):
    code, out, err = run(capsys)
    assert code == 2
    assert out == []
    assert err == [
        "usage: python -m obeya [-h] COMMAND ...",
        "python -m obeya: error: the following arguments are required: COMMAND",
    ]


def test_unknown_command_shows_usage(capsys):
    code, out, err = run(capsys, "nonsense")
    assert code == 2
    assert err[-1] == (
        "python -m obeya: error: argument COMMAND: invalid choice: 'nonsense' "
        "(choose from 'validate', 'demo', 'import', 'rollups', 'schema', 'serve', 'preview', 'snapshot', 'themes', "
        "'annotations', 'walls')"
    )


def test_help_lists_the_commands(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "validate" in "\n".join(out) and "demo" in "\n".join(out) and "import" in "\n".join(out)


def test_import_of_an_unknown_kind_is_a_usage_error(capsys):
    code, _, err = run(capsys, "import", "tickets", "tickets.csv")
    assert code == 2
    assert err[-1] == (
        "python -m obeya import: error: argument kind: invalid choice: 'tickets' (choose from 'responses', 'ftr')"
    )


# --- import ----------------------------------------------------------------
#
# What each exit code means; the import rules themselves are in test_importer.py.

IMPORTS = REPO_ROOT / "tests" / "fixtures" / "imports"


@pytest.fixture
def import_database(monkeypatch, tmp_path) -> str:
    """OBEYA_DATABASE_URL for the import tests: a fresh SQLite file."""
    url = f"sqlite:///{tmp_path / 'wall.db'}"
    monkeypatch.setenv("OBEYA_DATABASE_URL", url)
    monkeypatch.chdir(IMPORTS)
    return url


def test_import_exits_0_and_sums_up_what_it_did(capsys, import_database):
    assert run(capsys, "import", "ftr", "jira-ftr.tsv") == (
        0,
        [
            f"Importing first-time-right results from jira-ftr.tsv (UTF-8, tab-separated) into {import_database}",
            'Columns: ticket_id="Issue key", service=Component/s, resolved_at=Resolved, '
            'first_time_right="First time right", reopened="Reopen count", reassigned="Reassignment count"',
            "jira-ftr.tsv: 6 rows read: 6 imported, 0 duplicates skipped, 0 rejected",
        ],
        [],
    )


def test_import_exits_1_and_imports_nothing_when_a_row_is_invalid(capsys, import_database):
    code, out, err = run(capsys, "import", "responses", "helpdesk-latin1-semicolon.csv")
    assert (code, out[-1], err) == (
        1,
        "helpdesk-latin1-semicolon.csv: 8 rows read, 3 rejected: nothing imported "
        "(--skip-invalid imports the valid rows)",
        [],
    )


def test_import_with_skip_invalid_exits_0_with_rejected_rows(capsys, import_database):
    code, out, _ = run(capsys, "import", "responses", "helpdesk-latin1-semicolon.csv", "--skip-invalid")
    assert (code, out[-1]) == (
        0, "helpdesk-latin1-semicolon.csv: 8 rows read: 5 imported, 0 duplicates skipped, 3 rejected"
    )


def test_import_of_a_file_that_is_not_there_exits_1(capsys, import_database):
    assert run(capsys, "import", "responses", "survey.csv") == (
        1, ["survey.csv: no such file", "survey.csv: nothing imported"], []
    )


@pytest.mark.parametrize(
    "options, error",
    [
        (["--map", "scor=Rating"], "argument --map: no column 'scor' for responses (use one of response_id, "
                                   "ticket_id, service, responded_at, score, comment, factors)"),
        (["--map", "score=A", "--map", "score=B"], "argument --map: score is mapped twice"),
        (["--map", "score"], "argument --map: 'score' is not COLUMN=HEADER (like score=Rating)"),
        (["--dayfirst", "--monthfirst"], "argument --monthfirst: not allowed with argument --dayfirst"),
        (["--timezone", "Mars/Olympus"], "argument --timezone: unknown time zone 'Mars/Olympus' "
                                         "(use an IANA name like Europe/Amsterdam)"),
    ],
)
def test_import_usage_errors_exit_2(capsys, import_database, options, error):
    code, out, err = run(capsys, "import", "responses", "zones.csv", *options)
    assert (code, out, err[-1]) == (2, [], f"python -m obeya import: error: {error}")


def test_import_with_an_unusable_database_url_says_so(capsys, import_database, monkeypatch):
    monkeypatch.setenv("OBEYA_DATABASE_URL", "not-a-url")
    assert run(capsys, "import", "responses", "zones.csv") == (
        1, [], ["cannot use OBEYA_DATABASE_URL: not a database URL: use for example postgresql://user@host/db, "
                "mariadb://user@host/db or sqlite:///path/to/file.db"]
    )


def test_import_that_the_database_refuses_imports_nothing_and_exits_1(capsys, import_database, monkeypatch):
    import obeya.importer
    from sqlalchemy.exc import OperationalError

    def refuse(self, chunk):
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(obeya.importer._Writer, "write", refuse)
    code, out, err = run(capsys, "import", "responses", "zones.csv")
    assert (code, out[-1], err) == (
        1, "zones.csv: nothing imported", [f"cannot import into {import_database}: disk I/O error"]
    )


def test_import_whose_rollups_cannot_be_counted_imports_nothing_and_exits_1(capsys, import_database, monkeypatch):
    import obeya.importer
    from sqlalchemy.exc import OperationalError

    def refuse(connection, zone, utc_days, rules):
        raise OperationalError("DELETE", {}, Exception("database is locked"))

    monkeypatch.setattr(obeya.importer, "recount_written_days", refuse)
    code, out, err = run(capsys, "import", "responses", "zones.csv")
    assert (code, out[-1], err) == (
        1,
        "zones.csv: nothing imported",
        [f"cannot count the wall's daily roll-ups in {import_database}: database is locked"],
    )
    with make_engine(import_database).connect() as connection:
        assert connection.execute(select(func.count()).select_from(survey_responses)).scalar_one() == 0


class _Terminal:
    """A stand-in for stderr on a terminal."""

    def __init__(self) -> None:
        self.written = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> None:
        self.written += text

    def flush(self) -> None:
        pass


def test_import_draws_a_progress_bar_on_a_terminal_and_wipes_it(capsys, import_database, monkeypatch):
    import obeya.import_command

    terminal = _Terminal()
    monkeypatch.setattr(obeya.import_command, "PROGRESS_MIN_BYTES", 0)
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["import", "responses", "zones.csv"]) == 0
    bar = "\r100% [" + "#" * 30 + "] 6 rows"
    assert terminal.written == bar + "\r" + " " * (len(bar) - 1) + "\r"


def test_import_draws_no_progress_bar_when_stderr_is_not_a_terminal(capsys, import_database, monkeypatch):
    import obeya.import_command

    monkeypatch.setattr(obeya.import_command, "PROGRESS_MIN_BYTES", 0)
    assert run(capsys, "import", "responses", "zones.csv")[2] == []


# --- demo ------------------------------------------------------------------


def test_demo_builds_the_database_named_in_obeya_database_url(capsys, monkeypatch, tmp_path):
    pytest.importorskip("obeya.demo")
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("OBEYA_DATABASE_URL", url)

    code, out, err = run(capsys, "demo", "--config", str(REPO_ROOT / "tests" / "fixtures" / "config"))

    assert code == 0, err
    assert rollup_timezone(make_engine(url)) == "Europe/Berlin"  # the days of that wall.yaml
    assert out[0] == f"Building demo data in {url} ..."
    assert re.fullmatch(
        r"Demo data ready: [\d,]+ survey responses and [\d,]+ resolved tickets, \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\.",
        out[1],
    ), out[1]


def test_demo_will_not_overwrite_data_in_obeya_database_url_without_force(capsys, monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'tickets.db'}"
    engine = make_engine(url)
    create_schema(engine)
    with engine.begin() as connection:
        connection.execute(insert(survey_responses), [dict(
            response_id="R-1", ticket_id="INC0000001", service="lims", responded_at=datetime(2024, 3, 1), score=9,
        )])
    engine.dispose()
    monkeypatch.setenv("OBEYA_DATABASE_URL", url)

    assert run(capsys, "demo") == (
        1,
        [],
        [f"{url} already holds 1 survey response and 0 resolved tickets; pass --force to replace them with demo data"],
    )


def test_demo_with_an_unusable_database_url_says_so(capsys, monkeypatch):
    monkeypatch.setenv("OBEYA_DATABASE_URL", "not-a-url")
    assert run(capsys, "demo") == (
        1,
        [],
        ["cannot use OBEYA_DATABASE_URL: not a database URL: use for example postgresql://user@host/db, "
         "mariadb://user@host/db or sqlite:///path/to/file.db"],
    )


# --- as a real process ------------------------------------------------------


def _python_m_obeya(*argv: str, database_url: str | None = None, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("OBEYA_")}
    environment["PYTHONPATH"] = str(REPO_ROOT)  # as if installed: found from any folder
    if database_url:
        environment["OBEYA_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "obeya", *argv],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=60,
    )


def test_python_m_obeya_validate_from_the_repo_root():
    result = _python_m_obeya("validate", "tests/fixtures/config")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"tests/fixtures/config/: valid {VALID}\n",
        "",
    )


def test_python_m_obeya_import_twice_adds_nothing_the_second_time(tmp_path):
    url = f"sqlite:///{tmp_path / 'wall.db'}"
    first = _python_m_obeya("import", "responses", "tests/fixtures/imports/zones.csv", database_url=url)
    second = _python_m_obeya("import", "responses", "tests/fixtures/imports/zones.csv", database_url=url)
    assert (first.returncode, first.stdout.splitlines()[-1], first.stderr) == (
        0, "tests/fixtures/imports/zones.csv: 6 rows read: 6 imported, 0 duplicates skipped, 0 rejected", ""
    )
    assert (second.returncode, second.stdout.splitlines()[-1], second.stderr) == (
        0, "tests/fixtures/imports/zones.csv: 6 rows read: 0 imported, 6 duplicates skipped, 0 rejected", ""
    )


def test_python_m_obeya_validate_exits_1_on_an_invalid_config(config_copy):
    config_copy.remove("mission.yaml")
    result = _python_m_obeya("validate", str(config_copy.path))
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        f"{config_copy.path}/mission.yaml:1:1: file not found\n",
        "",
    )


def test_schema_writes_one_schema_per_config_file(capsys, config_copy):
    code, out, err = run(capsys, "schema", str(config_copy.path))
    assert code == 0
    written = sorted(path.name for path in (config_copy.path / "schema").iterdir())
    assert written == ["actions.schema.json", "annotations.schema.json", "journeys.schema.json", "mission.schema.json",
                       "personas.schema.json", "services.schema.json", "sources.schema.json", "standup.schema.json",
                       "themes.schema.json", "wall.schema.json"]
    assert len(out) == 10 and all(line.startswith("wrote ") for line in out)


def test_validate_runs_the_teams_own_sql_and_names_a_missing_column(capsys, monkeypatch, config_copy, tmp_path):
    from obeya.database import create_schema, make_engine

    url = f"sqlite:///{tmp_path / 'own.db'}"
    create_schema(make_engine(url))
    monkeypatch.setenv("OBEYA_DATABASE_URL", url)
    config_copy.write("sources.yaml", "# our reporting replica\n"
                                      "responses: SELECT response_id, ticket_id, service, score FROM survey_responses\n")
    monkeypatch.chdir(config_copy.path.parent)
    assert run(capsys, "validate", "config") == (
        1,
        ["config/sources.yaml:2:12: responses: the query returns no column 'responded_at' "
         "(it returns: response_id, ticket_id, service, score)"],
        [],
    )


def test_validate_warns_about_services_in_the_data_that_services_yaml_does_not_know(capsys, monkeypatch, config_copy,
                                                                                    tmp_path):
    url = f"sqlite:///{tmp_path / 'wall.db'}"
    monkeypatch.setenv("OBEYA_DATABASE_URL", url)
    monkeypatch.chdir(config_copy.path.parent)
    engine = make_engine(url)
    create_schema(engine)
    with engine.begin() as connection:
        connection.execute(insert(survey_responses), [
            {"response_id": f"R-{n}", "ticket_id": f"T-{n}", "service": service,
             "responded_at": datetime(2026, 3, 2, 9), "score": 9}
            for n, service in enumerate(["lims", "Clinical workstations", "Printers", "Clinical workstations"])])
    from obeya.rollups import refresh_rollups

    refresh_rollups(engine, zone="Europe/Berlin")
    assert run(capsys, "validate", "config") == (0, [
        'config/services.yaml:2:3: warning: 3 rows in the database name a service that is not in services.yaml: '
        '"Clinical workstations" (2), "Printers" (1); add each as an alias of its service',
        f"config/: valid {VALID}",
    ], [])


def test_validate_says_when_the_roll_ups_count_days_in_another_zone(capsys, monkeypatch, config_copy, tmp_path):
    from tests.test_engine import fill

    url = f"sqlite:///{tmp_path / 'wall.db'}"
    fill(url)
    from obeya.rollups import refresh_rollups

    refresh_rollups(make_engine(url), zone="UTC")
    monkeypatch.setenv("OBEYA_DATABASE_URL", url)
    monkeypatch.chdir(config_copy.path.parent)
    assert run(capsys, "validate", "config") == (0, [
        "config/wall.yaml: warning: the roll-ups count days in UTC, not in Europe/Berlin; the wall only reads, so it "
        "shows days in UTC until 'python -m obeya rollups' re-counts them",
        f"config/: valid {VALID}",
    ], [])


def test_validate_warns_about_a_database_user_that_may_do_more_than_read(capsys, monkeypatch, config_copy, tmp_path):
    from tests.db_servers import fresh_database
    from tests.test_engine import fill

    with fresh_database("postgresql", tmp_path) as url:
        fill(url)
        monkeypatch.setenv("OBEYA_DATABASE_URL", url)
        monkeypatch.chdir(config_copy.path.parent)
        code, out, err = run(capsys, "validate", "config")
    assert code == 0 and out[-1] == f"config/: valid {VALID}"
    warnings = [line for line in out if line.startswith("database: warning: ")]
    assert len(warnings) == 3
    assert "superuser" in warnings[0]
    assert all('"A read-only database user"' in warning for warning in warnings)


def test_snapshot_without_chromium_says_how_to_install_it(monkeypatch, tmp_path, capsys):
    from obeya import picture_command

    monkeypatch.setattr(picture_command, "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setattr(picture_command.shutil, "which", lambda name: None)
    assert main(["snapshot", "--out", str(tmp_path / "wall.pdf")]) == 1
    assert capsys.readouterr().err == (
        f"obeya snapshot: no Chromium at {tmp_path / 'no-chromium'} or on PATH: install it (apt-get install "
        "chromium) and take the snapshot again\n")
    assert not (tmp_path / "wall.pdf").exists()


def test_the_snapshots_pdf_has_one_page_per_picture_at_16_to_9():
    import io

    import pypdf
    from obeya.picture_command import jpeg_pdf

    # The smallest baseline JPEG header that names its size (SOI, SOF0 of 4x2 pixels): enough for the writer.
    picture = bytes.fromhex("ffd8ffc0000b080002000401011100ffd9")
    pdf = pypdf.PdfReader(io.BytesIO(jpeg_pdf([picture] * 3, (3840, 2160))))
    assert len(pdf.pages) == 3
    assert [(float(page.mediabox.width), float(page.mediabox.height)) for page in pdf.pages] == [(2880, 1620)] * 3
    image = pdf.pages[0]["/Resources"]["/XObject"]["/Picture"].get_object()
    assert (image["/Width"], image["/Height"], image["/Filter"]) == (4, 2, "/DCTDecode")
