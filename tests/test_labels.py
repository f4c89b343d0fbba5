"""The wall in the team's language: one catalog, the team's own words, numbers and dates for the language,
the team's logo and accent, and the messages an editor gets for each mistake (word for word)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from layouts import personas, voices, wall
from layouts.components import Screen, period_name
from layouts.words import words
from obeya.brand import THEME_SURFACES
from obeya.config import ConfigError
from obeya.engine import PROBLEM_WORDS
from obeya.labels import LANGUAGES, Labels, catalog, placeholders
from obeya.live import DataState
from obeya.snapshot import PeriodValue
from tests.component_tree import texts
from tests.test_contrast import theme_variables

WALL_JS = Path(__file__).resolve().parent.parent / "assets" / "wall.js"


def problems(config_copy) -> list[str]:
    with pytest.raises(ConfigError) as error:
        config_copy.load()
    return [str(problem) for problem in error.value.problems]


def add_to_wall_yaml(config_copy, text: str) -> None:
    config_copy.edit("wall.yaml", "  hide: [R-HIDDEN]\n", "  hide: [R-HIDDEN]\n" + text)


# --- the catalogs -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", [language for language in LANGUAGES if language != "en"])
def test_every_language_has_every_english_key_with_the_same_placeholders(language):
    english, other = catalog("en"), catalog(language)
    assert sorted(other) == sorted(english)
    assert {key: placeholders(text) for key, text in other.items()} == \
           {key: placeholders(text) for key, text in english.items()}


def test_the_kinds_of_database_problem_come_from_the_catalog():
    assert PROBLEM_WORDS["slow"] == catalog("en")["problem.slow"] == "database too slow"
    assert set(PROBLEM_WORDS) == {"unreachable", "login", "no_database", "slow", "missing_table", "team_sql",
                                  "read_only", "other"}


def test_the_brand_check_knows_the_themes_surfaces_as_the_stylesheet_sets_them():
    for theme, surfaces in THEME_SURFACES.items():
        css = theme_variables(theme)
        assert surfaces == {"background": css["--bg"], "cards": css["--surface-2"]}


# --- numbers and dates ----------------------------------------------------------------------------


def test_dutch_dates_and_numbers_are_written_the_dutch_way():
    dutch = Labels("nl")
    assert voices.day_words(datetime(2026, 11, 27, 9, 30), dutch) == "vr 27 nov"
    assert dutch.number(1234.5, 1) == "1.234,5"
    assert dutch.signed(-3.5, 1) == "\u22123,5"
    assert dutch.percent(92.5, None) == "92,5%"
    assert period_name(PeriodValue(date(2026, 11, 16), date(2026, 11, 23), None, None), "week", dutch) \
        == "week 16–22 nov"


def test_english_dates_numbers_and_periods_stay_as_they_were():
    english = Labels("en")
    assert voices.day_words(datetime(2026, 11, 27, 9, 30), english) == "Fri 27 Nov"
    assert english.number(12345) == "12,345"
    assert english.signed(-3) == "\u22123" and english.signed(4) == "+4" and english.signed(0.2) == "0"
    week = PeriodValue(date(2026, 11, 30), date(2026, 12, 7), None, None)
    assert period_name(week, "week", english) == "week 30 Nov \u2013 6 Dec"
    assert period_name(week, "month", english) == "November 2026"


def test_german_writes_a_space_before_the_percent_sign_and_day_with_a_full_stop():
    german = Labels("de")
    assert german.percent(75) == "75\u00a0%"
    assert voices.day_words(datetime(2026, 11, 27), german) == "Fr., 27. Nov."


# --- wall.yaml: language, labels, brand -----------------------------------------------------------


def test_a_dutch_wall_shows_dutch_headings(config_copy):
    add_to_wall_yaml(config_copy, "language: nl\n")
    config = config_copy.load()
    pages = personas.render(config, None, Screen())
    shown = texts(pages)
    assert "Wie we helpen" in shown and "Doelen" in shown and "Who we serve" not in shown


def test_a_label_override_shows_on_the_wall(config_copy):
    add_to_wall_yaml(config_copy, "labels:\n  personas.title: The colleagues we help\n")
    config = config_copy.load()
    assert "The colleagues we help" in texts(personas.render(config, None, Screen()))


def test_unknown_label_key_names_the_nearest_key(config_copy):
    add_to_wall_yaml(config_copy, "labels:\n  persona.title: The colleagues we help\n")
    assert problems(config_copy) == [
        "wall.yaml:27:3: labels: unknown label 'persona.title' (did you mean 'personas.title'?)"
    ]


def test_label_override_with_a_placeholder_the_label_does_not_have(config_copy):
    add_to_wall_yaml(config_copy, "labels:\n  nps.target: \"goal {target}\"\n")
    assert problems(config_copy) == ["wall.yaml:27:15: labels.nps.target: may use {value}; write a brace as {{ or }}"]


def test_unknown_language_lists_the_shipped_ones(config_copy):
    add_to_wall_yaml(config_copy, "language: fr\n")
    assert problems(config_copy) == ["wall.yaml:26:11: language: unknown language 'fr'; the wall speaks en, nl or de"]


def test_low_contrast_accent_names_the_ratio(config_copy):
    add_to_wall_yaml(config_copy, 'brand:\n  accent: "#777777"\n')
    assert problems(config_copy) == [
        "wall.yaml:27:11: brand.accent: #777777 has a contrast of 4.2:1 against the dark background; "
        "the wall needs at least 7:1 for text"
    ]


def test_accent_that_passes_the_background_but_not_the_cards_is_refused(config_copy):
    add_to_wall_yaml(config_copy, 'brand:\n  accent: "#a8a8a8"\n')
    assert problems(config_copy) == [
        "wall.yaml:27:11: brand.accent: #a8a8a8 has a contrast of 6.3:1 against the dark cards; "
        "the wall needs at least 7:1 for text"
    ]


def test_accent_without_quotes_is_a_comment_and_says_so(config_copy):
    add_to_wall_yaml(config_copy, "brand:\n  accent: #ffb000\n")
    assert problems(config_copy) == [
        'wall.yaml:27:10: brand.accent: write the colour in quotes, like "#1f6feb" (a bare # starts a YAML comment)'
    ]


def test_logo_must_be_an_image_next_to_wall_yaml(config_copy):
    add_to_wall_yaml(config_copy, "brand:\n  logo: logo.png\n")
    assert problems(config_copy) == ["wall.yaml:27:9: brand.logo: image 'logo.png' not found next to wall.yaml"]


def branded_body(config_copy) -> list:
    add_to_wall_yaml(config_copy, 'language: nl\nbrand:\n  logo: logo.png\n  accent: "#ffb000"\n')
    (config_copy.path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(24))  # a PNG by its first bytes
    config = config_copy.load()
    return wall.wall_body(config, DataState(None, None, None, 0), Screen(), "mission")


def test_logo_and_accent_come_to_the_page(config_copy):
    body = branded_body(config_copy)
    settings, header = body[0], body[1]
    assert header.children[0].src == "/config-file/logo.png"
    assert settings.to_plotly_json()["props"]["data-accent"] == "#ffb000"


def test_the_words_wall_js_writes_come_with_the_page_in_the_wall_language(config_copy):
    settings = branded_body(config_copy)[0]
    page_words = json.loads(settings.to_plotly_json()["props"]["data-words"])
    assert page_words["held"] == "Vastgehouden – druk op spatie"
    assert page_words["page_counter"] == "{page}/{pages}"
    script = WALL_JS.read_text(encoding="utf-8")
    for english in ('"Rotating', '"Held', '"Paused', '"Server unreachable', '"/"'):
        assert english not in script, f"wall.js writes {english} itself"
