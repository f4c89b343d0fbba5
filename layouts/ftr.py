"""The ftr panel: first-time-right per key service against its target.

One card per service: the rate per period with its Wilson band and the
target line, the current rate, the gap to target in points, status, the
experience the customer should get in words, and why tickets missed.
Up to six cards to a page (3 × 2); more services make more pages. Where the
room's type leaves a card's chart too short to read (a small or far TV), fewer
cards go on a page; where even one card's chart would be a strip, each service
gets a page with its card laid out across it, the words left, the chart right
(layouts/chart_cards.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html

from layouts.charts import GRAPH_CONFIG, ftr_range, ftr_trend_figure, note_numbers, span_words
from layouts import geometry as g
from layouts.components import (
    Screen,
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
from layouts.textfit import estimated_lines
from layouts.words import ENGLISH, Labels, words
from obeya.config import Annotation, Config
from obeya.snapshot import FtrSeries, WallData

CARD_PADDING_Y_REM = 0.6 + 0.5  # .ftr-card's, top and bottom
MISS_REASON_ICONS = {"reopened": "bi-arrow-counterclockwise", "reassigned": "bi-arrow-left-right"}


def render(config: Config, data: WallData | None, screen: Screen) -> list:
    """Pages of the ftr panel: the key services, up to six to a page (`cards_per_page`)."""
    say = words(config)
    if data is None:
        return [waiting_page(say("ftr.title"), screen, say)]
    services = [data.ftr_by_service[s.id] for s in config.services if s.id in data.ftr_by_service]
    period = period_name(data.nps_overall.current, data.period, say)
    span = span_words(len(data.nps_overall.periods), data.period, say)
    longest = f"{say('ftr.subtitle')} · {period} · {say('nps.charts', span=span)} · " \
              f"{say('common.page', number=9, total=9)}"
    per_page, across = cards_per_page(config, data, services, "tickets", (say("ftr.title"), longest),
                                      screen.stale_since is not None, card_words_height, say)
    chunks = [services[i:i + per_page] for i in range(0, len(services), per_page)] or [[]]
    pages = []
    shared = ftr_range(services) if services else None  # one scale for every service, on every page
    for number, chunk in enumerate(chunks, start=1):
        subtitle = f"{say('ftr.subtitle')} · {period} · {say('nps.charts', span=span)}"
        if len(chunks) > 1:
            subtitle += " · " + say("common.page", number=number, total=len(chunks))
        page = [panel_heading(say("ftr.title"), subtitle, as_of=data.as_of, stale_since=screen.stale_since,
                              problem=screen.problem, data_panel=True, say=say)]
        if chunk:
            numbers = note_numbers(page_notes(config, data, chunk))
            page.append(html.Div([service_card(series, data, screen, notes=config.annotations_for(series.service_id),
                                               numbers=numbers, value_range=shared, across=across, say=say)
                                  for series in chunk],
                                 className="card-grid card-grid-" + grid_class(len(chunk), paged=len(chunks) > 1, per_page=per_page)))
        else:
            page.append(html.Div(say("ftr.empty"), className="ftr-empty"))
        legend = small_charts_legend(config, data, chunk, "tickets", say)
        if legend:
            page.append(legend)
        if number == 1 and (notes := data_notes(data, say)):
            page.append(notes)
        pages.append(page)
    return pages


def card_words_height(series: FtrSeries, width: float) -> float:
    """Height in rem of a card without its chart, `width` rem inside: name, figures, expected experience, foot
    and the gaps between them, as panel-ftr.css draws them."""
    room = g.current()
    small_line = g.FS_SMALL * g.BODY_LINE
    verdict = room.glance(g.FS_SMALL) * g.BODY_LINE + 0.3 + small_line + 0.15  # the chip, the gap in points
    figures = max(room.glance(g.FS_H1), verdict)
    expected = estimated_lines(f"\u201c{series.expected_experience}\u201d", g.FS_SMALL, width) * g.FS_SMALL * 1.2
    name = estimated_lines(series.name, g.FS_H3, width, bold=True) * g.FS_H3 * 1.15
    return CARD_PADDING_Y_REM + name + figures + expected + small_line + 4 * CARD_ROW_GAP_REM


def gap_words(gap: float, say: Labels = ENGLISH) -> str:
    """The gap to target in whole points: '+5 pts', '−4 pts', '0 pts'."""
    return say("ftr.gap", points=say.signed(gap, 0))


def service_card(series: FtrSeries, data: WallData, screen: Screen, notes: Sequence[Annotation] = (),
                 numbers: dict[Annotation, int] | None = None, value_range: tuple[float, float] | None = None,
                 across: bool = False, say: Labels = ENGLISH) -> html.Div:
    """One key service: rate, status, gap, expected experience, the trend and why tickets missed; `across`:
    the words in a column left of the chart, which takes the card's whole height."""
    current = series.current
    estimate = current.estimate
    if estimate is None:
        figures = [
            html.Span(say("ftr.not_enough"), className="ftr-missing not-enough"),
            html.Div([status_badge(series.status, chip=True, say=say),
                      html.Span(say("ftr.needed_target", count=say.number(current.counts.resolved),
                                    minimum=data.min_responses, target=say.percent(series.target, None)),
                                className="ftr-gap")],
                     className="ftr-verdict ftr-verdict-inline"),
        ]
    else:
        figures = [
            html.Span(say.percent(estimate.value), className="ftr-rate", **GLANCE),
            html.Div(
                [
                    status_badge(series.status, chip=True, say=say),
                    html.Span([html.Span(gap_words(series.gap, say), className="ftr-gap-points"),
                               say("ftr.vs_target", target=say.percent(series.target, None))], className="ftr-gap"),
                ],
                className="ftr-verdict",
            ),
        ]
    figures_class = "ftr-card-figures" + (" ftr-card-figures-missing" if estimate is None else "")
    foot = []
    if series.main_miss_reason:
        foot.append(html.Span([icon(MISS_REASON_ICONS.get(series.main_miss_reason, "bi-info-circle")),
                               say("ftr.main_reason", reason=say.words.get(f"ftr.{series.main_miss_reason}",
                                                                     series.main_miss_reason))],
                              className="ftr-reason"))
    if estimate is not None:
        foot.append(html.Span(say("ftr.tickets", count=say.number(estimate.n)), className="ftr-count"))
    return html.Div(
        [
            html.Div(series.name, className="ftr-card-name"),
            html.Div(figures, className=figures_class),
            html.Div(f"\u201c{series.expected_experience}\u201d", className="ftr-expected"),
            dcc.Graph(figure=ftr_trend_figure(series, screen.theme, screen.scale, notes=notes, numbers=numbers,
                                              value_range=value_range, say=say), config=GRAPH_CONFIG,
                      className="chart ftr-card-chart", responsive=True),
            html.Div(foot, className="ftr-card-foot") if foot else None,
        ],
        className="ftr-card" + (" ftr-card-across" if across else ""),
    )
