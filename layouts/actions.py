"""The actions panel, "You said, we did": each gap on the wall and the actions that answer it.

A gap (a key service off target, a comment theme rising) is a card: its name,
what is off and by how much, then each action that answers it, with status,
owner and due day; an overdue action and a gap without an action are flagged
with an icon and a word. A done action shows its numbers before and after it
(obeya/actions.py). Actions that answer no current gap follow in a card of
their own, each with what it is linked to.

Cards fill two columns, top to bottom; a card that does not fit the rest of a
column goes on at the top of the next one ("… (continued)"), and more cards
than a page holds make more pages. Every line of a card is measured with the
wall's font (layouts/textfit.py) at the sizes layouts/geometry.py names, so
nothing clips and nothing scrolls.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from dash import html

from layouts import geometry as g
from layouts.components import STATUS_ICONS, Screen, icon, panel_heading, waiting_page
from layouts.journey_fit import freshness_width, nps_text
from layouts.textfit import estimated_lines, text_width
from layouts.words import ENGLISH, Labels, words
from obeya.actions import ActionItem, ActionsView, BeforeAfter, Gap, Shortfall
from obeya.config import Config
from obeya.snapshot import WallData

COLUMNS = 2

STATUS_LOOK = {  # an action's status: its icon and the colour of the icon
    "planned": ("bi-calendar-event", "muted"),
    "doing": ("bi-play-circle-fill", "accent"),
    "done": ("bi-check-circle-fill", "good"),
}
RISING_ICON = "bi-arrow-up-right-circle-fill"
FLAG_ICON = "bi-exclamation-triangle-fill"  # an overdue action, a gap without an action
LINKED_ICON = "bi-link-45deg"
WAITING_ICON = "bi-hourglass-split"  # a before/after that cannot be told yet
COUNTED_AS = {"nps": "responses", "ftr": "tickets", "theme": "comments"}  # catalog actions.not_enough_<what>


# --- what a card says, line by line ----------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of a card: its words, what kind of line it is, and the icon in the card's icon column."""

    kind: str  # name | shortfall | flag | title | meta | overdue | linked | change (catalog-free: CSS classes)
    text: str
    icon: str | None = None
    tone: str = ""  # the icon's colour (and a flag's words): good, bad, warn, muted or accent


# Font size in rem, bold, line height: what panel-actions.css draws each kind of line with, in the two sizes
# of type a page may use: "large" when the cards fit as many pages in it as in "normal".
SIZES = ("large", "normal")
LINE_FONTS = {
    size: {"name": (name, True, g.ACTIONS_NAME_LINE), "title": (title, True, g.ACTIONS_LINE),
           "flag": (other, True, g.ACTIONS_LINE), "overdue": (other, True, g.ACTIONS_LINE),
           "other": (other, False, g.ACTIONS_LINE)}  # shortfall, meta, linked, change
    for size, (name, title, other) in {"large": (g.FS_H2, g.FS_H3, g.FS_BODY),
                                       "normal": (g.FS_H3, g.FS_BODY, g.FS_SMALL)}.items()
}


@dataclass(frozen=True)
class Card:
    """A gap (or the actions answering none): its head lines, then one group of lines per action."""

    kind: str  # service | theme | other
    head: tuple[Line, ...]
    items: tuple[tuple[Line, ...], ...] = ()
    size: str = "normal"  # of its type: large or normal (SIZES)


def day_words(day, say: Labels) -> str:
    return say.date(day, "format.event")


def shortfall_line(shortfall: Shortfall, say: Labels) -> Line:
    """'Off target: NPS −2 (target 30)', 'Rising: in 18% of comments (+6 pts)'."""
    if shortfall.measure == "theme":
        share = say.percent(shortfall.value) if shortfall.value is not None else "\u2013"
        return Line("shortfall", say("actions.rising", share=share, rise=say.signed(shortfall.rise or 0)),
                    RISING_ICON, "warn")
    if shortfall.measure == "nps":
        value, target = nps_text(shortfall.value, say), nps_text(shortfall.target, say)
    else:
        value, target = say.percent(shortfall.value), say.percent(shortfall.target, None)
    text = say("actions.shortfall", status=say("status.off_target"), measure=say(f"actions.{shortfall.measure}"),
               value=value, target=target)
    return Line("shortfall", text, STATUS_ICONS["off_target"], "bad")


