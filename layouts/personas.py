"""The personas panel: the people we serve, as cards side by side.

Up to four cards a page. Each card has the avatar (the team's image, or the
initials), name, role, quote, goals, frustrations, needs and preferred
channels. Text cannot shrink to fit in the browser, so this module estimates
each card's height and decides how many cards share a page and how many
bullets each list shows ("+N more" for the rest): nothing clips, nothing scrolls.
A persona too tall for a page even alone (big type on a small or far TV) is
split: its lists continue on a card "Name (continued)" on the next page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dash import html

from layouts.components import Screen, config_file_url, icon, panel_heading
from layouts import geometry as g
from layouts.textfit import estimated_lines, text_width
from layouts.words import ENGLISH, Labels, words
from obeya.config import Config, Persona
from obeya.snapshot import WallData

MAX_PER_PAGE = 4
CAPS = (3, 2, 1)  # bullets per list a card shows, most preferred first

# Text longer than this is cut at a word with "…" (a persona is read in seconds).
MAX_QUOTE_CHARS = 240
MAX_ITEM_CHARS = 120

SECTIONS = [  # (attribute and its label's catalog key personas.<attribute>, icon)
    ("goals", "bi-flag-fill"),
    ("frustrations", "bi-emoji-frown-fill"),
    ("needs", "bi-heart-fill"),
]

# Preferred channels get an icon when we recognise the word; the word is always shown.
CHANNEL_ICONS = [
    (("chat",), "bi-chat-dots-fill"),
    (("phone", "call", "telephone", "hotline"), "bi-telephone-fill"),
    (("mail", "e-mail", "email"), "bi-envelope-fill"),
    (("portal", "web", "self-service", "intranet"), "bi-window"),
    (("walk-in", "walk in", "desk", "in person", "face to face"), "bi-person-walking"),
    (("teams",), "bi-microsoft-teams"),
    (("slack",), "bi-slack"),
    (("whatsapp",), "bi-whatsapp"),
    (("sms", "text message"), "bi-phone"),
    (("video",), "bi-camera-video-fill"),
]

# Card geometry in rem (layouts/geometry.py names what panel-personas.css draws with).
SMALL, BODY, NAME = g.FS_SMALL, g.FS_BODY, g.FS_H3
CARD_PADDING_Y_REM = g.PERSONA_CARD_RULE_REM + g.PERSONA_CARD_PADDING_TOP_REM + g.PERSONA_CARD_PADDING_BOTTOM_REM
ICON_REM = SMALL  # a Bootstrap icon is 1em wide
SECTION_ICON_REM = ICON_REM + g.PERSONA_LABEL_ICON_GAP_REM  # a section label's icon and its gap
CHANNELS_TOP_REM = g.PERSONA_CHANNELS_RULE_REM + g.PERSONA_CHANNELS_PADDING_TOP_REM
CHIP_LINE_REM = SMALL * g.PERSONA_CHIP_LINE
CHIP_ROW_REM = CHIP_LINE_REM + 2 * g.PERSONA_CHIP_PADDING_Y_REM
CHIP_EXTRA_REM = 2 * g.PERSONA_CHIP_PADDING_X_REM + ICON_REM + g.PERSONA_CHIP_ICON_GAP_REM  # icon, gap, padding


def shorten(text: str, limit: int) -> str:
    """`text`, or its first words up to `limit` characters and '…'."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "\u2026"


def shown_items(items: list[str], cap: int) -> tuple[list[str], int]:
    """The bullets a list shows (at most `cap`, long ones shortened), and how many are left over."""
    items = [shorten(item, MAX_ITEM_CHARS) for item in items]
    if len(items) <= cap:
        return items, 0
    return items[: cap], len(items) - cap


def card_width(columns: int) -> float:
    return (g.current().page_width_rem - (columns - 1) * g.PERSONA_CARD_GAP_REM) / columns


