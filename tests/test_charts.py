"""The trend charts as pure figures: band, target line, gaps for thin periods, TV-sized type, no hover."""

from __future__ import annotations

from datetime import date

import pytest

from layouts.charts import (
    BASE_FONT_PX,
    COUNT_GAP_PX,
    GRAPH_CONFIG,
    NOT_ENOUGH_SYMBOL,
    _words_px,
    counts_that_fit,
    ftr_range,
    ftr_trend_figure,
    labelled_indices,
    note_numbers,
    nps_trend_figure,
    nps_trend_margins,
    palette,
    period_tick,
    px,
    tv_layout,
)
from obeya.config import Annotation
from obeya.labels import labels_for
from obeya.metrics import FtrCounts, NpsCounts
from obeya.snapshot import complete_periods, ftr_series, nps_series

TODAY = date(2024, 3, 13)  # a Wednesday: the current period is the week of 4 March


def weekly_nps(counts: list[tuple[int, int, int]], *, target: float | None = 30, min_responses: int = 30):
    """An NPS series with one (promoters, passives, detractors) per week, oldest first."""
    starts = complete_periods(TODAY, "week", len(counts))
    daily = {("laptop", start): NpsCounts(*c) for start, c in zip(starts, counts)}
    return nps_series(daily, service_id="laptop", name="Laptop & workplace", target=target, starts=starts,
                      period="week", min_responses=min_responses)


def weekly_ftr(counts: list[tuple[int, int]], *, target: float = 85, min_resolved: int = 30):
    """A first-time-right series with one (resolved, first time right) per week, oldest first."""
    starts = complete_periods(TODAY, "week", len(counts))
    daily = {("laptop", start): FtrCounts(resolved, right, resolved - right, 0)
             for start, (resolved, right) in zip(starts, counts)}
    return ftr_series(daily, service_id="laptop", name="Laptop & workplace", target=target,
                      expected_experience="Fixed the same day.", starts=starts, period="week",
                      min_resolved=min_resolved)


ENOUGH = (60, 25, 15)  # 100 responses, NPS 45
THIN = (5, 3, 2)  # 10 responses: below the minimum of 30


def value_trace(figure):
    return next(trace for trace in figure.data if trace.name == "value")


def placeholder_trace(figure):
    return next((trace for trace in figure.data if trace.name == "not enough"), None)


def font_sizes(node) -> list[float]:
    """Every font size anywhere in a figure's JSON."""
    sizes = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("font", "tickfont", "textfont") and isinstance(value, dict) and "size" in value:
                size = value["size"]
                sizes.extend(size if isinstance(size, list) else [size])
            sizes.extend(font_sizes(value))
    elif isinstance(node, list):
        for item in node:
            sizes.extend(font_sizes(item))
    return sizes


def test_nps_trend_has_a_filled_95_percent_band_around_the_values():
    series = weekly_nps([ENOUGH] * 6)
    figure = nps_trend_figure(series, "dark", 1.0)
    bands = [trace for trace in figure.data if trace.fill == "toself"]
    assert len(bands) == 1
    estimate = series.current.estimate
    assert estimate.high in bands[0].y and estimate.low in bands[0].y
    assert bands[0].fillcolor == palette("dark")["band"]


def test_nps_trend_draws_the_target_as_a_labelled_dashed_line():
    figure = nps_trend_figure(weekly_nps([ENOUGH] * 6, target=30), "dark", 1.0)
    lines = [shape for shape in figure.layout.shapes if shape.y0 == 30 and shape.y1 == 30]
    assert len(lines) == 1 and lines[0].line.dash == "dash"
    assert any("30" in annotation.text for annotation in figure.layout.annotations)
    assert 30 >= figure.layout.yaxis.range[0] and 30 <= figure.layout.yaxis.range[1]


def test_nps_trend_without_a_target_has_no_target_line():
    figure = nps_trend_figure(weekly_nps([ENOUGH] * 6, target=None), "dark", 1.0)
    assert not figure.layout.shapes


def test_a_period_below_the_minimum_has_no_value_point_but_a_hollow_placeholder():
    series = weekly_nps([ENOUGH, ENOUGH, THIN, ENOUGH, THIN, ENOUGH])
    figure = nps_trend_figure(series, "dark", 1.0)
    values = value_trace(figure).y
    assert values[2] is None and values[4] is None
    assert value_trace(figure).connectgaps is False
    placeholder = placeholder_trace(figure)
    assert list(placeholder.x) == [2, 4]
    assert placeholder.marker.symbol == NOT_ENOUGH_SYMBOL
    # the band breaks at the thin periods too: three runs of periods with a value
    assert len([trace for trace in figure.data if trace.fill == "toself"]) == 3


