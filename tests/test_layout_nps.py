"""The nps panel as components: the big number and what qualifies it, thin periods, pages of services."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from dash import dcc

from layouts import geometry, nps
from layouts.components import Screen
from obeya.config import Annotation, Service
from obeya.metrics import NpsCounts
from obeya.snapshot import WallData, complete_periods, nps_series
from tests.component_tree import find, text_of, texts, with_class

TODAY = date(2024, 3, 13)
AS_OF = datetime(2024, 3, 13, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
MIN = 30
ENOUGH = (60, 25, 15)  # 100 responses, NPS 45, ±16
THIN = (5, 3, 2)  # 10 responses


# --- a fixture layer that speaks the domain --------------------------------


def series(counts: list[tuple[int, int, int]], *, service_id: str | None = None, name: str = "All services",
           target: float | None = 30):
    """An NPS series with one (promoters, passives, detractors) per week, oldest first."""
    starts = complete_periods(TODAY, "week", len(counts))
    key = service_id or "any"
    daily = {(key, start): NpsCounts(*c) for start, c in zip(starts, counts)}
    return nps_series(daily, service_id=service_id, name=name, target=target, starts=starts, period="week",
                      min_responses=MIN)


def wall_data(overall, by_service=None) -> WallData:
    return WallData(AS_OF, "week", MIN, overall, by_service or {}, {}, ())


def config_with_services(config, count: int):
    services = tuple(
        Service(id=f"service-{i}", name=f"Service {i}", expected_experience="It just works.", nps_target=30,
                ftr_target=85)
        for i in range(count)
    )
    return dataclasses.replace(config, services=services)


def services_data(config, counts=(ENOUGH,) * 6) -> dict:
    return {s.id: series(list(counts), service_id=s.id, name=s.name, target=s.nps_target) for s in config.services}


SCREEN = Screen(scale=1.0, theme="dark")


# --- behaviour --------------------------------------------------------------


def test_first_page_shows_the_current_nps_as_the_big_number(test_config):
    data = wall_data(series([ENOUGH] * 5 + [(70, 20, 10)]))
    page = nps.render(test_config, data, SCREEN)[0]
    assert texts(with_class(page, "nps-hero")) == ["60"]
    words = text_of(page)
    assert "Responses" in words and "100" in words
    assert "target 30" in words
    assert "as of 10:00" in words


def test_first_page_shows_the_95_percent_interval(test_config):
    overall = series([ENOUGH] * 6)
    estimate = overall.current.estimate
    page = nps.render(test_config, wall_data(overall), SCREEN)[0]
    words = text_of(page)
    assert f"{estimate.low:.0f} to {estimate.high:.0f}" in words
    assert f"±{(estimate.high - estimate.low) / 2:.0f}" in words


def test_status_is_shown_with_icon_and_word(test_config):
    page = nps.render(test_config, wall_data(series([ENOUGH] * 6, target=10)), SCREEN)[0]
    badge = with_class(page, "status")[0]
    assert "status-on_target" in badge.className
    assert "On target" in texts(badge)
    assert find(badge, lambda c: "bi-check-circle-fill" in (getattr(c, "className", "") or ""))


def test_a_change_larger_than_noise_is_called_significant(test_config):
    page = nps.render(test_config, wall_data(series([ENOUGH] * 5 + [(20, 30, 50)])), SCREEN)[0]
    words = text_of(page)
    assert "significant" in words and "within noise" not in words
    assert "\u221275" in words  # from 45 to −30: a real minus sign


def test_a_small_change_is_within_noise(test_config):
    page = nps.render(test_config, wall_data(series([ENOUGH] * 5 + [(61, 25, 14)])), SCREEN)[0]
    words = text_of(page)
    assert "within noise" in words and "significant" not in words
    assert "+2" in words


def test_current_period_below_minimum_shows_not_enough_responses_not_a_number(test_config):
    data = wall_data(series([ENOUGH] * 5 + [THIN]))
    page = nps.render(test_config, data, SCREEN)[0]
    words = text_of(page)
    assert "Not enough responses" in words
    assert not with_class(page, "nps-hero")
    assert "Responses 10 of the 30 needed" in words
    assert "not enough responses to compare" in words
    assert "No data" not in words and "Too few yet" in words  # there are responses, just too few
    assert "fewer than 30" in words  # the chart's legend for the hollow marker


def test_promoter_passive_detractor_split_in_words(test_config):
    page = nps.render(test_config, wall_data(series([ENOUGH] * 6)), SCREEN)[0]
    legend = " ".join(texts(with_class(page, "nps-split-legend")))
    assert "60%" in legend and "promoters" in legend
    assert "25%" in legend and "passives" in legend
    assert "15%" in legend and "detractors" in legend


def test_overall_without_target_says_so(test_config):
    page = nps.render(test_config, wall_data(series([ENOUGH] * 6, target=None)), SCREEN)[0]
    assert "No target set" in text_of(page)


def test_first_page_holds_the_trend_chart_at_screen_scale(test_config):
    page = nps.render(test_config, wall_data(series([ENOUGH] * 6)), Screen(scale=2.0, theme="light"))[0]
    graphs = find(page, lambda c: isinstance(c, dcc.Graph))
    assert len(graphs) == 1
    assert graphs[0].figure.layout.font.size == 48.6  # the wall's smallest type (0.9rem of 2160 px)
    assert graphs[0].config["staticPlot"] is True


@pytest.mark.parametrize(("language", "words"), [("en", "95% range"), ("de", "95-%-Bereich")])
def test_the_legend_under_the_trend_names_its_band_in_the_walls_language(test_config, language, words):
    config = dataclasses.replace(test_config, wall=test_config.wall.model_copy(update={"language": language}))
    page = nps.render(config, wall_data(series([ENOUGH] * 6)), SCREEN)[0]
    legend = with_class(page, "chart-legend")
    assert legend and words in text_of(legend[0])
    assert with_class(legend[0], "band-swatch")


NO_RESPONSES = (0, 0, 0)


def six_events() -> list[Annotation]:
    """Six events of the team in the last three months, as the demo's annotations.yaml has them."""
    starts = complete_periods(TODAY, "week", 26)
    return [Annotation(date=starts[i], text=f"Event number {i}") for i in (11, 14, 16, 19, 20, 21)]