def grid_height() -> float:
    """Height in rem of the cards' grid: below the heading and the page gap."""
    room = g.current()
    return room.page_height_rem - room.heading_line_rem - g.PAGE_GAP_REM


# What a card shows under the persona's name, in order; a persona split over cards shows some of them on each.
PARTS = ("quote", *(attribute for attribute, _icon in SECTIONS), "channels")


def card_height(persona: Persona, columns: int, cap: int, say: Labels = ENGLISH, parts: tuple[str, ...] = PARTS,
                continued: bool = False) -> float:
    """Estimated height of a persona card in rem when `columns` cards share the width (labels in `say`'s words),
    showing `parts` of PARTS (a `continued` card names the persona "Name (continued)")."""
    inner = card_width(columns) - 2 * g.PERSONA_CARD_PADDING_X_REM
    name_width = inner - g.PERSONA_AVATAR_REM - g.PERSONA_HEADER_GAP_REM
    name = say("personas.continued", name=persona.name) if continued else persona.name
    header = max(g.PERSONA_AVATAR_REM,
                 estimated_lines(name, NAME, name_width, bold=True) * NAME * g.PERSONA_NAME_LINE
                 + g.PERSONA_ROLE_GAP_REM
                 + estimated_lines(persona.role, SMALL, name_width) * SMALL * g.PERSONA_ROLE_LINE)
    quote_text = shorten(persona.quote, MAX_QUOTE_CHARS)
    quote_width = inner - g.PERSONA_QUOTE_INDENT_REM
    heights = [header]
    if "quote" in parts:
        heights.append(estimated_lines(quote_text, BODY, quote_width) * BODY * g.PERSONA_QUOTE_LINE)
    for attribute, _icon in SECTIONS:
        items, more = shown_items(getattr(persona, attribute), cap)
        if not items or attribute not in parts:
            continue
        width = inner - g.PERSONA_ITEM_INDENT_REM
        lines = sum(estimated_lines(item, SMALL, width) for item in items)
        if more:
            lines += estimated_lines(say("common.more", count=more), SMALL, width)
        label_lines = _label_lines(say(f"personas.{attribute}"), inner)
        heights.append(g.PERSONA_LABEL_REM + (label_lines - 1) * SMALL * g.BODY_LINE
                       + lines * SMALL * g.PERSONA_ITEM_LINE)
    if persona.channels and "channels" in parts:
        heights.append(_channels_height(persona.channels, inner))
    return CARD_PADDING_Y_REM + sum(heights) + g.PERSONA_CARD_ROW_GAP_REM * (len(heights) - 1)


def _label_lines(label: str, width: float) -> int:
    """Lines a section label takes: written in capitals with 0.08em letter spacing (panel-personas.css)."""
    spaced = text_width(label.upper(), SMALL, bold=True) + g.PERSONA_LABEL_SPACING_EM * SMALL * len(label)
    return max(1, math.ceil(spaced / (width - SECTION_ICON_REM)))


def _channels_height(channels: list[str], width: float) -> float:
    """Height of the channel chips, wrapped to the card's width, with the line above them."""
    rows: list[float] = []  # height of each row of chips
    used = 0.0
    for channel in channels:
        chip = text_width(channel, SMALL, bold=True) + CHIP_EXTRA_REM
        if chip > width:  # a chip wider than the card takes a row and wraps inside itself
            lines = estimated_lines(channel, SMALL, width - CHIP_EXTRA_REM, bold=True)
            rows.append(CHIP_ROW_REM + (lines - 1) * CHIP_LINE_REM)
            used = width
        elif rows and used + g.PERSONA_CHIP_GAP_REM + chip <= width:
            used += g.PERSONA_CHIP_GAP_REM + chip
        else:
            rows.append(CHIP_ROW_REM)
            used = chip
    return CHANNELS_TOP_REM + sum(rows) + (len(rows) - 1) * g.PERSONA_CHIP_ROW_GAP_REM


