"""Pieces every panel uses: headings, freshness, status with icon and word."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import get_args
from urllib.parse import quote

from collections.abc import Sequence
from datetime import date, timedelta

import flask
from dash import html

from layouts.charts import note_numbers, note_position
from layouts.words import ENGLISH, Labels
from obeya.config import Annotation
from obeya.metrics import Status
from obeya.snapshot import PeriodValue

STATUSES = get_args(Status)  # legend order; words: catalog status.<status>
STATUS_WORDS: dict[str, str] = {status: ENGLISH(f"status.{status}") for status in STATUSES}  # English, for tests
# Every status has its own icon, so the word and the colour are never the only difference: a filled check
# (certain) and an open one (the estimate at target, not certain), an arrow down (below, not certain) and a cross
# (certain); an hourglass while responses are still coming in, a question mark when there are none.
STATUS_ICONS: dict[str, str] = {
    "on_target": "bi-check-circle-fill",
    "within_noise": "bi-check-circle",
    "likely_off_target": "bi-arrow-down-circle-fill",
    "off_target": "bi-x-circle-fill",
    "too_few": "bi-hourglass-split",
    "no_data": "bi-question-circle",
}


@dataclass(frozen=True)
class Screen:
    """How the wall is being shown: chart sizing and data freshness."""

    scale: float = 1.0  # viewport height / 1080: chart pixel sizes are multiplied by it
    theme: str = "dark"
    stale_since: datetime | None = None  # the data could not be refreshed since then (in the wall's zone)
    problem: str | None = None  # what kind of database trouble (catalog problem.<kind>): never host or SQL
    reading: bool = False  # the first read of the numbers is still running


def config_file_url(name: str) -> str:
    """Where the wall serves an image of its config folder (`/config-file/...`), under the wall's own path
    (`/w/<id>`) on a server of several: drawing runs in the screen's request, which knows it."""
    root = flask.request.script_root if flask.has_request_context() else ""
    return f"{root}/config-file/{quote(name)}"


def icon(name: str, label: str | None = None) -> html.I:
    """A Bootstrap icon; decorative unless `label` is given."""
    if label:
        return html.I(className=f"bi {name}", role="img", **{"aria-label": label})
    return html.I(className=f"bi {name}", **{"aria-hidden": "true"})


GLANCE = {"data-glance": ""}  # the glance layer: legible from glance_distance_m (README: "Legible from where ...")


def status_badge(status: Status, *, chip: bool = False, words: str | None = None, say: Labels = ENGLISH,
                 glance: bool = False) -> html.Span:
    """Status as colour, icon and word together, never colour alone; `glance`: a headline's status, read in
    passing."""
    classes = f"status status-{status}" + (" status-chip" if chip else "")
    return html.Span([icon(STATUS_ICONS[status]), words or say(f"status.{status}")], className=classes,
                     **(GLANCE if glance else {}))


def as_of_words(as_of: datetime | None, say: Labels = ENGLISH) -> str:
    """'as of HH:MM': when the numbers were last read. A drawing outlives reads that found nothing new, so
    the version answer carries these words too, and the screen puts them in every `.as-of` (wall.js)."""
    return say("freshness.as_of", time=say.time(as_of)) if as_of else say("freshness.no_data")


def freshness(as_of: datetime | None, stale_since: datetime | None = None, problem: str | None = None,
              say: Labels = ENGLISH) -> html.Div:
    """'as of HH:MM', plus a stale badge when the database could not be read since then ('no data yet',
    plus since when the wall has been trying, when it never could).

    "database too slow" is said in the badge, the kind of trouble people can act on at a glance.
    """
    parts: list = [html.Span(as_of_words(as_of, say), className="as-of")]  # wall.js keeps it current
    if stale_since is not None:
        # numbers that were never read are not stale: the wall has been trying to read them since then
        badge = ("freshness.slow_since" if problem == "slow" else "freshness.trying_since" if as_of is None
                 else "freshness.stale_since")
        parts.append(html.Span([icon("bi-exclamation-triangle-fill"), " " + say(badge, time=say.time(stale_since))],
                               className="stale-badge"))
    return html.Div(parts, className="freshness")


def panel_heading(title: str, subtitle: str | None = None, *, as_of: datetime | None = None,
                  stale_since: datetime | None = None, problem: str | None = None,
                  data_panel: bool = False, say: Labels = ENGLISH) -> html.Div:
    """The heading row of a page: title, optional subtitle, and freshness on data panels."""
    children: list = [html.H1(title, className="panel-title", **GLANCE)]
    if subtitle:
        children.append(html.Div(subtitle, className="panel-subtitle"))
    if data_panel:
        children.append(freshness(as_of, stale_since, problem, say))
    return html.Div(children, className="panel-heading")


def signed(value: float, decimals: int = 0, say: Labels = ENGLISH) -> str:
    """A number with its sign, using a real minus sign: +12, −3, 0."""
    return say.signed(value, decimals)


