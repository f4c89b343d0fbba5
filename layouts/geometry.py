"""The wall's geometry, named once: the sizes the stylesheets draw with and the panels fit text with.

    python -m layouts.geometry > assets/geometry.css

Every size here is in rem (1rem = 2.5% of the screen height, see
`SCREEN_HEIGHT_REM`) or, for line heights, a multiple of the font size. The
panels' text fitting (layouts/journey_fit.py, personas.py, mission.py) uses
the Python names; the stylesheets use the generated custom properties
(`--journey-cell-padding-x`), so the browser draws what Python planned for.
tests/test_geometry.py fails when assets/geometry.css is not what this module
generates, and when a panel stylesheet writes a named size as a number.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from layouts.glyph_widths import CAP_HEIGHT
from obeya.legibility import cap_fraction


@dataclass(frozen=True)
class Size:
    """One named size: its custom property is `--<name>`."""

    name: str
    value: float
    unit: str  # "rem", or "" for a line height

    @property
    def css(self) -> str:
        return f"{self.value:g}{self.unit}"


SIZES: list[Size] = []


def rem(name: str, value: float) -> float:
    SIZES.append(Size(name, value, "rem"))
    return value


def line(name: str, value: float) -> float:
    """A line height, as a multiple of the font size."""
    SIZES.append(Size(name, value, ""))
    return value


# --- the type scale -------------------------------------------------------------------------------
# The smallest text is 0.9rem = 2.25% of the height (24.3 px at 1080p), above the 2.2% floor.
FS_SMALL = rem("fs-small", 0.9)
FS_BODY = rem("fs-body", 1.0)
FS_H3 = rem("fs-h3", 1.2)
FS_H2 = rem("fs-h2", 1.5)
FS_H1 = rem("fs-h1", 2.2)
FS_HERO = rem("fs-hero", 4.8)

# --- the frame (wall.css; tests/test_geometry.py checks that it draws these) -----------------------
SCREEN_HEIGHT_REM = 40.0                      # html { font-size: min(2.5vh, …) }
SCREEN_WIDTH_REM = SCREEN_HEIGHT_REM * 16 / 9  # … 1.40625vw): never less than a 16:9 screen's width
BODY_LINE = line("wall-line", 1.25)           # #wall's line height
HEADER_REM = rem("wall-header-height", 3.0)
FOOTER_REM = rem("wall-footer-height", 2.6)
PAGE_PADDING_TOP_REM = rem("page-padding-top", 0.8)
PAGE_PADDING_BOTTOM_REM = rem("page-padding-bottom", 0.6)
PAGE_PADDING_X_REM = rem("page-padding-x", 1.4)
PAGE_GAP_REM = rem("page-gap", 0.8)           # between a page's heading and its body (--gap)
TITLE_LINE = line("panel-title-line", 1.25)
PANEL_HEADING_GAP_REM = rem("panel-heading-gap", 1.0)  # between title, subtitle and "as of"
STATUS_ICON_EM = 1.05                         # .status .bi, of the status's font size
WALL_FOOTER_GAP_REM = rem("wall-footer-gap", 0.8)        # between the tabs, the mode and the controls
WALL_TAB_GAP_REM = rem("wall-tab-gap", 0.3)
WALL_TAB_PADDING_X_REM = rem("wall-tab-padding-x", 0.6)
WALL_TAB_BORDER_REM = rem("wall-tab-border", 0.1)
WALL_CONTROL_REM = rem("wall-control-width", 2.2)        # a facilitator's button (its min-width)
WALL_CONTROL_GAP_REM = rem("wall-control-gap", 0.3)




# --- the room: the type scale one wall's screen and distances need ------------------------------
CARD_ROWS, CARD_COLUMNS = 2, 3  # the grid of service cards and comments on a page at scale 1


@dataclass(frozen=True)
class Room:
    """What a wall's `screen:` makes of the sizes above.

    The sizes above are the smallest the wall draws. Where the room needs bigger letters the whole wall
    zooms: the root font size is `scale` times 2.5% of the height (wall.js sets `--wall-scale`), so every
    rem above grows alike and the page has fewer rem to fill; the panels fit their text into
    `page_width_rem` × `page_height_rem` and page what does not fit. The glance layer (`data-glance`:
    titles, headline numbers, status words) is drawn at least `glance_rem` (`--fs-glance`).
    """

    scale: float = 1.0
    glance_rem: float = 0.0

    @property
    def screen_height_rem(self) -> float:
        return SCREEN_HEIGHT_REM / self.scale

    @property
    def screen_width_rem(self) -> float:
        return SCREEN_WIDTH_REM / self.scale

    @property
    def page_width_rem(self) -> float:
        # Whole rem across, so a rounding in the browser never costs a line.
        return float(math.floor(self.screen_width_rem - 2 * PAGE_PADDING_X_REM))

    @property
    def page_height_rem(self) -> float:
        return round(self.screen_height_rem - HEADER_REM - FOOTER_REM - PAGE_PADDING_TOP_REM
                     - PAGE_PADDING_BOTTOM_REM, 3)

    def cards_per_page(self, full: int = 6) -> int:
        """How many cards a page holds here, of the `full` 3 × 2 grid planned for a page at scale 1 (cards laid
        out by the stylesheet: NPS and first-time-right services, voices): whole rows and columns of cards of
        the planned size in rem, at least one. An estimate; the browser tests check it."""
        base = Room()
        rows = max(1, math.floor(CARD_ROWS * self.page_height_rem / base.page_height_rem + 1e-9))
        columns = max(1, math.floor(CARD_COLUMNS * self.page_width_rem / base.page_width_rem + 1e-9))
        return min(full, rows * columns)

    def glance(self, size_rem: float) -> float:
        """A glance-layer text's font size: its own, or the glance floor when that is bigger."""
        return max(size_rem, self.glance_rem)

    @property
    def title_rem(self) -> float:
        """A panel title's font size (always in the glance layer)."""
        return self.glance(FS_H2)

    @property
    def heading_line_rem(self) -> float:
        """One line of a panel heading (its title)."""
        return self.title_rem * TITLE_LINE