@dataclass(frozen=True)
class Card:
    """One card: a persona, the bullets a list shows, and which PARTS it shows (a `continued` card the rest
    of a persona too tall for one card)."""

    persona: Persona
    cap: int
    parts: tuple[str, ...] = PARTS
    continued: bool = False

    def height(self, columns: int, say: Labels = ENGLISH) -> float:
        return card_height(self.persona, columns, self.cap, say, self.parts, self.continued)


@dataclass(frozen=True)
class Page:
    """One page of persona cards: how many columns share its width, and its cards."""

    columns: int
    cards: list[Card]


def _caps(people: list[Persona], columns: int, say: Labels) -> list[int] | None:
    """The bullets per list each card can show at this width, or None if one does not fit at all."""
    caps = [next((cap for cap in CAPS if card_height(persona, columns, cap, say) <= grid_height()), None)
            for persona in people]
    return None if None in caps else caps


def _cards(people: list[Persona], caps: list[int]) -> list[Card]:
    return [Card(persona, cap) for persona, cap in zip(people, caps)]


def split_cards(persona: Persona, columns: int = 1, say: Labels = ENGLISH) -> list[Card]:
    """A persona too tall for a page even alone at full width: its parts in order on as few cards
    `columns` to a page wide as fit, the first with the quote, the next ones "Name (continued)"; as many
    bullets a list as fit (a list that does not fit even with one bullet on a card of its own is drawn anyway)."""
    present = [part for part in PARTS if part == "quote" or getattr(persona, part)]
    for cap in CAPS:
        cards: list[Card] = []
        for part in present:
            longer = Card(persona, cap, cards[-1].parts + (part,), cards[-1].continued) if cards else None
            if longer and longer.height(columns, say) <= grid_height():
                cards[-1] = longer
            else:
                cards.append(Card(persona, cap, (part,), continued=bool(cards)))
        if all(card.height(columns, say) <= grid_height() for card in cards) or cap == CAPS[-1]:
            return cards
    raise AssertionError("unreachable")  # the loop returns at the last cap


def split_pages(persona: Persona, say: Labels = ENGLISH) -> list[Page]:
    """The pages a persona too tall for one card takes: its cards side by side, two a page, when that takes
    fewer pages than full-width cards one a page."""
    halves, whole = split_cards(persona, 2, say), split_cards(persona, 1, say)
    if math.ceil(len(halves) / 2) < len(whole):
        return [Page(2, halves[i:i + 2]) for i in range(0, len(halves), 2)]
    return [Page(1, [card]) for card in whole]


def _balanced(personas: list[Persona], say: Labels) -> list[Page] | None:
    """Pages of equal size (5 personas: 3 + 2, not 4 + 1), as many cards a page as fit, or None."""
    for per_page in range(MAX_PER_PAGE, 1, -1):
        size = math.ceil(len(personas) / math.ceil(len(personas) / per_page))
        caps = _caps(personas, size, say)
        if caps is not None:
            cards = _cards(personas, caps)
            return [Page(size, cards[i:i + size]) for i in range(0, len(cards), size)]
    return None


def _page_of(people: list[Persona], say: Labels) -> Page | None:
    """`people` side by side on one page if every card fits; a lone card takes half the width,
    or all of it if it must."""
    widths = [max(len(people), 2)] + ([1] if len(people) == 1 else [])
    for columns in widths:
        caps = _caps(people, columns, say)
        if caps is not None:
            return Page(columns, _cards(people, caps))
    return None


def _greedy(personas: list[Persona], say: Labels) -> list[Page]:
    """Pages filled in order with as many cards as fit; a wordy persona gets a page with fewer, wider cards."""
    pages, start = [], 0
    while start < len(personas):
        counts = range(min(MAX_PER_PAGE, len(personas) - start), 0, -1)
        page = next((page for count in counts if (page := _page_of(personas[start:start + count], say))), None)
        if page is None:  # too tall even alone at full width: its lists continue on the next page
            pages += split_pages(personas[start], say)
            start += 1
            continue
        pages.append(page)
        start += len(page.cards)
    return pages