def change_line(change: BeforeAfter, say: Labels) -> Line:
    """A done action's number before and after: 'NPS −2 → 17: +19, more than noise', or why not (yet)."""
    if change.measure == "theme":
        measure = say("actions.theme_share", theme=change.subject)
    else:
        measure = say(f"actions.{change.measure}")
    if not change.counted:
        return Line("change", say("actions.not_counted", measure=measure), WAITING_ICON, "muted")
    if change.change is None:
        return Line("change", say(f"actions.not_enough_{COUNTED_AS[change.measure]}", measure=measure),
                    WAITING_ICON, "muted")
    if change.measure == "nps":
        before, after = nps_text(change.before_value, say), nps_text(change.after_value, say)
        delta = say.signed(change.change.delta)
    else:
        before, after = say.percent(change.before_value), say.percent(change.after_value)
        delta = say("ftr.gap", points=say.signed(change.change.delta))
    verdict = say("actions.beyond_noise" if change.change.significant else "actions.within_noise")
    text = say("actions.change" if change.complete else "actions.change_so_far", measure=measure, before=before,
               after=after, delta=delta, verdict=verdict)
    rose = change.change.delta > 0
    better = rose if change.measure != "theme" else not rose  # fewer mentions of a theme is better
    if not change.change.significant:
        return Line("change", text, "bi-dash-circle", "muted")
    return Line("change", text, "bi-graph-up-arrow" if rose else "bi-graph-down-arrow", "good" if better else "bad")


def action_lines(item: ActionItem, say: Labels, *, linked: bool = False) -> tuple[Line, ...]:
    """An action: its title, then status, owner and due day, an overdue flag, what it is linked to (`linked`),
    and, done, its numbers before and after."""
    glyph, tone = STATUS_LOOK[item.status]
    status = say("actions.done", date=day_words(item.done, say)) if item.status == "done" and item.done \
        else say(f"actions.{item.status}")
    meta = [status, item.owner]
    if item.due is not None and item.status != "done" and not item.overdue:
        meta.append(say("actions.due", date=day_words(item.due, say)))
    lines = [Line("title", item.title, glyph, tone), Line("meta", " \u00b7 ".join(meta))]
    if item.overdue:
        lines.append(Line("overdue", say("actions.overdue", date=day_words(item.due, say)), FLAG_ICON, "bad"))
    if linked and item.linked:
        lines.append(Line("linked", " \u00b7 ".join(item.linked), LINKED_ICON, "muted"))
    lines += [change_line(change, say) for change in item.before_after]
    return tuple(lines)


def gap_card(gap: Gap, say: Labels, size: str = "normal") -> Card:
    head = [Line("name", gap.name), *(shortfall_line(shortfall, say) for shortfall in gap.shortfalls)]
    if not gap.actions:
        head.append(Line("flag", say("actions.no_action"), FLAG_ICON, "bad"))
    return Card(gap.kind, tuple(head), tuple(action_lines(item, say) for item in gap.actions), size)


def cards_of(view: ActionsView, say: Labels, size: str = "normal") -> list[Card]:
    """Every card of the panel in order, in type of `size`: the gaps, then the actions answering no current gap."""
    cards = [gap_card(gap, say, size) for gap in view.gaps]
    if view.other:
        cards.append(Card("other", (Line("name", say("actions.no_gap")),),
                          tuple(action_lines(item, say, linked=True) for item in view.other), size))
    return cards


# --- how much fits a column ---------------------------------------------------------------------------

ITEM_TOP_REM = g.ACTIONS_RULE_REM + g.ACTIONS_RULE_GAP_REM  # the line above an action, and the room under it


def card_inner_width(page_width_rem: float, columns: int = COLUMNS) -> float:
    """Width in rem inside a card of a column, on a page `page_width_rem` wide of `columns` columns."""
    column = (page_width_rem - (columns - 1) * g.ACTIONS_COLUMN_GAP_REM) / columns
    return column - g.ACTIONS_CARD_EDGE_REM - 2 * g.ACTIONS_CARD_PADDING_X_REM


def line_height(line: Line, size: str = "normal", columns: int = COLUMNS) -> float:
    """Height in rem of one line of a card in type of `size` in one of `columns` columns, wrapped as the
    browser will (a name spans the icon column too)."""
    return _line_height(line, size, g.current().page_width_rem, columns)