# A page's content area at scale 1 (the smallest type): Room().page_width_rem × Room().page_height_rem.
PAGE_WIDTH_REM = Room().page_width_rem
PAGE_HEIGHT_REM = Room().page_height_rem
HEADING_LINE_REM = Room().heading_line_rem    # one line of a panel heading (its title)


def _up(value: float) -> float:
    """Rounded up to 3 decimals: the browser gets a number that never undercuts the floor."""
    return math.ceil(value * 1000 - 1e-9) / 1000


@cache
def room(diagonal_inches: float = 55, glance_distance_m: float = 5, detail_distance_m: float = 2.5) -> Room:
    """The type scale for a screen and its two reading distances (obeya.config.ScreenSettings's fields).

    A capital letter is CAP_HEIGHT of the font size; the detail floor decides the zoom (the smallest text,
    FS_SMALL, reaches it), the glance floor the glance layer's smallest size at that zoom. Never smaller
    than the sizes above: a big TV close by keeps them.
    """
    def floor_rem(distance_m: float) -> float:  # font size whose capitals are legible from distance_m
        return cap_fraction(diagonal_inches, distance_m) / CAP_HEIGHT * SCREEN_HEIGHT_REM

    scale = _up(max(1.0, floor_rem(detail_distance_m) / FS_SMALL))
    return Room(scale=scale, glance_rem=_up(floor_rem(glance_distance_m) / scale))


def wall_room(screen) -> Room:
    """The Room of a wall's `screen:` settings (obeya.config.ScreenSettings)."""
    return room(screen.diagonal_inches, screen.glance_distance_m, screen.detail_distance_m)