def pages_of(personas: tuple[Persona, ...], say: Labels = ENGLISH) -> list[Page]:
    """The personas split into pages so that every card fits, in as few pages as possible.

    Up to four cards a page, balanced when that costs no extra page. Each
    card shows up to three bullets a list; a wordy card shows fewer
    ("+N more") before it takes a page with fewer, wider cards, and a card
    too tall even alone continues on the next page.
    """
    people = list(personas)
    balanced = _balanced(people, say)
    greedy = _greedy(people, say)
    return balanced if balanced is not None and len(balanced) <= len(greedy) else greedy


def avatar(persona: Persona) -> html.Img | html.Div:
    """The team's picture of the persona, or a circle with the initials."""
    if persona.avatar:
        return html.Img(src=config_file_url(persona.avatar), alt="", className="persona-avatar persona-photo")
    return html.Div(persona.initials, className="persona-avatar persona-initials", **{"aria-hidden": "true"})


def channel_icon(channel: str) -> str:
    word = channel.lower()
    for keys, glyph in CHANNEL_ICONS:
        if any(key in word for key in keys):
            return glyph
    return "bi-chat-square-text-fill"


def section(label: str, glyph: str, items: list[str], cap: int, kind: str, say: Labels = ENGLISH) -> html.Div | None:
    shown, more = shown_items(items, cap)
    if not shown:
        return None
    bullets = [html.Li(item) for item in shown]
    if more:
        bullets.append(html.Li(say("common.more", count=more), className="persona-more"))
    return html.Div(
        [html.Div([icon(glyph), label], className="persona-section-label"),
         html.Ul(bullets, className="persona-list")],
        className=f"persona-section persona-{kind}",
    )


def persona_card(persona: Persona, cap: int, say: Labels = ENGLISH, parts: tuple[str, ...] = PARTS,
                 continued: bool = False) -> html.Article:
    """One persona, everything a viewer needs to picture them (or the `parts` of it on this card)."""
    name = say("personas.continued", name=persona.name) if continued else persona.name
    children = [
        html.Div(
            [
                avatar(persona),
                html.Div(
                    [html.H2(name, className="persona-name"), html.Div(persona.role, className="persona-role")],
                    className="persona-who",
                ),
            ],
            className="persona-header",
        ),
        html.Blockquote([icon("bi-quote"), html.Span(shorten(persona.quote, MAX_QUOTE_CHARS))],
                        className="persona-quote") if "quote" in parts else None,
    ]
    children += [section(say(f"personas.{attribute}"), glyph, getattr(persona, attribute), cap, attribute, say)
                 for attribute, glyph in SECTIONS if attribute in parts]
    if persona.channels and "channels" in parts:
        children.append(html.Div(
            [html.Span([icon(channel_icon(channel)), channel], className="persona-channel")
             for channel in persona.channels],
            className="persona-channels", **{"aria-label": say("personas.channels")},
        ))
    return html.Article([child for child in children if child is not None], className="persona-card",
                        **{"data-persona": persona.id, **({"data-continued": "1"} if continued else {})})


def render(config: Config, data: WallData | None, screen: Screen) -> list:
    """Pages of the personas panel: up to four cards side by side a page."""
    say = words(config)
    pages = pages_of(config.personas, say)
    total = len(config.personas)
    result = []
    first = 0  # personas before this page
    for page in pages:
        subtitle = None
        fresh = sum(not card.continued for card in page.cards)  # a continued card is not a persona more
        if len(pages) > 1:
            low, last = (first, first) if not fresh else (first + 1, first + fresh)
            subtitle = (say("personas.range", first=low, last=last, total=total) if last > low
                        else say("personas.one", first=low, total=total))
        result.append([
            panel_heading(say("personas.title"), subtitle),
            html.Div([persona_card(card.persona, card.cap, say, card.parts, card.continued) for card in page.cards],
                     className=f"persona-grid columns-{page.columns}"),
        ])
        first += fresh
    return result