def test_a_series_with_every_period_thin_still_draws_without_values():
    figure = nps_trend_figure(weekly_nps([THIN] * 4), "dark", 1.0)
    assert all(value is None for value in value_trace(figure).y)
    assert len(placeholder_trace(figure).x) == 4


def test_full_nps_trend_writes_the_responses_under_the_points():
    series = weekly_nps([ENOUGH] * 5 + [(70, 20, 10)])
    figure = nps_trend_figure(series, "dark", 1.0)
    counts = next(trace for trace in figure.data if trace.name == "n")
    assert counts.mode == "text"
    assert counts.text[-1] == "100"
    assert figure.layout.yaxis2.ticktext == ("responses",)


def test_26_weekly_counts_are_labelled_every_other_point_ending_at_the_current_one():
    figure = nps_trend_figure(weekly_nps([ENOUGH] * 26), "dark", 1.0)
    counts = next(trace for trace in figure.data if trace.name == "n")
    assert list(counts.x) == list(range(1, 26, 2))


@pytest.mark.parametrize("width_px", [600, 900, 1400, 3000])
def test_counts_under_a_trend_never_run_together_however_narrow_it_is(width_px):
    series = weekly_nps([(150, 60, 40)] * 26)  # 250 responses a week: three digits under every point
    margins = nps_trend_margins(series)
    most = counts_that_fit(series.periods, (width_px, 500), margins)
    figure = nps_trend_figure(series, "dark", 1.0, counts_most=most)
    counts = next(trace for trace in figure.data if trace.name == "n")
    plot = width_px - sum(margins)
    spacing = (counts.x[1] - counts.x[0]) * plot / 26
    assert spacing >= _words_px("250") + COUNT_GAP_PX  # never "250250250" in a row
    assert counts.x[-1] == 25  # the current week always has its count
    assert len(counts.x) <= 14


def test_compact_nps_trend_leaves_out_the_response_row_and_period_labels():
    figure = nps_trend_figure(weekly_nps([ENOUGH] * 6), "dark", 1.0, compact=True)
    assert not [trace for trace in figure.data if trace.name == "n"]
    assert figure.layout.xaxis.showticklabels is False


def test_negative_values_use_a_real_minus_sign():
    figure = nps_trend_figure(weekly_nps([(10, 20, 70)] * 6, target=-20), "dark", 1.0)
    assert all("-" not in text for text in figure.layout.yaxis.ticktext)
    assert any("\u2212" in text for text in figure.layout.yaxis.ticktext)
    assert any(annotation.text == "target \u221220" for annotation in figure.layout.annotations)


@pytest.mark.parametrize("scale", [1.0, 4 / 3, 2.0])
def test_chart_type_line_widths_and_markers_scale_with_the_screen(scale):
    figure = nps_trend_figure(weekly_nps([ENOUGH, THIN] * 3), "dark", scale)
    sizes = font_sizes(figure.to_plotly_json())
    assert sizes and min(sizes) >= px(BASE_FONT_PX, scale)
    assert value_trace(figure).line.width == px(4, scale)
    assert figure.layout.shapes[0].line.width == px(3, scale)
    assert placeholder_trace(figure).marker.size == px(18, scale)


def test_ftr_type_is_never_below_24px_at_scale():
    figure = ftr_trend_figure(weekly_ftr([(100, 80)] * 6), "light", 2.0)
    assert min(font_sizes(figure.to_plotly_json())) >= 48


def test_charts_need_no_hover():
    for figure in (nps_trend_figure(weekly_nps([ENOUGH] * 6), "dark", 1.0),
                   ftr_trend_figure(weekly_ftr([(100, 80)] * 6), "dark", 1.0)):
        assert figure.layout.hovermode is False
        assert all(trace.hoverinfo == "skip" for trace in figure.data)
    assert GRAPH_CONFIG["staticPlot"] is True and GRAPH_CONFIG["displayModeBar"] is False


def test_ftr_trend_is_in_percent_with_wilson_band_and_target():
    series = weekly_ftr([(100, 80)] * 5 + [(100, 90)])
    figure = ftr_trend_figure(series, "dark", 1.0)
    assert all(text.endswith("%") for text in figure.layout.yaxis.ticktext)
    assert value_trace(figure).y[-1] == pytest.approx(90)
    band = next(trace for trace in figure.data if trace.fill == "toself")
    assert series.current.estimate.low in band.y and series.current.estimate.high in band.y
    assert any(shape.y0 == 85 for shape in figure.layout.shapes)
    low, high = figure.layout.yaxis.range
    assert 0 <= low and high <= 100


