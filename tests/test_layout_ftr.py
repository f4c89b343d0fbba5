"""The ftr panel as components: one card per key service with rate, gap, status, experience and miss reason."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from zoneinfo import ZoneInfo

from dash import dcc

from layouts import ftr, geometry
from layouts.components import Screen
from obeya.config import Annotation, Service
from obeya.metrics import FtrCounts, NpsCounts
from obeya.snapshot import WallData, complete_periods, ftr_series, nps_series
from tests.component_tree import find, text_of, texts

TODAY = date(2024, 3, 13)
AS_OF = datetime(2024, 3, 13, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
MIN = 30
WEEKS = 6
SCREEN = Screen(scale=1.0, theme="dark")


# --- a fixture layer that speaks the domain --------------------------------


def first_time_right(service: Service, weeks: list[FtrCounts]):
    """The service's first-time-right series with one FtrCounts per week, oldest first."""
    starts = complete_periods(TODAY, "week", len(weeks))
    daily = {(service.id, start): counts for start, counts in zip(starts, weeks)}
    return ftr_series(daily, service_id=service.id, name=service.name, target=service.ftr_target,
                      expected_experience=service.expected_experience, starts=starts, period="week",
                      min_resolved=MIN)


def wall_data(config, current: FtrCounts = FtrCounts(100, 76, 20, 4), earlier: FtrCounts = FtrCounts(100, 80, 15, 5)):
    """Every service of `config` with `earlier` counts for five weeks, then `current`."""
    starts = complete_periods(TODAY, "week", WEEKS)
    overall = nps_series({("any", s): NpsCounts(60, 25, 15) for s in starts}, service_id=None, name="All services",
                         target=30, starts=starts, period="week", min_responses=MIN)
    by_service = {s.id: first_time_right(s, [earlier] * (WEEKS - 1) + [current]) for s in config.services}
    return WallData(AS_OF, "week", MIN, overall, {}, by_service, ())


def config_with_services(config, count: int):
    services = tuple(
        Service(id=f"service-{i}", name=f"Service {i}", expected_experience=f"Experience number {i}.",
                nps_target=30, ftr_target=80)
        for i in range(count)
    )
    return dataclasses.replace(config, services=services)


def cards(page) -> list:
    return find(page, lambda c: "ftr-card" in (getattr(c, "className", None) or "").split())


# --- behaviour --------------------------------------------------------------


def test_each_key_service_gets_a_card_with_its_chart(test_config):
    page = ftr.render(test_config, wall_data(test_config), SCREEN)[0]
    assert [texts(card)[0] for card in cards(page)] == [s.name for s in test_config.services]
    graphs = find(page, lambda c: isinstance(c, dcc.Graph))
    assert len(graphs) == len(test_config.services)
    assert graphs[0].figure.layout.yaxis.ticktext[0].endswith("%")
    assert "as of 10:00" in text_of(page)


def test_card_shows_rate_gap_in_points_status_and_expected_experience(test_config):
    # lab analysers aim for 80%; 76 of 100 is 76%, 4 points short, and 80 lies inside the interval
    card = cards(ftr.render(test_config, wall_data(test_config), SCREEN)[0])[0]
    words = text_of(card)
    assert "76%" in words
    assert "\u22124 pts" in words and "vs target 80%" in words
    assert "Likely below target" in words  # 4 points short is not shown as neutral
    assert "A broken analyser runs again within two hours, day or night." in words


def test_off_target_card_says_so_with_icon_and_word(test_config):
    card = cards(ftr.render(test_config, wall_data(test_config, current=FtrCounts(200, 120, 60, 20)), SCREEN)[0])[0]
    badge = find(card, lambda c: "status" in (getattr(c, "className", None) or "").split())[0]
    assert "status-off_target" in badge.className and "Off target" in texts(badge)
    assert "\u221220 pts" in text_of(card)


def test_on_target_gap_has_a_plus_sign(test_config):
    card = cards(ftr.render(test_config, wall_data(test_config, current=FtrCounts(200, 190, 10, 0)), SCREEN)[0])[0]
    words = text_of(card)
    assert "+15 pts" in words and "On target" in words


def test_main_miss_reason_is_named_when_the_data_says_why(test_config):
    page = ftr.render(test_config, wall_data(test_config, current=FtrCounts(100, 76, 4, 20)), SCREEN)[0]
    assert "Main miss reason: reassigned" in text_of(cards(page)[0])


def test_no_miss_reason_when_none_was_recorded(test_config):
    page = ftr.render(test_config, wall_data(test_config, current=FtrCounts(100, 76, 0, 0)), SCREEN)[0]
    assert "Main miss reason" not in text_of(page)


