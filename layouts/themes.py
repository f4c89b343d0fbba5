"""The themes panel: what the survey comments point to, by cause and by theme.

A passer-by reads the headline: which cause most detractor comments point to,
and how much. Under it, the share of detractor comments per cause (and the
unclassified ones, never hidden), then a table of themes, the costliest
first: mentions, the NPS of the responses that mention the theme next to the
rest (or how many more responses that needs), its impact on the overall NPS,
its trend against the window before with "more than noise" or not, and one
masked comment that mentions it. Up to five themes to a page: fewer where the rows, measured in the
wall's type, would not fit (a big-type wall, long names, wrapped words).
"""

from __future__ import annotations

from dash import html

from layouts import geometry as g
from layouts.chart_cards import legend_rows_height
from layouts.geometry import FS_SMALL
from layouts.components import Screen, icon, panel_heading, waiting_page
from layouts.journey_fit import heading_height
from layouts.textfit import estimated_lines, text_width
from layouts.voices import shorten
from layouts.words import ENGLISH, Labels, words
from obeya.config import CAUSES, Config
from obeya.metrics import Estimate
from obeya.snapshot import WallData
from obeya.theme_stats import THEME_PERIODS, ThemeStat, ThemesView

THEMES_PER_PAGE = 5  # at most: a page of the table read at a glance
CAUSE_ICON_EM = 1.4  # a cause's icon and the room after it, in ems of its text
CAUSE_GAP_EM = 0.8  # .cause-label's two gaps (0.4rem each), in ems of body text


def columns_fit() -> float:
    """The themes table's columns (named for a full-width page) times this fill the page being drawn, inside
    a row's padding and between its gaps (which keep their size)."""
    free = (g.current().page_width_rem - 2 * g.THEMES_ROW_PADDING_X_REM
            - (len(g.THEMES_COLUMNS_REM) - 1) * g.THEMES_COLUMN_GAP_REM)
    return min(1.0, free / sum(g.THEMES_COLUMNS_REM.values()))


def column_widths() -> dict[str, float]:
    """Each column's width in rem on the page being drawn (panel-themes.css multiplies by --themes-fit)."""
    fit = columns_fit()
    return {name: width * fit for name, width in g.THEMES_COLUMNS_REM.items()}


def quote_width() -> float:
    """The masked comment's line: under the four columns after the theme's name."""
    return sum(list(column_widths().values())[1:]) + (len(g.THEMES_COLUMNS_REM) - 2) * g.THEMES_COLUMN_GAP_REM


def _lines_height(cells: list[tuple[str, bool]], font_rem: float, line: float) -> float:
    """Height in rem of a grid row of the table: its tallest cell, each cell (words, bold) wrapped in its column."""
    widths = list(column_widths().values())
    return max(estimated_lines(text, font_rem, width, bold=bold) for (text, bold), width in zip(cells, widths)) \
        * font_rem * line


def header_height(say: Labels) -> float:
    """The table's header: the column names (small, wrapped in their columns), its padding and rule."""
    names = [(say(f"themes.column_{column}"), False) for column in g.THEMES_COLUMNS_REM]
    return _lines_height(names, FS_SMALL, g.BODY_LINE) + g.THEMES_HEADER_PADDING_BOTTOM_REM + g.THEMES_HEADER_RULE_REM


def row_height(stat: ThemeStat, min_responses: int, say: Labels = ENGLISH) -> float:
    """A theme's row: its figures (wrapped in their columns), then its cause beside the one-line comment."""
    figures = [(stat.name, True), (mentions_words(stat, say), False), (nps_words(stat, min_responses, say), False),
               (impact_words(stat.impact, say), True), (trend_words(stat, say), stat.rising)]
    cause = estimated_lines(say(f"themes.cause_{stat.cause}"), FS_SMALL,
                            column_widths()["theme"] - CAUSE_ICON_EM * FS_SMALL)
    return (g.THEMES_ROW_PADDING_TOP_REM + _lines_height(figures, g.FS_BODY, g.THEMES_ROW_LINE)
            + g.THEMES_ROW_LINE_GAP_REM + cause * FS_SMALL * g.THEMES_ROW_LINE + g.THEMES_ROW_PADDING_BOTTOM_REM)