# The room the panels are being fitted for: layouts/wall.py sets the wall's around drawing its panels, so
# the fitting deep inside a panel (a journey cell's width, a card's height) needs no extra argument.
# Outside that, the sizes above as they are (scale 1).
_DRAWING: ContextVar[Room] = ContextVar("room", default=Room())


def current() -> Room:
    """The room the panels are being fitted for."""
    return _DRAWING.get()


@contextmanager
def drawing_for(the_room: Room) -> Iterator[Room]:
    """Fit the panels drawn inside this block for `the_room`."""
    token = _DRAWING.set(the_room)
    try:
        yield the_room
    finally:
        _DRAWING.reset(token)


# --- the journey map (panel-journey.css) --------------------------------------------------------
JOURNEY_LINE = line("journey-line", 1.18)                  # small text in the map
JOURNEY_STAGE_LINE = line("journey-stage-line", 1.15)      # stage names
JOURNEY_HEADING_ROW_GAP_REM = rem("journey-heading-row-gap", 0.1)  # a wrapped heading's lines
JOURNEY_COLUMN_GAP_REM = rem("journey-column-gap", 0.3)
JOURNEY_RULE_REM = rem("journey-rule", 0.1)                # the line above each cell and label
JOURNEY_CELL_PADDING_X_REM = rem("journey-cell-padding-x", 0.45)
JOURNEY_CELL_PADDING_Y_REM = rem("journey-cell-padding-y", 0.15)
JOURNEY_LABEL_PADDING_RIGHT_REM = rem("journey-label-padding-right", 0.2)
JOURNEY_LABEL_ICON_REM = rem("journey-label-icon", 0.95)
JOURNEY_LABEL_ICON_GAP_REM = rem("journey-label-icon-gap", 0.4)
JOURNEY_NOTE_GAP_REM = rem("journey-note-gap", 0.1)        # above the note under "Live numbers"
JOURNEY_BULLET_INDENT_REM = rem("journey-bullet-indent", 0.95)
JOURNEY_STAGE_RULE_REM = rem("journey-stage-rule", 0.3)    # the accent edge above a stage name
JOURNEY_STAGE_PADDING_TOP_REM = rem("journey-stage-padding-top", 0.25)
JOURNEY_STAGE_PADDING_BOTTOM_REM = rem("journey-stage-padding-bottom", 0.05)
JOURNEY_SERVICE_EDGE_REM = rem("journey-service-edge", 0.25)  # a number block's coloured edge
JOURNEY_SERVICE_PADDING_LEFT_REM = rem("journey-service-padding-left", 0.35)
JOURNEY_SERVICE_PADDING_RIGHT_REM = rem("journey-service-padding-right", 0.2)
JOURNEY_SERVICE_PADDING_TOP_REM = rem("journey-service-padding-top", 0.15)
JOURNEY_SERVICE_PADDING_BOTTOM_REM = rem("journey-service-padding-bottom", 0.2)
JOURNEY_SERVICE_GAP_REM = rem("journey-service-gap", 0.3)  # between number blocks
JOURNEY_METRICS_GAP_REM = rem("journey-metrics-gap", 0.8)  # between NPS and FTR on one line
JOURNEY_METRIC_GAP_REM = rem("journey-metric-gap", 0.35)   # between "NPS", its value and its status
JOURNEY_STATUS_GAP_REM = rem("journey-status-gap", 0.25)   # a status icon and its words