def test_too_few_tickets_show_not_enough_tickets_not_a_rate(test_config):
    page = ftr.render(test_config, wall_data(test_config, current=FtrCounts(10, 9, 1, 0)), SCREEN)[0]
    card = cards(page)[0]
    words = text_of(card)
    assert "Not enough tickets" in words and "Too few yet" in words and "No data" not in words
    assert "90%" not in words and "pts" not in words
    assert "fewer than 30" in text_of(page)


def test_services_go_three_to_a_page_where_two_rows_would_leave_their_charts_strips(test_config):
    # 3 × 2 cards of the smallest type (an 85" TV at 3 m) left each chart about 5rem; one row of three keeps
    # chart_cards.CHART_MIN_REM, so six services make two pages and seven three
    six = config_with_services(test_config, 6)
    assert [len(cards(page)) for page in ftr.render(six, wall_data(six), SCREEN)] == [3, 3]
    seven = config_with_services(test_config, 7)
    pages = ftr.render(seven, wall_data(seven), SCREEN)
    assert [len(cards(page)) for page in pages] == [3, 3, 1]
    assert "page 3 of 3" in text_of(pages[2])


def test_without_data_the_panel_says_it_is_waiting_for_the_database(test_config):
    pages = ftr.render(test_config, None, SCREEN)
    assert len(pages) == 1
    assert "Waiting for the database" in text_of(pages[0])


def test_gap_words():
    assert ftr.gap_words(-4.4) == "\u22124 pts"
    assert ftr.gap_words(5.2) == "+5 pts"
    assert ftr.gap_words(0.3) == "0 pts"


def test_the_services_small_charts_share_one_scale(test_config):
    data = wall_data(test_config)
    first, *others = test_config.services
    rough = first_time_right(first, [FtrCounts(30, 12)] * WEEKS)  # 40%, far below the others' 76–80%
    data = dataclasses.replace(data, ftr_by_service={**data.ftr_by_service, first.id: rough})

    graphs = find(ftr.render(test_config, data, SCREEN)[0], lambda c: isinstance(c, dcc.Graph))

    assert len(graphs) == len(test_config.services) > 1
    assert len({tuple(graph.figure.layout.yaxis.range) for graph in graphs}) == 1


def test_the_legend_names_the_band_and_numbers_the_events_as_the_charts_do(test_config):
    starts = complete_periods(TODAY, "week", WEEKS)
    notes = (Annotation(date=starts[3], text="Training"), Annotation(date=starts[2], text="New portal"))
    config = dataclasses.replace(test_config, annotations=notes)

    page = ftr.render(config, wall_data(config), SCREEN)[0]

    legend = find(page, lambda c: "chart-legend" in (getattr(c, "className", None) or "").split())[0]
    assert "95% range" in text_of(legend)
    events = find(legend, lambda c: getattr(c, "className", None) == "event-note")
    number = {text_of(event).split(": ")[-1]: texts(event)[0] for event in events}  # text → its number
    assert int(number["New portal"]) + 1 == int(number["Training"])  # numbered in the order of their days
    chart = find(page, lambda c: isinstance(c, dcc.Graph))[0].figure
    marks = {a.x: a.text for a in chart.layout.annotations if a.name == "note-mark"}
    assert marks[2] == f"<b>{number['New portal']}</b>" and marks[3] == f"<b>{number['Training']}</b>"


def demo_like(config):
    """Six services with the demo's long promises and six events on the first one, as the shipped wall has."""
    services = tuple(
        Service(id=f"service-{i}", name=f"Service number {i}", nps_target=30, ftr_target=80,
                expected_experience="A broken laptop is swapped or fixed the same day, with your files intact.")
        for i in range(6))
    starts = complete_periods(TODAY, "week", WEEKS)
    events = tuple(Annotation(date=starts[i % WEEKS], text=f"Event {i}: the team changed something", service="service-0")
                   for i in range(6))
    return dataclasses.replace(config, services=services, annotations=events, actions=())


def test_on_a_43_inch_tv_at_5_m_each_service_gets_a_page_with_its_chart_beside_its_words(test_config):
    # two stacked cards a page left each chart a strip of about 1rem; one card across the page gives it the
    # height of the card
    config = demo_like(test_config)
    data = wall_data(config)
    with geometry.drawing_for(geometry.room(43, 5, 2.5)):
        pages = ftr.render(config, data, SCREEN)
    assert len(pages) == 6
    assert all(len(cards(page)) == 1 and "ftr-card-across" in cards(page)[0].className for page in pages)
    with geometry.drawing_for(geometry.room(55, 5, 2.5)):  # the default room keeps two stacked cards a page
        pages = ftr.render(config, data, SCREEN)
    assert len(pages) == 3
    assert all(len(cards(page)) == 2 and "ftr-card-across" not in cards(page)[0].className for page in pages)
