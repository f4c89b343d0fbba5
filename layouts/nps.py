"""The nps panel: how likely customers are to recommend us, overall and per service.

Page 1 is the whole team: the current NPS as a big number with status,
interval, responses, change and the promoter/passive/detractor split, next
to the trend. Where the room's type makes that card taller than the page, or
leaves the trend beside it too narrow for its labels (a small or far TV), the
overview takes two pages: the card laid out across the page, then the trend.
The next pages are small multiples, one chart per service, as many to a page
as keep their charts readable (layouts/chart_cards.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html

from layouts.charts import (CHART_PX_PER_REM, GRAPH_CONFIG, counts_that_fit, note_numbers, note_words_fit, nps_range,
                            nps_trend_figure, nps_trend_margins, span_words)
from layouts import geometry as g
from layouts.components import (
    Screen,
    chart_legend,
    page_notes,
    small_charts_legend,
    grid_class,
    icon,
    panel_heading,
    period_name,
    GLANCE,
    status_badge,
    data_notes,
    waiting_page,
)
from layouts.chart_cards import CARD_ROW_GAP_REM, cards_per_page
from layouts.journey_fit import heading_height
from layouts.textfit import estimated_lines, text_width
from layouts.words import ENGLISH, Labels, words
from obeya.config import Annotation, Config
from obeya.metrics import NpsCounts
from obeya.snapshot import NpsSeries, WallData


def render(config: Config, data: WallData | None, screen: Screen) -> list:
    """Pages of the nps panel: the overall picture, then the services up to six to a page (`cards_per_page`)."""
    say = words(config)
    if data is None:
        return [waiting_page(say("nps.title"), screen, say)]
    heading = dict(as_of=data.as_of, stale_since=screen.stale_since, problem=screen.problem, data_panel=True, say=say)
    current = data.nps_overall.current
    span = span_words(len(data.nps_overall.periods), data.period, say)
    period = period_name(current, data.period, say)
    subtitle = f"{say('nps.all_services')} · {period}"
    notes = config.annotations_for(None)
    stale = screen.stale_since is not None
    if summary_fits(data.nps_overall, data, subtitle, stale, say):
        size = (trend_width_beside(), trend_height(data, subtitle, stale, say))
        pages = [[panel_heading(say("nps.title"), subtitle, **heading),
                  overview(data.nps_overall, data, screen, notes=notes, size_rem=size, say=say)]]
    else:  # the card across page 1, the trend on page 2
        trend_subtitle = f"{subtitle} · {say('nps.charts', span=span)}"
        size = (g.current().page_width_rem, trend_height(data, trend_subtitle, stale, say))
        pages = [[panel_heading(say("nps.title"), subtitle, **heading),
                  html.Div(html.Div(summary(data.nps_overall, data, say, grouped=True),
                                    className="nps-summary nps-summary-across"),
                           className="nps-overview nps-overview-alone")],
                 [panel_heading(say("nps.title"), trend_subtitle, **heading),
                  html.Div(trend(data.nps_overall, data, screen, notes, size, say),
                           className="nps-overview nps-overview-alone")]]
    services = [data.nps_by_service[s.id] for s in config.services if s.id in data.nps_by_service]
    longest = f"{period} · {say('nps.charts', span=span)} · {say('common.page', number=9, total=9)}"
    per_page, across = cards_per_page(config, data, services, "responses", (say("nps.by_service"), longest), stale,
                                      lambda series, width: card_words_height(series, width, say), say)
    chunks = [services[i:i + per_page] for i in range(0, len(services), per_page)]
    shared = nps_range(services) if services else None  # one scale for every service, on every page
    for number, chunk in enumerate(chunks, start=1):
        subtitle = f"{period} · {say('nps.charts', span=span)}"
        if len(chunks) > 1:
            subtitle += " · " + say("common.page", number=number, total=len(chunks))
        numbers = note_numbers(page_notes(config, data, chunk))
        page = [
            panel_heading(say("nps.by_service"), subtitle, **heading),
            html.Div([service_card(series, data, screen, notes=config.annotations_for(series.service_id),
                                   numbers=numbers, value_range=shared, across=across, say=say)
                      for series in chunk],
                     className="card-grid card-grid-" + grid_class(len(chunk), paged=len(chunks) > 1, per_page=per_page)),
        ]
        legend = small_charts_legend(config, data, chunk, "responses", say)
        if legend:
            page.append(legend)
        pages.append(page)
    return pages


# --- words for periods and numbers ------------------------------------------


def nps_number(value: float, say: Labels = ENGLISH) -> str:
    """An NPS as shown on the wall: whole points, a real minus sign for negatives."""
    return say.signed(value, 0).lstrip("+")


def share(part: int, counts: NpsCounts, say: Labels = ENGLISH) -> str:
    return say.percent(100 * part / counts.responses) if counts.responses else "–"


# --- page 1: the whole team ------------------------------------------------------


def overview(series: NpsSeries, data: WallData, screen: Screen, notes: Sequence[Annotation] = (),
             size_rem: tuple[float, float] | None = None, say: Labels = ENGLISH) -> html.Div:
    """The big number with everything that qualifies it, next to the trend (`size_rem`: see `trend`)."""
    return html.Div(
        [
            html.Div(summary(series, data, say),
                     className="nps-summary" + (" nps-summary-missing" if series.current.estimate is None else "")),
            trend(series, data, screen, notes, size_rem, say),
        ],
        className="nps-overview",
    )


def trend(series: NpsSeries, data: WallData, screen: Screen, notes: Sequence[Annotation] = (),
          size_rem: tuple[float, float] | None = None, say: Labels = ENGLISH) -> html.Div:
    """The weekly or monthly trend with its band, and what the chart's marks mean; the events' words above
    the chart where they fit it and leave the plot its height (`size_rem`: the trend's width and height,
    None: no limit), else in the legend under it."""
    size_px = None if size_rem is None else (size_rem[0] * CHART_PX_PER_REM, size_rem[1] * CHART_PX_PER_REM)
    margins = nps_trend_margins(series, say)
    words = note_words_fit(series.periods, notes, size_px, margins)
    missing = any(p.estimate is None for p in series.periods)
    # the band is named here, not on the chart, where its label sat on the first weeks' points
    legend = chart_legend(not_enough=(data.min_responses, "responses") if missing else None,
                          notes=() if words else notes, band=any(p.estimate for p in series.periods), say=say)
    return html.Div(
        [
            dcc.Graph(figure=nps_trend_figure(series, screen.theme, screen.scale, notes=notes, note_words=words,
                                              counts_most=counts_that_fit(series.periods, size_px, margins, say),
                                              say=say),
                      config=GRAPH_CONFIG, className="chart nps-trend-chart", responsive=True),
            legend,
            data_notes(data, say),
        ],
        className="nps-trend",
    )


def trend_height(data: WallData, subtitle: str, stale: bool, say: Labels = ENGLISH) -> float:
    """Estimated height in rem of the trend chart on page 1 (or 2) under a heading with `subtitle`: the page,
    less the heading and a line of legend under the chart."""
    room = g.current()
    legend = g.FS_SMALL * g.BODY_LINE
    return room.page_height_rem - heading_height(say("nps.title"), subtitle, stale, say) - g.PAGE_GAP_REM - legend


# The summary card as panel-nps.css draws it, in rem of the wall's zoomed type: its text and spacing keep
# their size at scale 1 (down to the detail floor, --fs-small), the status chip is in the glance layer.
SUMMARY_WIDTH_REM = 27.0
SUMMARY_PADDING_X_REM = 1.2
FACT_LABEL_REM = 8.4
FACT_GAPS_REM = 0.6
SPLIT_BAR_REM = 1.1 + 0.5  # the bar and the legend's margin above it
OVERVIEW_GAP_REM = 1.2  # between the card and the trend
# The trend beside the card needs this much width for its period labels, the responses row and the target's
# label to stay on one line each: seven period names of the smallest type, with the axis labels either side.
TREND_MIN_WIDTH_REM = 30.0


def summary_height(series: NpsSeries, data: WallData, say: Labels = ENGLISH) -> float:
    """Estimated height in rem of the summary card beside the trend, in the room being drawn for."""
    room = g.current()
    text = max(g.FS_H3 / room.scale, g.FS_SMALL)
    space = 0.7 / room.scale
    line = text * g.BODY_LINE
    inner = SUMMARY_WIDTH_REM - 2 * SUMMARY_PADDING_X_REM
    estimate = series.current.estimate
    if estimate is None:  # the label, "not enough", the target and two facts; it is never the tall one
        return 2 / room.scale + 5 * line + room.glance(g.FS_H2) * 2.3 + 4 * 1.2

    def fact_lines(*parts: str) -> int:
        used = FACT_LABEL_REM + sum(text_width(part, text) for part in parts) + FACT_GAPS_REM * len(parts)
        return 1 if used <= inner else 2

    chip = room.glance(text) * g.BODY_LINE + 0.3  # its padding and border
    target_words = say("nps.target", value=nps_number(series.target or 0, say))
    chip_width = text_width(say(f"status.{series.status}"), room.glance(text), bold=True) + 2.6
    target = chip if chip_width + 0.8 + text_width(target_words, text) <= inner else chip + 0.4 + line
    change = series.change
    change_words = say("nps.cannot_compare") if change is None else say("nps.within_noise") + " +00"
    facts = (fact_lines(say("nps.interval_value", low="-00", high="-00"), "±00")
             + fact_lines(say.number(estimate.n)) + fact_lines(change_words))
    facts_height = space + 0.1 + facts * line + 2 * 0.5
    split_height = space + 0.1 + SPLIT_BAR_REM + 3 * line + 2 * 0.25
    hero = max(g.FS_HERO / room.scale, room.glance_rem)
    return 2 / room.scale + line + hero + target + facts_height + split_height + 4 * space


def trend_width_beside() -> float:
    """The trend's width in rem beside the summary card, in the room being drawn for."""
    return g.current().page_width_rem - SUMMARY_WIDTH_REM - OVERVIEW_GAP_REM