def test_ftr_period_below_the_minimum_has_no_rate():
    figure = ftr_trend_figure(weekly_ftr([(100, 80), (10, 9), (100, 85)]), "dark", 1.0)
    assert value_trace(figure).y[1] is None
    assert list(placeholder_trace(figure).x) == [1]


def test_light_theme_uses_the_light_palette():
    figure = nps_trend_figure(weekly_nps([ENOUGH] * 4), "light", 1.0)
    assert value_trace(figure).line.color == palette("light")["line"]
    assert figure.layout.font.color == palette("light")["text"]


def test_period_ticks_name_weeks_by_their_monday_and_months_by_name():
    assert period_tick(date(2026, 11, 16), "week") == "16 Nov"
    assert period_tick(date(2026, 11, 1), "month") == "Nov"
    assert period_tick(date(2027, 1, 1), "month") == "Jan 2027"
    assert period_tick(date(2026, 6, 1), "month", first=True) == "Jun 2026"


def test_labelled_indices_always_include_the_current_period():
    assert labelled_indices(26, 7)[-1] == 25
    assert len(labelled_indices(26, 7)) <= 7
    assert labelled_indices(4, 7) == [0, 1, 2, 3]
    assert labelled_indices(0, 7) == []


def test_tv_layout_keeps_its_contract():
    layout = tv_layout("dark", 2.0, title=None)
    assert layout.font.size == 2 * BASE_FONT_PX == 48.6  # the wall's smallest type (0.9rem) at 4K
    assert layout.hovermode is False
    assert layout.paper_bgcolor == "rgba(0,0,0,0)"


# --- honest at a glance ---------------------------------------------------------


def test_no_words_lie_on_the_full_nps_chart_s_band_and_points():
    # the band is named in the legend under the chart (tests/test_layout_nps.py): its label on the chart sat on
    # the first weeks' points
    figure = nps_trend_figure(weekly_nps([ENOUGH] * 6))
    assert [annotation for annotation in figure.layout.annotations if annotation.yref == "y"
            and annotation.xref == "x"] == []


def test_two_events_close_together_carry_numbered_marks_and_labels_that_match():
    starts = complete_periods(TODAY, "week", 6)
    launch, training = Annotation(date=starts[2], text="New portal"), Annotation(date=starts[3], text="Training")
    figure = nps_trend_figure(weekly_nps([ENOUGH] * 6), notes=[training, launch])

    texts = [annotation.text for annotation in figure.layout.annotations]
    marks = {annotation.x: annotation.text for annotation in figure.layout.annotations
             if annotation.name == "note-mark"}
    assert marks == {2: "<b>1</b>", 3: "<b>2</b>"}  # numbered by date, each at the top of its own line
    assert "<b>1</b> New portal" in texts and "<b>2</b> Training" in texts


def test_a_small_chart_numbers_its_lines_as_its_page_legend_does():
    starts = complete_periods(TODAY, "week", 6)
    first, second = Annotation(date=starts[1], text="Elsewhere"), Annotation(date=starts[4], text="Here")
    figure = nps_trend_figure(weekly_nps([ENOUGH] * 6), compact=True, notes=[second],
                              numbers=note_numbers([first, second]))
    marks = [annotation.text for annotation in figure.layout.annotations if annotation.name == "note-mark"]
    assert marks == ["<b>2</b>"]  # the page's number, not 1 of this chart alone
    assert not [annotation for annotation in figure.layout.annotations if "Here" in (annotation.text or "")]


def test_small_multiples_of_one_measure_share_one_scale():
    calm = weekly_ftr([(200, 180)] * 6)  # 90%, a narrow band
    rough = weekly_ftr([(40, 20)] * 6)  # 50%, a wide one
    shared = ftr_range([calm, rough])
    ranges = {tuple(ftr_trend_figure(s, value_range=shared).layout.yaxis.range) for s in (calm, rough)}
    assert len(ranges) == 1
    low, high = ranges.pop()
    assert low < 40 and high > 90  # both series' bands fit the one scale


def test_a_chart_drawn_alone_keeps_its_own_scale():
    calm = weekly_ftr([(200, 180)] * 6)
    assert tuple(ftr_trend_figure(calm).layout.yaxis.range) == ftr_range([calm])


def test_a_small_chart_gives_lines_too_close_for_a_mark_each_one_shared_mark():
    starts = complete_periods(TODAY, "week", 26)
    notes = [Annotation(date=starts[i], text=f"event {i}") for i in (3, 10, 11, 12)]
    figure = nps_trend_figure(weekly_nps([ENOUGH] * 26), compact=True, notes=notes)
    marks = [annotation.text for annotation in figure.layout.annotations if annotation.name == "note-mark"]
    assert marks == ["<b>1</b>", "<b>2\u20134</b>"]  # one row of marks: the plot keeps its height
