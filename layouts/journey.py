"""The journey panel: one customer journey map a page, with the live numbers where it breaks.

Stages are columns. Under each stage name runs the emotion curve, then what
the customer does, the touchpoints, the pain points and our opportunities,
and for every service the stage depends on, its current NPS and
first-time-right with their status. Up to seven stages share a page; longer
journeys continue on the next page ("stages 1–7 of 9").

How many stages a page shows, and how much of each, is decided in
layouts/journey_fit.py from the text; this module draws it. Nothing clips,
nothing scrolls.
"""

from __future__ import annotations

import plotly.graph_objects as go
from dash import dcc, html

from layouts.charts import BASE_FONT_PX, GRAPH_CONFIG, palette, px, tv_layout
from layouts.components import Screen, icon, panel_heading, status_badge
from layouts.journey_fit import (CURVE_MIN_REM, ROWS, TEXT_ROWS, Fit, fit_journey, metric_texts,
                                 missing_text, more_services, note_statuses, page_subtitle, service_name,
                                 service_status, shown_items, shown_services, stage_actions, stage_theme)
from layouts.geometry import JOURNEY_COLUMN_GAP_REM
from layouts.words import ENGLISH, Labels, words
from obeya.config import Config, Journey, Stage
from obeya.snapshot import WallData

# Catalog keys journey.<word> of the emotions.
EMOTIONS = {-2: "very_unhappy", -1: "unhappy", 0: "neutral", 1: "happy", 2: "very_happy"}

# The icon of each text row's label (journey_fit.TEXT_ROWS), and of the live numbers' label.
ROW_ICONS = {
    "actions": "bi-person-fill",
    "touchpoints": "bi-hand-index-thumb-fill",
    "pain_points": "bi-exclamation-triangle-fill",
    "opportunities": "bi-lightbulb-fill",
}
NUMBERS_ICON = "bi-broadcast"
ACTIONS_ICON = "bi-tools"  # the team's open actions (actions.yaml)
THEME_ICON = "bi-chat-quote-fill"  # what the stage's detractor comments mention most (themes.yaml)

# The curve, in pixels at 1080p (× screen.scale).
MARKER_PX = 24
LABEL_MARGIN_PX = 46        # room above and below the curve for a label next to a marker at ±2


# --- the emotion curve -------------------------------------------------------


def emotion_colour(emotion: int, theme: str) -> str:
    colours = palette(theme)
    return colours["bad"] if emotion < 0 else colours["good"] if emotion > 0 else colours["muted"]


def emotion_figure(stages: list[Stage] | tuple[Stage, ...], theme: str = "dark", scale: float = 1.0,
                   say: Labels = ENGLISH) -> go.Figure:
    """The customer's feelings across `stages`: one labelled marker per stage, readable without hover.

    Stage i sits at x = i, under the i-th stage column (the chart spans the
    stages' columns, and no more on a short last page). The labels sit in
    fixed pixel margins above and below the curve, so they never clip
    whatever height the chart gets, and the zero line is always at mid-height.
    """
    colours = palette(theme)
    columns = len(stages)
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


def metric_row(label: str, value: str | None, status: str, missing: str, target: str = "", *, compact: bool,
               say: Labels = ENGLISH) -> html.Div:
    """'NPS 32 ✓ On target target 30'; compact, 'NPS ✓ 32 target 30' with the words once under the row's label."""
    if value is None:
        parts = [html.Span(missing, className="journey-metric-missing not-enough")]
    elif compact:
        parts = [status_badge(status, words=value)]
    else:
        parts = [html.Span(value, className="journey-metric-value"), status_badge(status, say=say)]
    if value is not None and target:
        parts.append(html.Span(target, className="journey-metric-target"))
    return html.Div([html.Span(label, className="journey-metric-label"), *parts], className="journey-metric")


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
    rows = [metric_row(label, value, status, missing, target, compact=compact, say=say)
            for label, value, status, missing, target in texts]
    return html.Div([name, *rows], className=f"journey-service status-border-{service_status(service_id, data)}")


