"""The journey panel: one customer journey map a page, with the live numbers where it breaks.

Stages are columns. Under each stage name runs the emotion curve, then what
the customer does, the touchpoints, the pain points and our opportunities,
and for every service the stage depends on, its current NPS and
first-time-right with their status. Up to seven stages share a page; longer
journeys continue on the next page ("stages 1–7 of 9").

Text cannot shrink to fit in the browser, so this module estimates the map's
height from the text and the numbers (`fit_journey`). When a journey would
not fit, it writes the statuses compactly (icon and value, the words once by
the row's label), shows fewer bullets or number blocks per stage ("+N more"),
or spreads the stages over more pages. Nothing clips, nothing scrolls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import plotly.graph_objects as go
from dash import dcc, html

from layouts.charts import BASE_FONT_PX, GRAPH_CONFIG, palette, px, tv_layout
from layouts.components import STATUSES, Screen, icon, panel_heading, status_badge
from layouts.textfit import PAGE_HEIGHT_REM, PAGE_WIDTH_REM, estimated_lines, text_width
from layouts.words import ENGLISH, Labels, words
from obeya.config import Config, Journey, Stage
from obeya.snapshot import WallData

MAX_STAGES_PER_PAGE = 7

# Catalog keys journey.<word> of the emotions.
EMOTIONS = {-2: "very_unhappy", -1: "unhappy", 0: "neutral", 1: "happy", 2: "very_happy"}

# The text rows of the map: (Stage attribute, its label's catalog key journey.<attribute>, icon).
# A row no stage on the page fills is left out.
TEXT_ROWS = [
    ("actions", "bi-person-fill"),
    ("touchpoints", "bi-hand-index-thumb-fill"),
    ("pain_points", "bi-exclamation-triangle-fill"),
    ("opportunities", "bi-lightbulb-fill"),
]
NUMBERS_ICON = "bi-broadcast"

# Geometry in rem (1rem = 2.5% of the screen height), matching panel-journey.css.
SMALL, BODY = 0.9, 1.0      # --fs-small, --fs-body
LINE = 1.18                 # line height of small text
LABEL_COLUMN_REM = 7.9      # row labels, with the gap to the first stage
COLUMN_GAP_REM = 0.3
CELL_PADDING_X_REM = 0.45
CELL_PADDING_Y_REM = 0.4    # top and bottom together, with the line above
BULLET_INDENT_REM = 0.95
LABEL_ICON_REM = 1.35       # a row label's icon and its gap
STAGE_PADDING_Y_REM = 0.6   # the stage name cell's accent border and padding
CURVE_MIN_REM = 5.5         # the emotion curve never gets flatter than this
SERVICE_PADDING_X_REM = 0.8  # a number block's coloured edge and padding
SERVICE_PADDING_Y_REM = 0.35
SERVICE_GAP_REM = 0.3
STATUS_ICON_REM = 1.2       # a status icon and its gap
METRIC_GAP_REM = 0.35       # between "NPS", its value and its status
METRICS_GAP_REM = 0.8       # between NPS and FTR when they share a line
HEADING_LINE_REM = 1.75     # one line of the page heading (--fs-h2)
SUBTITLE_LINE_REM = 1.3     # one line of its subtitle, with the gap above
FRESHNESS_REM = 6.0         # "as of 14:05" at least
STALE_BADGE_REM = 15.0      # "⚠ database too slow since 13:40" at least
BADGE_EXTRA_REM = 2.6       # the badge's icon, padding and margin
PAGE_GAP_REM = 0.8          # between heading and map

# The curve, in pixels at 1080p (× screen.scale).
MARKER_PX = 24
LABEL_MARGIN_PX = 46        # room above and below the curve for a label next to a marker at ±2


# --- the emotion curve -------------------------------------------------------


def emotion_colour(emotion: int, theme: str) -> str:
    colours = palette(theme)
    return colours["bad"] if emotion < 0 else colours["good"] if emotion > 0 else colours["muted"]


def emotion_figure(stages: list[Stage] | tuple[Stage, ...], theme: str = "dark", scale: float = 1.0,
                   columns: int | None = None, say: Labels = ENGLISH) -> go.Figure:
    """The customer's feelings across `stages`: one labelled marker per stage, readable without hover.

    Stage i sits at x = i, under the i-th stage column; `columns` (default:
    one per stage) lets a short last page keep the columns of the page before.
    The labels sit in fixed pixel margins above and below the curve, so they
    never clip whatever height the chart gets, and the zero line is always
    at mid-height.
    """
    colours = palette(theme)
    columns = max(columns or len(stages), len(stages))
    emotions = [stage.emotion for stage in stages]
    marker_colours = [emotion_colour(emotion, theme) for emotion in emotions]
    figure = go.Figure(layout=tv_layout(theme, scale))
    figure.add_trace(go.Scatter(
        x=list(range(len(stages))),
        y=emotions,
        mode="lines+markers+text",
        line=dict(color=colours["line"], width=px(4, scale), shape="spline", smoothing=0.6),
        marker=dict(size=px(MARKER_PX, scale), color=marker_colours,
                    line=dict(color=colours["text"], width=px(2, scale))),
        text=[say(f"journey.{EMOTIONS[emotion]}") for emotion in emotions],
        textposition=["bottom center" if emotion < 0 else "top center" for emotion in emotions],
        textfont=dict(size=px(BASE_FONT_PX, scale), color=marker_colours, weight="bold"),
        cliponaxis=False,
        hoverinfo="skip",
    ))
    figure.update_layout(
        margin=dict(l=0, r=0, t=px(LABEL_MARGIN_PX, scale), b=px(LABEL_MARGIN_PX, scale), pad=0),
        xaxis=dict(visible=False, range=[-0.5, columns - 0.5], fixedrange=True),
        yaxis=dict(visible=False, range=[-2, 2], fixedrange=True),
        shapes=[dict(type="line", xref="paper", x0=0, x1=1, y0=0, y1=0,
                     line=dict(color=colours["muted"], width=px(2, scale), dash="dot"), layer="below")],
    )
    return figure


# --- live numbers per service ------------------------------------------------


def nps_text(value: float, say: Labels = ENGLISH) -> str:
    """An NPS as the wall writes it: whole points, a real minus sign for negatives."""
    return say.signed(value, 0).lstrip("+")


def service_name(service_id: str, config: Config) -> str:
    service = config.service(service_id)
    return service.name if service else service_id


def metric_texts(service_id: str, data: WallData | None,
                 say: Labels = ENGLISH) -> list[tuple[str, str | None, str, str]]:
    """(label, value or None, status, what to say without a value) for each number a service shows."""
    nps = data.nps_by_service.get(service_id) if data else None
    ftr = data.ftr_by_service.get(service_id) if data else None
    texts = []
    if nps is not None:
        estimate = nps.current.estimate
        texts.append((say("journey.nps"), nps_text(estimate.value, say) if estimate else None, nps.status,
                      say("common.not_enough_responses")))
    if ftr is not None:
        estimate = ftr.current.estimate
        texts.append((say("journey.ftr"), say.percent(estimate.value) if estimate else None, ftr.status,
                      say("common.not_enough_tickets")))
    return texts


def metric_row(label: str, value: str | None, status: str, missing: str, *, compact: bool,
               say: Labels = ENGLISH) -> html.Div:
    """'NPS 32 ✓ On target'; compact, 'NPS ✓ 32' with the words once under the row's label."""
    if value is None:
        parts = [html.Span(missing, className="journey-metric-missing not-enough")]
    elif compact:
        parts = [status_badge(status, words=value)]
    else:
        parts = [html.Span(value, className="journey-metric-value"), status_badge(status, say=say)]
    return html.Div([html.Span(label, className="journey-metric-label"), *parts], className="journey-metric")