# --- the persona cards (panel-personas.css) -----------------------------------------------------
PERSONA_CARD_GAP_REM = rem("persona-card-gap", 0.8)
PERSONA_CARD_RULE_REM = rem("persona-card-rule", 0.3)      # the accent edge on top
PERSONA_CARD_PADDING_TOP_REM = rem("persona-card-padding-top", 0.9)
PERSONA_CARD_PADDING_BOTTOM_REM = rem("persona-card-padding-bottom", 0.7)
PERSONA_CARD_PADDING_X_REM = rem("persona-card-padding-x", 1.0)
PERSONA_CARD_ROW_GAP_REM = rem("persona-card-row-gap", 0.55)
PERSONA_AVATAR_REM = rem("persona-avatar", 3.8)
PERSONA_HEADER_GAP_REM = rem("persona-header-gap", 0.8)    # avatar to name
PERSONA_NAME_LINE = line("persona-name-line", 1.15)
PERSONA_ROLE_GAP_REM = rem("persona-role-gap", 0.1)
PERSONA_ROLE_LINE = line("persona-role-line", 1.25)
PERSONA_QUOTE_INDENT_REM = rem("persona-quote-indent", 1.6)
PERSONA_QUOTE_LINE = line("persona-quote-line", 1.3)
PERSONA_LABEL_REM = rem("persona-label", 1.25)             # a section label's line (min-height)
PERSONA_LABEL_ICON_GAP_REM = rem("persona-label-icon-gap", 0.4)
PERSONA_LABEL_SPACING_EM = 0.08                            # letter-spacing of the capitals
PERSONA_ITEM_INDENT_REM = rem("persona-item-indent", 1.1)
PERSONA_ITEM_LINE = line("persona-item-line", 1.22)
PERSONA_CHANNELS_RULE_REM = rem("persona-channels-rule", 0.1)
PERSONA_CHANNELS_PADDING_TOP_REM = rem("persona-channels-padding-top", 0.5)
PERSONA_CHIP_ROW_GAP_REM = rem("persona-chip-row-gap", 0.35)
PERSONA_CHIP_GAP_REM = rem("persona-chip-gap", 0.4)
PERSONA_CHIP_PADDING_X_REM = rem("persona-chip-padding-x", 0.55)
PERSONA_CHIP_PADDING_Y_REM = rem("persona-chip-padding-y", 0.05)
PERSONA_CHIP_ICON_GAP_REM = rem("persona-chip-icon-gap", 0.35)
PERSONA_CHIP_LINE = line("persona-chip-line", 1.25)

# --- the mission poster (panel-mission.css) -----------------------------------------------------
# Type sizes largest first; each has a class size-<name> in panel-mission.css.
MISSION_STATEMENT_SIZES = {name: rem(f"mission-statement-{name}", value) for name, value in
                           {"xxl": 3.6, "xl": 3.0, "l": 2.6, "m": 2.2, "s": 1.8, "xs": 1.5, "xxs": 1.2,
                            "body": 1.0}.items()}
MISSION_PROMISE_SIZES = {name: rem(f"mission-promise-{name}", value) for name, value in
                         {"xl": 2.0, "l": 1.8, "m": 1.5, "s": 1.2, "body": 1.0}.items()}
MISSION_STATEMENT_LINE = line("mission-statement-line", 1.14)
MISSION_PROMISE_LINE = line("mission-promise-line", 1.3)
MISSION_STATEMENT_WIDTH_REM = rem("mission-statement-width", 64.0)  # a shorter measure reads better
MISSION_PROMISE_WIDTH_REM = rem("mission-promise-width", 62.0)
MISSION_BLOCK_GAP_REM = rem("mission-block-gap", 1.2)               # statement, promise, values
MISSION_PROMISE_PADDING_TOP_REM = rem("mission-promise-padding-top", 0.9)
MISSION_PROMISE_PADDING_BOTTOM_REM = rem("mission-promise-padding-bottom", 1.0)
MISSION_VALUES_ROW_GAP_REM = rem("mission-values-row-gap", 0.6)
MISSION_VALUES_COLUMN_GAP_REM = rem("mission-values-column-gap", 0.8)
MISSION_VALUE_RULE_REM = rem("mission-value-rule", 0.25)           # a value tile's accent edge
MISSION_VALUE_PADDING_TOP_REM = rem("mission-value-padding-top", 0.6)
MISSION_VALUE_PADDING_BOTTOM_REM = rem("mission-value-padding-bottom", 0.7)
MISSION_VALUE_PADDING_X_REM = rem("mission-value-padding-x", 0.9)
MISSION_VALUE_NUMBER_GAP_REM = rem("mission-value-number-gap", 0.7)  # "01" to the value
MISSION_VALUE_LINE = line("mission-value-line", 1.2)