def trend_chart(page):
    graphs = [graph for graph in find(page, lambda c: isinstance(c, dcc.Graph)) if "nps-trend-chart" in graph.className]
    return graphs[0] if graphs else None


def test_without_responses_on_a_43_inch_tv_at_5_m_the_trend_gets_a_page_of_its_own(test_config):
    # beside the card the trend would be 18rem wide: its period names turned on end, its ticks on top of each other
    data = wall_data(series([NO_RESPONSES] * 26))
    with geometry.drawing_for(geometry.room(43, 5, 2.5)):
        first, second = nps.render(test_config, data, SCREEN)[:2]
    assert "Not enough responses" in texts(first) and trend_chart(first) is None
    assert trend_chart(second) is not None and "charts: last 26 weeks" in text_of(second)
    with geometry.drawing_for(geometry.room(55, 5, 2.5)):  # the default room keeps the card beside the trend
        first = nps.render(test_config, data, SCREEN)[0]
    assert "Not enough responses" in texts(first) and trend_chart(first) is not None


def test_on_a_43_inch_tv_the_trend_names_its_events_under_it_so_the_plot_keeps_its_height(test_config):
    # six rows of event words above the chart would take more than half its height
    config = dataclasses.replace(test_config, annotations=tuple(six_events()), actions=())
    for data in (wall_data(series([NO_RESPONSES] * 26)), wall_data(series([ENOUGH] * 26))):
        with geometry.drawing_for(geometry.room(43, 5, 2.5)):
            page = next(page for page in nps.render(config, data, SCREEN) if trend_chart(page) is not None)
        figure = trend_chart(page).figure
        words = [a.text for a in figure.layout.annotations if "Event number" in a.text]
        marks = [a.text for a in figure.layout.annotations if a.name == "note-mark"]
        assert words == [] and marks, "the chart marks the events by number only"
        assert figure.layout.margin.t <= 42, "one row of marks above the plot (10 + 32 px), not six rows of words"
        legend = text_of(with_class(page, "chart-legend")[0])
        assert all(note.text in legend for note in config.annotations)
    with geometry.drawing_for(geometry.room(55, 5, 2.5)):  # the default room has the height for the words
        page = nps.render(config, wall_data(series([NO_RESPONSES] * 26)), SCREEN)[0]
    assert len([a for a in trend_chart(page).figure.layout.annotations if "Event number" in a.text]) == 6


def test_an_event_label_too_long_for_the_chart_is_named_in_the_legend_not_cut_off(test_config):
    # 60 characters at week 16 of 26 run right past the chart's edge beside the card on the default TV
    starts = complete_periods(TODAY, "week", 26)
    long = Annotation(date=starts[16], text="A new self-service portal for every laptop order, in 3 steps")
    config = dataclasses.replace(test_config, annotations=(long,), actions=())
    data = wall_data(series([ENOUGH] * 26))
    with geometry.drawing_for(geometry.room(55, 5, 2.5)):
        page = nps.render(config, data, SCREEN)[0]
    figure = trend_chart(page).figure
    assert not [a for a in figure.layout.annotations if long.text in a.text]
    assert long.text in text_of(with_class(page, "chart-legend")[0])
    short = dataclasses.replace(config, annotations=(long.model_copy(update={"text": "New portal"}),))
    with geometry.drawing_for(geometry.room(55, 5, 2.5)):
        page = nps.render(short, data, SCREEN)[0]
    assert [a.text for a in trend_chart(page).figure.layout.annotations if "New portal" in a.text] == [
        "<b>1</b> New portal"]