def worst_status(statuses: list[str]) -> str:
    return next((status for status in ("off_target", "within_noise", "on_target") if status in statuses), "no_data")


def service_numbers(service_id: str, config: Config, data: WallData | None, *, compact: bool = False,
                    say: Labels = ENGLISH) -> html.Div:
    """A service's name, current NPS and first-time-right with their status, or why there are none.

    The block's edge takes the colour of its worst status, so a stage where
    the experience breaks stands out from across the room.
    """
    name = html.Div(service_name(service_id, config), className="journey-service-name")
    texts = metric_texts(service_id, data, say)
    placeholder = missing_text(texts, say)
    if placeholder:
        return html.Div([name, html.Div(placeholder, className="journey-metric-missing not-enough")],
                        className="journey-service status-border-no_data")
    rows = [metric_row(label, value, status, missing, compact=compact, say=say)
            for label, value, status, missing in texts]
    return html.Div([name, *rows], className=f"journey-service status-border-{service_status(service_id, data)}")


def missing_text(texts: list[tuple[str, str | None, str, str]], say: Labels = ENGLISH) -> str | None:
    """One line instead of the numbers when a service has none to show."""
    if not texts:
        return say("journey.no_live_numbers")  # the database was never read
    if all(value is None for _label, value, _status, _missing in texts):
        return say("journey.not_enough_yet")  # too few responses and too few tickets
    return None