def services_cell(services: list[str], cap: int, config: Config, data: WallData | None, compact: bool,
                  row: int, column: int, say: Labels = ENGLISH) -> html.Div:
    shown, more = shown_services(services, cap, data)
    blocks = [service_numbers(service_id, config, data, compact=compact, say=say) for service_id in shown]
    if more:
        blocks.append(html.Div(more_services(more, say), className="journey-more"))
    return html.Div(blocks, className="journey-cell journey-services", style=_at(row, column))


def numbers_note(statuses: list[str], say: Labels = ENGLISH) -> list:
    """Under the 'Live numbers' label: the `statuses` of compact blocks (which show status icons only)
    in words, and what the abbreviations mean."""
    return [html.Div(status_badge(status, say=say)) for status in statuses] + [say("journey.numbers_note")]


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


def line_cell(text: str | None, glyph: str, kind: str, row: int, column: int) -> html.Div:
    """One line of a stage: its top comment theme, or its open actions (how many, and the one due soonest)."""
    shown = html.Div([icon(glyph), html.Span(text)], className="journey-line-note") if text else None
    return html.Div(shown, className=f"journey-cell journey-{kind}", style=_at(row, column))


def journey_map(stages: list[Stage], fit: Fit, config: Config, data: WallData | None, screen: Screen,
                say: Labels = ENGLISH, journey: Journey | None = None,
                shown: tuple[str, ...] | None = None, columns: int | None = None) -> html.Div:
    """The grid: a label column, then one column per stage; the stage names, the emotion curve, the
    text rows, the team's open actions (of `journey`'s stages) and the live numbers (those of them
    `shown`, of journey_fit.ROWS; None: all)."""
    shown = ROWS if shown is None else shown
    columns = columns or fit.columns
    cells: list = [html.Div(stage.name, className="journey-stage", style=_at(1, i + 2))
                   for i, stage in enumerate(stages)]
    rows = ["auto"]
    if "feeling" in shown:
        cells.append(row_label(say("journey.feeling"), "bi-emoji-smile-fill", "feeling", 2))
        cells.append(html.Div(
            dcc.Graph(figure=emotion_figure(stages, screen.theme, screen.scale, say),
                      config=GRAPH_CONFIG, responsive=True, className="chart journey-curve-chart",
                      style={"height": "100%"}),
            # the stages' columns only: a short last page's empty columns get no tint and no zero line
            className="journey-curve", style=_at(2, f"2 / span {len(stages)}"),
        ))
        rows.append(f"minmax({CURVE_MIN_REM}rem, 1fr)")
    for attribute in TEXT_ROWS:
        if not any(getattr(stage, attribute) for stage in stages) or attribute not in shown:
            continue
        row = len(rows) + 1
        cells.append(row_label(say(f"journey.{attribute}"), ROW_ICONS[attribute], attribute, row))
        cells += [text_cell(getattr(stage, attribute), fit.density.bullets, attribute, row, i + 2, say)
                  for i, stage in enumerate(stages)]
        rows.append("auto")
    for kind, glyph, texts in (
            ("comments_say", THEME_ICON, [stage_theme(stage, data) for stage in stages]),
            ("our_actions", ACTIONS_ICON, [stage_actions(journey, stage, config, say, titled=fit.action_titles)
                                           for stage in stages])):
        if any(texts) and kind in shown:
            row = len(rows) + 1
            cells.append(row_label(say(f"journey.{kind}"), glyph, kind, row))
            cells += [line_cell(text, glyph, kind, row, i + 2) for i, text in enumerate(texts)]
            rows.append("auto")
    if any(stage.services for stage in stages) and "live_numbers" in shown:
        row = len(rows) + 1
        density = fit.density
        note = numbers_note(note_statuses(stages, data, density), say)
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
            "gridTemplateColumns": f"{fit.label_column - JOURNEY_COLUMN_GAP_REM:.3f}rem repeat({columns}, minmax(0, 1fr))",
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
        for number, stages in enumerate(fit.pages):
            continued = number > 0 and fit.pages[number - 1] == stages  # the rest of a stage too tall for a page
            if continued:
                first -= len(stages)
            subtitle = page_subtitle(journey, config, first, len(stages), len(fit.pages), say, continued)
            pages.append([panel_heading(journey.title, subtitle, **heading),
                          journey_map(stages, fit, config, data, screen, say, journey, fit.rows_of(number),
                                      fit.columns_of(number))])
            first += len(stages)
    return pages