def summary_fits(series: NpsSeries, data: WallData, subtitle: str, stale: bool, say: Labels = ENGLISH) -> bool:
    """Whether the summary card fits the page beside the trend, under the heading, and leaves the trend
    wide enough to be read."""
    room = g.current()
    if trend_width_beside() < TREND_MIN_WIDTH_REM:
        return False
    available = room.page_height_rem - heading_height(say("nps.title"), subtitle, stale, say) - g.PAGE_GAP_REM
    return summary_height(series, data, say) <= available


def summary(series: NpsSeries, data: WallData, say: Labels = ENGLISH, grouped: bool = False) -> list:
    """The current value and what qualifies it; without enough responses, why there is no number.
    `grouped`: in three blocks (the number, the facts, the split) to lay out across a page."""
    current = series.current
    estimate = current.estimate
    unit = "week" if data.period == "week" else "month"
    if estimate is None:
        missing = [html.Div(say("nps.label"), className="nps-label"),
                   html.Div(say("nps.not_enough"), className="nps-hero-missing not-enough", **GLANCE),
                   target_line(series, say)]
        facts = html.Div(
            [fact(say("nps.responses"), say.number(current.counts.responses),
                  say("nps.needed", minimum=data.min_responses)),
             change_fact(series, unit, say)],
            className="nps-facts",
        )
        return [html.Div(missing, className="nps-summary-number"), facts] if grouped else [*missing, facts]
    number = [html.Div(say("nps.label"), className="nps-label"),
              html.Div(nps_number(estimate.value, say), className="nps-hero", **GLANCE),
              target_line(series, say)]
    facts = html.Div(
        [
            fact(say("nps.interval"),
                 say("nps.interval_value", low=nps_number(estimate.low, say), high=nps_number(estimate.high, say)),
                 "±" + say.number((estimate.high - estimate.low) / 2)),
            fact(say("nps.responses"), say.number(estimate.n)),
            change_fact(series, unit, say),
        ],
        className="nps-facts",
    )
    if grouped:
        return [html.Div(number, className="nps-summary-number"), facts, split(current.counts, say)]
    return [*number, facts, split(current.counts, say)]


