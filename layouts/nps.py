"""The nps panel: how likely customers are to recommend us, overall and per service.

Page 1 is the whole team: the current NPS as a big number with status,
interval, responses, change and the promoter/passive/detractor split, next
to the trend. The next pages are small multiples, one chart per service.
"""

from __future__ import annotations

from collections.abc import Sequence

from datetime import date, datetime, timedelta

from dash import dcc, html

from layouts.charts import GRAPH_CONFIG, nps_trend_figure, span_words
from layouts.components import (
    Screen,
    chart_legend,
    small_charts_legend,
    grid_class,
    icon,
    panel_heading,
    period_name,
    signed,
    status_badge,
    data_notes,
    waiting_page,
)
from obeya.config import Annotation, Config
from obeya.metrics import NpsCounts
from obeya.snapshot import NpsSeries, PeriodValue, WallData

TITLE = "Net Promoter Score"
SERVICES_PER_PAGE = 6  # a 3×2 grid of small charts


def render(config: Config, data: WallData | None, screen: Screen) -> list:
    """Pages of the nps panel: the overall picture, then the services six to a page."""
    if data is None:
        return [waiting_page(TITLE, screen)]
    heading = dict(as_of=data.as_of, stale_since=screen.stale_since, problem=screen.problem, data_panel=True)
    current = data.nps_overall.current
    span = span_words(len(data.nps_overall.periods), data.period)
    pages = [[
        panel_heading(TITLE, f"{data.nps_overall.name} · {period_name(current, data.period)}", **heading),
        overview(data.nps_overall, data, screen, notes=config.annotations_for(None)),
    ]]
    services = [data.nps_by_service[s.id] for s in config.services if s.id in data.nps_by_service]
    chunks = [services[i:i + SERVICES_PER_PAGE] for i in range(0, len(services), SERVICES_PER_PAGE)]
    for number, chunk in enumerate(chunks, start=1):
        subtitle = f"{period_name(current, data.period)} · charts: {span}"
        if len(chunks) > 1:
            subtitle += f" · page {number} of {len(chunks)}"
        page = [
            panel_heading("NPS by service", subtitle, **heading),
            html.Div([service_card(series, data, screen, notes=config.annotations_for(series.service_id))
                      for series in chunk],
                     className=f"card-grid card-grid-{grid_class(len(chunk), paged=len(chunks) > 1)}"),
        ]
        legend = small_charts_legend(config, data, chunk, "responses", "number")
        if legend:
            page.append(legend)
        pages.append(page)
    return pages


# --- words for periods and numbers ------------------------------------------


def nps_number(value: float) -> str:
    """An NPS as shown on the wall: whole points, a real minus sign for negatives."""
    return signed(value, 0).lstrip("+")


def share(part: int, counts: NpsCounts) -> str:
    return f"{100 * part / counts.responses:.0f}%" if counts.responses else "–"


# --- page 1: the whole team ------------------------------------------------------


def overview(series: NpsSeries, data: WallData, screen: Screen, notes: Sequence[Annotation] = ()) -> html.Div:
    """The big number with everything that qualifies it, next to the trend."""
    return html.Div(
        [
            html.Div(summary(series, data),
                     className="nps-summary" + (" nps-summary-missing" if series.current.estimate is None else "")),
            html.Div(
                [
                    dcc.Graph(figure=nps_trend_figure(series, screen.theme, screen.scale,
                                                     notes=notes), config=GRAPH_CONFIG,
                              className="chart nps-trend-chart", responsive=True),
                    chart_legend(not_enough=(data.min_responses, "responses", "number"))
                    if any(p.estimate is None for p in series.periods) else None,
                    data_notes(data),
                ],
                className="nps-trend",
            ),
        ],
        className="nps-overview",
    )


