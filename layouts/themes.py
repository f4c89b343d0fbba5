"""The themes panel: what the survey comments point to, by cause and by theme.

A passer-by reads the headline: which cause most detractor comments point to,
and how much. Under it, the share of detractor comments per cause (and the
unclassified ones, never hidden), then a table of themes, the costliest
first: mentions, the NPS of the responses that mention the theme next to the
rest (or how many more responses that needs), its impact on the overall NPS,
its trend against the window before with "more than noise" or not, and one
masked comment that mentions it. Five themes to a page.
"""

from __future__ import annotations

from dash import html

from layouts import geometry as g
from layouts.geometry import FS_SMALL, THEMES_QUOTE_WIDTH_REM
from layouts.components import Screen, icon, panel_heading, waiting_page
from layouts.textfit import text_width
from layouts.voices import shorten
from layouts.words import ENGLISH, Labels, words
from obeya.config import CAUSES, Config
from obeya.metrics import Estimate
from obeya.snapshot import WallData
from obeya.theme_stats import THEME_PERIODS, ThemeStat, ThemesView

THEMES_PER_PAGE = 5
# Estimates for the rows a page holds (panel-themes.css): a theme's row of two lines with its padding and the
# gap under it, and the rest of the page at the smallest title (heading, causes, table header, footnote).
THEME_ROW_REM = 3.4
THEMES_FIXED_REM = 12.0


def themes_per_page() -> int:
    """How many themes a page holds in the room being drawn: five, fewer when the wall's type is bigger."""
    room = g.current()
    free = room.page_height_rem - THEMES_FIXED_REM - (room.heading_line_rem - g.HEADING_LINE_REM)
    return max(1, min(THEMES_PER_PAGE, int(free // THEME_ROW_REM)))


def columns_fit() -> float:
    """The themes table's columns (named for a full-width page) times this fill the page being drawn."""
    return min(1.0, g.current().page_width_rem / (THEMES_QUOTE_WIDTH_REM + g.THEMES_COLUMNS_REM["theme"]
                                                   + g.THEMES_COLUMN_GAP_REM))
CAUSE_ICONS = {"process": "bi-diagram-3-fill", "people": "bi-people-fill", "training": "bi-mortarboard-fill",
               "unclassified": "bi-question-circle"}


def render(config: Config, data: WallData | None, screen: Screen) -> list:
    """Pages of the themes panel: the causes on every page, five themes a page."""
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
    per_page = themes_per_page()
    chunks = [mentioned[i:i + per_page] for i in range(0, len(mentioned), per_page)] or [[]]
    subtitle = say("themes.subtitle", span=span, comments=say.number(view.comments.responses),
                   detractors=say.number(view.comments.detractors))
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        page_subtitle = subtitle + (" · " + say("common.page", number=number, total=len(chunks))
                                    if len(chunks) > 1 else "")
        page = [panel_heading(title, page_subtitle, **heading), causes_block(view, say)]
        if chunk:
            page.append(themes_table(chunk, data.min_responses, span, say))
        else:
            page.append(html.Div(say("themes.none_mentioned"), className="themes-none"))
        page.append(footnote(view, len(config.themes) - len(mentioned), say))
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


def theme_row(stat: ThemeStat, min_responses: int, say: Labels = ENGLISH) -> html.Div:
    share = f" · {say.percent(stat.share)}" if stat.share is not None else ""
    cells = [
        html.Span(stat.name, className="theme-name"),
        html.Span(say.number(stat.mentions.responses) + share, className="theme-mentions"),
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


def trend_cell(stat: ThemeStat, say: Labels = ENGLISH) -> html.Span:
    """The change of the theme's share of comments against the window before, and whether it beats the noise."""
    trend = stat.trend
    if trend is None:
        return html.Span(say("themes.trend_too_few"), className="theme-trend theme-trend-unknown")
    arrow = "\u25b2" if round(trend.delta) > 0 else "\u25bc" if round(trend.delta) < 0 else "\u25b6"
    noise = say("themes.more_than_noise") if trend.significant else say("nps.within_noise")
    kind = ("rising" if stat.rising else "falling") if trend.significant else "steady"
    return html.Span(f"{arrow} {say('ftr.gap', points=say.signed(trend.delta))}, {noise}",
                     className=f"theme-trend theme-trend-{kind}")


def quote_words(stat: ThemeStat, say: Labels = ENGLISH) -> str:
    """One comment that mentions the theme, on one line, with its score and service."""
    quote = stat.quote
    if quote is None:
        return ""
    caption = f" \u2014 {say('voices.score', score=quote.score)}, {quote.service}"
    room = THEMES_QUOTE_WIDTH_REM * columns_fit() - text_width(caption + "\u201c\u201d", FS_SMALL)
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