def service_status(service_id: str, data: WallData | None) -> str:
    """The worst status among a service's numbers ('no_data' without any)."""
    statuses = [status for _label, value, status, _missing in metric_texts(service_id, data) if value is not None]
    return worst_status(statuses)


def shown_services(services: list[str], cap: int, data: WallData | None) -> tuple[list[str], int]:
    """The services a stage shows number blocks for, and how many more it has.

    When they do not all fit, the ones furthest off target stay: the map
    must still show where the experience breaks.
    """
    if len(services) <= cap:
        return list(services), 0
    severity = {"off_target": 0, "within_noise": 1, "no_data": 2, "on_target": 3}
    worst = sorted(services, key=lambda service_id: severity[service_status(service_id, data)])[:cap]
    return [service_id for service_id in services if service_id in worst], len(services) - cap


def more_services(more: int, say: Labels) -> str:
    return say("journey.more_services" if more > 1 else "journey.more_service", count=more)


def services_cell(services: list[str], cap: int, config: Config, data: WallData | None, compact: bool,
                  row: int, column: int, say: Labels = ENGLISH) -> html.Div:
    shown, more = shown_services(services, cap, data)
    blocks = [service_numbers(service_id, config, data, compact=compact, say=say) for service_id in shown]
    if more:
        blocks.append(html.Div(more_services(more, say), className="journey-more"))
    return html.Div(blocks, className="journey-cell journey-services", style=_at(row, column))


def page_statuses(stages: list[Stage], data: WallData | None, cap: int) -> list[str]:
    """The statuses the number blocks on a page show (`cap` blocks a stage at most), in legend order."""
    shown = {status for stage in stages for service_id in shown_services(stage.services, cap, data)[0]
             for _label, value, status, _missing in metric_texts(service_id, data) if value is not None}
    return [status for status in STATUSES if status in shown]


def numbers_note(statuses: list[str], compact: bool, say: Labels = ENGLISH) -> list:
    """Under the 'Live numbers' label: what the abbreviations mean and, for compact blocks that show
    status icons only, the icons in words."""
    if not compact:
        return [say("journey.numbers_note")]
    return [html.Div(status_badge(status, say=say)) for status in statuses] + [say("journey.numbers_note")]


# --- fitting the map on a page ----------------------------------------------


@dataclass(frozen=True)
class Density:
    """How much of each stage a page shows: bullets a cell, number blocks a stage, and whether number
    blocks are compact (status icon and value, the words once by the row's label)."""

    bullets: int
    services: int
    compact: bool


# Most complete first: a third bullet and every number block matter more than status words in each block.
# A single bullet a cell is the last resort, after spreading the stages over more pages.
DENSITIES = [Density(3, 3, False), Density(3, 3, True), Density(3, 2, True), Density(2, 2, True),
             Density(3, 1, True), Density(2, 1, True)]
LAST_RESORT = [Density(1, 1, True)]


@dataclass(frozen=True)
class Fit:
    """How a journey is laid out: the stages of each page, the stage columns a page has, and the density."""

    pages: list[list[Stage]]
    columns: int
    density: Density


def column_width(columns: int) -> float:
    """Width in rem of one stage column when a page has `columns` of them."""
    return (PAGE_WIDTH_REM - LABEL_COLUMN_REM - (columns - 1) * COLUMN_GAP_REM) / columns