def period_name(value: PeriodValue, period: str, say: Labels = ENGLISH) -> str:
    """The period a value belongs to, as people say it: 'week 16–22 Nov', 'week 30 Nov – 6 Dec', 'November 2026'."""
    if period == "month":
        return say.date(value.start, "format.month_year")
    last: date = value.end - timedelta(days=1)
    if last.month == value.start.month:
        return say("period.week", first=value.start.day, last=last.day, month=say.date(last, "format.month"))
    return say("period.week_across", first=value.start.day, first_month=say.date(value.start, "format.month"),
               last=last.day, last_month=say.date(last, "format.month"))


def grid_class(count: int, *, paged: bool = False, per_page: int = 6) -> str:
    """Columns × rows for `count` cards: 1×1 up to 3×2; always a full page's grid (`per_page` cards, fewer
    on a zoomed wall) when there are several pages, so a card keeps its size from page to page."""
    return {1: "1x1", 2: "2x1", 3: "3x1", 4: "2x2"}.get(per_page if paged else count, "3x2")


def chart_legend(*, not_enough: tuple[int, str] | None = None, notes: Sequence[Annotation] = (),
                 band: bool = False, say: Labels = ENGLISH) -> html.Div | None:
    """The legend row under a page of charts: what the band and a hollow marker mean, and the dated events
    marked, each with the number its lines carry (`note_numbers`).

    `not_enough` is (minimum, what is counted: "responses" or "tickets"), e.g.
    (30, "responses"): "not enough responses (fewer than 30): no number shown".
    """
    parts: list = []
    if band:
        parts.append(html.Span([html.Span(className="band-swatch", **{"aria-hidden": "true"}),
                                " " + say("chart.band")]))
    if not_enough:
        minimum, what = not_enough
        parts.append(html.Span([html.Span("\u25cb", className="not-enough-marker", **{"aria-hidden": "true"}),
                                " " + say(f"legend.not_enough_{what}", minimum=minimum)]))
    for note, number in note_numbers(notes).items():
        parts.append(html.Span([html.Span(str(number), className="event-number"),
                                f" {say.date(note.date, 'format.event')}: {note.text}"], className="event-note"))
    if not parts:
        return None
    return html.Div(parts, className="chart-legend")


def page_notes(config, data, charted: Sequence) -> list[Annotation]:
    """The events the small charts of a page (`charted` series) mark, in the order of their numbers."""
    notes = {note for series in charted for note in config.annotations_for(series.service_id)
             if note_position(data.nps_overall.periods, note.date) is not None}
    return list(note_numbers(notes))


def small_charts_legend(config, data, charted: Sequence, what: str, say: Labels = ENGLISH) -> html.Div | None:
    """The legend under a page of small charts: the band, hollow markers (if any) and the events the charts
    mark, numbered as on the charts (`note_numbers(page_notes(...))`).

    `charted` are the series (NPS or first-time-right) on the page; `what`
    names what is counted ("responses" or "tickets"), as in `chart_legend`.
    """
    missing = any(period.estimate is None for series in charted for period in series.periods)
    band = any(period.estimate is not None for series in charted for period in series.periods)
    return chart_legend(not_enough=(data.min_responses, what) if missing else None,
                        notes=page_notes(config, data, charted), band=band, say=say)


UNKNOWN_NAMES_SHOWN = 3


def data_notes(data, say: Labels = ENGLISH) -> html.Div | None:
    """What the numbers leave out or count differently, said once on the first page of a data panel:
    rows of services that are not in services.yaml, and days counted in another zone than the wall's."""
    notes: list = []
    if data.unknown_services:
        total = sum(data.unknown_services.values())
        names = [f"\u201c{name}\u201d ({say.number(count)})" for name, count in list(data.unknown_services.items())
                 [:UNKNOWN_NAMES_SHOWN]]
        more = len(data.unknown_services) - UNKNOWN_NAMES_SHOWN
        listed = ", ".join(names) + (say("legend.unknown_more", count=more) if more > 0 else "")
        notes.append(html.Span([icon("bi-exclamation-triangle-fill"),
                                " " + say("legend.unknown_services", total=say.number(total), listed=listed)]))
    if data.rollup_zone:
        notes.append(html.Span([icon("bi-clock-history"),
                                " " + say("legend.rollup_zone", rollup_zone=data.rollup_zone, zone=data.zone)]))
    return html.Div(notes, className="chart-legend data-notes") if notes else None


def waiting_page(title: str, screen: Screen, say: Labels = ENGLISH) -> list:
    """The one page a data panel (nps, ftr, voices) shows before the database has ever answered.

    While the first read runs it says so; after a failed one it names the kind
    of problem (never a host, user or SQL: those are in the server's log).
    """
    if screen.reading and screen.problem is None:
        title_text = say("waiting.reading_title")
        text = say("waiting.reading_text")
    else:
        title_text = say("waiting.title")
        problem = say.words.get(f"problem.{screen.problem}", screen.problem)
        text = say("waiting.text") + (say("waiting.problem", problem=problem) if screen.problem else "")
    return [
        panel_heading(title, as_of=None, stale_since=screen.stale_since, problem=screen.problem, data_panel=True,
                      say=say),
        html.Div(
            [
                html.Div(icon("bi-hourglass-split"), className="data-waiting-icon"),
                html.Div(title_text, className="data-waiting-title"),
                html.Div(text, className="data-waiting-text"),
            ],
            className="data-waiting",
        ),
    ]