@functools.lru_cache(maxsize=4096)
def _line_height(line: Line, size: str, page_width_rem: float, columns: int) -> float:
    fonts = LINE_FONTS[size]
    font, bold, height = fonts.get(line.kind, fonts["other"])
    inner = card_inner_width(page_width_rem, columns)
    width = inner if line.kind == "name" else inner - g.ACTIONS_ICON_REM - g.ACTIONS_ICON_GAP_REM
    return estimated_lines(line.text, font, width, bold=bold) * font * height


def card_height(card: Card, columns: int = COLUMNS) -> float:
    """Estimated height in rem of a card in one of `columns` columns."""
    head = sum(line_height(line, card.size, columns) for line in card.head)
    items = [ITEM_TOP_REM + sum(line_height(line, card.size, columns) for line in item) for item in card.items]
    return 2 * g.ACTIONS_CARD_PADDING_Y_REM + head + sum(items) + g.ACTIONS_ROW_GAP_REM * len(items)


def _fitting_items(card: Card, room: float) -> int | None:
    """How many of the card's actions fit `room` under its head (at least one, when it has actions);
    None when not even that fits."""
    least = min(1, len(card.items))
    if card_height(replace(card, items=card.items[:least])) > room:
        return None
    count = least
    while count < len(card.items) and card_height(replace(card, items=card.items[:count + 1])) <= room:
        count += 1
    return count


def pages_of(cards: list[Card], room: float, say: Labels = ENGLISH, *,
             last_room: float | None = None, full_pages: int = 0) -> list[list[list[Card]]]:
    """The cards in columns `room` rem tall (after the first `full_pages` pages, `last_room` tall, when given),
    COLUMNS a page: pages of columns of cards.

    A card that does not fit the rest of a column, but whose head and first
    action would, puts as many actions there as fit and goes on at the top of
    the next column under its name and "(continued)".
    """
    pages: list[list[list[Card]]] = [[[]]]
    used = 0.0
    for card in cards:
        continued = (Line("name", say("actions.continued", name=card.head[0].text)),)
        while True:
            column = pages[-1][-1]
            height = room if last_room is None or len(pages) <= full_pages else last_room
            gap = g.ACTIONS_CARD_GAP_REM if column else 0.0
            count = _fitting_items(card, height - used - gap)
            if count is None and column:  # on in the next column, or on the next page
                if len(pages[-1]) < COLUMNS:
                    pages[-1].append([])
                else:
                    pages.append([[]])
                used = 0.0
                continue
            count = count if count is not None else min(1, len(card.items))  # too big for any column: shown anyway
            piece = replace(card, items=card.items[:count])
            column.append(piece)
            used += gap + card_height(piece)
            if count == len(card.items):
                break
            card = replace(card, head=continued, items=card.items[count:])
    return pages


def balanced_pages(cards: list[Card], room: float, say: Labels = ENGLISH) -> list[list[list[Card]]]:
    """`pages_of`, each page full but the last, whose columns are as short as they can be without one more
    page: its cards spread over its columns, not all in the first."""
    pages = pages_of(cards, room, say)
    full = len(pages) - 1

    def holds(last_room: float) -> bool:
        tried = pages_of(cards, room, say, last_room=last_room, full_pages=full)
        return len(tried) == len(pages) and _fits(tried[-1:], last_room)

    low, high = 0.0, room
    while high - low > 0.25:  # rem: a quarter of a line is close enough
        middle = (low + high) / 2
        low, high = (low, middle) if holds(middle) else (middle, high)
    return pages_of(cards, room, say, last_room=high, full_pages=full)


def _fits(pages: list[list[list[Card]]], room: float) -> bool:
    """Every column of `pages` within `room` (a card too big for any column is placed all the same)."""
    return all(sum(card_height(card) for card in column) + g.ACTIONS_CARD_GAP_REM * (len(column) - 1) <= room
               for columns in pages for column in columns)


def legend_text(view: ActionsView, say: Labels) -> str | None:
    """What before → after means, under the cards of a view with done actions."""
    done = any(item.before_after for item in view.other) or any(item.before_after for gap in view.gaps
                                                                 for item in gap.actions)
    return say("actions.legend", weeks=view.weeks) if done else None