def target_line(series: NpsSeries, say: Labels = ENGLISH) -> html.Div:
    if series.target is None:
        return html.Div(say("nps.no_target"), className="nps-target muted")
    return html.Div([status_badge(series.status, chip=True, say=say, glance=True),
                     html.Span(say("nps.target", value=nps_number(series.target, say)), className="nps-target-value")],
                    className="nps-target")


def fact(label: str, value: str, note: str | None = None) -> html.Div:
    children = [html.Span(label, className="nps-fact-label"), html.Span(value, className="nps-fact-value")]
    if note:
        children.append(html.Span(note, className="nps-fact-note"))
    return html.Div(children, className="nps-fact")


def change_fact(series: NpsSeries, unit: str, say: Labels = ENGLISH) -> html.Div:
    """Change vs the previous period, and whether it is bigger than noise."""
    change = series.change
    label = say(f"nps.vs_last_{unit}")
    if change is None:
        return html.Div([html.Span(label, className="nps-fact-label"),
                         html.Span(say("nps.cannot_compare"), className="nps-fact-note")],
                        className="nps-fact nps-change")
    arrow = "bi-arrow-right"  # for a change that rounds to 0
    if round(change.delta) > 0:
        arrow = "bi-arrow-up-right"
    elif round(change.delta) < 0:
        arrow = "bi-arrow-down-right"
    verdict = (html.Span([icon("bi-exclamation-diamond-fill"), say("nps.significant")],
                         className="nps-change-significant")
               if change.significant else html.Span(say("nps.within_noise"), className="nps-change-noise"))
    return html.Div(
        [
            html.Span(label, className="nps-fact-label"),
            html.Span([icon(arrow), say.signed(change.delta, 0)], className="nps-fact-value"),
            verdict,
        ],
        className="nps-fact nps-change",
    )


