"""The voices panel: what customers wrote in the survey, detractors first.

Each comment is a card with its score and band, service and date. Text is
always plain text children (never markdown or HTML), so whatever a customer
typed shows as the characters they typed. Long comments are cut at a word
boundary in Python, so the CSS never has to clip.
"""

from __future__ import annotations

from datetime import datetime

from dash import html

from layouts import geometry as g
from layouts.components import Screen, grid_class, icon, panel_heading, waiting_page
from layouts.textfit import text_width
from layouts.words import ENGLISH, Labels, words
from obeya import labels
from obeya.config import Config
from obeya.snapshot import Voice, WallData

VOICES_PER_PAGE = 6
MAX_TAGS = 2  # theme tags under a comment: what fits the card's caption line
MAX_CHARACTERS = 200  # what fits a card of the 3 × 2 grid with its caption, even in capitals
# Short comments get big type; longer ones step down so they still fit (never below --fs-body).
# Limits are in "visual characters": a capital counts as 1.4, being that much wider.
QUOTE_SIZES = ((90, "short"), (170, "medium"))
# Latin comments take 0.39–0.49 em a visual character; text whose glyphs are wider (emoji at 1.27 em,
# Cyrillic, Arabic) counts its measured width in units of this many ems instead, so it never overflows.
LETTER_EM = 0.5

BAND_ICONS = {"detractor": "bi-emoji-frown-fill", "passive": "bi-emoji-neutral-fill",
              "promoter": "bi-emoji-smile-fill"}


def render(config: Config, data: WallData | None, screen: Screen) -> list:
    """Pages of the voices panel: up to six comments a page, or a note that there are none."""
    say = words(config)
    title = say("voices.title")
    if data is None:
        return [waiting_page(title, screen, say)]
    days = config.wall.voices.days
    subtitle = say("voices.subtitle", days=days)
    heading = dict(as_of=data.as_of, stale_since=screen.stale_since, problem=screen.problem, data_panel=True, say=say)
    if not data.voices:
        return [[
            panel_heading(title, subtitle, **heading),
            html.Div([html.Div(icon("bi-chat-square-text"), className="voices-empty-icon"),
                      html.Div(say("voices.empty", days=days), className="voices-empty-text")],
                     className="data-waiting voices-empty"),  # laid out like the waiting page
        ]]
    theme_names = {theme.id: theme.name for theme in config.themes}
    per_page = g.current().cards_per_page(VOICES_PER_PAGE)
    chunks = [data.voices[i:i + per_page] for i in range(0, len(data.voices), per_page)]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        page_subtitle = subtitle + (" · " + say("common.page", number=number, total=len(chunks))
                                    if len(chunks) > 1 else "")
        pages.append([
            panel_heading(title, page_subtitle, **heading),
            html.Div([voice_card(voice, say, theme_names) for voice in chunk],
                     className=f"voices-grid card-grid-{grid_class(len(chunk), paged=len(chunks) > 1, per_page=per_page)}"),
        ])
    return pages


def shorten(text: str, limit: int = MAX_CHARACTERS) -> str:
    """`text` cut to `limit` characters (see obeya.labels.shorten), a voice card's length by default."""
    return labels.shorten(text, limit)


def fitted(text: str) -> str:
    """`text` on one line, shortened to what a card holds: MAX_CHARACTERS characters, fewer when its glyphs
    are wider than Latin letters take on average (a comment full of emoji)."""
    text = " ".join(text.split())

    def fits(count: int) -> bool:
        return max(count, text_width(text[:count], 1.0) / LETTER_EM) <= MAX_CHARACTERS

    low, high = 0, len(text)  # the longest start of the text that fits, by halving
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    return shorten(text, low)


def day_words(moment: datetime, say: Labels = ENGLISH) -> str:
    """'Mon 23 Nov' ('ma 23 nov' in Dutch)."""
    return say.date(moment, "format.day")


def visual_characters(text: str) -> float:
    """How wide `text` is in the unit of QUOTE_SIZES: by count (a capital as 1.4), or by its measured
    width where that is wider (emoji, other scripts)."""
    by_count = len(text) + 0.4 * sum(character.isupper() for character in text)
    return max(by_count, text_width(text, 1.0) / LETTER_EM)


def quote_size(text: str) -> str:
    """'short', 'medium' or 'long': which type size a (shortened) comment is shown in."""
    width = visual_characters(text)
    return next((size for limit, size in QUOTE_SIZES if width <= limit), "long")


def voice_card(voice: Voice, say: Labels = ENGLISH, theme_names: dict[str, str] | None = None) -> html.Figure:
    """One comment: the words, then who said how much, about what, when, and the themes it points to."""
    text = fitted(voice.text)
    names = [(theme_names or {}).get(theme_id) for theme_id in voice.themes]
    tags = [html.Span([icon("bi-tag-fill"), name], className="voice-theme") for name in names if name]
    return html.Figure(
        [
            html.Blockquote(f"\u201c{text}\u201d", className=f"voice-text voice-text-{quote_size(text)}"),
            html.Figcaption(
                [
                    html.Span([icon(BAND_ICONS[voice.band]),
                               html.Span(say("voices.score", score=voice.score), className="voice-score"),
                               say(f"voices.{voice.band}")], className=f"voice-band voice-{voice.band}"),
                    html.Span([*([html.Span([icon("bi-stars"), say("voices.new")], className="voice-new")]
                                 if voice.new else []), day_words(voice.responded_at, say)], className="voice-date"),
                    html.Span(voice.service, className="voice-service"),
                    *([html.Span(tags[:MAX_TAGS], className="voice-themes")] if tags else []),
                ],
                className="voice-meta",
            ),
        ],
        className=f"voice-card voice-card-{voice.band}",
    )
