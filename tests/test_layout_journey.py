"""The journey panel: the map a viewer reads, the live numbers where it breaks, and pagination.

Rendered without a browser: the tests walk the component tree for the text a
viewer would see, and read the emotion figure's data. Live numbers come from a
WallData built by hand, so each test says exactly what the database knew.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone

import pytest
from dash import dcc

from layouts import geometry, journey, journey_fit
from layouts.components import Screen
from layouts.textfit import text_width, widest_part
from obeya.config import Journey, Stage
from obeya.labels import ENGLISH, labels_for
from obeya.metrics import Estimate, FtrCounts, NpsCounts
from obeya.snapshot import FtrSeries, NpsSeries, PeriodValue, WallData
from tests.component_tree import components, texts

SCREEN = Screen(scale=1.0, theme="dark")
AS_OF = datetime(2024, 3, 13, 10, 5, tzinfo=timezone.utc)


# --- live numbers, as the database would have them ---------------------------------


def period(estimate: Estimate | None, counts) -> PeriodValue:
    return PeriodValue(date(2024, 3, 4), date(2024, 3, 11), counts, estimate)


def nps(service_id: str, value: float | None, status: str, responses: int = 120) -> NpsSeries:
    estimate = Estimate(value, value - 9, value + 9, responses) if value is not None else None
    return NpsSeries(service_id, service_id, 20, (period(estimate, NpsCounts(responses, 0, 0)),), None, status)


def ftr(service_id: str, value: float | None, status: str) -> FtrSeries:
    estimate = Estimate(value, value - 4, value + 4, 200) if value is not None else None
    return FtrSeries(service_id, service_id, 80, "", (period(estimate, FtrCounts(200, 150)),), None, status,
                     None if value is None else value - 80, None)


def wall_data(nps_series: list[NpsSeries], ftr_series: list[FtrSeries]) -> WallData:
    overall = nps("all", 30, "on_target")
    return WallData(AS_OF, "week", 30, overall, {s.service_id: s for s in nps_series},
                    {s.service_id: s for s in ftr_series})


def stage(name: str, emotion: int = 0, **fields) -> Stage:
    return Stage(name=name, emotion=emotion, **fields)


def with_journeys(config, *journeys: Journey):
    return dataclasses.replace(config, journeys=tuple(journeys))


# --- the map ---------------------------------------------------------------------


def test_each_journey_is_a_page_with_its_title_persona_and_stages(test_config):
    pages = journey.render(test_config, None, SCREEN)

    assert len(pages) == 1
    words = texts(pages[0])
    assert "The analyser stops at night" in words
    assert "Ana Costa, Lab technician, night shift" in words
    for name in ("Analyser stops", "Calls for help", "Fix by phone", "Samples rerun", "Tells us"):
        assert name in words
    for row in ("Feeling", "Doing", "Touchpoints", "Pain points", "Opportunities", "Live numbers"):
        assert row in words
    assert "Sees an error code" in words and "Long menu before a person answers" in words


def test_rows_no_stage_fills_are_left_out(test_config):
    bare = Journey(id="bare", title="Bare", persona="ana", stages=[stage("One"), stage("Two", actions=["Calls"])])

    words = texts(journey.render(with_journeys(test_config, bare), None, SCREEN)[0])

    assert "Doing" in words
    assert "Touchpoints" not in words and "Pain points" not in words and "Live numbers" not in words


def test_nine_stages_continue_on_a_second_page(test_config):
    nine = Journey(id="long", title="A long way", persona="ben",
                   stages=[stage(f"Stage {n}", actions=[f"Does thing {n}"]) for n in range(1, 10)])

    pages = journey.render(with_journeys(test_config, nine), None, SCREEN)

    assert len(pages) == 2
    first, second = texts(pages[0]), texts(pages[1])
    assert "Ben Okafor, Lab manager \u00b7 stages 1\u20137 of 9" in first
    assert "Ben Okafor, Lab manager \u00b7 stages 8\u20139 of 9" in second
    assert [w for w in first if w.startswith("Stage ")] == [f"Stage {n}" for n in range(1, 8)]
    assert [w for w in second if w.startswith("Stage ")] == ["Stage 8", "Stage 9"]
    # the feeling curve (its unhappy tint, its zero line) spans the page's stages, not the short page's empty rest
    curves = [next(part for part in components(page) if getattr(part, "className", "") == "journey-curve")
              for page in pages]
    assert [curve.style["gridColumn"] for curve in curves] == ["2 / span 7", "2 / span 2"]


def test_several_journeys_make_several_pages(test_config):
    other = Journey(id="other", title="Another journey", persona="chen", stages=[stage("Only stage")])

    pages = journey.render(with_journeys(test_config, *test_config.journeys, other), None, SCREEN)

    assert len(pages) == 2
    assert "Another journey" in texts(pages[1])


def test_long_cells_show_three_bullets_and_say_how_many_more(test_config):
    busy = Journey(id="busy", title="Busy", persona="ana",
                   stages=[stage("Busy stage", actions=[f"Action {n}" for n in range(1, 7)])])

    words = texts(journey.render(with_journeys(test_config, busy), None, SCREEN)[0])

    assert [w for w in words if w.startswith("Action ")] == ["Action 1", "Action 2", "Action 3"]
    assert "+3 more" in words


def test_yaml_text_is_shown_as_plain_text(test_config):
    sneaky = Journey(id="x", title="<b>Title</b>", persona="ana",
                     stages=[stage("<script>alert(1)</script>", pain_points=["[link](javascript:alert(1))"])])

    page = journey.render(with_journeys(test_config, sneaky), None, SCREEN)[0]

    assert {"<b>Title</b>", "<script>alert(1)</script>", "[link](javascript:alert(1))"} <= set(texts(page))
    assert not any(isinstance(c, dcc.Markdown) for c in components(page))


# --- live numbers --------------------------------------------------------------


def test_stages_with_services_show_nps_and_ftr_with_their_status_words(test_config):
    data = wall_data([nps("analysers", 32, "on_target"), nps("lims", -12.4, "off_target")],
                     [ftr("analysers", 71.4, "off_target"), ftr("lims", 91, "within_noise")])

    page = journey.render(test_config, data, SCREEN)[0]

    words = texts(page)
    assert "Lab analysers" in words and "Lab information system" in words
    assert {"32", "71%", "\u221212", "91%"} <= set(words)
    assert {"On target", "Off target", "Likely on target"} <= set(words)
    assert "as of 10:05" in words


def test_each_journey_number_shows_its_target_beside_it(test_config):
    data = wall_data([nps("analysers", 32, "on_target")], [ftr("analysers", 77, "likely_off_target")])

    page = journey.render(test_config, data, SCREEN)[0]

    metrics = [c for c in components(page) if "journey-metric" in (getattr(c, "className", "") or "").split()]
    rows = [texts(row) for row in metrics]
    assert any(row[:2] == ["NPS", "32"] and row[-1] == "target 20" for row in rows), rows
    assert any(row[:2] == ["FTR", "77%"] and row[-1] == "target 80%" for row in rows), rows


def test_a_stage_below_target_but_not_certain_is_not_drawn_neutral(test_config):
    data = wall_data([nps("analysers", 15, "likely_off_target")], [])

    page = journey.render(test_config, data, SCREEN)[0]

    classes = " ".join(getattr(c, "className", "") or "" for c in components(page))
    assert "status-border-likely_off_target" in classes and "status-likely_off_target" in classes


def test_a_service_with_too_few_responses_says_so_instead_of_a_number(test_config):
    data = wall_data([nps("analysers", None, "no_data", responses=4), nps("lims", 40, "on_target")],
                     [ftr("analysers", 85, "on_target"), ftr("lims", None, "no_data")])

    words = texts(journey.render(test_config, data, SCREEN)[0])

    assert "not enough responses" in words
    assert "not enough tickets" in words


def test_a_service_without_any_number_yet_says_so_in_one_line(test_config):
    data = wall_data([nps("analysers", None, "no_data"), nps("lims", None, "no_data")],
                     [ftr("analysers", None, "no_data"), ftr("lims", None, "no_data")])

    words = texts(journey.render(test_config, data, SCREEN)[0])

    assert words.count("not enough data yet") == 4


def test_without_data_the_map_still_renders_and_says_no_live_numbers_yet(test_config):
    pages = journey.render(test_config, None, SCREEN)

    words = texts(pages[0])
    assert words.count("no live numbers yet") == 4  # one per service block: analysers, analysers, lims, lims
    assert "no data yet" in words  # the freshness line of a data panel


def test_a_wall_that_cannot_read_says_since_when(test_config):
    stale = Screen(scale=1.0, theme="dark", stale_since=datetime(2024, 3, 13, 9, 40))

    words = texts(journey.render(test_config, None, stale)[0])

    assert " trying to read since 09:40" in words  # never read: not "stale"


def test_narrow_columns_switch_to_compact_numbers_with_the_words_by_the_label(test_config):
    services = ["analysers", "lims"]
    crowded = Journey(id="crowded", title="Crowded", persona="ana",
                      stages=[stage(f"Step {n}", services=services) for n in range(1, 8)])
    data = wall_data([nps("analysers", 32, "on_target"), nps("lims", 12, "off_target")],
                     [ftr("analysers", 85, "on_target"), ftr("lims", 60, "off_target")])
    config = with_journeys(test_config, crowded)

    fit = journey_fit.fit_journey(crowded, config, data)
    words = texts(journey.render(config, data, SCREEN)[0])

    assert fit.density.compact
    assert words.count("On target") == 1 and words.count("Off target") == 1  # once, as the key
    assert words.count("32") == 7  # the number itself in every stage


def test_every_page_the_fit_chooses_is_estimated_to_fit(test_config):
    wordy = [stage(f"A stage with a rather long name {n}", emotion=(n % 5) - 2,
                   actions=["Something the customer does, described at some length"] * 4,
                   touchpoints=["A touchpoint", "Another touchpoint"],
                   pain_points=["A pain point described in a long and winding sentence"] * 2,
                   opportunities=["An opportunity, also described at length"] * 3,
                   services=["analysers", "lims"])
             for n in range(1, 10)]
    long = Journey(id="long", title="A journey with a long title that needs room", persona="ana", stages=wordy)
    data = wall_data([nps("analysers", None, "no_data"), nps("lims", 40, "within_noise")],
                     [ftr("analysers", 70, "off_target"), ftr("lims", None, "no_data")])
    config = with_journeys(test_config, long)

    for known in (None, data):
        fit = journey_fit.fit_journey(long, config, known)
        assert sum(len(page) for page in fit.pages) == 9
        first = 1
        for page in fit.pages:
            subtitle = journey_fit.page_subtitle(long, config, first, len(page), len(fit.pages))
            room = journey_fit.map_room(long, subtitle)
            assert journey_fit.map_height(page, fit.columns, fit.density, config, known) <= room
            first += len(page)


# --- the emotion curve -----------------------------------------------------------


def test_emotion_figure_has_one_labelled_point_per_stage(test_config):
    stages = test_config.journeys[0].stages

    figure = journey.emotion_figure(stages, "dark", 1.0)

    trace = figure.data[0]
    assert list(trace.y) == [-2, -1, 0, 1, 1]
    assert list(trace.text) == ["very unhappy", "unhappy", "neutral", "happy", "happy"]
    assert "markers" in trace.mode and "text" in trace.mode


def test_emotion_figure_scales_its_text_and_markers_with_the_screen(test_config):
    stages = test_config.journeys[0].stages

    small, large = journey.emotion_figure(stages, "light", 1.0), journey.emotion_figure(stages, "light", 2.0)

    assert small.data[0].textfont.size >= 24
    assert large.data[0].textfont.size == 2 * small.data[0].textfont.size
    assert large.data[0].marker.size == 2 * small.data[0].marker.size


def test_the_curve_of_a_short_last_page_spans_its_own_stages_not_the_empty_columns():
    # the unhappy half's tint and the zero line end with the last stage, not across the empty rest of the page
    figure = journey.emotion_figure([stage("Eight"), stage("Nine")], "dark", 1.0)

    assert list(figure.layout.xaxis.range) == [-0.5, 1.5]


@pytest.mark.parametrize("language", ["en", "nl", "de"])
def test_the_label_column_holds_every_label_word_and_compact_status_word(language):
    say = labels_for(language)
    for compact in (False, True):
        room = (journey_fit.label_column(compact, say) - geometry.JOURNEY_COLUMN_GAP_REM
                - geometry.JOURNEY_LABEL_PADDING_RIGHT_REM)
        for label in journey_fit.ROW_LABELS:
            assert widest_part(say(f"journey.{label}"), 0.9, bold=True) + journey_fit.LABEL_ICON_REM <= room
        if compact:
            for status in journey_fit.LEGEND:
                assert widest_part(say(f"status.{status}"), 0.9, bold=True) + journey_fit.STATUS_ICON_REM <= room
    assert journey_fit.label_column(False, ENGLISH) == journey_fit.LABEL_COLUMN_REM  # English needs no more


def test_a_soft_hyphen_where_a_word_breaks_counts_the_hyphen_shown():
    assert widest_part("Verbesserungs\u00admöglichkeiten", 1.0) == pytest.approx(text_width("Verbesserungs-", 1.0))


# --- the team's open actions (actions.yaml) --------------------------------------


def test_a_stage_shows_how_many_open_actions_it_has_and_the_one_due_soonest(test_config):
    from obeya.config import Action, ActionLinks

    later = Action(id="later", title="A second night line with a person who knows the analysers", owner="Ben",
                   status="planned", due=date(2031, 1, 1),
                   links=ActionLinks(journey="night-breakdown", stage="Calls for help"))
    done = Action(id="done", title="Already done", owner="Ben", status="done", started=date(2024, 1, 1),
                  done=date(2024, 1, 2), links=ActionLinks(journey="night-breakdown", stage="Fix by phone"))
    config = dataclasses.replace(test_config, actions=test_config.actions + (later, done))
    page = journey.render(config, None, SCREEN)[0]
    cells = [texts(cell) for cell in components(page) if "journey-our_actions" in (getattr(cell, "className", "") or "")]
    assert "Our actions" in texts(page)  # the row's label
    # one cell per stage; a done action is not shown
    assert cells == [[], ["2 open: An analyser engineer on call every night"], [],
                     ["1 open: Results pushed to the ward the moment\u2026"], []]


def test_the_open_actions_take_room_the_fit_counts(test_config):
    (stages,) = [list(j.stages) for j in test_config.journeys]
    density = journey_fit.DENSITIES[0]
    without = journey_fit.map_height(stages, 5, density, test_config, None)
    with_actions = journey_fit.map_height(stages, 5, density, test_config, None, journey=test_config.journeys[0])
    assert with_actions > without


def test_open_actions_say_how_many_only_when_their_titles_would_cost_a_page(test_config):
    from obeya.config import Action, ActionLinks

    busy = [stage(f"Stage {n}", actions=["Something the customer does, at some length"] * 3,
                  pain_points=["A pain point described at length"] * 3, services=["analysers", "lims"])
            for n in range(1, 8)]
    long = Journey(id="long", title="Seven busy stages", persona="ana", stages=busy)
    actions = tuple(Action(id=f"a{n}", title="A title long enough to take three lines in a narrow column",
                           owner="Ben", status="planned", links=ActionLinks(journey="long", stage=f"Stage {n}"))
                    for n in range(1, 8))
    config = dataclasses.replace(with_journeys(test_config, long), actions=actions)
    fit = journey_fit.fit_journey(long, config, None)
    bare = dataclasses.replace(config, actions=())
    assert len(fit.pages) == len(journey_fit.fit_journey(long, bare, None).pages)
    assert not fit.action_titles
    assert "1 open" in texts(journey.render(config, None, SCREEN)[0])


def test_a_stage_names_the_theme_its_services_detractors_mention_most(test_config):
    from obeya.theme_stats import ThemeStat, ThemesView

    def stat(theme_id, name):
        return ThemeStat(theme_id, name, "process", NpsCounts(0, 0, 5), 10.0, None, None, None, None)

    themes = ThemesView(date(2024, 2, 12), date(2024, 3, 11), NpsCounts(10, 10, 10), NpsCounts(5, 5, 0),
                        themes=(stat("waiting", "Waiting without news"), stat("passed", "Passed between teams")),
                        by_service={"analysers": {"waiting": 4, "passed": 1}, "lims": {"passed": 6}})
    data = dataclasses.replace(wall_data([], []), themes=themes)
    words = texts(journey.render(test_config, data, SCREEN)[0])
    assert "Comments" in words
    # "Analyser stops" (analysers) and "Samples rerun" (analysers, lims: 4 + 0 against 1 + 6) and "Tells us" (lims)
    assert words.count("Waiting without news") == 1 and words.count("Passed between teams") >= 2


# --- pages of different numbers of stages -----------------------------------------------------------


def shipped_config():
    from pathlib import Path

    from obeya.config import load_config

    return load_config(Path(__file__).resolve().parent.parent / "config")


SHIPPED_SERVICES = ("laptop", "access", "software", "network", "onboarding", "meeting-rooms")
LIVE = wall_data([nps(service, 27, "likely_off_target") for service in SHIPPED_SERVICES],
                 [ftr(service, 64, "off_target") for service in SHIPPED_SERVICES])


def test_short_stages_share_a_page_when_a_wordy_one_needs_a_page_of_its_own():
    # the shipped journeys with live numbers on the default 55" room: two stages side by side fit, two
    # wordy ones do not; one stage a page took 11 pages for the two demo journeys
    config = shipped_config()
    with geometry.drawing_for(geometry.room()):
        fits = [journey_fit.fit_journey(each, config, LIVE) for each in config.journeys]
        assert sum(len(fit.pages) for fit in fits) < sum(len(each.stages) for each in config.journeys)
        for each, fit in zip(config.journeys, fits):
            assert [stage for page in fit.pages for stage in page] == list(each.stages)
            first = 1
            for number, page in enumerate(fit.pages):
                subtitle = journey_fit.page_subtitle(each, config, first, len(page), len(fit.pages))
                height = journey_fit.map_height(page, fit.columns_of(number), fit.density, config, LIVE,
                                                journey=each, action_titles=fit.action_titles)
                assert height <= journey_fit.map_room(each, subtitle)
                first += len(page)
        assert any(len({len(page) for page in fit.pages}) > 1 for fit in fits)


def test_a_page_of_one_stage_after_a_page_of_two_draws_one_column():
    config = shipped_config()
    with geometry.drawing_for(geometry.room()):
        pages = journey.render(config, LIVE, Screen())
        grids = [next(part for part in components(page) if getattr(part, "className", "") == "journey-map")
                 for page in pages]
    assert {grid.style["gridTemplateColumns"].split("repeat(")[1] for grid in grids} >= {"1, minmax(0, 1fr))",
                                                                                         "2, minmax(0, 1fr))"}


def test_a_stage_too_tall_for_a_page_of_its_own_continues_on_the_next():
    # a 43" TV at 5 m: even one demo stage alone is taller than the page; its rows go on, every one once
    config = shipped_config()
    with geometry.drawing_for(geometry.room(43, 5, 2.5)):
        each = config.journeys[0]
        fit = journey_fit.fit_journey(each, config, LIVE)
        assert fit.rows and any(rows is not None for rows in fit.rows)
        for stage in each.stages:
            numbers = [n for n, page in enumerate(fit.pages) if page == [stage]]
            parts = [fit.rows_of(n) or journey_fit.ROWS for n in numbers]
            shown = [row for part in parts for row in part]
            assert len(shown) == len(set(shown))  # no row twice
            for n in numbers:
                subtitle = journey_fit.page_subtitle(each, config, 1, 1, len(fit.pages), continued=n != numbers[0])
                height = journey_fit.map_height([stage], 1, fit.density, config, LIVE, journey=each,
                                                action_titles=fit.action_titles, shown=fit.rows_of(n))
                assert height <= journey_fit.map_room(each, subtitle)
        pages = journey.render(dataclasses.replace(config, journeys=(each,)), LIVE, Screen())
    subtitles = [text for page in pages for text in texts(page) if "stage" in text and "of 6" in text]
    assert any(text.endswith(", continued") for text in subtitles)
    assert all("Feeling" in texts(page) for page, text in zip(pages, subtitles) if not text.endswith("continued"))


def test_beside_a_stage_too_tall_for_its_page_the_other_stages_share_pages():
    # German words on the default 55" room: "Gets it fixed" alone is taller than a page and goes on over two;
    # the short stages before it share a page instead of taking one each (7 pages for 6 stages before)
    config, say = shipped_config(), labels_for("de")
    each = config.journeys[0]
    with geometry.drawing_for(geometry.room()):
        fit = journey_fit.fit_journey(each, config, LIVE, say=say)
        assert any(rows is not None for rows in fit.rows or [])
        assert any(len(page) > 1 for page in fit.pages)
        assert len(fit.pages) <= len(each.stages)  # one stage a page, the tall one on two, took one page more
        for number, page in enumerate(fit.pages):
            if len(page) > 1:
                subtitle = journey_fit.page_subtitle(each, config, 1, len(page), len(fit.pages), say)
                assert journey_fit.map_height(page, len(page), fit.density, config, LIVE, say, each,
                                              fit.action_titles) <= journey_fit.map_room(each, subtitle, say=say)
        pages = journey.render(dataclasses.replace(config, journeys=(each,),
                                                   wall=config.wall.model_copy(update={"language": "de"})),
                               LIVE, Screen())
    assert [name for page in pages for name in texts(page) if name in {s.name for s in each.stages}] \
        .count("Gets it fixed") == 2  # the tall stage on two pages, every other stage once
