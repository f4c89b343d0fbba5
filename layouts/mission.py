"""The mission panel: why we exist, what we promise, what we stand for.

One page in big type, like a poster on the Obeya wall. The type size of the
statement and the promise is chosen here from the length of the text (the
browser cannot shrink text to fit), so a long mission still fits the screen.
"""

from __future__ import annotations

from dash import html

from layouts.components import Screen, panel_heading
from layouts.textfit import PAGE_HEIGHT_REM, PAGE_WIDTH_REM, estimated_lines, text_height, text_width
from layouts.words import ENGLISH, Labels, words
from obeya.config import Config, Mission
from obeya.snapshot import WallData

# --- the mission page --------------------------------------------------------------

# Type sizes in rem, largest first; each has a CSS class `size-<name>` in
# panel-mission.css. Never below 1rem (--fs-body) for the statement.
STATEMENT_SIZES = {"xxl": 3.6, "xl": 3.0, "l": 2.6, "m": 2.2, "s": 1.8, "xs": 1.5, "xxs": 1.2, "body": 1.0}
PROMISE_SIZES = {"xl": 2.0, "l": 1.8, "m": 1.5, "s": 1.2, "body": 1.0}
STATEMENT_LINE_HEIGHT = 1.14
PROMISE_LINE_HEIGHT = 1.3
STATEMENT_WIDTH_REM = 64.0  # max-width of the statement: a shorter measure reads better
PROMISE_WIDTH_REM = 62.0    # the text column next to the accent bar
VALUE_COLUMNS = 4
MAX_VALUES = 8              # two rows of four; more say "+N more"
VALUE_SIZE_REM = 1.2        # --fs-h3

# Fixed parts of the page, in rem, as in panel-mission.css: the heading, a
# small label with its margin, the promise box's padding, the gaps between
# heading and body (0.8) and between the three blocks (2 × 1.2).
HEADING_REM = 1.6
LABEL_REM = 1.45
PROMISE_PADDING_REM = 1.9
GAPS_REM = 3.2

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
    width = (PAGE_WIDTH_REM - (columns - 1) * 0.8) / columns - 3.6  # tile padding, number and gap
    rows = [values[i:i + columns] for i in range(0, len(values), columns)]
    tallest = [max(text_height(v, VALUE_SIZE_REM, width, 1.2, bold=True) for v in row) + 1.55 for row in rows]
    return LABEL_REM + sum(tallest) + 0.6 * (len(rows) - 1)


def type_sizes(mission: Mission) -> tuple[str, str] | None:
    """CSS size names (statement, promise) for the biggest type that fits one page, or None.

    The promise stays between about half and two thirds of the statement's
    size, so the hierarchy holds and neither is shouted down, whatever the length.
    """
    budget = (PAGE_HEIGHT_REM - HEADING_REM - LABEL_REM - PROMISE_PADDING_REM - GAPS_REM
              - values_height(shown_values(mission.values)))
    for statement_name, statement_rem in STATEMENT_SIZES.items():
        statement = text_height(mission.statement, statement_rem, STATEMENT_WIDTH_REM, STATEMENT_LINE_HEIGHT,
                                bold=True)
        for promise_name, promise_rem in PROMISE_SIZES.items():
            if not statement_rem * 0.54 <= promise_rem <= max(statement_rem * 0.66, 1.0):
                continue
            promise = text_height(mission.promise, promise_rem, PROMISE_WIDTH_REM, PROMISE_LINE_HEIGHT)
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
    room = PAGE_HEIGHT_REM - HEADING_REM - GAPS_REM
    statement = fitted(mission.statement, 1.0, STATEMENT_WIDTH_REM, STATEMENT_LINE_HEIGHT, room, bold=True)
    promise_room = room - LABEL_REM - PROMISE_PADDING_REM - values_height(shown_values(mission.values))
    promise = fitted(mission.promise, 1.0, PROMISE_WIDTH_REM, PROMISE_LINE_HEIGHT, max(promise_room, 3.0))
    return [
        [heading, html.Div([statement_block(statement, "body")], className="mission-body")],
        [panel_heading(say("mission.title"), say("mission.continued")),
         html.Div([promise_block(promise, "body", say), values_block(mission.values, say)],
                  className="mission-body")],
    ]