def causes_height(view: ThemesView, say: Labels) -> float:
    """The headline (glance type, wrapped across the page) and the row of cause bars under it."""
    room = g.current()
    size = room.glance(g.FS_H2)
    headline_lines = estimated_lines(headline(view, say), size, room.page_width_rem, bold=True)
    # a cause's name wraps between its icon and its share ("Nicht / zugeordnet" on a 43" TV at 5 m)
    bar = (room.page_width_rem - 3 * g.THEMES_COLUMN_GAP_REM) / 4
    name_room = bar - (CAUSE_ICON_EM + CAUSE_GAP_EM) * g.FS_BODY - text_width("100%", g.FS_BODY, bold=True)
    name_lines = max(estimated_lines(say(f"themes.cause_{cause}"), g.FS_BODY, name_room)
                     for cause in (*CAUSES, "unclassified"))
    return (headline_lines * size * g.THEMES_HEADLINE_LINE + g.THEMES_CAUSES_GAP_REM
            + name_lines * g.FS_BODY * g.BODY_LINE + g.THEMES_TRACK_GAP_REM + g.THEMES_TRACK_REM)


def theme_pages(stats: list[ThemeStat], heights: list[float], room: float, *,
                later_room: float | None = None) -> list[list[ThemeStat]]:
    """The themes in pages whose rows (`heights`: each row's, with the gap above it) fit `room` rem under the
    table's header: at most THEMES_PER_PAGE a page, at least one (a row taller than the room is shown all the
    same). With `later_room`, the pages after the first hold that much (they leave the causes out) and the
    first may hold none."""
    pages: list[list[ThemeStat]] = [[]]
    used = 0.0
    for stat, height in zip(stats, heights):
        limit = room if len(pages) == 1 or later_room is None else later_room
        full = len(pages[-1]) == THEMES_PER_PAGE or used + height > limit
        if full and (pages[-1] or (later_room is not None and len(pages) == 1)):
            pages.append([])
            used = 0.0
        pages[-1].append(stat)
        used += height
    return pages


CAUSE_ICONS = {"process": "bi-diagram-3-fill", "people": "bi-people-fill", "training": "bi-mortarboard-fill",
               "unclassified": "bi-question-circle"}


def render(config: Config, data: WallData | None, screen: Screen) -> list:
    """Pages of the themes panel: the causes on every page (on the first only where that takes fewer pages),
    up to five themes a page."""
    say = words(config)
    title = say("themes.title")
    if data is None:
        return [waiting_page(title, screen, say)]
    heading = dict(as_of=data.as_of, stale_since=screen.stale_since, problem=screen.problem, data_panel=True, say=say)
    view = data.themes
    span = say(f"themes.window_{data.period}", count=THEME_PERIODS)
    if not config.themes or view is None:
        reason = "themes.no_rules" if not config.themes else "themes.not_counted"
        return [[panel_heading(title, span, **heading),
                 html.Div([html.Div(icon("bi-tags"), className="voices-empty-icon"),
                           html.Div(say(reason), className="voices-empty-text")],
                          className="data-waiting voices-empty")]]
    mentioned = [stat for stat in view.themes if stat.mentions.responses > 0]
    subtitle = say("themes.subtitle", span=span, comments=say.number(view.comments.responses),
                   detractors=say.number(view.comments.detractors))
    note = footnote(view, len(config.themes) - len(mentioned), say)
    longest = subtitle + " · " + say("common.page", number=9, total=9)
    causes = causes_height(view, say)
    rows_room = (g.current().page_height_rem - heading_height(title, longest, screen.stale_since is not None, say)
                 - 3 * g.PAGE_GAP_REM - causes - header_height(say) - legend_rows_height(note))
    # The causes' headline and bars on every page; on page 1 only (with the rows that fit there, the pages after
    # it rows only) where that takes fewer pages or a theme's row does not fit under them even alone: big type
    # (a 43" TV at 5 m: nine pages of one row each under the same headline), long words (German there).
    heights = [g.THEMES_ROWS_GAP_REM + row_height(stat, data.min_responses, say) for stat in mentioned]
    every = theme_pages(mentioned, heights, rows_room)
    once = theme_pages(mentioned, heights, rows_room, later_room=rows_room + causes + g.PAGE_GAP_REM)
    causes_once = any(height > rows_room for height in heights) or len(once) < len(every)
    chunks = once if causes_once else every
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        page_subtitle = subtitle + (" · " + say("common.page", number=number, total=len(chunks))
                                    if len(chunks) > 1 else "")
        page = [panel_heading(title, page_subtitle, **heading)]
        if number == 1 or not causes_once:
            page.append(causes_block(view, say))
        if chunk:
            page.append(themes_table(chunk, data.min_responses, span, say))
        elif not mentioned:
            page.append(html.Div(say("themes.none_mentioned"), className="themes-none"))
        page.append(note)
        pages.append(page)
    return pages


