"""Loading the team's YAML, and the message an editor gets for each kind of mistake.

Every broken config is a temp copy of tests/fixtures/config with one edit;
messages and their line:column are asserted word for word, because they are
what a team member reads on the wall's banner and from `python -m obeya validate`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from obeya.__main__ import main
from obeya.config import MAX_FILE_BYTES, ConfigError, Problem, load_config
from obeya.database import make_engine
from obeya.files import MAX_IMAGE_BYTES
from obeya.live import LiveWall

SHIPPED_CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)  # the signature is all the loader looks at


def problems(config_copy) -> list[str]:
    """The problems loading `config_copy` reports, as the editor reads them."""
    with pytest.raises(ConfigError) as error:
        config_copy.load()
    return [str(problem) for problem in error.value.problems]


# --- valid configs ---------------------------------------------------------


def test_test_config_loads_with_its_team_personas_services_and_journey(test_config):
    assert test_config.wall.title == "Lab wall"
    assert test_config.wall.team == "Lab Systems Support"
    assert test_config.wall.timezone == "Europe/Berlin"
    assert [persona.id for persona in test_config.personas] == ["ana", "ben", "chen"]
    assert [service.id for service in test_config.services] == ["analysers", "lims"]
    assert [journey.id for journey in test_config.journeys] == ["night-breakdown"]
    journey = test_config.journeys[0]
    assert [stage.name for stage in journey.stages] == [
        "Analyser stops",
        "Calls for help",
        "Fix by phone",
        "Samples rerun",
        "Tells us",
    ]
    assert journey.stages[2].services == ["analysers", "lims"]
    assert test_config.persona(journey.persona).name == "Ana Costa"


def test_optional_keys_take_their_defaults(test_config):
    wall = test_config.wall
    assert wall.idle_resume_seconds == 120
    assert wall.refresh_seconds == 300
    assert wall.seconds_for("nps") == 30  # set per panel
    assert wall.seconds_for("mission") == 20  # rotate_seconds
    assert [panel.id for panel in wall.panels] == ["mission", "personas", "journey", "nps", "ftr", "voices", "actions"]
    assert test_config.persona("ben").goals == []
    assert test_config.service("nonexistent") is None


def test_persona_initials_use_first_and_last_name(test_config):
    assert [persona.initials for persona in test_config.personas] == ["AC", "BO", "CW"]


def test_shipped_config_stays_valid():
    config = load_config(SHIPPED_CONFIG_DIR)
    assert config.personas and config.journeys and config.services


def test_problem_reads_as_file_line_column_message():
    assert str(Problem("wall.yaml", 7, 17, "rotate_seconds: must be a number")) == (
        "wall.yaml:7:17: rotate_seconds: must be a number"
    )


# --- one mistake at a time -------------------------------------------------


def test_typo_in_a_key_points_at_the_unknown_key(config_copy):
    config_copy.edit("personas.yaml", '    quote: "A frozen', '    qoute: "A frozen')
    # The typo also leaves `quote` missing: one message says both, at the typo's line.
    assert problems(config_copy) == [
        "personas.yaml:5:5: unknown key 'qoute' in personas[0] (did you mean 'quote'?)",
    ]


def test_unknown_top_level_key_names_only_the_key(config_copy):
    config_copy.edit("wall.yaml", "theme: dark", "themes: dark")
    assert problems(config_copy) == ["wall.yaml:5:1: unknown key 'themes'"]


def test_wrong_type_points_at_the_value(config_copy):
    config_copy.edit("wall.yaml", "rotate_seconds: 20", "rotate_seconds: soon")
    assert problems(config_copy) == [
        "wall.yaml:7:17: rotate_seconds: must be a whole number, not 'soon'"
    ]


def test_value_out_of_range_says_the_limit(config_copy):
    config_copy.edit("journeys.yaml", "emotion: -2", "emotion: -3")
    assert problems(config_copy) == [
        "journeys.yaml:7:18: journeys[0].stages[0].emotion: must be at least -2"
    ]


def test_missing_field_points_at_the_persona_without_it(config_copy):
    config_copy.edit("personas.yaml", "    name: Ben Okafor\n", "")
    assert problems(config_copy) == ["personas.yaml:10:5: missing key 'name' in personas[1]"]


def test_missing_top_level_field_points_at_the_start_of_the_file(config_copy):
    config_copy.edit("wall.yaml", "title: Lab wall\n", "")
    assert problems(config_copy) == ["wall.yaml:3:1: missing key 'title'"]


def test_yaml_syntax_error_points_at_the_badly_indented_line(config_copy):
    config_copy.edit("personas.yaml", "    role: Pathologist", "      role: Pathologist")
    assert problems(config_copy) == [
        "personas.yaml:17:11: YAML syntax: mapping values are not allowed here (check the indentation)"
    ]


def test_journey_with_unknown_persona_suggests_the_nearest_id(config_copy):
    config_copy.edit("journeys.yaml", "persona: ana", "persona: anna")
    assert problems(config_copy) == [
        "journeys.yaml:4:14: journeys[0].persona: unknown persona 'anna' (did you mean 'ana'?)"
    ]


def test_journey_naming_its_persona_by_name_suggests_the_id(config_copy):
    config_copy.edit("journeys.yaml", "persona: ana", "persona: ana-costa")
    assert problems(config_copy) == [
        "journeys.yaml:4:14: journeys[0].persona: unknown persona 'ana-costa' (did you mean 'ana'?)"
    ]


def test_journey_with_a_persona_like_none_says_where_ids_come_from(config_copy):
    config_copy.edit("journeys.yaml", "persona: ana", "persona: zoe")
    assert problems(config_copy) == [
        "journeys.yaml:4:14: journeys[0].persona: unknown persona 'zoe' (not in personas.yaml)"
    ]


def test_stage_with_unknown_service_points_at_that_service(config_copy):
    config_copy.edit("journeys.yaml", "services: [analysers, lims]", "services: [analysers, lab]")
    assert problems(config_copy) == [
        "journeys.yaml:16:31: journeys[0].stages[2].services[1]: unknown service 'lab' (not in services.yaml)"
    ]


def test_stage_naming_a_service_by_alias_or_name_suggests_the_id(config_copy):
    config_copy.edit("services.yaml", "    ftr_target: 90", "    ftr_target: 90\n    aliases: [LIS-01]")
    config_copy.edit("journeys.yaml", "services: [analysers, lims]", "services: [Lab analysers, lis-01]")
    assert problems(config_copy) == [
        "journeys.yaml:16:20: journeys[0].stages[2].services[0]: unknown service 'Lab analysers' "
        "(did you mean 'analysers'?)",
        "journeys.yaml:16:35: journeys[0].stages[2].services[1]: unknown service 'lis-01' (did you mean 'lims'?)",
    ]


def test_a_service_name_or_alias_that_also_names_another_service_is_a_problem(config_copy):
    config_copy.edit("services.yaml", "    ftr_target: 90", "    ftr_target: 90\n    aliases: [LIS, Lab analysers]")
    config_copy.edit("services.yaml", "name: Lab information system", "name: analysers")
    assert problems(config_copy) == [
        "services.yaml:8:11: services[1].name: 'analysers' also names service 'analysers'; "
        "give each service its own spellings",
        "services.yaml:12:20: services[1].aliases[1]: 'Lab analysers' also names service 'analysers'; "
        "give each service its own spellings",
    ]


def test_annotation_with_a_misspelt_service_suggests_the_id(config_copy):
    config_copy.write("annotations.yaml", "annotations:\n  - date: 2026-03-02\n    text: New analyser\n"
                                          "    service: analyser\n")
    assert problems(config_copy) == [
        "annotations.yaml:4:14: annotations[0].service: unknown service 'analyser' (did you mean 'analysers'?)"
    ]


def test_hidden_voices_are_response_ids_and_not_checked(config_copy):
    config_copy.edit("wall.yaml", "hide: [R-HIDDEN]", "hide: [analyser, ana-costa]")
    assert config_copy.load().wall.voices.hide == ["analyser", "ana-costa"]


def test_duplicate_persona_id_points_at_the_second_one(config_copy):
    config_copy.edit("personas.yaml", "id: chen", "id: ana")
    assert problems(config_copy) == [
        "personas.yaml:15:9: personas[2].id: persona id 'ana' is used twice (first at line 2)"
    ]


def test_unknown_panel_lists_the_panels_there_are(config_copy):
    config_copy.edit("wall.yaml", "  - ftr\n", "  - first-time-right\n")
    assert problems(config_copy) == [
        "wall.yaml:14:5: panels[4]: unknown panel 'first-time-right'; use mission, personas, journey, nps, ftr, voices, themes, actions or changes"
    ]


def test_repeated_panel_is_named(config_copy):
    config_copy.edit("wall.yaml", "  - voices\n", "  - voices\n  - personas\n")
    [problem] = problems(config_copy)
    assert problem.startswith("wall.yaml:")
    assert problem.endswith(": panel 'personas' is listed more than once")


def test_repeated_panel_points_at_the_repeat(config_copy):
    config_copy.edit("wall.yaml", "  - voices\n", "  - voices\n  - personas\n")
    assert problems(config_copy) == ["wall.yaml:16:5: panels[6]: panel 'personas' is listed more than once"]


def test_unknown_timezone_suggests_a_name(config_copy):
    config_copy.edit("wall.yaml", "Europe/Berlin", "Europe/Berln")
    assert problems(config_copy) == [
        "wall.yaml:6:11: timezone: unknown time zone 'Europe/Berln' (use a name like Europe/Amsterdam)"
    ]


def test_unknown_period_lists_the_choices(config_copy):
    config_copy.edit("wall.yaml", "period: week", "period: day")
    assert problems(config_copy) == ["wall.yaml:18:11: nps.period: must be 'week' or 'month'"]


def test_avatar_image_must_exist_next_to_personas_yaml(config_copy):
    config_copy.edit("personas.yaml", "    channels: [Phone]", "    channels: [Phone]\n    avatar: ana.png")
    assert problems(config_copy) == [
        "personas.yaml:10:13: personas[0].avatar: image 'ana.png' not found next to personas.yaml"
    ]


def with_avatar(config_copy, name: str = "ana.png"):
    return config_copy.edit("personas.yaml", "    channels: [Phone]", f"    channels: [Phone]\n    avatar: {name}")


@pytest.mark.parametrize(("make", "message"), [
    pytest.param(lambda folder: (folder / "ana.png").symlink_to("/etc/passwd"),
                 "image 'ana.png' is outside the config folder (a link or path leading out of it is not served)",
                 id="link-leaving-the-folder"),
    pytest.param(lambda folder: (folder / "ana.png").write_text("<svg onload='alert(1)'/>"),
                 "image 'ana.png' is not a PNG, JPEG, GIF or WebP image", id="not-an-image"),
    pytest.param(lambda folder: (folder / "ana.png").write_bytes(PNG + bytes(MAX_IMAGE_BYTES)),
                 "image 'ana.png' is 2.1 MB, more than the 2 MB an image may be", id="too-big"),
    pytest.param(lambda folder: (folder / "ana.png").mkdir(), "image 'ana.png' is not a file", id="a-folder"),
])
def test_avatar_the_wall_would_not_serve_is_a_problem_at_its_line(config_copy, make, message):
    make(with_avatar(config_copy).path)
    assert problems(config_copy) == [f"personas.yaml:10:13: personas[0].avatar: {message}"]


def test_avatar_path_leading_out_of_the_folder_is_a_problem(config_copy):
    with_avatar(config_copy, "../ana.png")
    (config_copy.path.parent / "ana.png").write_bytes(PNG)
    assert problems(config_copy) == [
        "personas.yaml:10:13: personas[0].avatar: image '../ana.png' is outside the config folder "
        "(a link or path leading out of it is not served)"
    ]


def test_avatar_link_to_an_image_inside_the_folder_is_accepted(config_copy):
    (config_copy.path / "people").mkdir()
    (config_copy.path / "people" / "ana-2026.png").write_bytes(PNG)
    (config_copy.path / "ana.png").symlink_to("people/ana-2026.png")
    assert with_avatar(config_copy).load().persona("ana").avatar == "ana.png"


def test_avatar_found_next_to_personas_yaml_is_accepted(config_copy):
    config_copy.edit("personas.yaml", "    channels: [Phone]", "    channels: [Phone]\n    avatar: ana.png")
    (config_copy.path / "ana.png").write_bytes(PNG)
    assert config_copy.load().persona("ana").avatar == "ana.png"


def test_empty_file_says_so(config_copy):
    config_copy.write("mission.yaml", "")
    assert problems(config_copy) == ["mission.yaml:1:1: file is empty"]


def test_file_that_is_a_list_must_be_a_mapping(config_copy):
    config_copy.write("mission.yaml", "- Samples first\n- Show, don't tell\n")
    assert problems(config_copy) == ["mission.yaml:1:1: must be a mapping of keys to values"]


def test_missing_file_is_named(config_copy):
    config_copy.remove("services.yaml")
    assert problems(config_copy) == ["services.yaml:1:1: file not found"]


def test_problems_in_several_files_are_reported_together(config_copy):
    config_copy.edit("wall.yaml", "rotate_seconds: 20", "rotate_seconds: soon")
    config_copy.edit("personas.yaml", "    name: Ben Okafor\n", "")
    config_copy.edit("services.yaml", "    ftr_target: 90", "    ftr_target: 190")
    config_copy.remove("journeys.yaml")
    assert problems(config_copy) == [
        "wall.yaml:7:17: rotate_seconds: must be a whole number, not 'soon'",
        "personas.yaml:10:5: missing key 'name' in personas[1]",
        "journeys.yaml:1:1: file not found",
        "services.yaml:11:17: services[1].ftr_target: must be at most 100",
    ]


def test_broken_references_in_several_files_are_reported_together(config_copy):
    config_copy.edit("journeys.yaml", "persona: ana", "persona: anna")
    config_copy.edit("personas.yaml", "id: chen", "id: ben")
    assert problems(config_copy) == [
        "journeys.yaml:4:14: journeys[0].persona: unknown persona 'anna' (did you mean 'ana'?)",
        "personas.yaml:15:9: personas[2].id: persona id 'ben' is used twice (first at line 10)",
    ]


def test_unknown_key_named_like_its_parent_points_at_the_key(config_copy):
    config_copy.edit("wall.yaml", "  target: 20", "  nps: 20")
    assert problems(config_copy) == ["wall.yaml:19:3: unknown key 'nps' in nps"]


def test_repeated_key_is_an_error(config_copy):
    config_copy.edit("wall.yaml", "theme: dark", "theme: dark\ntheme: light")
    assert problems(config_copy) == ["wall.yaml:6:1: key 'theme' is repeated (first at line 5)"]


# --- what YAML does to text a person wrote ---------------------------------


def test_tab_in_the_indentation_says_to_use_spaces(config_copy):
    config_copy.edit("wall.yaml", "  period: week", "\tperiod: week")
    assert problems(config_copy) == [
        "wall.yaml:18:1: a tab character: YAML indents with spaces; replace the tab with spaces"
    ]


def test_tab_after_a_key_says_to_use_a_space(config_copy):
    config_copy.edit("wall.yaml", "theme: dark", "theme:\tdark")
    assert problems(config_copy) == [
        "wall.yaml:5:7: a tab character: YAML separates with spaces; replace the tab with a space"
    ]


def test_unquoted_time_says_to_quote_it(config_copy):
    config_copy.edit("wall.yaml", "rotate_seconds: 20", "rotate_seconds: 20\ndaily_reload_at: 4:30")
    assert problems(config_copy) == [
        'wall.yaml:8:18: daily_reload_at: write the time in quotes, like "04:30" '
        "(unquoted, YAML reads 4:30 as the number 270)"
    ]


def test_any_text_written_like_a_time_says_to_quote_it(config_copy):
    config_copy.edit("journeys.yaml", "  - name: Fix by phone", "  - name: 12:30")
    assert problems(config_copy) == [
        'journeys.yaml:14:15: journeys[0].stages[2].name: write the time in quotes, like "12:30" '
        "(unquoted, YAML reads 12:30 as the number 750)"
    ]


def test_quoted_time_and_a_number_for_text_keep_their_messages(config_copy):
    config_copy.edit("wall.yaml", "rotate_seconds: 20", 'rotate_seconds: 20\ndaily_reload_at: "4:30"')
    config_copy.edit("wall.yaml", "title: Lab wall", "title: 42")
    assert problems(config_copy) == [
        "wall.yaml:3:8: title: must be text, not 42",
        "wall.yaml:8:18: daily_reload_at: '4:30' must be a time like 04:00",
    ]


def test_inline_list_split_inside_a_sentence_says_how_to_keep_it_whole(config_copy):
    config_copy.edit("journeys.yaml", "[Long menu before a person answers]",
                     "[No wristband, so no medication round]")
    assert problems(config_copy) == [
        'journeys.yaml:13:22: journeys[0].stages[1].pain_points: this list was split at a comma into '
        '"No wristband" and "so no medication round"; if it is one point, quote it or write the list as lines '
        'starting with "- "'
    ]


def test_split_sentence_is_found_in_every_list_of_points(config_copy):
    config_copy.edit("personas.yaml", "goals: [Run every sample the night it arrives]",
                     "goals: [Samples run tonight, not tomorrow, Reports on time]")
    assert problems(config_copy) == [
        'personas.yaml:6:12: personas[0].goals: this list was split at a comma into "Samples run tonight" and '
        '"not tomorrow"; if it is one point, quote it or write the list as lines starting with "- "'
    ]


@pytest.mark.parametrize("points", [
    "[Email, Phone]",  # two points
    "[phone, email]",  # two one-word points
    "[Chat, iPhone app]",  # a name, not the tail of a sentence
    '[No wristband, "so no medication round"]',  # quoted: the editor meant it
    '["No wristband, so no medication round"]',
    "\n        - No wristband, so no medication round",  # one line, one point
])
def test_lists_that_mean_what_they_say_pass(config_copy, points):
    config_copy.edit("journeys.yaml", " [Long menu before a person answers]", f" {points}")
    assert config_copy.load().journeys[0].stages[1].pain_points


def test_lists_of_ids_may_be_lower_case_inline(config_copy):
    # The fixture's stages list services inline too: `services: [analysers, lims]`.
    config_copy.edit("wall.yaml", "hide: [R-HIDDEN]", "hide: [R-1, r-2 and more]")
    assert config_copy.load().wall.voices.hide == ["R-1", "r-2 and more"]


@pytest.mark.parametrize(("name", "old", "new", "message"), [
    pytest.param("wall.yaml", "  period: week", "\tperiod: week",
                 "wall.yaml:18:1: a tab character: YAML indents with spaces; replace the tab with spaces", id="tab"),
    pytest.param("wall.yaml", "rotate_seconds: 20", "rotate_seconds: 20\ndaily_reload_at: 4:30",
                 'wall.yaml:8:18: daily_reload_at: write the time in quotes, like "04:30" '
                 "(unquoted, YAML reads 4:30 as the number 270)", id="time"),
    pytest.param("journeys.yaml", "persona: ana", "persona: ana-costa",
                 "journeys.yaml:4:14: journeys[0].persona: unknown persona 'ana-costa' (did you mean 'ana'?)",
                 id="persona"),
    pytest.param("journeys.yaml", "[Long menu before a person answers]", "[No wristband, so no medication round]",
                 'journeys.yaml:13:22: journeys[0].stages[1].pain_points: this list was split at a comma into '
                 '"No wristband" and "so no medication round"; if it is one point, quote it or write the list as '
                 'lines starting with "- "', id="split-list"),
])
def test_yaml_mistakes_keep_the_last_good_wall_and_name_the_fix(config_copy, tmp_path, name, old, new, message):
    live = LiveWall(config_copy.path, make_engine(f"sqlite:///{tmp_path / 'wall.db'}"))
    assert live.config_state().config.journeys[0].persona == "ana"
    config_copy.edit(name, old, new)
    state = live.config_state()
    assert [str(problem) for problem in state.problems] == [message]
    assert state.config.journeys[0].stages[1].pain_points == ["Long menu before a person answers"]
    assert state.version == 1


def test_shipped_examples_write_lists_of_points_as_lines():
    from obeya.config import TEXT_LISTS

    inline = [f"{name}:{number}: {line.strip()}" for name in sorted(p.name for p in SHIPPED_CONFIG_DIR.glob("*.yaml"))
              for number, line in enumerate((SHIPPED_CONFIG_DIR / name).read_text().splitlines(), start=1)
              if any(line.strip().startswith(f"{key}: [") for key in TEXT_LISTS)]
    assert inline == []


# --- files that would hold the wall ---------------------------------------


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """A mission whose values expand to width**levels strings through aliases ("billion laughs")."""
    lines = [f"x0: &x0 [{', '.join(['lol'] * width)}]"]
    lines += [f"x{level}: &x{level} [{', '.join([f'*x{level - 1}'] * width)}]" for level in range(1, levels)]
    return "\n".join(lines) + "\nstatement: s\npromise: p\n"


HOSTILE_MISSIONS = [
    pytest.param(b"statement: s\npromise: p\n" + b"#" * MAX_FILE_BYTES,
                 "mission.yaml:1:1: file is 1.1 MB, more than the 1 MB a config file may be", id="over-1-MB"),
    pytest.param("statement: s\npromise: Caf\u00e9 open\nvalues: [Samples first]\n".encode("latin-1"),
                 "mission.yaml:2:13: not UTF-8 text (byte 0xe9: invalid continuation byte); save the file as UTF-8",
                 id="latin-1"),
    pytest.param(alias_bomb().encode(),
                 "mission.yaml:5:10: YAML aliases expand to more than 10,000 values; "
                 "a config file may hold at most 10,000", id="billion-laughs"),
    pytest.param(("statement: s\npromise: p\nvalues:\n" + "  - v\n" * 10_000).encode(),
                 "mission.yaml:9999:5: YAML holds more than 10,000 values; a config file may hold at most 10,000",
                 id="too-many-values"),
    pytest.param(("statement: s\npromise: p\nvalues: " + "[" * 10_000 + "]" * 10_000 + "\n").encode(),
                 "mission.yaml:3:58: YAML nested more than 50 levels deep", id="nested-too-deep"),
]


@pytest.mark.parametrize(("content", "message"), HOSTILE_MISSIONS)
def test_a_file_that_would_hold_the_wall_is_refused_and_the_last_good_wall_stays(config_copy, tmp_path,
                                                                                   content, message):
    live = LiveWall(config_copy.path, make_engine(f"sqlite:///{tmp_path / 'wall.db'}"))
    assert live.config_state().config.mission.values == ["Samples first", "Show, don't tell"]
    (config_copy.path / "mission.yaml").write_bytes(content)
    state = live.config_state()
    assert [str(problem) for problem in state.problems] == [message]
    assert state.config.mission.values == ["Samples first", "Show, don't tell"]
    assert state.version == 1


def test_validate_prints_refused_files_as_file_line_column(config_copy, capsys):
    (config_copy.path / "mission.yaml").write_bytes(HOSTILE_MISSIONS[1].values[0])
    (config_copy.path / "journeys.yaml").write_bytes(b"journeys: []\n" + b" " * MAX_FILE_BYTES)
    assert main(["validate", str(config_copy.path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{config_copy.path}/mission.yaml:2:13: not UTF-8 text (byte 0xe9: invalid continuation byte); "
        "save the file as UTF-8",
        f"{config_copy.path}/journeys.yaml:1:1: file is 1.1 MB, more than the 1 MB a config file may be",
    ]


def test_screen_takes_the_defaults_of_a_55_inch_tv(test_config):
    screen = test_config.wall.screen
    assert (screen.diagonal_inches, screen.glance_distance_m, screen.detail_distance_m) == (55, 5, 2.5)


def test_screen_out_of_range_says_the_limit(config_copy):
    config_copy.write("wall.yaml", (config_copy.path / "wall.yaml").read_text(encoding="utf-8")
                      + "screen:\n  diagonal_inches: 0\n")
    assert problems(config_copy) == ["wall.yaml:27:20: screen.diagonal_inches: must be at least 20"]


def test_screen_detail_distance_beyond_the_glance_distance_is_a_problem(config_copy):
    config_copy.write("wall.yaml", (config_copy.path / "wall.yaml").read_text(encoding="utf-8")
                      + "screen:\n  glance_distance_m: 2\n  detail_distance_m: 3\n")
    assert problems(config_copy) == [
        "wall.yaml:27:3: screen: detail_distance_m (3 m) is farther than glance_distance_m (2 m): the stand-up "
        "reads the details from closer than people passing by"]
