"""How many cards with a small chart each a page holds (nps services, first-time-right), so no chart is a strip.

A card's words (name, figures, status) keep their size in the room's type;
what is left of the card's height is its chart. Where a grid of the planned
size (layouts/geometry.py `Room.cards_per_page`) leaves a chart lower than
CHART_MIN_REM, fewer cards go on a page; where even one card's chart would
be, the card is laid out across the page: its words left, the chart right
over the card's whole height (the panel stylesheets' `-across` cards).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from layouts import geometry as g
from layouts.components import small_charts_legend
from layouts.journey_fit import heading_height
from layouts.textfit import text_width
from layouts.words import ENGLISH, Labels
from obeya.config import Config
from obeya.snapshot import WallData

GRIDS = {6: (3, 2), 4: (2, 2), 3: (3, 1), 2: (2, 1), 1: (1, 1)}  # cards on a page: (columns, rows), grid_class's
# A card's chart is readable from this height in rem: three value labels of the smallest type with air between
# them, and the row of event marks above the plot.
CHART_MIN_REM = 6.0
CARD_GAP_REM = 0.8  # --gap, between cards
CARD_PADDING_X_REM = 0.9
CARD_ROW_GAP_REM = 0.3  # between a card's lines
LEGEND_ITEM_GAP_REM = 1.6  # .chart-legend's column gap
LEGEND_ROW_GAP_REM = 0.2
LEGEND_MARK_REM = 1.6  # an event's number box or the band's swatch, and the space after it


def cards_per_page(config: Config, data: WallData, charted: Sequence, what: str, heading: tuple[str, str],
                   stale: bool, words_height: Callable[[object, float], float],
                   say: Labels = ENGLISH) -> tuple[int, bool]:
    """How many of the `charted` series' cards a page holds in the room being drawn for, and whether they are
    laid out across the page: the most of the grid the room holds whose charts keep CHART_MIN_REM on every
    page, else one card a page, across.

    `what` is counted ("responses" or "tickets", as in `small_charts_legend`); `heading` is the pages' title and
    their longest subtitle; `words_height(series, width)` is a card's height in rem without its chart.
    """
    room = g.current()
    most = room.cards_per_page(max(GRIDS))
    body = room.page_height_rem - heading_height(*heading, stale, say) - g.PAGE_GAP_REM
    for per_page in (count for count in GRIDS if count <= most):
        columns, rows = GRIDS[per_page]
        width = (room.page_width_rem - (columns - 1) * CARD_GAP_REM) / columns - 2 * CARD_PADDING_X_REM
        chunks = [charted[i:i + per_page] for i in range(0, len(charted), per_page)] or [[]]
        shortest = min(
            (body - legend_height(config, data, chunk, what, say) - (rows - 1) * CARD_GAP_REM) / rows
            - max((words_height(series, width) for series in chunk), default=0.0)
            for chunk in chunks)
        if shortest >= CHART_MIN_REM:
            return per_page, False
    return 1, True


def legend_height(config: Config, data: WallData, chunk: Sequence, what: str, say: Labels = ENGLISH) -> float:
    """Height in rem of the legend under a page of cards, with the gap above it (0 without one): its items wrap
    across the page as the browser's flex row does."""
    legend = small_charts_legend(config, data, chunk, what, say)
    return 0.0 if legend is None else g.PAGE_GAP_REM + legend_rows_height(legend)


def legend_rows_height(legend) -> float:
    """Height in rem of a `.chart-legend` row: its items wrap across the page as the browser's flex row does
    (each counted with room for a mark or an icon before its words)."""
    width = g.current().page_width_rem
    lines, used = 1, 0.0
    for item in legend.children:
        item_width = LEGEND_MARK_REM + text_width(words_of(item), g.FS_SMALL)
        if used and used + LEGEND_ITEM_GAP_REM + item_width > width:
            lines, used = lines + 1, item_width
        else:
            used += (LEGEND_ITEM_GAP_REM if used else 0.0) + item_width
    return lines * g.FS_SMALL * g.BODY_LINE + (lines - 1) * LEGEND_ROW_GAP_REM


def words_of(component) -> str:
    """The words of a component and its children."""
    if isinstance(component, str):
        return component
    children = getattr(component, "children", None)
    if children is None:
        return ""
    if not isinstance(children, (list, tuple)):
        children = [children]
    return "".join(words_of(child) for child in children)