def shown_items(items: list[str], cap: int) -> tuple[list[str], int]:
    """The bullets a cell shows, and how many more there are."""
    if len(items) <= cap:
        return list(items), 0
    return list(items[:cap]), len(items) - cap


def _lines_height(lines: int) -> float:
    return lines * SMALL * LINE + CELL_PADDING_Y_REM


def _label_height(label: str, note: list | None = None) -> float:
    """Height of a row label: its name, and under it lines of text or one status each."""
    width = LABEL_COLUMN_REM - COLUMN_GAP_REM - 0.2
    lines = estimated_lines(label, SMALL, width - LABEL_ICON_REM, bold=True)
    for line in note or []:
        lines += estimated_lines(line, SMALL, width) if isinstance(line, str) else _status_lines(line, width)
    return _lines_height(lines)


def _status_lines(badge: html.Div, width: float) -> int:
    """Lines a status of the note takes: its icon and its words (long words in German wrap)."""
    words_text = badge.children.children[-1]
    return estimated_lines(words_text, SMALL, width - STATUS_ICON_REM, bold=True)


def _cell_height(items: list[str], cap: int, inner: float, say: Labels = ENGLISH) -> float:
    shown, more = shown_items(items, cap)
    if not shown:
        return 0.0
    lines = sum(estimated_lines(item, SMALL, inner - BULLET_INDENT_REM) for item in shown)
    if more:
        lines += estimated_lines(say("common.more", count=more), SMALL, inner - BULLET_INDENT_REM)
    return _lines_height(lines)


def _service_height(service_id: str, config: Config, data: WallData | None, inner: float,
                    compact: bool, say: Labels = ENGLISH) -> float:
    """Estimated height of a number block; infinite when a number and its status cannot share a line.

    The numbers sit side by side when the column is wide enough, as the block's flex layout puts them.
    """
    inner -= SERVICE_PADDING_X_REM
    lines = estimated_lines(service_name(service_id, config), SMALL, inner, bold=True)
    texts = metric_texts(service_id, data, say)
    placeholder = missing_text(texts, say)
    if placeholder:
        return (lines + estimated_lines(placeholder, SMALL, inner)) * SMALL * LINE + SERVICE_PADDING_Y_REM
    used = None  # width taken on the current line of numbers
    for label, value, status, missing in texts:
        label_width = text_width(label, SMALL) + METRIC_GAP_REM
        if value is None:
            width = label_width + text_width(missing, SMALL)
            if width > inner:  # the words go under the label and wrap there
                lines += 1 + estimated_lines(missing, SMALL, inner)
                used = None
                continue
        else:
            badge = STATUS_ICON_REM + text_width(value if compact else say(f"status.{status}"), SMALL, bold=True)
            width = label_width + badge + (0 if compact else text_width(value, SMALL, bold=True) + METRIC_GAP_REM)
            if width > inner:
                return math.inf  # full blocks keep a number and its status on one line, else go compact
        if used is not None and used + METRICS_GAP_REM + width <= inner:
            used += METRICS_GAP_REM + width
        else:
            lines += 1
            used = width
    return lines * SMALL * LINE + SERVICE_PADDING_Y_REM


def _services_height(services: list[str], cap: int, config: Config, data: WallData | None, inner: float,
                     compact: bool, say: Labels = ENGLISH) -> float:
    shown, more = shown_services(services, cap, data)
    blocks = [_service_height(service_id, config, data, inner, compact, say) for service_id in shown]
    if more:
        blocks.append(estimated_lines(more_services(more, say), SMALL, inner) * SMALL * LINE)
    return sum(blocks) + SERVICE_GAP_REM * (len(blocks) - 1) + CELL_PADDING_Y_REM


def map_height(stages: list[Stage], columns: int, density: Density, config: Config,
               data: WallData | None, say: Labels = ENGLISH) -> float:
    """Estimated height in rem of the map of `stages` in `columns` columns, its labels in `say`'s words."""
    inner = column_width(columns) - 2 * CELL_PADDING_X_REM
    header = max(estimated_lines(stage.name, BODY, inner, bold=True) for stage in stages) * BODY * 1.15
    rows = [header + STAGE_PADDING_Y_REM, max(CURVE_MIN_REM, _label_height(say("journey.feeling")))]
    for attribute, _icon in TEXT_ROWS:
        cells = [_cell_height(getattr(stage, attribute), density.bullets, inner, say) for stage in stages]
        if any(cells):
            rows.append(max(_label_height(say(f"journey.{attribute}")), *cells))
    blocks = [_services_height(stage.services, density.services, config, data, inner, density.compact, say)
              for stage in stages if stage.services]
    if blocks:
        note = numbers_note(page_statuses(stages, data, density.services), density.compact, say)
        rows.append(max(_label_height(say("journey.live_numbers"), note), *blocks))
    return sum(rows)