def summary(series: NpsSeries, data: WallData) -> list:
    """The current value and what qualifies it; without enough responses, why there is no number."""
    current = series.current
    estimate = current.estimate
    unit = "week" if data.period == "week" else "month"
    if estimate is None:
        return [
            html.Div("NPS", className="nps-label"),
            html.Div("Not enough responses", className="nps-hero-missing not-enough"),
            target_line(series),
            html.Div(
                [fact("Responses", f"{current.counts.responses:,}", f"of the {data.min_responses} needed"),
                 change_fact(series, unit)],
                className="nps-facts",
            ),
        ]
    return [
        html.Div("NPS", className="nps-label"),
        html.Div(nps_number(estimate.value), className="nps-hero"),
        target_line(series),
        html.Div(
            [
                fact("95% interval", f"{nps_number(estimate.low)} to {nps_number(estimate.high)}",
                     f"±{(estimate.high - estimate.low) / 2:.0f}"),
                fact("Responses", f"{estimate.n:,}"),
                change_fact(series, unit),
            ],
            className="nps-facts",
        ),
        split(current.counts),
    ]


def target_line(series: NpsSeries) -> html.Div:
    if series.target is None:
        return html.Div("No target set", className="nps-target muted")
    return html.Div([status_badge(series.status, chip=True),
                     html.Span(f"target {nps_number(series.target)}", className="nps-target-value")],
                    className="nps-target")


def fact(label: str, value: str, note: str | None = None) -> html.Div:
    children = [html.Span(label, className="nps-fact-label"), html.Span(value, className="nps-fact-value")]
    if note:
        children.append(html.Span(note, className="nps-fact-note"))
    return html.Div(children, className="nps-fact")


def change_fact(series: NpsSeries, unit: str) -> html.Div:
    """Change vs the previous period, and whether it is bigger than noise."""
    change = series.change
    label = f"vs last {unit}"
    if change is None:
        return html.Div([html.Span(label, className="nps-fact-label"),
                         html.Span("not enough responses to compare", className="nps-fact-note")],
                        className="nps-fact nps-change")
    arrow = "bi-arrow-right"  # for a change that rounds to 0
    if round(change.delta) > 0:
        arrow = "bi-arrow-up-right"
    elif round(change.delta) < 0:
        arrow = "bi-arrow-down-right"
    verdict = (html.Span([icon("bi-exclamation-diamond-fill"), "significant"], className="nps-change-significant")
               if change.significant else html.Span("within noise", className="nps-change-noise"))
    return html.Div(
        [
            html.Span(label, className="nps-fact-label"),
            html.Span([icon(arrow), signed(change.delta, 0)], className="nps-fact-value"),
            verdict,
        ],
        className="nps-fact nps-change",
    )


def split(counts: NpsCounts) -> html.Div:
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
        **{"aria-label": ", ".join(f"{share(count, counts)} {name}" for name, count, _ in bands)},
    )
    legend = html.Div(
        [
            html.Div([icon(glyph), html.Span(share(count, counts), className="nps-split-share"), f" {name}"],
                     className=f"nps-split-item nps-{name}-text")
            for name, count, glyph in bands
        ],
        className="nps-split-legend",
    )
    return html.Div([bar, legend], className="nps-split")


# --- the next pages: one small chart per service ------------------------------


def service_card(series: NpsSeries, data: WallData, screen: Screen, notes: Sequence[Annotation] = ()) -> html.Div:
    """One service: its current NPS (or why there is none), status against its target, and its trend."""
    estimate = series.current.estimate
    if estimate is None:
        number = html.Span("Not enough responses", className="nps-card-missing not-enough")
        count = f"{series.current.counts.responses} of {data.min_responses} needed"
    else:
        number = html.Span(nps_number(estimate.value), className="nps-card-value")
        count = f"{estimate.n:,} responses"
    if series.target is None:
        target = [html.Span("no target", className="nps-card-target")]
    else:
        target = [status_badge(series.status, chip=True),
                  html.Span(f"target {nps_number(series.target)}", className="nps-card-target")]
    return html.Div(
        [
            html.Div(series.name, className="nps-card-name"),
            html.Div([number, html.Span(count, className="nps-card-count")], className="nps-card-figures"),
            html.Div(target, className="nps-card-status"),
            dcc.Graph(figure=nps_trend_figure(series, screen.theme, screen.scale, compact=True,
                                              notes=notes),
                      config=GRAPH_CONFIG, className="chart nps-card-chart", responsive=True),
        ],
        className="nps-card",
    )
