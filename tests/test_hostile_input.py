"""Hostile input: random YAML for the config loader, random CSV for the importer.

Whatever a team types into its config folder, or whatever export an operator
hands to `python -m obeya import`, the answer is success or a clear error —
`ConfigError` / `ImportFileError`, or exit code 1 or 2 with a message — and
never a traceback.

The property tests explore with hypothesis. Each crash they found is pinned
by a named example further down, so it stays fixed.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, currently_in_test_context, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, insert, select

from obeya.__main__ import main
from obeya.config import CONFIG_FILES, PANEL_IDS, ConfigError, load_config
from obeya.database import create_schema, ftr_daily, ftr_results, make_engine, nps_daily, survey_responses
from obeya.rollups import refresh_rollups
from obeya.csvfile import ImportFileError
from obeya.headers import IMPORT_KINDS, ImportKind, normalised_header
from obeya.importer import ImportResult, import_csv
from obeya.themes import split_factors
from obeya.values import FALSE_WORDS, TRUE_WORDS

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_CONFIG_DIR = Path(__file__).resolve().parent / "fixtures" / "config"

# A moderate number of examples per test keeps the whole file well under a minute on two cores.
fuzz = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def outcome(label: str) -> None:
    """Count an outcome for `pytest --hypothesis-show-statistics`, to see the inputs get somewhere."""
    if currently_in_test_context():
        event(label)


# =============================================================================
# The config loader
# =============================================================================

# Valid optional files (tests/fixtures/config has only actions.yaml), to give the mutations something to break.
OPTIONAL_EXAMPLES = {
    "annotations.yaml": (
        "annotations:\n"
        "  - date: 2026-08-19\n"
        "    text: New analyser firmware\n"
        "    service: analysers\n"
        "  - date: 2026-09-07\n"
        "    text: Night line staffed\n"
    ),
    "sources.yaml": (
        "responses: |\n"
        "  SELECT id AS response_id, ticket AS ticket_id, service, created AS responded_at, score\n"
        "  FROM survey -- the wall only reads\n"
        "ftr: SELECT ticket_id, service, resolved_at, first_time_right FROM tickets\n"
    ),
    "themes.yaml": (
        "themes:\n"
        "  - id: waiting\n"
        "    name: Waiting without news\n"
        "    cause: process\n"
        "    phrases: [waited, no update]\n"
        "    factors: [Speed of service]\n"
    ),
    "actions.yaml": (
        "actions:\n"
        "  - id: night-engineer\n"
        "    title: An analyser engineer on call every night\n"
        "    owner: Marta Nowak\n"
        "    status: done\n"
        "    started: 2026-08-19\n"
        "    due: 2026-09-30\n"
        "    done: 2026-09-07\n"
        "    links: {service: analysers, journey: night-breakdown, stage: Calls for help}\n"
    ),
    "standup.yaml": (
        'starts: ["09:15"]\n'
        "days: [mon, wed, fri]\n"
        "agenda:\n"
        "  - {panel: nps, minutes: 3, who: Priya}\n"
        "  - {panel: personas, minutes: 1.5, page: 1}\n"
        "  - voices\n"
    ),
}
VALID_FILES = {
    name: OPTIONAL_EXAMPLES[name] if name in OPTIONAL_EXAMPLES else (TEST_CONFIG_DIR / name).read_text(encoding="utf-8")
    for name in CONFIG_FILES
}
# Another file may complain about a replaced one only by naming what it no longer finds there.
CROSS_REFERENCE = re.compile(r"no (persona|service) with id |panel '[^']*' is not on the wall")
# The keys the models know, so random documents get past "unknown key" and into the values.
MODEL_KEYS = (
    "title", "team", "theme", "timezone", "rotate_seconds", "idle_resume_seconds", "refresh_seconds",
    "daily_reload_at", "panels", "id", "seconds", "nps", "period", "target", "min_responses", "periods_shown",
    "voices", "count", "days", "hide", "statement", "promise", "values", "personas", "name", "role", "quote",
    "avatar", "goals", "frustrations", "needs", "channels", "services", "expected_experience", "nps_target",
    "ftr_target", "journeys", "persona", "stages", "emotion", "actions", "touchpoints", "pain_points",
    "opportunities", "annotations", "date", "text", "service", "responses", "ftr", "themes", "cause", "phrases",
    "factors", "owner", "status", "started", "due", "done", "links", "theme", "journey", "stage",
    "starts", "agenda", "panel", "minutes", "who", "page", "overrun_minutes",
)


# --- a canary for unsafe loading ------------------------------------------------

CONSTRUCTED: list[object] = []  # anything a `!!python/...` tag managed to build or call


class Canary:
    """Built only by a loader that honours `!!python/object` tags, which a safe loader refuses."""

    def __init__(self, *args, **kwargs) -> None:
        CONSTRUCTED.append(self)

    def __setstate__(self, state) -> None:
        CONSTRUCTED.append(self)


def canary(*args) -> None:
    CONSTRUCTED.append(args)


PYTHON_TAGS = (
    f"!!python/object:{__name__}.Canary",
    f"!!python/object/new:{__name__}.Canary",
    f"!!python/object/apply:{__name__}.canary",
    f"!!python/name:{__name__}.canary",
    "!!python/module:os",
)


# --- what a clear answer looks like -------------------------------------------


def yaml_lines(text: str) -> int:
    """How many lines YAML sees in `text` as the loader reads it (universal newlines, then YAML's own breaks)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return 1 + sum(text.count(brk) for brk in ("\n", "\x85", "\u2028", "\u2029"))


def load_or_explain(folder: Path, replaced: str, text: str | None = None) -> None:
    """Load `folder`, in which only `replaced` differs from a valid config (now holding `text`, if it
    is text): it loads, or its ConfigError locates every problem in a config file. Any other
    exception escapes, and is the crash the test reports."""
    CONSTRUCTED.clear()
    try:
        load_config(folder)
        outcome("loads")
    except ConfigError as error:
        outcome("ConfigError")
        assert error.problems, "a ConfigError that names no problem"
        for problem in error.problems:
            assert problem.file in CONFIG_FILES, problem
            if problem.file != replaced:
                assert CROSS_REFERENCE.search(problem.message), f"{replaced} was replaced, but: {problem}"
            assert isinstance(problem.line, int) and problem.line >= 1, problem
            assert isinstance(problem.column, int) and problem.column >= 1, problem
            if text is not None and problem.file == replaced:
                assert problem.line <= yaml_lines(text), f"{problem} is past the end of the file"
            assert isinstance(problem.message, str) and problem.message.strip(), problem
            assert "Traceback" not in problem.message, problem
            assert str(problem) == f"{problem.file}:{problem.line}:{problem.column}: {problem.message}"
    assert not CONSTRUCTED, f"a !!python tag built {CONSTRUCTED!r}: the config must be loaded safely"


def config_folder(tmp: str) -> Path:
    """A valid config folder in `tmp`: the test config plus the two optional files."""
    folder = Path(tmp) / "config"
    shutil.copytree(TEST_CONFIG_DIR, folder)
    for name, text in OPTIONAL_EXAMPLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def check_replaced(name: str, content: str | bytes) -> None:
    """Replace config file `name` with `content` in a fresh valid folder and load it."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = config_folder(tmp)
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                text = None
        else:
            (folder / name).write_text(content, encoding="utf-8")
            text = content
        load_or_explain(folder, name, text)


# --- strategies -------------------------------------------------------------------

# Plain characters, controls and all, but no lone surrogates: those cannot be written as UTF-8.
characters = st.characters(codec="utf-8")
YAML_TOKENS = (
    ": ", "- ", "? ", "{", "}", "[", "]", ", ", "&a ", "*a", "&b ", "*b", "<<: ", "!!str ", "!local ",
    "#", "'", '"', "|", ">-", "\t", "\n", "\r\n", "  ", "    ", "---\n", "...\n", "%YAML 1.1\n",
    "%TAG !e! tag:example.com,2000:\n", "@", "`", "\\", "\x00", "\x07", "\x1b", "\x7f", "\ufeff", "\x85", "\u2028",
    "~", "null", "yes", "0o17", "1_000", ".inf", "-.nan", "2026-08-19", "04:00", "12:30:00",
    *PYTHON_TAGS, *(f"{key}: " for key in MODEL_KEYS[:12]),
)
hostile_text = st.lists(
    st.one_of(st.sampled_from(YAML_TOKENS), st.text(characters, max_size=6)), max_size=40
).map("".join)



@st.composite
def text_with_a_stray_byte(draw) -> bytes:
    """Mostly YAML, with a byte sequence that is not UTF-8 somewhere inside."""
    data = draw(hostile_text).encode("utf-8")
    at = draw(st.integers(0, len(data)))
    stray = draw(st.sampled_from([b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80", b"\xe2\x82"]))
    return data[:at] + stray + data[at:]


hostile_bytes = st.one_of(st.binary(max_size=300), text_with_a_stray_byte())

# Scalars yaml.safe_dump can write; none of them is an impossible date or a 4,300-digit number
# (those crash the loader today: see KNOWN_CONFIG_CRASHES; widen these once fixed).
yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(characters, max_size=20),
    st.dates(), st.datetimes(), st.sampled_from(PANEL_IDS + ("ana", "analysers", "lims", "UTC", "Europe/Berlin")),
)
yaml_keys = st.one_of(st.sampled_from(MODEL_KEYS), st.text(characters, max_size=10), st.integers(), st.none())
nested_data = st.recursive(
    yaml_scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(yaml_keys, children, max_size=5),
    max_leaves=25,
)
random_documents = st.builds(
    lambda data, flow, unicode: yaml.safe_dump(data, default_flow_style=flow, allow_unicode=unicode, sort_keys=False),
    st.one_of(st.dictionaries(st.sampled_from(MODEL_KEYS), nested_data, max_size=8), nested_data),
    st.sampled_from([False, True, None]),
    st.booleans(),
)

INDENTS = ("", " ", "  ", "   ", "    ", "      ", "\t", "  \t")
inserted_values = st.one_of(
    st.sampled_from(["", "[]", "{}", "~", "null", "-1", "0", "1e9", ".nan", "-.inf", "''", '""', "|", ">", "yes",
                     "2026-08-19", "[a, b", "{a: 1", "*a", "&a x", *PYTHON_TAGS]),
    st.text(characters, max_size=15),
)


@st.composite
def mutations(draw, name: str) -> str:
    """The valid `name`, with one to three lines deleted, duplicated, re-indented or added."""
    lines = VALID_FILES[name].splitlines()
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        change = draw(st.sampled_from(["delete", "duplicate", "indent", "add key"]))
        if change == "delete" and lines:
            del lines[at]
        elif change == "duplicate" and lines:
            lines.insert(at, lines[at])
        elif change == "indent" and lines:
            lines[at] = draw(st.sampled_from(INDENTS)) + lines[at].lstrip(" ")
        else:
            key = draw(st.one_of(st.sampled_from(MODEL_KEYS), st.text(characters, min_size=1, max_size=10)))
            lines.insert(at, f"{draw(st.sampled_from(INDENTS))}{key}: {draw(inserted_values)}")
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))


# --- properties ---------------------------------------------------------------


def test_the_starting_folder_is_valid():
    """Every property below breaks one file of this folder; it must load as it is."""
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(config_folder(tmp))
    assert [note.text for note in config.annotations] == ["New analyser firmware", "Night line staffed"]
    assert config.sources.ftr is not None


def test_the_canary_notices_an_unsafe_loader():
    """The check for safe loading is worth something only if an unsafe loader trips it."""
    CONSTRUCTED.clear()
    yaml.unsafe_load(f"title: {PYTHON_TAGS[0]} {{}}\nteam: {PYTHON_TAGS[2]} []\n")
    assert len(CONSTRUCTED) == 2
    CONSTRUCTED.clear()


@pytest.mark.parametrize("name", CONFIG_FILES)
@fuzz
@given(text=hostile_text)
def test_a_file_of_random_text_loads_or_says_where(name, text):
    check_replaced(name, text)


@pytest.mark.parametrize("name", CONFIG_FILES)
@fuzz
@given(content=hostile_bytes)
def test_a_file_of_random_bytes_loads_or_says_where(name, content):
    check_replaced(name, content)


@pytest.mark.parametrize("name", CONFIG_FILES)
@fuzz
@given(text=random_documents)
def test_a_file_of_random_yaml_data_loads_or_says_where(name, text):
    check_replaced(name, text)


@pytest.mark.parametrize("name", CONFIG_FILES)
@fuzz
@given(data=st.data())
def test_a_mangled_real_file_loads_or_says_where(name, data):
    check_replaced(name, data.draw(mutations(name)))


@pytest.mark.parametrize("name", CONFIG_FILES)
@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_python_tags_are_refused_not_run(name, tag):
    check_replaced(name, f"{VALID_FILES[name]}\nextra: {tag} []\n")
    with tempfile.TemporaryDirectory() as tmp:
        folder = config_folder(tmp)
        (folder / name).write_text(f"{tag} {{}}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="could not determine a constructor"):
            load_config(folder)
    assert not CONSTRUCTED


# --- crashes found, pinned until fixed ------------------------------------------

PERSONA = "personas:\n  - id: ana\n    name: Ana Costa\n    role: Lab technician\n    quote: Samples first.\n"
KNOWN_CONFIG_CRASHES = [
    # PyYAML builds a timestamp for anything shaped like a date and lets datetime's ValueError escape.
    pytest.param("annotations.yaml", "annotations:\n  - date: 2026-02-30\n    text: Leap day\n", id="impossible-date"),
    pytest.param("wall.yaml", "title: 2026-13-45\nteam: Lab\n", id="date-shaped-title"),
    # int() refuses more than 4,300 decimal digits (CVE-2020-10735 limit) with a ValueError.
    pytest.param("wall.yaml", "title: Lab\nteam: Lab\nrotate_seconds: 1" + "0" * 4300 + "\n", id="huge-int"),
    # A hex int is built fine, but the message "must be text, not {value!r}" cannot repr it.
    pytest.param("wall.yaml", "title: 0x" + "f" * 4000 + "\nteam: Lab\n", id="huge-int-in-message"),
    # Explicit tags call int()/float()/dict lookups on the raw text; their errors escape.
    pytest.param("wall.yaml", "title: Lab\nteam: Lab\nrotate_seconds: !!int twenty\n", id="int-tag"),
    pytest.param("wall.yaml", "title: Lab\nteam: Lab\nrotate_seconds: !!int ''\n", id="empty-int-tag"),
    pytest.param("services.yaml", "services:\n  - id: x\n    nps_target: !!float high\n", id="float-tag"),
    pytest.param("wall.yaml", "title: Lab\nteam: Lab\ntheme: !!bool maybe\n", id="bool-tag"),
    pytest.param("annotations.yaml", "annotations:\n  - date: !!timestamp soon\n    text: x\n", id="timestamp-tag"),
    # An anchor used inside itself: safe_load builds a cyclic list, _repeated_keys recurses forever.
    pytest.param("wall.yaml", "title: Lab\nteam: Lab\npanels: &loop [mission, *loop]\n", id="recursive-alias"),
    pytest.param("mission.yaml", "&loop {statement: *loop, promise: x}\n", id="recursive-mapping"),
    # PyYAML's composer recurses once per level of nesting.
    pytest.param("mission.yaml", "statement: " + "[" * 5000 + "]" * 5000 + "\npromise: x\n", id="deep-nesting"),
    # Path.is_file() raises for a name longer than the file system allows (ENAMETOOLONG).
    pytest.param("personas.yaml", PERSONA + "    avatar: " + "a" * 300 + ".png\n", id="avatar-name-too-long"),
]


@pytest.mark.parametrize(("name", "text"), KNOWN_CONFIG_CRASHES)
def test_known_crash_inputs_give_a_config_error(name, text):
    check_replaced(name, text)


def test_a_control_character_is_located_on_one_line():
    with tempfile.TemporaryDirectory() as tmp:
        folder = config_folder(tmp)
        (folder / "wall.yaml").write_text("title: Lab\x01\nteam: Lab\n", encoding="utf-8")
        with pytest.raises(ConfigError) as raised:
            load_config(folder)
    [problem] = raised.value.problems
    assert (problem.file, problem.line, problem.column) == ("wall.yaml", 1, 11)
    assert "\n" not in problem.message and "<unicode string>" not in problem.message


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """personas.yaml whose first persona's goals expand to width**levels strings through aliases."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    lines.append(PERSONA.rstrip("\n"))
    lines.append(f"    goals: [{', '.join([f'*l{levels - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


# Run in a child process: a hung thread cannot be stopped, a process can, and it gets a memory ceiling.
BOMB_LOADER = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from obeya.config import ConfigError, load_config
try:
    load_config(sys.argv[1])
except ConfigError as error:
    print("ConfigError:", str(error).splitlines()[0][:200])
else:
    print("loaded")
"""
BOMB_SECONDS = 10  # a linear loader takes milliseconds; the margin is for a busy CI machine


def test_a_billion_laughs_alias_bomb_is_answered_quickly():
    with tempfile.TemporaryDirectory() as tmp:
        folder = config_folder(tmp)
        (folder / "personas.yaml").write_text(alias_bomb(), encoding="utf-8")
        try:
            child = subprocess.run(
                [sys.executable, "-c", BOMB_LOADER, str(folder)],
                cwd=REPO_ROOT, capture_output=True, text=True, timeout=BOMB_SECONDS,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"load_config was still busy after {BOMB_SECONDS} s (killed)")
    assert child.returncode == 0, child.stderr
    assert child.stdout == ("ConfigError: personas.yaml:5:10: YAML aliases expand to more than 10,000 values; "
                            "a config file may hold at most 10,000\n")


def test_a_small_alias_bomb_is_answered(tmp_path):
    """The same shape, small enough to expand: aliases as such are fine."""
    folder = config_folder(str(tmp_path))
    (folder / "personas.yaml").write_text(alias_bomb(levels=3, width=3), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(folder)
    assert "personas.yaml:1:1: unknown key 'l0'" in str(raised.value)


# =============================================================================
# The importer
# =============================================================================

SEED_ROWS = {
    survey_responses: {"response_id": "R-SEED", "ticket_id": "T-SEED", "service": "analysers",
                       "responded_at": datetime(2025, 6, 1, 12), "score": 9, "comment": None},
    ftr_results: {"ticket_id": "T-SEED", "service": "analysers", "resolved_at": datetime(2025, 6, 1, 12),
                  "first_time_right": True, "reopened": None, "reassigned": False},
}


def seeded_wall(tmp: str) -> Engine:
    """A wall database in `tmp` holding one row of each kind and its roll-ups."""
    engine = make_engine(f"sqlite:///{tmp}/wall.db")
    create_schema(engine)
    with engine.begin() as connection:
        for table, row in SEED_ROWS.items():
            connection.execute(insert(table).values(**row))
    refresh_rollups(engine)
    return engine


@dataclass(frozen=True)
class WallRows:
    responses: int
    ftr_results: int


def checked_rows(engine: Engine) -> WallRows:
    """Read back every row: each is one the wall can show, and the daily roll-ups count them all."""
    with engine.connect() as connection:
        responses = connection.execute(select(survey_responses)).mappings().all()
        results = connection.execute(select(ftr_results)).mappings().all()
        counted_responses = connection.execute(select(func.sum(nps_daily.c.responses))).scalar() or 0
        counted_results = connection.execute(select(func.sum(ftr_daily.c.resolved))).scalar() or 0
    for row in responses:
        assert type(row["score"]) is int and 0 <= row["score"] <= 10, row
        assert isinstance(row["responded_at"], datetime), row
        assert row["comment"] is None or (isinstance(row["comment"], str) and row["comment"].strip()), row
        assert row["factors"] is None or "; ".join(split_factors(row["factors"])) == row["factors"] != "", row
    for row in results:
        assert type(row["first_time_right"]) is bool, row
        assert row["reopened"] in (None, True, False) and row["reassigned"] in (None, True, False), row
        assert isinstance(row["resolved_at"], datetime), row
    for row in [*responses, *results]:
        for key in ("response_id", "ticket_id", "service"):
            if key in row:
                assert isinstance(row[key], str) and row[key] == row[key].strip() and 1 <= len(row[key]) <= 64, row
    assert (counted_responses, counted_results) == (len(responses), len(results)), "roll-ups out of step"
    return WallRows(len(responses), len(results))


def rows_of(kind: ImportKind, rows: WallRows) -> int:
    return rows.responses if kind.table is survey_responses else rows.ftr_results


# --- strategies -------------------------------------------------------------------
#
# Kept out, as they crash the importer today (see KNOWN_IMPORT_CRASHES): timestamps near year 1 or
# 9999 and zone offsets of a day or more, counts of more than 4,300 digits, header lines longer
# than csv's field limit, and UTF-16 files whose bytes are not UTF-16: widen these once fixed.
# Timestamps stay within 2025 because the roll-up refresh walks every hour between the earliest
# and latest row (a file spanning 1900 to 2025 takes seconds to import).

words = st.text(characters, max_size=30)


def one_in(n: int) -> st.SearchStrategy[bool]:
    """True about one time in `n` (False is the simplest choice, so shrinking heads towards it)."""
    return st.sampled_from([False] * (n - 1) + [True])


HOSTILE_VALUES = st.one_of(
    st.sampled_from([
        "", " ", "NaN", "nan", "-nan", "inf", "-Infinity", "-1", "-0", "1e309", "0x10", "١٠", "½", "10.5", "9,5",
        "null", "None", "N/A", "TRUE", "\x00", "=1+1", "\ufeff", '"', '""', "'", ",", ";", "\t", "\n", "\r\n", "\r",
        "a\nb", 'say "hi"', "\u202e", "🙂", "R-SEED", "T-SEED", "sep=;",
    ]),
    st.integers(-(10**100), 10**100).map(str),
    st.floats().map(str),
    words,
    st.text(characters, min_size=60, max_size=300),
    st.builds(lambda count, char: char * count, st.sampled_from([64, 65, 4000, 131_073]), st.sampled_from("x9é\"")),
)
ids = st.one_of(st.sampled_from(["R1", "R2", "R3", "T-1", "T-2", "R-SEED", "T-SEED", " R1 ", "r1"]),
                st.text(characters, min_size=1, max_size=30))
services = st.one_of(st.sampled_from(["analysers", "lims", "Analysers", " lims "]),
                     st.text(characters, min_size=1, max_size=30))


@st.composite
def timestamps(draw) -> str:
    moment = draw(st.datetimes(datetime(2025, 1, 2), datetime(2025, 12, 30)))
    written = draw(st.sampled_from([
        moment.isoformat(sep=draw(st.sampled_from(["T", " "]))),
        f"{moment:%Y-%m-%d %H:%M}", f"{moment:%Y-%m-%d}", f"{moment:%d/%m/%Y %H:%M}", f"{moment:%m/%d/%Y %I:%M %p}",
        f"{moment:%d.%m.%Y %H:%M:%S}", f"{moment:%d-%m-%Y}", f"{moment.day}/{moment.month}/{moment.year}",
    ]))
    return written + draw(st.sampled_from(["", "Z", " UTC", "+01:00", "-0530", " +14", "-12:00", " GMT"]))


PLAUSIBLE_VALUES = {
    "text": ids,
    "comment": words,
    "factors": st.lists(words, max_size=3).map(";".join),
    "timestamp": timestamps(),
    "score": st.one_of(st.integers(-3, 13).map(str), st.sampled_from(["9.0", "9,00", "+7", " 7 ", "07", "٩", "10.0"])),
    "boolean": st.sampled_from([*TRUE_WORDS, *FALSE_WORDS, "TRUE", "No", " y ", "maybe", "2", ""]),
    "flag": st.one_of(
        st.sampled_from([*TRUE_WORDS, *FALSE_WORDS, "", "3", "+1", "-1"]), st.integers(0, 10**6).map(str)
    ),
    "other": words,
}


def reads(kind: ImportKind, header_name: str) -> str:
    """How the importer will probably read the column under `header_name` (to draw values it may accept)."""
    for column in kind.columns:
        if normalised_header(header_name) in {normalised_header(alias) for alias in column.aliases}:
            return column.reads if column.name != "service" else "service"
    return "other"


@st.composite
def headers(draw, kind: ImportKind) -> list[str]:
    names = []
    for column in kind.columns:
        alias = draw(st.sampled_from(column.aliases))
        if draw(one_in(50)):
            continue  # a column the export left out
        styled = [alias, alias.upper(), alias.replace("_", " ").title(), f" {alias} ", f"{alias}?", f"{alias} #"]
        names.append(draw(st.one_of(st.sampled_from(styled), words) if draw(one_in(50))
                          else st.sampled_from(styled)))
    names += draw(st.lists(words, max_size=2))
    return draw(st.permutations(names))


@dataclass(frozen=True)
class Export:
    """A CSV file as some tool (or some vandal) wrote it."""

    kind: str
    data: bytes


@st.composite
def exports(draw) -> Export:
    kind = IMPORT_KINDS[draw(st.sampled_from(sorted(IMPORT_KINDS)))]
    header = draw(headers(kind))
    roles = [reads(kind, name) for name in header]
    plausible = [services if role == "service" else PLAUSIBLE_VALUES[role] for role in roles]
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        # Mostly values an export could hold, so that rows get as far as the database; one in ten is hostile.
        row = [draw(HOSTILE_VALUES if draw(one_in(10)) else strategy) for strategy in plausible]
        width = draw(st.sampled_from([0] * 10 + [-1, 1]))
        rows.append(row[:width] if width < 0 else row + [draw(words) for _ in range(width)])

    separator = draw(st.sampled_from([",", ";", "\t", ",", ";", "|"]))
    quoting = draw(st.sampled_from(["minimal", "all", "minimal", "none"]))  # none: values as they are, quotes and all
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))

    def line(fields: list[str]) -> str:
        if quoting == "none":
            return separator.join(fields)
        buffer = io.StringIO()
        style = csv.QUOTE_ALL if quoting == "all" else csv.QUOTE_MINIMAL
        csv.writer(buffer, delimiter=separator, quoting=style, lineterminator="").writerow(fields)
        return buffer.getvalue()

    preamble = draw(st.sampled_from(["", "", newline, f"sep={separator}{newline}", f"{newline} {separator}{newline}"]))
    ending = draw(st.sampled_from(["", newline, newline * 3]))
    text = preamble + newline.join(line(fields) for fields in [header, *rows]) + ending

    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    data = text.encode(encoding, errors="replace")  # a Latin-1 export has '?' for what it cannot hold
    if encoding != "utf-16" and draw(one_in(4)):  # a stray byte: not UTF-8, a Windows-1252 special, NUL
        junk = draw(st.one_of(
            st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80\x9f", b"\x00", b"\xe2\x82", b"\x81"]),
            st.binary(min_size=1, max_size=8),
        ))
        header_end = min(len(preamble) + len(line(header).encode(encoding, errors="replace")), len(data))
        at = draw(st.integers(0, len(data)) if draw(one_in(4)) else st.integers(header_end, len(data)))
        data = data[:at] + junk + data[at:]
    assume(encoding == "utf-16" or not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)))
    return Export(kind.name, data)


# --- properties ---------------------------------------------------------------


def import_once(engine: Engine, export: Export, path: Path, skip_invalid: bool) -> ImportResult | ImportFileError:
    """The importer's answer: a result or the documented ImportFileError. Anything else escapes as the crash.

    RollupRefreshFailed and SQLAlchemyError are documented too, but they report a database that
    failed; a private SQLite file cannot, so here they are crashes as well.
    """
    before = checked_rows(engine)
    try:
        result = import_csv(engine, export.kind, path, skip_invalid=skip_invalid)
    except ImportFileError as error:
        outcome("file refused")
        assert error.problems and all(message.strip() for _, message in error.problems), error.problems
        assert checked_rows(engine) == before, "a file that cannot be imported changed the database"
        return error
    after = checked_rows(engine)
    kind = IMPORT_KINDS[export.kind]
    outcome("rows imported" if result.imported else "committed, nothing new" if result.committed else "rolled back")
    assert len(result.problems) == min(result.rejected, 20) and all(p.message.strip() for p in result.problems)
    if result.committed:
        assert skip_invalid or not result.rejected, result
        assert result.rows_read == result.imported + result.duplicates + result.rejected, result
        assert rows_of(kind, after) == rows_of(kind, before) + result.imported, (before, after, result)
    else:  # all or nothing: one invalid row and nothing at all was written
        assert not skip_invalid and result.rejected and not result.imported, result
        assert after == before, (before, after, result)
    return result


@settings(fuzz, max_examples=120)
@given(export=exports(), skip_invalid=st.booleans())
def test_a_random_csv_imports_or_is_refused_and_twice_is_once(export, skip_invalid):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        path.write_bytes(export.data)
        engine = seeded_wall(tmp)
        try:
            first = import_once(engine, export, path, skip_invalid)
            second = import_once(engine, export, path, skip_invalid)
        finally:
            engine.dispose()
    if isinstance(first, ImportFileError):
        assert isinstance(second, ImportFileError) and second.problems == first.problems
        return
    assert isinstance(second, ImportResult)
    assert second.imported == 0, "the same file, imported again, added rows"
    assert (second.committed, second.rejected, second.rows_read) == (first.committed, first.rejected, first.rows_read)


TRACEBACK = "Traceback (most recent call last)"


def run_import(capsys, url: str, argv: list[str]) -> tuple[int, str]:
    """`python -m obeya import ...` in-process with OBEYA_DATABASE_URL=`url`: (exit code, all output)."""
    capsys.readouterr()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OBEYA_DATABASE_URL", url)
        code = main(["import", *argv])
    out, err = capsys.readouterr()
    outcome(f"exit {code}")
    assert code in (0, 1, 2), (code, out, err)
    assert TRACEBACK not in out + err, out + err
    return code, out + err


@st.composite
def import_options(draw, export: Export) -> list[str]:
    options = []
    if draw(st.booleans()):
        options.append("--skip-invalid")
    options += draw(st.sampled_from([[], ["--dayfirst"], ["--monthfirst"]]))
    options += draw(st.sampled_from([[], [], ["--timezone", "Europe/Amsterdam"], ["--timezone", "Asia/Kolkata"],
                                     ["--timezone", "Mars/Olympus"]]))
    if draw(one_in(4)):
        column = draw(st.one_of(st.sampled_from([c.name for c in IMPORT_KINDS[export.kind].columns]), words))
        options.append(f"--map={column}={draw(words)}")
    return options


@fuzz
@given(export=exports(), data=st.data())
def test_the_import_command_answers_a_random_csv_with_an_exit_code(capsys, export, data):
    options = data.draw(import_options(export), label="options")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        path.write_bytes(export.data)
        engine = seeded_wall(tmp)
        url = engine.url.render_as_string(hide_password=False)
        try:
            before = checked_rows(engine)
            code, output = run_import(capsys, url, [export.kind, str(path), *options])
            after = checked_rows(engine)
            if code != 0 and "--skip-invalid" not in options:
                assert after == before, output
            again, output_again = run_import(capsys, url, [export.kind, str(path), *options])
            assert again == code, (output, output_again)
            assert checked_rows(engine) == after, output_again
        finally:
            engine.dispose()


# --- crashes found, pinned until fixed ------------------------------------------

RESPONSES_HEADER = "response_id,ticket_id,service,responded_at,score,comment\n"
FTR_HEADER = "ticket_id,service,resolved_at,first_time_right,reopened\n"
KNOWN_IMPORT_CRASHES = [
    # read_flag matches \d+ and calls int(): ValueError past 4,300 digits, not InvalidValue.
    pytest.param("ftr", (FTR_HEADER + "T1,lims,2025-03-01 10:00,yes," + "1" * 4301 + "\n").encode(), [],
                 id="count-of-4301-digits"),
    # TimestampReader: astimezone(utc) leaves datetime's range (OverflowError).
    pytest.param("responses", (RESPONSES_HEADER + "R1,T1,lims,0001-01-01T00:00:00+01:00,9,\n").encode(), [],
                 id="year-1-east-of-utc"),
    pytest.param("responses", (RESPONSES_HEADER + "R1,T1,lims,9999-12-31 23:00,9,\n").encode(),
                 ["--timezone", "America/New_York"], id="year-9999-west-of-utc"),
    # _other_formats builds timezone(timedelta(hours=99)): ValueError, not InvalidValue.
    pytest.param("responses", (RESPONSES_HEADER + "R1,T1,lims,31/03/2025 14:05 +99,9,\n").encode(), [],
                 id="offset-of-99-hours"),
    # Imported and committed, then offset_stretches() steps a day outside datetime's range (OverflowError).
    pytest.param("responses", (RESPONSES_HEADER + "R1,T1,lims,0001-01-01 00:00,9,\n").encode(), [],
                 id="year-1-breaks-the-roll-ups"),
    pytest.param("ftr", (FTR_HEADER + "T1,lims,9999-12-31 23:59,yes,no\n").encode(), [],
                 id="year-9999-breaks-the-roll-ups"),
    # detect_encoding trusts a UTF-16 BOM without decoding the rest: UnicodeDecodeError while reading.
    pytest.param("responses", codecs.BOM_UTF16_LE + RESPONSES_HEADER.encode("utf-16-le") + b"R", [],
                 id="utf-16-odd-length"),
    pytest.param("responses", codecs.BOM_UTF16_LE + RESPONSES_HEADER.encode("utf-16-le") + b"\x00\xd8,\x00", [],
                 id="utf-16-lone-surrogate"),
    # open_csv parses the header with csv.reader, which raises csv.Error past its field size limit.
    pytest.param("responses", ("response_id," + "x" * 131_073 + "\n").encode(), [], id="header-past-field-limit"),
]


@pytest.mark.parametrize(("kind", "data", "options"), KNOWN_IMPORT_CRASHES)
def test_known_crash_inputs_get_an_exit_code(capsys, tmp_path, kind, data, options):
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    engine = seeded_wall(str(tmp_path))
    try:
        run_import(capsys, engine.url.render_as_string(hide_password=False), [kind, str(path), *options])
        checked_rows(engine)
    finally:
        engine.dispose()