def subtitle_parts(view: ActionsView, say: Labels) -> list[str]:
    """What the page heading says after the title: the panel's subtitle, how many gaps, how many of them no
    action answers, how many actions are overdue."""
    count = len(view.gaps)
    parts = [say("actions.subtitle"),
             say("actions.gap") if count == 1 else say("actions.gaps", count=count) if count else say("actions.no_gaps")]
    if view.unanswered:
        parts.append(say("actions.unanswered", count=view.unanswered))
    if view.overdue:
        parts.append(say("actions.overdue_count", count=view.overdue))
    return parts


def fitting_subtitle(title: str, parts: list[str], stale: bool, say: Labels) -> str:
    """`parts` joined by ' · ' on the heading's one line: the first ones dropped while it would not fit."""
    room = g.current().page_width_rem - text_width(title, g.current().title_rem, bold=True) \
        - freshness_width(stale, say) \
        - 2 * g.PANEL_HEADING_GAP_REM
    while len(parts) > 1 and text_width(" \u00b7 ".join(parts), g.FS_BODY) > room:
        parts = parts[1:]
    return " \u00b7 ".join(parts)


def body_room(legend: str | None) -> float:
    """Height in rem of the columns under the heading (one line) and above the legend."""
    page = g.current()
    room = page.page_height_rem - page.heading_line_rem - g.PAGE_GAP_REM
    if legend:
        room -= estimated_lines(legend, g.FS_SMALL, page.page_width_rem) * g.FS_SMALL * g.BODY_LINE + g.PAGE_GAP_REM
    return room


# --- drawing ------------------------------------------------------------------------------------------


def line_div(line: Line) -> html.Div:
    if line.kind == "name":
        return html.Div(line.text, className="actions-line actions-name")
    return html.Div([html.Span(icon(line.icon) if line.icon else None, className=f"actions-icon tone-{line.tone}"),
                     html.Span(line.text, className="actions-text")],
                    className=f"actions-line actions-{line.kind}" + (f" tone-{line.tone}" if line.kind in
                                                                     ("flag", "overdue") else ""))


def card_div(card: Card) -> html.Article:
    items = [html.Div([line_div(line) for line in item], className="actions-item") for item in card.items]
    return html.Article([html.Div([line_div(line) for line in card.head], className="actions-head"), *items],
                        className=f"actions-card actions-card-{card.kind} size-{card.size}")


def render(config: Config, data: WallData | None, screen: Screen) -> list:
    """Pages of the actions panel: the gaps and their actions in two columns, as many pages as they need."""
    say = words(config)
    title = say("actions.title")
    if data is None:
        return [waiting_page(title, screen, say)]
    view = data.actions
    heading = dict(as_of=data.as_of, stale_since=screen.stale_since, problem=screen.problem, data_panel=True, say=say)
    parts = subtitle_parts(view, say)
    if not (view.gaps or view.other):
        return [[
            panel_heading(title, fitting_subtitle(title, parts, screen.stale_since is not None, say), **heading),
            html.Div([html.Div(icon("bi-check2-circle"), className="data-waiting-icon"),
                      html.Div(say("actions.empty_title"), className="data-waiting-title"),
                      html.Div(say("actions.empty_text"), className="data-waiting-text")],
                     className="data-waiting actions-empty"),
        ]]
    legend = legend_text(view, say)
    room = body_room(legend)
    # Large type when it costs no page: from across the room, a short list reads better big.
    large, normal = (balanced_pages(cards_of(view, say, size), room, say) for size in SIZES)
    pages = large if len(large) <= len(normal) else normal
    result = []
    for number, columns in enumerate(pages, start=1):
        page_parts = parts + ([say("common.page", number=number, total=len(pages))] if len(pages) > 1 else [])
        subtitle = fitting_subtitle(title, page_parts, screen.stale_since is not None, say)
        columns = columns + [[]] * (COLUMNS - len(columns))
        page = [panel_heading(title, subtitle, **heading),
                html.Div([html.Div([card_div(card) for card in column], className="actions-column")
                          for column in columns], className="actions-columns")]
        if legend:
            page.append(html.Div(legend, className="chart-legend actions-legend"))
        result.append(page)
    return result