def headline(view: ThemesView, say: Labels = ENGLISH) -> str:
    """'Most detractor comments point to process: 54%' — the cause most of them point to, in one line."""
    shares = {cause: view.cause_share(cause) for cause in CAUSES}
    if view.comments.detractors == 0:
        return say("themes.no_detractor_comments")
    cause, share = max(shares.items(), key=lambda item: (item[1] or 0.0, -CAUSES.index(item[0])))
    if not share:
        return say("themes.none_classified")
    return say(f"themes.headline_{cause}", share=say.percent(share))


def causes_block(view: ThemesView, say: Labels = ENGLISH) -> html.Div:
    """The headline, then a bar per cause (and the unclassified) with its share of detractor comments."""
    detractors = view.comments.detractors
    bars = []
    for cause in (*CAUSES, "unclassified"):
        share = (view.cause_share(cause) if cause != "unclassified"
                 else 100.0 * view.unclassified.detractors / detractors if detractors else None)
        bars.append(html.Div([
            html.Div([icon(CAUSE_ICONS[cause]), html.Span(say(f"themes.cause_{cause}"), className="cause-name"),
                      html.Span(say.percent(share) if share is not None else "\u2013", className="cause-share")],
                     className="cause-label"),
            html.Div(html.Div(className="cause-fill", style={"width": f"{min(share or 0.0, 100.0):.1f}%"}),
                     className="cause-track"),
        ], className=f"cause cause-{cause}"))
    return html.Div([html.Div(headline(view, say), className="themes-headline", **{"data-glance": ""}),
                     html.Div(bars, className="cause-bars")], className="themes-causes")


def themes_table(stats: list[ThemeStat], min_responses: int, span: str, say: Labels = ENGLISH) -> html.Div:
    """The themes as rows: figures on the first line, cause and a masked comment on the second."""
    header = html.Div([html.Span(say(f"themes.column_{column}")) for column in
                       ("theme", "mentions", "nps", "impact", "trend")], className="themes-row themes-header")
    return html.Div([header, *(theme_row(stat, min_responses, say) for stat in stats)], className="themes-table",
                    style={"--themes-fit": f"{columns_fit():.4f}"})


def mentions_words(stat: ThemeStat, say: Labels = ENGLISH) -> str:
    """'20 · 4%': how many comments mention the theme, and their share."""
    share = f" · {say.percent(stat.share)}" if stat.share is not None else ""
    return say.number(stat.mentions.responses) + share


