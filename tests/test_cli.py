"""`python -m obeya`: what an operator or editor sees on the terminal, and the exit codes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from obeya.__main__ import main
from obeya.database import create_schema, make_engine, survey_responses

REPO_ROOT = Path(__file__).resolve().parent.parent
VALID = "(3 personas, 1 journey, 2 services)"


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


def test_validate_defaults_to_config_folder(capsys, monkeypatch, config_copy):
    monkeypatch.chdir(config_copy.path.parent)
    assert run(capsys, "validate") == (0, [f"config/: valid {VALID}"], [])


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
        ["config/journeys.yaml:4:14: journeys[0].persona: no persona with id 'anna' in personas.yaml"],
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
    code, out, err = run(capsys, "serve")
    assert code == 2
    assert err[-1] == (
        "python -m obeya: error: argument COMMAND: invalid choice: 'serve' (choose from 'validate', 'demo', 'import')"
    )


def test_help_lists_the_commands(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "validate" in "\n".join(out) and "demo" in "\n".join(out) and "import" in "\n".join(out)


@pytest.mark.parametrize("kind", ["responses", "ftr"])
def test_import_is_not_available_yet(capsys, kind):
    assert run(capsys, "import", kind, "survey.csv") == (2, [], ["import is not available yet"])


def test_import_of_an_unknown_kind_is_a_usage_error(capsys):
    code, _, err = run(capsys, "import", "tickets", "tickets.csv")
    assert code == 2
    assert err[-1] == (
        "python -m obeya import: error: argument kind: invalid choice: 'tickets' (choose from 'responses', 'ftr')"
    )


# --- demo ------------------------------------------------------------------


def test_demo_builds_the_database_named_in_obeya_database_url(capsys, monkeypatch, tmp_path):
    pytest.importorskip("obeya.demo")
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("OBEYA_DATABASE_URL", url)

    code, out, err = run(capsys, "demo")

    assert code == 0, err
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
        ["cannot use OBEYA_DATABASE_URL: Could not parse SQLAlchemy URL from given URL string"],
    )


# --- as a real process ------------------------------------------------------


def _python_m_obeya(*argv: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("OBEYA_")}
    return subprocess.run(
        [sys.executable, "-m", "obeya", *argv],
        cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )


def test_python_m_obeya_validate_from_the_repo_root():
    result = _python_m_obeya("validate", "tests/fixtures/config")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"tests/fixtures/config/: valid {VALID}\n",
        "",
    )


def test_python_m_obeya_validate_exits_1_on_an_invalid_config(config_copy):
    config_copy.remove("mission.yaml")
    result = _python_m_obeya("validate", str(config_copy.path))
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        f"{config_copy.path}/mission.yaml:1:1: file not found\n",
        "",
    )
