"""Loading the team's YAML, and the message an editor gets for each kind of mistake.

Every broken config is a temp copy of tests/fixtures/config with one edit;
messages and their line:column are asserted word for word, because they are
what a team member reads on the wall's banner and from `python -m obeya validate`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from obeya.config import ConfigError, Problem, load_config

SHIPPED_CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"


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
    assert [panel.id for panel in wall.panels] == ["mission", "personas", "journey", "nps", "ftr", "voices"]
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


def test_journey_with_unknown_persona_names_the_persona(config_copy):
    config_copy.edit("journeys.yaml", "persona: ana", "persona: anna")
    assert problems(config_copy) == [
        "journeys.yaml:4:14: journeys[0].persona: no persona with id 'anna' in personas.yaml"
    ]


def test_stage_with_unknown_service_points_at_that_service(config_copy):
    config_copy.edit("journeys.yaml", "services: [analysers, lims]", "services: [analysers, lab]")
    assert problems(config_copy) == [
        "journeys.yaml:16:31: journeys[0].stages[2].services[1]: no service with id 'lab' in services.yaml"
    ]


def test_duplicate_persona_id_points_at_the_second_one(config_copy):
    config_copy.edit("personas.yaml", "id: chen", "id: ana")
    assert problems(config_copy) == [
        "personas.yaml:15:9: personas[2].id: persona id 'ana' is used twice (first at line 2)"
    ]


def test_unknown_panel_lists_the_panels_there_are(config_copy):
    config_copy.edit("wall.yaml", "  - ftr\n", "  - first-time-right\n")
    assert problems(config_copy) == [
        "wall.yaml:14:5: panels[4]: unknown panel 'first-time-right'; use mission, personas, journey, nps, ftr or voices"
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
    assert problems(config_copy) == ["wall.yaml:17:11: nps.period: must be 'week' or 'month'"]


def test_avatar_image_must_exist_next_to_personas_yaml(config_copy):
    config_copy.edit("personas.yaml", "    channels: [Phone]", "    channels: [Phone]\n    avatar: ana.png")
    assert problems(config_copy) == [
        "personas.yaml:10:13: personas[0].avatar: image 'ana.png' not found next to personas.yaml"
    ]


def test_avatar_found_next_to_personas_yaml_is_accepted(config_copy):
    config_copy.edit("personas.yaml", "    channels: [Phone]", "    channels: [Phone]\n    avatar: ana.png")
    (config_copy.path / "ana.png").write_bytes(b"\x89PNG\r\n")
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
        "journeys.yaml:4:14: journeys[0].persona: no persona with id 'anna' in personas.yaml",
        "personas.yaml:15:9: personas[2].id: persona id 'ben' is used twice (first at line 10)",
    ]


def test_unknown_key_named_like_its_parent_points_at_the_key(config_copy):
    config_copy.edit("wall.yaml", "  target: 20", "  nps: 20")
    assert problems(config_copy) == ["wall.yaml:18:3: unknown key 'nps' in nps"]


def test_repeated_key_is_an_error(config_copy):
    config_copy.edit("wall.yaml", "theme: dark", "theme: dark\ntheme: light")
    assert problems(config_copy) == ["wall.yaml:6:1: key 'theme' is repeated (first at line 5)"]