# --- the themes table (panel-themes.css): five columns, a masked comment under columns 2-5 --------------
THEMES_COLUMN_GAP_REM = rem("themes-column-gap", 0.8)
THEMES_COLUMNS_REM = {name: rem(f"themes-column-{name}", value) for name, value in
                      {"theme": 16.0, "mentions": 8.0, "nps": 15.2, "impact": 8.0, "trend": 17.6}.items()}
THEMES_ROW_PADDING_X_REM = rem("themes-row-padding-x", 0.6)       # a theme's row, and the header above them
THEMES_ROW_PADDING_TOP_REM = rem("themes-row-padding-top", 0.3)
THEMES_ROW_PADDING_BOTTOM_REM = rem("themes-row-padding-bottom", 0.35)
THEMES_ROW_LINE_GAP_REM = rem("themes-row-line-gap", 0.15)         # between a row's figures and its comment
THEMES_ROW_LINE = line("themes-row-line", 1.2)
THEMES_ROWS_GAP_REM = rem("themes-rows-gap", 0.35)                 # between the header and the rows
THEMES_HEADER_PADDING_BOTTOM_REM = rem("themes-header-padding-bottom", 0.2)
THEMES_HEADER_RULE_REM = rem("themes-header-rule", 0.1)
THEMES_CAUSES_GAP_REM = rem("themes-causes-gap", 0.6)              # between the headline and the cause bars
THEMES_HEADLINE_LINE = line("themes-headline-line", 1.2)
THEMES_TRACK_GAP_REM = rem("themes-track-gap", 0.25)               # a cause's name to its bar
THEMES_TRACK_REM = rem("themes-track", 0.6)                        # a cause's bar

# --- the actions panel (panel-actions.css) ------------------------------------------------------
ACTIONS_COLUMN_GAP_REM = rem("actions-column-gap", 0.8)      # between the two columns of cards
ACTIONS_CARD_GAP_REM = rem("actions-card-gap", 0.6)          # between cards in a column
ACTIONS_CARD_EDGE_REM = rem("actions-card-edge", 0.35)       # a card's coloured left edge
ACTIONS_CARD_PADDING_X_REM = rem("actions-card-padding-x", 0.8)
ACTIONS_CARD_PADDING_Y_REM = rem("actions-card-padding-y", 0.5)
ACTIONS_ROW_GAP_REM = rem("actions-row-gap", 0.3)            # between a card's head and its actions, and actions
ACTIONS_RULE_REM = rem("actions-rule", 0.1)                  # the line above each action
ACTIONS_RULE_GAP_REM = rem("actions-rule-gap", 0.3)          # under that line
ACTIONS_ICON_REM = rem("actions-icon", 1.3)                  # the icon column every line of a card starts with
ACTIONS_ICON_GAP_REM = rem("actions-icon-gap", 0.35)
ACTIONS_NAME_LINE = line("actions-name-line", 1.15)          # a gap's name
ACTIONS_LINE = line("actions-line", 1.2)                     # every other line of a card


def stylesheet() -> str:
    """assets/geometry.css: every size as a custom property on :root."""
    names = [size.name for size in SIZES]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"geometry names used twice: {', '.join(duplicates)}")
    lines = ["/* Generated by `python -m layouts.geometry > assets/geometry.css` from layouts/geometry.py:",
             " * do not edit. The wall's sizes, named once; the panels fit their text with the same numbers. */",
             "", ":root {"]
    lines += [f"  --{size.name}: {size.css};" for size in SIZES]
    lines += ["}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(stylesheet())
