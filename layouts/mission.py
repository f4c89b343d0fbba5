"""The mission panel: why we exist, what we promise, what we stand for.

One page in big type, like a poster on the Obeya wall. The type size of the
statement and the promise is chosen here from the length of the text (the
browser cannot shrink text to fit), so a long mission still fits the screen.
"""

from __future__ import annotations

from dash import html

from layouts.components import Screen, panel_heading
from layouts import geometry as g
from layouts.textfit import text_height, text_width
from layouts.words import ENGLISH, Labels, words
from obeya.config import Config, Mission
from obeya.snapshot import WallData

# --- the mission page --------------------------------------------------------------

# Type sizes in rem, largest first; each has a CSS class `size-<name>` in panel-mission.css, drawn with
# its custom property from layouts/geometry.py. Never below 1rem (--fs-body) for the statement.
STATEMENT_SIZES = g.MISSION_STATEMENT_SIZES
PROMISE_SIZES = g.MISSION_PROMISE_SIZES
STATEMENT_LINE_HEIGHT = g.MISSION_STATEMENT_LINE
PROMISE_LINE_HEIGHT = g.MISSION_PROMISE_LINE
STATEMENT_WIDTH_REM = g.MISSION_STATEMENT_WIDTH_REM
PROMISE_WIDTH_REM = g.MISSION_PROMISE_WIDTH_REM  # the text column next to the accent bar
VALUE_COLUMNS = 4
MAX_VALUES = 8              # two rows of four; more say "+N more"
VALUE_SIZE_REM = g.FS_H3

# Fixed parts of the page, in rem: the heading, a small label with its margin
# (both estimates of panel-mission.css), the promise box's padding, the gaps
# between heading and body and between the three blocks.
HEADING_REM = 1.6
LABEL_REM = 1.45
PROMISE_PADDING_REM = g.MISSION_PROMISE_PADDING_TOP_REM + g.MISSION_PROMISE_PADDING_BOTTOM_REM
GAPS_REM = g.PAGE_GAP_REM + 2 * g.MISSION_BLOCK_GAP_REM
# A value tile around its text: padding, the number "01" and its gap across; padding and accent edge down.
VALUE_TILE_X_REM = (2 * g.MISSION_VALUE_PADDING_X_REM + text_width("00", g.FS_SMALL, bold=True)
                    + g.MISSION_VALUE_NUMBER_GAP_REM)
VALUE_TILE_Y_REM = g.MISSION_VALUE_PADDING_TOP_REM + g.MISSION_VALUE_PADDING_BOTTOM_REM + g.MISSION_VALUE_RULE_REM


PROMISE_INSET_REM = 1.4 + 1.75  # the promise box's padding across (panel-mission.css)


def measure(width_rem: float, inset_rem: float = 0.0) -> float:
    """A text's measure: its own, or the page's width (less `inset_rem`) on a screen zoomed so far that the
    page is narrower."""
    return min(width_rem, g.current().page_width_rem - inset_rem)


def heading_rem() -> float:
    """The heading's height in rem: its title (--fs-h3 here) grows to the glance layer's floor."""
    return max(HEADING_REM, g.current().glance(g.FS_H3) * g.TITLE_LINE)


def shown_values(values: list[str], say: Labels = ENGLISH) -> list[str]:
    """The values on the wall: up to eight, then '+N more'."""
    if len(values) <= MAX_VALUES:
        return list(values)
    return list(values[: MAX_VALUES - 1]) + [say("common.more", count=len(values) - MAX_VALUES + 1)]


def value_columns(count: int) -> int:
    """Values side by side: all in one row up to four, then rows of three (5–6) or four (7–8)."""
    return count if count <= VALUE_COLUMNS else 3 if count <= 6 else VALUE_COLUMNS


def values_height(values: list[str]) -> float:
    if not values:
        return 0.0
    columns = value_columns(len(values))
    tile = (g.current().page_width_rem - (columns - 1) * g.MISSION_VALUES_COLUMN_GAP_REM) / columns
    width = tile - VALUE_TILE_X_REM
    rows = [values[i:i + columns] for i in range(0, len(values), columns)]
    tallest = [max(text_height(v, VALUE_SIZE_REM, width, g.MISSION_VALUE_LINE, bold=True) for v in row)
               + VALUE_TILE_Y_REM for row in rows]
    return LABEL_REM + sum(tallest) + g.MISSION_VALUES_ROW_GAP_REM * (len(rows) - 1)