def split(counts: NpsCounts, say: Labels = ENGLISH) -> html.Div:
    """Promoters, passives and detractors as one stacked bar with the shares written under it."""
    bands = [
        ("promoters", counts.promoters, "bi-emoji-smile-fill"),
        ("passives", counts.passives, "bi-emoji-neutral-fill"),
        ("detractors", counts.detractors, "bi-emoji-frown-fill"),
    ]
    total = max(counts.responses, 1)
    bar = html.Div(
        [html.Div(className=f"nps-split-part nps-{name}", style={"flexGrow": str(count / total)})
         for name, count, _ in bands if count],
        className="nps-split-bar",
        role="img",
        **{"aria-label": ", ".join(f"{share(count, counts, say)} {say('nps.' + name)}" for name, count, _ in bands)},
    )
    legend = html.Div(
        [
            html.Div([icon(glyph), html.Span(share(count, counts, say), className="nps-split-share"),
                      " " + say(f"nps.{name}")],
                     className=f"nps-split-item nps-{name}-text")
            for name, count, glyph in bands
        ],
        className="nps-split-legend",
    )
    return html.Div([bar, legend], className="nps-split")


# --- the next pages: one small chart per service ------------------------------


def service_card(series: NpsSeries, data: WallData, screen: Screen, notes: Sequence[Annotation] = (),
                 numbers: dict[Annotation, int] | None = None, value_range: tuple[float, float] | None = None,
                 across: bool = False, say: Labels = ENGLISH) -> html.Div:
    """One service: its current NPS (or why there is none), status against its target, and its trend; `across`:
    the words in a column left of the chart, which takes the card's whole height."""
    estimate = series.current.estimate
    needed = say("nps.card_needed", count=say.number(series.current.counts.responses), minimum=data.min_responses)
    if estimate is None:
        number = html.Span(say("nps.not_enough"), className="nps-card-missing not-enough")
        count = needed
    else:
        number = html.Span(nps_number(estimate.value, say), className="nps-card-value", **GLANCE)
        count = say("nps.card_responses", count=say.number(estimate.n))
    if series.target is None:
        target = [html.Span(say("nps.card_no_target"), className="nps-card-target")]
    else:
        # "22 of 30 needed" is said once, in the figures: the chip beside it only names the status
        target = [status_badge(series.status, chip=True, say=say),
                  html.Span(say("nps.target", value=nps_number(series.target, say)), className="nps-card-target")]
    return html.Div(
        [
            html.Div(series.name, className="nps-card-name"),
            html.Div([number, html.Span(count, className="nps-card-count")], className="nps-card-figures"),
            html.Div(target, className="nps-card-status"),
            dcc.Graph(figure=nps_trend_figure(series, screen.theme, screen.scale, compact=True,
                                              notes=notes, numbers=numbers, value_range=value_range, say=say),
                      config=GRAPH_CONFIG, className="chart nps-card-chart", responsive=True),
        ],
        className="nps-card" + (" nps-card-across" if across else ""),
    )


CARD_PADDING_Y_REM = 0.6 + 0.4  # .nps-card's, top and bottom


def card_words_height(series: NpsSeries, width: float, say: Labels = ENGLISH) -> float:
    """Height in rem of a service's card without its chart, `width` rem inside: name, figures, status and the
    gaps between them, as panel-nps.css draws them."""
    room = g.current()
    name = estimated_lines(series.name, g.FS_H3, width, bold=True) * g.FS_H3 * 1.15
    figures = room.glance(g.FS_H1) if series.current.estimate is not None else 2 * g.FS_H3 * 1.3
    chip = room.glance(g.FS_SMALL) * g.BODY_LINE + 0.3  # its padding and border
    status = chip
    if series.target is not None:  # the target goes under the chip where they do not fit side by side
        chip_width = text_width(say(f"status.{series.status}"), room.glance(g.FS_SMALL), bold=True) + 2.6
        target_width = text_width(say("nps.target", value=nps_number(series.target, say)), g.FS_SMALL)
        if chip_width + 0.7 + target_width > width:
            status += g.FS_SMALL * g.BODY_LINE + 0.2
    return CARD_PADDING_Y_REM + name + figures + status + 3 * CARD_ROW_GAP_REM