def freshness_width(stale: bool, say: Labels = ENGLISH) -> float:
    """Width in rem of "as of 14:05" (and the stale badge) at the heading's right."""
    width = max(FRESHNESS_REM, text_width(say("freshness.as_of", time="00:00"), SMALL) + 1.0)
    if stale:
        badge = max(say("freshness.stale_since", time="00:00"), say("freshness.slow_since", time="00:00"), key=len)
        width += max(STALE_BADGE_REM, text_width(badge, SMALL, bold=True) + BADGE_EXTRA_REM)
    return width


def heading_height(title: str, subtitle: str, stale: bool = False, say: Labels = ENGLISH) -> float:
    """Height of the page heading: title, subtitle and "as of" on one line if they fit side by side;
    otherwise the subtitle and "as of" go to a line of their own (and long text wraps further)."""
    freshness = freshness_width(stale, say)
    one_line = text_width(title, 1.5, bold=True) + text_width(subtitle, BODY) + freshness + 2.0
    if one_line <= PAGE_WIDTH_REM:
        return HEADING_LINE_REM
    title_lines = estimated_lines(title, 1.5, PAGE_WIDTH_REM, bold=True)
    subtitle_lines = estimated_lines(subtitle, BODY, PAGE_WIDTH_REM - freshness - 1.0)
    return title_lines * HEADING_LINE_REM + subtitle_lines * SUBTITLE_LINE_REM


def persona_line(journey: Journey, config: Config) -> str:
    persona = next((persona for persona in config.personas if persona.id == journey.persona), None)
    return f"{persona.name}, {persona.role}" if persona else journey.persona


def stage_span(first: int, count: int, total: int, say: Labels = ENGLISH) -> str:
    if count > 1:
        return say("journey.stages", first=first, last=first + count - 1, total=total)
    return say("journey.stage", first=first, total=total)


def fit_journey(journey: Journey, config: Config, data: WallData | None, *, stale: bool = False,
                say: Labels = ENGLISH) -> Fit:
    """Pages, columns and density for `journey` so that every page fits the screen.

    Of all layouts that fit: the fewest pages, then the most complete
    density, then the most stages a page. The live numbers take part ("not
    enough responses" needs more room than "32"), and so does a stale badge
    in the heading.
    """
    for densities in (DENSITIES, LAST_RESORT):
        candidates = _fitting_layouts(journey, config, data, densities, stale, say)
        if candidates:
            return min(candidates, key=lambda candidate: candidate[:3])[3]
    return Fit([[stage] for stage in journey.stages], 1, LAST_RESORT[-1])


def _fitting_layouts(journey: Journey, config: Config, data: WallData | None, densities: list[Density],
                     stale: bool, say: Labels) -> list[tuple[int, int, int, Fit]]:
    """(pages, density rank, −stages a page, Fit) for each number of stages a page that fits."""
    stages = list(journey.stages)
    persona = persona_line(journey, config)
    candidates = []
    for per_page in range(min(MAX_STAGES_PER_PAGE, len(stages)), 0, -1):
        pages = [stages[i:i + per_page] for i in range(0, len(stages), per_page)]
        subtitle = persona + (" \u00b7 " + stage_span(1, per_page, len(stages), say) if len(pages) > 1 else "")
        room = PAGE_HEIGHT_REM - heading_height(journey.title, subtitle, stale, say) - PAGE_GAP_REM
        for rank, density in enumerate(densities):
            if all(map_height(page, per_page, density, config, data, say) <= room for page in pages):
                candidates.append((len(pages), rank, -per_page, Fit(pages, per_page, density)))
                break  # the densest that fits with this many stages a page
    return candidates


# --- the map ------------------------------------------------------------------