def type_sizes(mission: Mission) -> tuple[str, str] | None:
    """CSS size names (statement, promise) for the biggest type that fits one page, or None.

    The promise stays between about half and two thirds of the statement's
    size, so the hierarchy holds and neither is shouted down, whatever the length.
    """
    budget = (g.current().page_height_rem - heading_rem() - LABEL_REM - PROMISE_PADDING_REM - GAPS_REM
              - values_height(shown_values(mission.values)))
    for statement_name, statement_rem in STATEMENT_SIZES.items():
        statement = text_height(mission.statement, statement_rem, measure(STATEMENT_WIDTH_REM), STATEMENT_LINE_HEIGHT,
                                bold=True)
        for promise_name, promise_rem in PROMISE_SIZES.items():
            if not statement_rem * 0.54 <= promise_rem <= max(statement_rem * 0.66, 1.0):
                continue
            promise = text_height(mission.promise, promise_rem, measure(PROMISE_WIDTH_REM, PROMISE_INSET_REM), PROMISE_LINE_HEIGHT)
            if statement + promise <= budget:
                return statement_name, promise_name
    return None


def fitted(text: str, font_rem: float, width_rem: float, line_height: float, height_rem: float, *,
           bold: bool = False) -> str:
    """`text`, cut at a word with '…' only if even the smallest size cannot hold it on a page of its own."""
    if text_height(text, font_rem, width_rem, line_height, bold=bold) <= height_rem:
        return text
    words = text.split()
    while len(words) > 1 and text_height(" ".join(words) + "\u2026", font_rem, width_rem, line_height,
                                         bold=bold) > height_rem:
        words.pop()
    return " ".join(words) + "\u2026"


def statement_block(text: str, size: str) -> html.Div:
    return html.Div(html.P(text, className=f"mission-statement size-{size}"), className="mission-statement-box")


def promise_block(text: str, size: str, say: Labels = ENGLISH) -> html.Div:
    return html.Div(
        [
            html.Div(say("mission.promise"), className="mission-label"),
            html.P(text, className=f"mission-promise size-{size}"),
        ],
        className="mission-promise-box",
    )


def values_block(values: list[str], say: Labels = ENGLISH) -> html.Div | None:
    if not values:
        return None
    shown = shown_values(values, say)
    tiles = [
        html.Li(
            [html.Span(f"{number:02d}", className="mission-value-number", **{"aria-hidden": "true"}),
             html.Span(value, className="mission-value-text")],
            className="mission-value",
        )
        for number, value in enumerate(shown, start=1)
    ]
    if len(values) > MAX_VALUES:  # the last tile says how many more there are
        tiles[-1] = html.Li(html.Span(shown[-1], className="mission-value-text"), className="mission-value is-more")
    return html.Div(
        [
            html.Div(say("mission.values"), className="mission-label"),
            html.Ul(tiles, className=f"mission-values columns-{value_columns(len(shown))}"),
        ],
        className="mission-values-box",
    )


def render(config: Config, data: WallData | None, screen: Screen) -> list:
    """Pages of the mission panel: usually one; two when statement and promise are both very long."""
    mission = config.mission
    say = words(config)
    heading = panel_heading(say("mission.title"))
    sizes = type_sizes(mission)
    if sizes is not None:
        statement_size, promise_size = sizes
        return [[
            heading,
            html.Div(
                [statement_block(mission.statement, statement_size),
                 promise_block(mission.promise, promise_size, say),
                 values_block(mission.values, say)],
                className="mission-body",
            ),
        ]]
    # Too much for one screen even at body size: the statement gets a page of its own.
    room = g.current().page_height_rem - heading_rem() - GAPS_REM
    statement = fitted(mission.statement, 1.0, measure(STATEMENT_WIDTH_REM), STATEMENT_LINE_HEIGHT, room, bold=True)
    # On its own page the statement takes the biggest type that fits it (a zoomed wall lands here often).
    alone = next((name for name, size in STATEMENT_SIZES.items()
                  if text_height(statement, size, measure(STATEMENT_WIDTH_REM), STATEMENT_LINE_HEIGHT, bold=True)
                  <= room), "body")
    promise_room = room - LABEL_REM - PROMISE_PADDING_REM - values_height(shown_values(mission.values))
    promise = fitted(mission.promise, 1.0, measure(PROMISE_WIDTH_REM, PROMISE_INSET_REM), PROMISE_LINE_HEIGHT, max(promise_room, 3.0))
    return [
        [heading, html.Div([statement_block(statement, alone)], className="mission-body")],
        [panel_heading(say("mission.title"), say("mission.continued")),
         html.Div([promise_block(promise, "body", say), values_block(mission.values, say)],
                  className="mission-body")],
    ]