def theme_row(stat: ThemeStat, min_responses: int, say: Labels = ENGLISH) -> html.Div:
    cells = [
        html.Span(stat.name, className="theme-name"),
        html.Span(mentions_words(stat, say), className="theme-mentions"),
        html.Span(nps_words(stat, min_responses, say), className="theme-nps"),
        html.Span(impact_words(stat.impact, say), className="theme-impact" + (
            " theme-costs" if stat.impact is not None and round(stat.impact) < 0 else "")),
        trend_cell(stat, say),
        html.Span([icon(CAUSE_ICONS[stat.cause]), say(f"themes.cause_{stat.cause}")],
                  className=f"theme-cause cause-{stat.cause}"),
        html.Span(quote_words(stat, say), className="theme-quote"),
    ]
    return html.Div(cells, className="themes-row theme-row", **{"data-theme": stat.theme_id})


def nps_words(stat: ThemeStat, min_responses: int, say: Labels = ENGLISH) -> str:
    """'−57 ±24 vs +39 ±8': the NPS of the responses that mention it against the rest, or how many it needs."""
    if stat.with_theme is None:
        return say("nps.card_needed", count=say.number(stat.mentions.responses), minimum=min_responses)
    rest = estimate_words(stat.without_theme, say) if stat.without_theme else say("common.not_enough_responses")
    return say("themes.nps_vs_rest", theme=estimate_words(stat.with_theme, say), rest=rest)


def estimate_words(estimate: Estimate, say: Labels = ENGLISH) -> str:
    margin = (estimate.high - estimate.low) / 2
    return f"{say.signed(estimate.value)} \u00b1{say.number(margin)}"


def impact_words(impact: float | None, say: Labels = ENGLISH) -> str:
    """'−29 pts' (the overall NPS would be that much higher without it), '0 pts', or a dash without enough responses."""
    return "\u2013" if impact is None else say("ftr.gap", points=say.signed(impact))


def trend_words(stat: ThemeStat, say: Labels = ENGLISH) -> str:
    """'▲ +3 pts, more than noise': the change of the theme's share of comments against the window before."""
    trend = stat.trend
    if trend is None:
        return say("themes.trend_too_few")
    arrow = "\u25b2" if round(trend.delta) > 0 else "\u25bc" if round(trend.delta) < 0 else "\u25b6"
    noise = say("themes.more_than_noise") if trend.significant else say("nps.within_noise")
    return f"{arrow} {say('ftr.gap', points=say.signed(trend.delta))}, {noise}"


def trend_cell(stat: ThemeStat, say: Labels = ENGLISH) -> html.Span:
    """The trend's words, coloured by whether it beats the noise and which way."""
    trend = stat.trend
    kind = "unknown" if trend is None else ("rising" if stat.rising else "falling") if trend.significant else "steady"
    return html.Span(trend_words(stat, say), className=f"theme-trend theme-trend-{kind}")


def quote_words(stat: ThemeStat, say: Labels = ENGLISH) -> str:
    """One comment that mentions the theme, on one line, with its score and service."""
    quote = stat.quote
    if quote is None:
        return ""
    caption = f" \u2014 {say('voices.score', score=quote.score)}, {quote.service}"
    room = quote_width() - text_width(caption + "\u201c\u201d", FS_SMALL)
    text = quote.text
    limit = len(text)
    while limit > 20 and text_width(shorten(text, limit), FS_SMALL) > room:
        limit -= 5
    return f"\u201c{shorten(text, limit)}\u201d{caption}"


def footnote(view: ThemesView, unmentioned: int, say: Labels = ENGLISH) -> html.Div:
    """How many comments no rule matched, that a comment can point to several causes, and re-counting."""
    comments = view.comments.responses
    parts = [html.Span([icon(CAUSE_ICONS["unclassified"]), " " + say(
        "themes.unclassified", count=say.number(view.unclassified.responses), total=say.number(comments),
        share=say.percent(100.0 * view.unclassified.responses / comments if comments else 0.0))])]
    parts.append(html.Span(say("themes.several_causes")))
    if unmentioned > 0:
        parts.append(html.Span(say("themes.unmentioned_one") if unmentioned == 1
                               else say("themes.unmentioned", count=unmentioned)))
    if view.recounting:
        parts.append(html.Span([icon("bi-arrow-repeat"), " " + say("themes.recounting")], className="stale-badge"))
    return html.Div(parts, className="chart-legend themes-footnote")
