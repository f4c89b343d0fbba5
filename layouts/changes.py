"""The changes panel: what changed since the last stand-up, first on the stand-up's agenda.

Three cards side by side: the numbers that moved by more than noise on
rolling windows (the last 7 days against the 7 before, so each morning
differs), the comments that arrived since the last stand-up counted by cause
with the newest detractor's words, and the actions due this week or overdue.
Cards are drawn like the actions panel's (layouts/actions.py) and measured
the same way: the page shows the largest type and the most items that fit
it, fewer numbers, actions and words of the quote on a big-type wall (a small
TV seen from far), so the one page never overflows.
"""

from __future__ import annotations

import dataclasses

from dash import html

from layouts import geometry as g
from layouts.actions import FLAG_ICON, SIZES, Card, Line, action_lines, card_div, card_height
from layouts.components import Screen, panel_heading, waiting_page
from layouts.journey_fit import heading_height
from layouts.themes import CAUSE_ICONS
from layouts.words import ENGLISH, Labels, words
from obeya.changes import ChangesView, Movement
from obeya.config import CAUSES, Config
from obeya.labels import shorten
from obeya.snapshot import WallData

COLUMNS = 3  # the cards side by side (panel-changes.css)
MOVES_SHOWN = 5
DUE_SHOWN = 4
QUOTE_CHARACTERS = 140  # the newest detractor's words: about six lines of a card in large type


@dataclasses.dataclass(frozen=True)
class Limits:
    """How much the cards hold: numbers that moved, actions due, characters of the quote (0: no quote)."""

    moves: int = MOVES_SHOWN
    due: int = DUE_SHOWN
    quote: int = QUOTE_CHARACTERS


# Tried in turn until the cards fit the page: all of it in large type, then in normal type, then less of it.
FITS = ((SIZES[0], Limits()), (SIZES[1], Limits()), (SIZES[1], Limits(3, 3, 100)), (SIZES[1], Limits(2, 2, 60)),
        (SIZES[1], Limits(1, 1, 0)))


def render(config: Config, data: WallData | None, screen: Screen) -> list:
    """The one page of the changes panel."""
    say = words(config)
    title = say("changes.title")
    if data is None or data.changes is None:
        return [waiting_page(title, screen, say)]
    view = data.changes
    subtitle = say("changes.subtitle", since=say.date(view.since, "format.day") + " " + say.time(view.since),
                   days=view.days)
    heading = panel_heading(title, subtitle, as_of=data.as_of, stale_since=screen.stale_since, problem=screen.problem,
                            data_panel=True, say=say)
    room = (g.current().page_height_rem - heading_height(title, subtitle, screen.stale_since is not None, say)
            - g.PAGE_GAP_REM)
    cards = fitting_cards(view, say, room, by_cause=bool(config.themes))
    return [[heading, html.Div([html.Div(card_div(card), className="actions-column") for card in cards],
                               className="changes-columns")]]


def fitting_cards(view: ChangesView, say: Labels, room: float, *, by_cause: bool = True) -> list[Card]:
    """The three cards in the first of FITS that fits `room` rem (large type reads from across the room), or
    in the last when none does."""
    for size, limits in FITS:
        cards = [dataclasses.replace(card, size=size)
                 for card in (moved_card(view, say, limits), comments_card(view, say, limits, by_cause=by_cause),
                              due_card(view, say, limits))]
        if all(card_height(card, COLUMNS) <= room for card in cards):
            break
    return cards


def movement_lines(movement: Movement, say: Labels = ENGLISH) -> tuple[Line, ...]:
    """'Wi-Fi & VPN · first time right', then '78% → 64%: −14 pts, more than noise'."""
    up = movement.change.delta > 0
    if movement.measure == "nps":
        values = f"{say.signed(movement.previous.value)} \u2192 {say.signed(movement.current.value)}"
        delta = say.signed(movement.change.delta)
    else:
        values = f"{say.percent(movement.previous.value)} \u2192 {say.percent(movement.current.value)}"
        delta = say("ftr.gap", points=say.signed(movement.change.delta))
    name = movement.name if movement.service_id else say("nps.all_services")
    return (Line("title", f"{name} \u00b7 {say(f'changes.measure_{movement.measure}')}",
                 "bi-arrow-up-right-circle-fill" if up else "bi-arrow-down-right-circle-fill", "good" if up else "bad"),
            Line("change", say("changes.moved", values=values, delta=delta)))


def moved_card(view: ChangesView, say: Labels = ENGLISH, limits: Limits = Limits()) -> Card:
    head = (Line("name", say("changes.moved_title")),
            Line("meta", say("changes.window", days=view.days)))
    if not view.movements:
        return Card("changes", head + (Line("change", say("changes.nothing_moved"), "bi-dash-circle", "muted"),))
    items = [movement_lines(movement, say) for movement in view.movements[:limits.moves]]
    if len(view.movements) > limits.moves:
        items.append((Line("meta", say("common.more", count=len(view.movements) - limits.moves)),))
    return Card("service" if any(m.change.delta < 0 for m in view.movements) else "changes", head, tuple(items))


def comments_card(view: ChangesView, say: Labels = ENGLISH, limits: Limits = Limits(), *,
                  by_cause: bool = True) -> Card:
    """The comments since the stand-up's day (the theme roll-ups count days), by cause when there are themes."""
    comments = view.comments
    head = [Line("name", say("changes.comments_title", count=say.number(comments.count))),
            Line("meta", say("changes.from_detractors", day=say.date(view.since, "format.day"),
                             count=say.number(comments.detractors)))]
    causes = [Line("shortfall", f"{say(f'themes.cause_{cause}')}: {say.number(comments.by_cause.get(cause, 0))}",
                   CAUSE_ICONS[cause], "accent" if cause != "unclassified" else "muted")
              for cause in (*CAUSES, "unclassified")]
    items = [tuple(causes)] if by_cause else []
    quote = comments.newest_detractor
    if quote is not None and limits.quote:
        items.append((Line("title", say("changes.newest_detractor"), "bi-emoji-frown-fill", "bad"),
                      Line("change", f"\u201c{shorten(quote.text, limits.quote)}\u201d"),
                      Line("meta", f"{say('voices.score', score=quote.score)} \u00b7 {quote.service}")))
    return Card("theme" if comments.detractors else "changes", tuple(head), tuple(items))


def due_card(view: ChangesView, say: Labels = ENGLISH, limits: Limits = Limits()) -> Card:
    overdue = sum(1 for item in view.due if item.overdue)
    head = [Line("name", say("changes.due_title"))]
    if overdue:
        head.append(Line("flag", say("actions.overdue_count", count=overdue), FLAG_ICON, "bad"))
    if not view.due:
        return Card("changes", tuple(head) + (Line("change", say("changes.nothing_due"), "bi-check2-circle", "good"),))
    items = [action_lines(item, say) for item in view.due[:limits.due]]
    if len(view.due) > limits.due:
        items.append((Line("meta", say("common.more", count=len(view.due) - limits.due)),))
    return Card("service" if overdue else "changes", tuple(head), tuple(items))