def _at(row: int | str, column: int | str) -> dict:
    """Grid placement: rows and columns count from 1; column 1 holds the row labels."""
    return {"gridRow": str(row), "gridColumn": str(column)}


def row_label(label: str, glyph: str, kind: str, row: int, note: list | None = None) -> html.Div:
    children = [html.Div([icon(glyph), html.Span(label)], className="journey-label-name")]
    if note:
        children.append(html.Div(note, className="journey-label-note"))
    return html.Div(children, className=f"journey-label journey-label-{kind}", style=_at(row, 1))


def text_cell(items: list[str], cap: int, kind: str, row: int, column: int, say: Labels = ENGLISH) -> html.Div:
    shown, more = shown_items(items, cap)
    bullets = [html.Li(item) for item in shown]
    if more:
        bullets.append(html.Li(say("common.more", count=more), className="journey-more"))
    return html.Div(html.Ul(bullets, className="journey-list") if bullets else None,
                    className=f"journey-cell journey-{kind}", style=_at(row, column))


def journey_map(stages: list[Stage], fit: Fit, config: Config, data: WallData | None, screen: Screen,
                say: Labels = ENGLISH) -> html.Div:
    """The grid: a label column, then one column per stage; the stage names, the emotion curve, the
    text rows and the live numbers."""
    cells: list = [html.Div(stage.name, className="journey-stage", style=_at(1, i + 2))
                   for i, stage in enumerate(stages)]
    cells.append(row_label(say("journey.feeling"), "bi-emoji-smile-fill", "feeling", 2))
    cells.append(html.Div(
        dcc.Graph(figure=emotion_figure(stages, screen.theme, screen.scale, fit.columns, say), config=GRAPH_CONFIG,
                  responsive=True, className="chart journey-curve-chart", style={"height": "100%"}),
        className="journey-curve", style=_at(2, f"2 / span {fit.columns}"),
    ))
    rows = ["auto", f"minmax({CURVE_MIN_REM}rem, 1fr)"]
    for attribute, glyph in TEXT_ROWS:
        if not any(getattr(stage, attribute) for stage in stages):
            continue
        row = len(rows) + 1
        cells.append(row_label(say(f"journey.{attribute}"), glyph, attribute, row))
        cells += [text_cell(getattr(stage, attribute), fit.density.bullets, attribute, row, i + 2, say)
                  for i, stage in enumerate(stages)]
        rows.append("auto")
    if any(stage.services for stage in stages):
        row = len(rows) + 1
        density = fit.density
        note = numbers_note(page_statuses(stages, data, density.services), density.compact, say)
        cells.append(row_label(say("journey.live_numbers"), NUMBERS_ICON, "numbers", row, note))
        cells += [services_cell(stage.services, density.services, config, data, density.compact, row, i + 2, say)
                  for i, stage in enumerate(stages)]
        rows.append("auto")
    # A stripe behind each stage column, so each stage reads as one column from across the room.
    stripes = [html.Div(className="journey-stripe", style=_at(f"1 / {len(rows) + 1}", i + 2))
               for i in range(len(stages))]
    return html.Div(
        stripes + cells,
        className="journey-map",
        style={
            "gridTemplateColumns": f"{LABEL_COLUMN_REM - COLUMN_GAP_REM}rem repeat({fit.columns}, minmax(0, 1fr))",
            "gridTemplateRows": " ".join(rows),
        },
    )


def render(config: Config, data: WallData | None, screen: Screen) -> list:
    """Pages of the journey panel: each journey on a page of its own, or on more when it has many stages."""
    pages = []
    say = words(config)
    heading = dict(as_of=data.as_of if data else None, stale_since=screen.stale_since, problem=screen.problem,
                   data_panel=True, say=say)
    for journey in config.journeys:
        fit = fit_journey(journey, config, data, stale=screen.stale_since is not None, say=say)
        first = 1
        for stages in fit.pages:
            subtitle = persona_line(journey, config)
            if len(fit.pages) > 1:
                subtitle += " \u00b7 " + stage_span(first, len(stages), len(journey.stages), say)
            pages.append([panel_heading(journey.title, subtitle, **heading),
                          journey_map(stages, fit, config, data, screen, say)])
            first += len(stages)
    return pages