def test_on_a_43_inch_tv_at_5_m_each_service_gets_a_page_with_its_chart_beside_its_words(test_config):
    # with the events named under them, two stacked cards a page left each chart about 4rem (a plot of 114px
    # at 1080p, its value labels on top of each other); one card across the page gives it the card's height
    config = config_with_services(dataclasses.replace(test_config, annotations=tuple(six_events()), actions=()), 6)
    config = dataclasses.replace(config, annotations=tuple(note.model_copy(update={"service": "service-0"})
                                                           for note in config.annotations))
    data = wall_data(series([ENOUGH] * 26), {s.id: series([ENOUGH] * 26, service_id=s.id, name=s.name,
                                                         target=s.nps_target) for s in config.services})
    with geometry.drawing_for(geometry.room(43, 5, 2.5)):
        pages = [page for page in nps.render(config, data, SCREEN) if with_class(page, "nps-card")]
    assert len(pages) == 6
    assert all(len(cards) == 1 and "nps-card-across" in cards[0].className
               for cards in (with_class(page, "nps-card") for page in pages))
    with geometry.drawing_for(geometry.room(55, 5, 2.5)):  # the default room keeps two stacked cards a page
        pages = [page for page in nps.render(config, data, SCREEN) if with_class(page, "nps-card")]
    assert [len(with_class(page, "nps-card")) for page in pages] == [2, 2, 2]


def test_services_follow_on_their_own_page_with_value_status_and_target(test_config):
    data = wall_data(series([ENOUGH] * 6), services_data(test_config))
    pages = nps.render(test_config, data, SCREEN)
    assert len(pages) == 2
    cards = with_class(pages[1], "nps-card")
    assert [texts(card)[0] for card in cards] == [s.name for s in test_config.services]
    words = text_of(cards[0])
    assert "45" in words and "On target" in words and "target 20" in words
    assert len(find(pages[1], lambda c: isinstance(c, dcc.Graph))) == len(test_config.services)


def test_six_services_fit_one_page_and_seven_make_two(test_config):
    six = config_with_services(test_config, 6)
    assert len(nps.render(six, wall_data(series([ENOUGH] * 6), services_data(six)), SCREEN)) == 2
    seven = config_with_services(test_config, 7)
    pages = nps.render(seven, wall_data(series([ENOUGH] * 6), services_data(seven)), SCREEN)
    assert len(pages) == 3
    assert len(with_class(pages[1], "nps-card")) == 6 and len(with_class(pages[2], "nps-card")) == 1
    assert "page 2 of 2" in text_of(pages[2])


def test_a_service_below_minimum_shows_not_enough_responses(test_config):
    data = wall_data(series([ENOUGH] * 6), services_data(test_config, counts=(ENOUGH,) * 5 + (THIN,)))
    card = with_class(nps.render(test_config, data, SCREEN)[1], "nps-card")[0]
    words = text_of(card)
    assert "Not enough responses" in words and "Too few yet" in words and "No data" not in words
    assert "10 of 30 needed" in words
    assert not with_class(card, "nps-card-value")


def test_stale_data_shows_the_stale_badge(test_config):
    stale = Screen(stale_since=datetime(2024, 3, 13, 9, 30))
    page = nps.render(test_config, wall_data(series([ENOUGH] * 6)), stale)[0]
    assert "stale since 09:30" in text_of(page)


def test_numbers_never_read_are_not_called_stale(test_config):
    screen = Screen(stale_since=datetime(2024, 3, 13, 9, 30), problem="missing_table")
    words = text_of(nps.render(test_config, None, screen)[0])
    assert "no data yet" in words and "trying to read since 09:30" in words
    assert "stale" not in words
    assert "A table the wall reads is missing" in words or "a table the wall reads is missing" in words


def test_without_data_the_panel_says_it_is_waiting_for_the_database(test_config):
    pages = nps.render(test_config, None, SCREEN)
    assert len(pages) == 1
    words = text_of(pages[0])
    assert "The numbers are not available yet" in words
    assert "Waiting for the database" in words


@pytest.mark.parametrize(
    ("start", "period", "words"),
    [
        (date(2026, 11, 16), "week", "week 16\u201322 Nov"),
        (date(2026, 11, 30), "week", "week 30 Nov \u2013 6 Dec"),
        (date(2026, 11, 1), "month", "November 2026"),
    ],
)
def test_period_names(start, period, words):
    from obeya.snapshot import PeriodValue, next_period_start

    value = PeriodValue(start, next_period_start(start, period), NpsCounts(), None)
    assert nps.period_name(value, period) == words
