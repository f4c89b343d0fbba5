"""The ftr panel: first-time-right per key service against its target.

One card per service: the rate per period with its Wilson band and the
target line, the current rate, the gap to target in points, status, the
experience the customer should get in words, and why tickets missed.
Six cards to a page (3 × 2); more services make more pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html

from layouts.charts import GRAPH_CONFIG, ftr_trend_figure, span_words
from layouts.components import (
    Screen,
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
from obeya.snapshot import FtrSeries, WallData

TITLE = "First time right"
SERVICES_PER_PAGE = 6
MISS_REASON_ICONS = {"reopened": "bi-arrow-counterclockwise", "reassigned": "bi-arrow-left-right"}


def render(config: Config, data: WallData | None, screen: Screen) -> list:
    """Pages of the ftr panel: the key services, six to a page."""
    if data is None:
        return [waiting_page(TITLE, screen)]
    services = [data.ftr_by_service[s.id] for s in config.services if s.id in data.ftr_by_service]
    chunks = [services[i:i + SERVICES_PER_PAGE] for i in range(0, len(services), SERVICES_PER_PAGE)] or [[]]
    period = period_name(data.nps_overall.current, data.period)
    span = span_words(len(data.nps_overall.periods), data.period)
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        subtitle = f"Resolved tickets right the first time · {period} · charts: {span}"
        if len(chunks) > 1:
            subtitle += f" · page {number} of {len(chunks)}"
        page = [panel_heading(TITLE, subtitle, as_of=data.as_of, stale_since=screen.stale_since,
                              problem=screen.problem, data_panel=True)]
        if chunk:
            page.append(html.Div([service_card(series, data, screen, notes=config.annotations_for(series.service_id))
                                  for series in chunk],
                                 className=f"card-grid card-grid-{grid_class(len(chunk), paged=len(chunks) > 1)}"))
        else:
            page.append(html.Div("No key services in services.yaml yet.", className="ftr-empty"))
        legend = small_charts_legend(config, data, chunk, "tickets", "rate")
        if legend:
            page.append(legend)
        if number == 1 and (notes := data_notes(data)):
            page.append(notes)
        pages.append(page)
    return pages


def gap_words(gap: float) -> str:
    """The gap to target in whole points: '+5 pts', '−4 pts', '0 pts'."""
    return f"{signed(gap, 0)} pts"


def service_card(series: FtrSeries, data: WallData, screen: Screen, notes: Sequence[Annotation] = ()) -> html.Div:
    """One key service: rate, status, gap, expected experience, the trend and why tickets missed."""
    current = series.current
    estimate = current.estimate
    if estimate is None:
        figures = [
            html.Span("Not enough tickets", className="ftr-missing not-enough"),
            html.Div([status_badge(series.status, chip=True),
                      html.Span(f"{current.counts.resolved} of {data.min_responses} needed · target "
                                f"{series.target:g}%", className="ftr-gap")],
                     className="ftr-verdict ftr-verdict-inline"),
        ]
    else:
        figures = [
            html.Span(f"{estimate.value:.0f}%", className="ftr-rate"),
            html.Div(
                [
                    status_badge(series.status, chip=True),
                    html.Span([html.Span(gap_words(series.gap), className="ftr-gap-points"),
                               f" vs target {series.target:g}%"], className="ftr-gap"),
                ],
                className="ftr-verdict",
            ),
        ]
    figures_class = "ftr-card-figures" + (" ftr-card-figures-missing" if estimate is None else "")
    foot = []
    if series.main_miss_reason:
        foot.append(html.Span([icon(MISS_REASON_ICONS.get(series.main_miss_reason, "bi-info-circle")),
                               f"Main miss reason: {series.main_miss_reason}"], className="ftr-reason"))
    if estimate is not None:
        foot.append(html.Span(f"{estimate.n:,} tickets", className="ftr-count"))
    return html.Div(
        [
            html.Div(series.name, className="ftr-card-name"),
            html.Div(figures, className=figures_class),
            html.Div(f"\u201c{series.expected_experience}\u201d", className="ftr-expected"),
            dcc.Graph(figure=ftr_trend_figure(series, screen.theme, screen.scale,
                                              notes=notes), config=GRAPH_CONFIG,
                      className="chart ftr-card-chart", responsive=True),
            html.Div(foot, className="ftr-card-foot") if foot else None,
        ],
        className="ftr-card",
    )
