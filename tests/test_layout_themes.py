"""The themes panel as components: the cause most detractor comments point to, then the themes by impact."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from layouts import geometry, themes as themes_panel
from layouts.components import Screen
from layouts.textfit import estimated_lines
from obeya.config import Theme
from obeya.labels import labels_for
from obeya.metrics import NpsCounts
from obeya.snapshot import WallData, complete_periods, nps_series
from obeya.theme_stats import Quote, themes_view
from tests.component_tree import text_of, with_class

BERLIN = ZoneInfo("Europe/Berlin")
SCREEN = Screen(scale=1.0, theme="dark")
WAITING = Theme(id="waiting", name="Waiting without news", cause="process", phrases=["waited"])
RUDE = Theme(id="unfriendly", name="Rude or unfriendly", cause="people", phrases=["rude"])
HOWTO = Theme(id="how-to", name="Did not know how", cause="training", phrases=["how do i"])
DAY, BEFORE = date(2024, 3, 5), date(2024, 2, 5)


def wall(theme_daily, config, min_responses=5, quotes=None) -> WallData:
    starts = complete_periods(date(2024, 3, 13), "week", 4)
    overall = nps_series({("lab", s): NpsCounts(60, 25, 15) for s in starts}, service_id=None, name="All services",
                         target=20, starts=starts, period="week", min_responses=min_responses)
    view = themes_view(theme_daily, {("lab", DAY): NpsCounts(40, 30, 30)}, config.themes,
                       window=(date(2024, 2, 12), date(2024, 3, 11)), previous=(date(2024, 1, 15), date(2024, 2, 12)),
                       min_responses=min_responses, quotes=quotes)
    return WallData(datetime(2024, 3, 13, 10, 0, tzinfo=BERLIN), "week", min_responses, overall, themes=view)


def with_themes(test_config, *themes):
    return dataclasses.replace(test_config, themes=themes)


COUNTS = {
    ("lab", DAY, "comments"): NpsCounts(20, 15, 25),
    ("lab", DAY, "theme:waiting"): NpsCounts(3, 7, 20),
    ("lab", DAY, "cause:process"): NpsCounts(3, 7, 15),
    ("lab", DAY, "theme:unfriendly"): NpsCounts(0, 1, 4),
    ("lab", DAY, "cause:people"): NpsCounts(0, 1, 4),
    ("lab", DAY, "unclassified"): NpsCounts(17, 7, 6),
    ("lab", BEFORE, "comments"): NpsCounts(20, 20, 10),
    ("lab", BEFORE, "theme:waiting"): NpsCounts(2, 3, 5),
}


def test_headline_names_the_cause_most_detractor_comments_point_to(test_config):
    config = with_themes(test_config, WAITING, RUDE, HOWTO)
    page = themes_panel.render(config, wall(COUNTS, config), SCREEN)[0]
    assert text_of(with_class(page, "themes-headline")[0]) == "Most detractor comments point to process: 60%"
    shares = [text_of(bar) for bar in with_class(page, "cause-label")]
    assert shares == ["Process 60%", "People 16%", "Training 0%", "Unclassified 24%"]  # unclassified shown, not hidden


def test_theme_rows_costliest_first_with_nps_against_the_rest_impact_and_trend(test_config):
    config = with_themes(test_config, WAITING, RUDE, HOWTO)
    quote = Quote("I waited a week for news", 2, "Lab analysers", "2024-03-05")
    page = themes_panel.render(config, wall(COUNTS, config, quotes={"waiting": quote}), SCREEN)[0]
    rows = with_class(page, "theme-row")
    assert [row.to_plotly_json()["props"]["data-theme"] for row in rows] == ["waiting", "unfriendly"]  # how-to: not mentioned, not listed
    waiting = rows[0]
    assert text_of(with_class(waiting, "theme-mentions")[0]) == "30 · 50%"
    assert text_of(with_class(waiting, "theme-nps")[0]) == "\u221257 \u00b124 vs +39 \u00b117"
    assert text_of(with_class(waiting, "theme-impact")[0]) == "\u221229 pts"
    assert text_of(with_class(waiting, "theme-trend")[0]) == "\u25b2 +30 pts, more than noise"
    assert text_of(with_class(waiting, "theme-quote")[0]) == "\u201cI waited a week for news\u201d \u2014 2/10, Lab analysers"
    assert "1 theme not mentioned" in text_of(with_class(page, "themes-footnote")[0])


def test_too_few_mentions_say_how_many_are_needed(test_config):
    config = with_themes(test_config, WAITING, RUDE)
    page = themes_panel.render(config, wall(COUNTS, config, min_responses=6), SCREEN)[0]
    rude = with_class(page, "theme-row")[1]
    assert text_of(with_class(rude, "theme-nps")[0]) == "5 of 6 needed"  # never a number on five responses
    assert text_of(with_class(rude, "theme-impact")[0]) == "\u2013"


def test_without_themes_yaml_the_panel_says_how_to_add_one(test_config):
    page = themes_panel.render(test_config, wall({}, test_config), SCREEN)[0]
    assert "add config/themes.yaml" in text_of(page[1])


def test_dutch_wall_speaks_dutch(test_config):
    config = with_themes(test_config, WAITING, RUDE)
    config = dataclasses.replace(config, wall=config.wall.model_copy(update={"language": "nl"}))
    page = themes_panel.render(config, wall(COUNTS, config), SCREEN)[0]
    assert text_of(with_class(page, "themes-headline")[0]) == \
        "De meeste opmerkingen van criticasters wijzen op het proces: 60%"


def test_on_a_big_type_wall_a_page_holds_fewer_themes_and_a_wrapped_cause_name_counts(test_config):
    # a 43" TV at 5 m: the rows are measured in its type, so fewer go on a page; in German "Nicht zugeordnet"
    # wraps between its icon and its share, and the bars' row is a line taller
    many = [Theme(id=f"t{n}", name=f"Theme {n}", cause="process", phrases=[f"word{n}"])
            for n in range(5)]
    counts = dict(COUNTS) | {("lab", DAY, f"theme:t{n}"): NpsCounts(3, 7, 20) for n in range(5)}
    config = with_themes(test_config, *many)
    data = wall(counts, config)
    assert len(themes_panel.render(config, data, SCREEN)) == 1  # five a page at the wall's own size
    with geometry.drawing_for(geometry.room(43, 5, 2.5)):
        pages = themes_panel.render(config, data, SCREEN)
        # the causes' headline and bars once, on page 1, where repeating them would leave a row a page
        assert len(pages) > 1 and with_class(pages[0], "themes-causes")
        assert not any(with_class(page, "themes-causes") for page in pages[1:])
        assert all(with_class(page, "theme-row") for page in pages[1:])
        room = geometry.current()
        for language, name_lines in (("en", 1), ("de", 2)):
            say = labels_for(language)
            headline_lines = estimated_lines(themes_panel.headline(data.themes, say), room.glance(geometry.FS_H2),
                                             room.page_width_rem, bold=True)
            bars = (themes_panel.causes_height(data.themes, say)
                    - headline_lines * room.glance(geometry.FS_H2) * geometry.THEMES_HEADLINE_LINE
                    - geometry.THEMES_CAUSES_GAP_REM - geometry.THEMES_TRACK_GAP_REM - geometry.THEMES_TRACK_REM)
            assert bars == pytest.approx(name_lines * geometry.FS_BODY * geometry.BODY_LINE)
