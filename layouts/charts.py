"""One plotly look for TVs, and the trend charts of the data panels.

Sizes are pixels at 1080p; `scale` (viewport height / 1080) multiplies them
so a 4K wall draws the same chart twice as large. Nothing needs hover: the
numbers that matter are written on the chart.

A trend shows one point per period with its 95% interval as a filled band
and the target as a dashed, labelled line. A period with too few responses
(or tickets) has no value: the line breaks there and a hollow marker sits on
the floor of the chart instead.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go

from layouts.geometry import FS_SMALL, SCREEN_HEIGHT_REM
from layouts.glyph_widths import FONT_STACK
from layouts.textfit import text_width
from layouts.words import ENGLISH, Labels
from obeya.config import Annotation
from obeya.metrics import NpsCounts
from obeya.snapshot import FtrSeries, NpsSeries, PeriodValue

PALETTES = {
    "dark": {
        "text": "#f3f6f9",
        "muted": "#c3ccd6",
        "grid": "#2a3440",
        "line": "#7cc7ff",
        "band": "rgba(124, 199, 255, 0.22)",
        "target": "#ffd75e",
        "good": "#5fe0b0",
        "warn": "#ffd75e",
        "bad": "#ff9ab0",
        "annotation": "#c3ccd6",
        "on_mark": "#0b0f14",  # an event's number on its filled mark
    },
    "light": {
        "text": "#0d1319",
        "muted": "#2f3b47",
        "grid": "#d5dbe2",
        "line": "#00406f",
        "band": "rgba(0, 64, 111, 0.18)",
        "target": "#5c4700",
        "good": "#004d3a",
        "warn": "#5c4700",
        "bad": "#8a2a08",
        "annotation": "#2f3b47",
        "on_mark": "#ffffff",
    },
}

# The smallest chart text at 1080p: the wall's smallest type (--fs-small), zoomed with it through `scale`.
BASE_FONT_PX = round(FS_SMALL * 1080 / SCREEN_HEIGHT_REM, 1)
CHART_PX_PER_REM = 1080 / SCREEN_HEIGHT_REM  # a rem of the (zoomed) wall in a chart's 1080p pixels
FONT_FAMILY = FONT_STACK  # wall.css's --font: Atkinson, then the vendored Noto fonts for what it lacks

# dcc.Graph(config=GRAPH_CONFIG): a picture, not a tool.
GRAPH_CONFIG = {"staticPlot": True, "displayModeBar": False, "responsive": True}

NOT_ENOUGH_SYMBOL = "circle-open"  # the placeholder of a period below the minimum
MOST_COUNTS = 14  # counts under a full trend, at the most (of its 26 weeks: every other one)
COUNT_GAP_PX = 20  # the least space between two counts under a trend
NOTE_ROW_PX = 32  # height of one row of event labels above a chart
NOTE_SHARE = 0.35  # the event labels above a full trend take at most this share of its height
NOTE_SHIFT_PX = 4  # between an event's line and its label
MARK_REACH = 0.08  # a small chart's event mark is about this share of its plot wide: closer ones share a mark


def palette(theme: str) -> dict[str, str]:
    return PALETTES.get(theme, PALETTES["dark"])


def px(value: float, scale: float) -> float:
    """A 1080p pixel size on this screen."""
    return round(value * scale, 1)


def tv_layout(theme: str = "dark", scale: float = 1.0, **overrides) -> go.Layout:
    """The base layout every chart on the wall starts from."""
    colours = palette(theme)
    font = dict(family=FONT_FAMILY, size=px(BASE_FONT_PX, scale), color=colours["text"])
    axis = dict(
        showgrid=True,
        gridcolor=colours["grid"],
        gridwidth=px(1, scale),
        zeroline=False,
        linecolor=colours["grid"],
        tickfont=dict(size=px(BASE_FONT_PX, scale), color=colours["muted"]),
        ticklen=px(6, scale),
        automargin=True,
    )
    layout = go.Layout(
        font=font,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        margin=dict(l=px(10, scale), r=px(10, scale), t=px(10, scale), b=px(10, scale), pad=0),
        showlegend=False,
        hovermode=False,
        xaxis=axis,
        yaxis=axis,
    )
    layout.update(overrides)
    return layout


# --- period labels ----------------------------------------------------------


def period_tick(start: date, period: str, *, first: bool = False, say: Labels = ENGLISH) -> str:
    """How one period is named under the x axis: '16 Nov' (week of) or 'Nov' ('Jan 2027', first: with year)."""
    if period == "week":
        return say.date(start, "format.tick_week")
    return say.date(start, "format.tick_month_year" if first or start.month == 1 else "format.tick_month")


def span_words(count: int, period: str, say: Labels = ENGLISH) -> str:
    """What a trend of `count` periods covers: 'last 26 weeks', 'last 12 months'."""
    return say(f"chart.last_{period}" if count == 1 else f"chart.last_{period}s", count=count)


def period_kind(periods: Sequence[PeriodValue]) -> str:
    """'week' or 'month', read from the periods themselves."""
    if periods and (periods[0].end - periods[0].start).days == 7:
        return "week"
    return "month"


def labelled_indices(count: int, most: int) -> list[int]:
    """At most `most` evenly spaced indices of `count` points, always including the last (the current period)."""
    if count <= 0:
        return []
    step = max(1, math.ceil(count / max(most, 1)))
    return sorted(range(count - 1, -1, -step))


# --- the trend chart both panels share -------------------------------------


def signed_tick(value: float, say: Labels = ENGLISH) -> str:
    """A y-axis number with a real minus sign (and the language's decimal mark)."""
    return say.number(value, None)


def value_ticks(low: float, high: float, most: int) -> list[float]:
    """Round values for the y axis between `low` and `high`, at most `most`, none hugging an edge."""
    inset = (high - low) * 0.04  # a label at the very edge is half cut off or dropped
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        first = math.ceil((low + inset) / step) * step
        ticks = [first + i * step for i in range(int((high - inset - first) // step) + 1)]
        if len(ticks) <= most:
            return ticks
    return []


def _runs(values: Sequence[float | None]) -> list[list[int]]:
    """Indices of consecutive periods that have a value."""
    runs: list[list[int]] = []
    for index, value in enumerate(values):
        if value is None:
            continue
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _band_traces(periods: Sequence[PeriodValue], colours: dict[str, str], name: str) -> list[go.Scatter]:
    """The 95% interval as filled polygons, one per run of periods with a value (gaps stay empty)."""
    lows = [p.estimate.low if p.estimate else None for p in periods]
    highs = [p.estimate.high if p.estimate else None for p in periods]
    traces = []
    for run in _runs(lows):
        xs = [float(i) for i in run]
        if len(run) == 1:  # a lone period: a narrow bar, so the interval stays visible
            xs = [run[0] - 0.25, run[0] + 0.25]
            run = [run[0], run[0]]
        traces.append(
            go.Scatter(
                x=xs + xs[::-1],
                y=[highs[i] for i in run] + [lows[i] for i in run][::-1],
                mode="lines",
                fill="toself",
                fillcolor=colours["band"],
                line=dict(width=0),
                hoverinfo="skip",
                name=name,
            )
        )
    return traces


def _value_range(periods: Sequence[PeriodValue], target: float | None, floor: float, ceiling: float,
                 padding: float, *, more: Sequence[tuple[Sequence[PeriodValue], float | None]] = ()
                 ) -> tuple[float, float]:
    """A y range holding every band and the target (and those of `more` series), padded, within
    [floor, ceiling]."""
    values = []
    for series_periods, series_target in ((periods, target), *more):
        values += [v for p in series_periods if p.estimate for v in (p.estimate.low, p.estimate.high)]
        if series_target is not None:
            values.append(series_target)
    if not values:
        return floor, ceiling
    low, high = min(values) - padding, max(values) + padding
    if high - low < 4 * padding:  # a flat series still gets some room to breathe
        middle = (high + low) / 2
        low, high = middle - 2 * padding, middle + 2 * padding
    return max(low, floor), min(high, ceiling)


def note_position(periods: Sequence[PeriodValue], day: date) -> float | None:
    """Where an event of `day` goes on a trend of `periods`: the index of the period holding it, or the plot's
    right edge for a day of the running period (not shown until complete: today's event from the remote); None
    outside."""
    index = next((i for i, period in enumerate(periods) if period.start <= day < period.end), None)
    if index is None and periods and periods[-1].end <= day < periods[-1].end + (periods[-1].end - periods[-1].start):
        return len(periods) - 0.5
    return index


def note_numbers(notes: Sequence[Annotation]) -> dict[Annotation, int]:
    """The number each event's line and label carry: 1, 2, … in the order of their days."""
    ordered = sorted(set(notes), key=lambda note: (note.date, note.text, note.service or ""))
    return {note: number for number, note in enumerate(ordered, start=1)}


def _label_rows(periods: Sequence[PeriodValue], notes: Sequence[Annotation]) -> dict[Annotation, int]:
    """The row above the plot each event's words take (0 nearest the plot): events close together get the
    next row up, so their labels never cross."""
    count = len(periods)
    reach = count * 0.35  # how far a label runs, in periods
    placed: list[tuple[int, int]] = []
    rows: dict[Annotation, int] = {}
    for note in sorted(notes, key=lambda note: note.date):
        index = note_position(periods, note.date)
        if index is None:
            continue
        row = 0
        while any(abs(index - other) < reach and other_row == row for other, other_row in placed):
            row += 1
        placed.append((index, row))
        rows[note] = row
    return rows


def note_words_fit(periods: Sequence[PeriodValue], notes: Sequence[Annotation], size_px: tuple[float, float] | None,
                   margins_px: tuple[float, float] = (0.0, 0.0), numbers: dict[Annotation, int] | None = None) -> bool:
    """Whether the events' words fit above a full trend of `size_px` (width, height in 1080p pixels; None: as
    big as it needs) with the plot `margins_px` (left, right) in from its edges: their rows take at most
    NOTE_SHARE of its height, and each label, running from its line as `annotate` draws it, ends inside the
    chart. Where they do not (a small or far TV), the chart marks the events by number and the legend under it
    names them, so the plot keeps its height and no label is cut off."""
    rows = _label_rows(periods, notes)
    if size_px is None or not rows:
        return True
    width, height = size_px
    if 10 + NOTE_ROW_PX * (max(rows.values()) + 1) > height * NOTE_SHARE:
        return False
    left, right = margins_px
    plot = width - left - right
    count = len(periods)
    numbers = numbers or note_numbers(notes)
    for note in rows:
        index = note_position(periods, note.date)
        x = left + (index + 0.5) / count * plot  # the line, from the chart's left edge
        label = NOTE_SHIFT_PX + _words_px(f"{numbers.get(note, '')} {note.text}")
        if (x - label < 0) if _runs_left(index, count) else (x + label > width):
            return False
    return True


def _runs_left(index: float, count: int) -> bool:
    """Whether an event's label runs left from its line: near the right edge of the plot."""
    return index > count * 0.65


def _words_px(text: str) -> float:
    """The width of `text` in the chart's smallest type, in 1080p pixels (as measured in the wall's font)."""
    return text_width(text, FS_SMALL) * CHART_PX_PER_REM


def annotate(figure: go.Figure, periods: Sequence[PeriodValue], notes: Sequence[Annotation], *, theme: str,
             scale: float, compact: bool, numbers: dict[Annotation, int] | None = None) -> None:
    """Mark the team's dated events: a dotted line at the period holding the date with a numbered mark at its
    top, and the same number before its text above the plot, so stacked labels say which line is theirs.

    Labels start at their line and run right (left near the right edge);
    events close together get the next row up, so labels never cross. A
    small chart has no room for words: it draws the numbered lines, its
    page's legend names the events by number (`numbers`, shared by the page).
    """
    colours = palette(theme)
    numbers = numbers or note_numbers(notes)
    count = len(periods)
    placed: list[tuple[int, int]] = []
    marks: list[tuple[float, int]] = []  # a small chart's lines and their numbers, marked above its plot
    label_rows = _label_rows(periods, notes)
    for note in sorted(notes, key=lambda note: note.date):
        index = note_position(periods, note.date)
        if index is None:
            continue
        row = label_rows[note]
        # Over the plot only: a line through the row of counts below it would strike its numbers through.
        figure.add_shape(type="line", xref="x", x0=index, x1=index, yref="y domain", y0=0, y1=1,
                         line=dict(color=colours["annotation"], width=px(2, scale), dash="dot"), layer="below")
        number = numbers.get(note)
        if compact:
            if number:
                marks.append((index, number))
            continue  # no room for words on a small chart: the page's legend names the events
        if number:  # the mark: the number in a filled box at the top of its line
            _add_mark(figure, index, str(number), colours, scale, above=False)
        placed.append((index, row))
        # plotly reads tags in text: the team's words stay words
        text = (f"<b>{number}</b> " if number else "") + html.escape(note.text, quote=False)
        runs_left = _runs_left(index, count)
        figure.add_annotation(xref="x", x=index, yref="paper", y=1, yanchor="bottom",
                              yshift=px(NOTE_ROW_PX * row, scale), showarrow=False, xanchor="right" if runs_left
                              else "left", xshift=px(-NOTE_SHIFT_PX if runs_left else NOTE_SHIFT_PX, scale),
                              text=text, font=dict(size=px(BASE_FONT_PX, scale), color=colours["annotation"]))
    # A small chart marks its lines above the plot, so the marks hide no values; lines too close for a mark
    # each share one ("3–5"), so the plot keeps its height.
    groups: list[list[tuple[float, int]]] = []
    for index, number in sorted(marks):
        if groups and index - groups[-1][-1][0] < count * MARK_REACH:
            groups[-1].append((index, number))
        else:
            groups.append([(index, number)])
    for group in groups:
        labels = sorted({number for _, number in group})
        consecutive = labels[-1] - labels[0] == len(labels) - 1
        text = (str(labels[0]) if len(labels) == 1 else f"{labels[0]}\u2013{labels[-1]}" if consecutive
                else ",".join(map(str, labels)))
        _add_mark(figure, sum(index for index, _ in group) / len(group), text, colours, scale, above=True)
    if placed or groups:
        rows = max(row for _, row in placed) + 1 if placed else 1
        figure.update_layout(margin=dict(t=px(10 + NOTE_ROW_PX * rows, scale)))


def _add_mark(figure: go.Figure, x: float, text: str, colours: dict[str, str], scale: float, *, above: bool) -> None:
    """An event's number in a filled box at the top of its line: inside the plot, or `above` it."""
    figure.add_annotation(xref="x", x=x, yref="paper", y=1, yanchor="bottom" if above else "top", showarrow=False,
                          text=f"<b>{text}</b>", bgcolor=colours["annotation"], borderpad=px(2, scale),
                          font=dict(size=px(BASE_FONT_PX, scale), color=colours["on_mark"]), name="note-mark")


def trend_figure(periods: Sequence[PeriodValue], target: float | None, *, theme: str, scale: float,
                 value_range: tuple[float, float], suffix: str = "", compact: bool = False,
                 counts_label: str | None = None, counts_most: int = MOST_COUNTS, target_label: str | None = None,
                 notes: Sequence[Annotation] = (), numbers: dict[Annotation, int] | None = None,
                 note_words: bool = True, say: Labels = ENGLISH) -> go.Figure:
    """A trend of one value per period with its 95% band, the target line and not-enough placeholders.

    `counts_label` (e.g. "responses") adds a row with the number behind each
    point, at most `counts_most` of them evenly spaced (`counts_that_fit`), above the period labels.
    `compact` is the small-multiple version: no period labels (the page says
    what the charts span), so the line gets the height, and fewer y ticks.
    Without `note_words` (`note_words_fit`) the events are marked by number
    only, as on a small chart, and the legend under the chart names them.
    """
    colours = palette(theme)
    count = len(periods)
    values = [p.estimate.value if p.estimate else None for p in periods]
    low, high = value_range
    figure = go.Figure(layout=tv_layout(theme, scale))

    def value_text(value: float) -> str:  # "−20", "80%" ("80 %" in German)
        return say.percent(value, None) if suffix == "%" else signed_tick(value, say) + suffix

    bands = _band_traces(periods, colours, say("chart.interval"))
    for trace in bands:  # the legend under the chart says what the band is, with its swatch
        figure.add_trace(trace)

    if target is not None:
        # plotly reads tags in text: a team's own label stays words
        target_label = html.escape(target_label or say("chart.target", value=value_text(target)),
                                   quote=False)
        # annotations get no automatic margin: leave room for the label right of the plot
        figure.update_layout(margin=dict(r=px(_text_width(target_label) + 8 + 12, scale)))  # shift + air
        figure.add_shape(type="line", xref="paper", x0=0, x1=1, yref="y", y0=target, y1=target,
                         line=dict(color=colours["target"], width=px(3, scale), dash="dash"), layer="above")
        figure.add_annotation(xref="paper", x=1, xanchor="left", xshift=px(8, scale), yref="y", y=target,
                              text=target_label, showarrow=False,
                              font=dict(size=px(BASE_FONT_PX, scale), color=colours["target"]))

    figure.add_trace(
        go.Scatter(
            x=list(range(count)),
            y=values,
            mode="lines+markers",
            connectgaps=False,
            cliponaxis=False,
            line=dict(color=colours["line"], width=px(4, scale)),
            # the current period, last, gets the biggest dot
            marker=dict(color=colours["line"], size=[px(11, scale)] * (count - 1) + [px(20, scale)]),
            hoverinfo="skip",
            name="value",
        )
    )

    missing = [i for i, value in enumerate(values) if value is None]
    if missing:
        figure.add_trace(
            go.Scatter(
                x=missing,
                y=[low + (high - low) * 0.06] * len(missing),  # on the floor of the chart
                mode="markers",
                marker=dict(symbol=NOT_ENOUGH_SYMBOL, color=colours["muted"], size=px(13 if compact else 18, scale),
                            line=dict(width=px(3, scale), color=colours["muted"])),
                hoverinfo="skip",
                name="not enough",
            )
        )

    period = period_kind(periods)
    ticks = [] if compact else labelled_indices(count, 7)
    figure.update_xaxes(
        range=[-0.5, count - 0.5],
        tickmode="array",
        tickvals=ticks,
        ticktext=[period_tick(periods[i].start, period, first=i == ticks[0], say=say) for i in ticks],
        showticklabels=not compact,
        showgrid=False,
        ticks="" if compact else "outside",
        tickcolor=colours["grid"],
        showline=True,
        fixedrange=True,
    )
    y_ticks = value_ticks(low, high, 3 if compact else 5)
    figure.update_yaxes(range=[low, high], tickmode="array", tickvals=y_ticks,
                        ticktext=[value_text(tick) for tick in y_ticks], fixedrange=True, side="left")

    annotate(figure, periods, notes, theme=theme, scale=scale, compact=compact or not note_words, numbers=numbers)

    if counts_label:
        # The n behind each point, as a row between the plot and the period labels.
        shown = labelled_indices(count, counts_most)
        figure.add_trace(
            go.Scatter(
                x=shown,
                y=[0] * len(shown),
                yaxis="y2",
                mode="text",
                cliponaxis=False,
                text=[say.number(_count_of(periods[i])) for i in shown],
                textfont=dict(size=px(BASE_FONT_PX, scale), color=colours["muted"]),
                hoverinfo="skip",
                name="n",
            )
        )
        figure.update_layout(
            yaxis=dict(domain=[0.15, 1.0]),
            yaxis2=dict(domain=[0.0, 0.09], range=[-1, 1], tickmode="array", tickvals=[0],
                        ticktext=[html.escape(counts_label, quote=False)], showgrid=False, zeroline=False,
                        fixedrange=True,
                        tickfont=dict(size=px(BASE_FONT_PX, scale), color=colours["muted"]), automargin=True),
            xaxis=dict(anchor="y2"),
        )
    return figure


def _text_width(text: str, size: float = BASE_FONT_PX) -> float:
    """Roughly how wide `text` is at `size` px in Atkinson Hyperlegible (generous, never too narrow)."""
    return len(text) * size * 0.72


def _count_of(period: PeriodValue) -> int:
    """Responses (NPS) or resolved tickets (FTR) behind one period."""
    counts = period.counts
    return counts.responses if isinstance(counts, NpsCounts) else counts.resolved


# --- the two charts the panels draw ----------------------------------------


def nps_range(series: Sequence[NpsSeries]) -> tuple[float, float]:
    """One y range for NPS charts drawn side by side, so the same height means the same NPS on each."""
    first, *more = series
    return _value_range(first.periods, first.target, -100, 100, padding=8,
                        more=[(other.periods, other.target) for other in more])


def ftr_range(series: Sequence[FtrSeries]) -> tuple[float, float]:
    """One y range for first-time-right charts drawn side by side."""
    first, *more = series
    return _value_range(first.periods, first.target, 0, 100, padding=4,
                        more=[(other.periods, other.target) for other in more])


def counts_that_fit(periods: Sequence[PeriodValue], size_px: tuple[float, float] | None,
                    margins_px: tuple[float, float], say: Labels = ENGLISH) -> int:
    """How many of the counts under a full trend of `size_px` (width, height in 1080p pixels; None: as big as it
    needs) fit side by side, the widest with a gap on either side, on a plot `margins_px` in from its edges:
    a small or far TV shows every second or third one rather than running them together."""
    if size_px is None or not periods:
        return MOST_COUNTS
    widest = max(_words_px(say.number(_count_of(period))) for period in periods) + COUNT_GAP_PX
    plot = size_px[0] - margins_px[0] - margins_px[1]
    return max(1, min(MOST_COUNTS, int(plot // widest)))


def nps_trend_margins(series: NpsSeries, say: Labels = ENGLISH) -> tuple[float, float]:
    """About how far the full NPS trend's plot sits in from its left and right edges, in 1080p pixels: the
    responses row's label on the left, the target's label on the right (`note_words_fit`'s margins)."""
    left = 10 + 6 + max(_words_px(say("chart.responses")), _words_px(signed_tick(-100, say)))  # margin, tick
    if series.target is None:
        return left, 10
    return left, _text_width(say("chart.target", value=signed_tick(series.target, say))) + 8 + 12


def nps_trend_figure(series: NpsSeries, theme: str = "dark", scale: float = 1.0, *,
                     compact: bool = False, notes: Sequence[Annotation] = (),
                     numbers: dict[Annotation, int] | None = None, value_range: tuple[float, float] | None = None,
                     note_words: bool = True, counts_most: int = MOST_COUNTS, say: Labels = ENGLISH) -> go.Figure:
    """NPS per period with its 95% band, the labelled target line and not-enough placeholders.

    The full chart also writes the number of responses under the points and
    names the periods; `compact` is the small multiple for one service, its
    target labelled with just the number, drawn on its page's `value_range`
    (`nps_range`) and with its page's event `numbers`.
    """
    value_range = value_range or nps_range([series])
    target_label = signed_tick(series.target, say) if compact and series.target is not None else None
    return trend_figure(series.periods, series.target, theme=theme, scale=scale, value_range=value_range,
                        compact=compact, counts_label=None if compact else say("chart.responses"),
                        counts_most=counts_most,
                        target_label=target_label, notes=notes, numbers=numbers, note_words=note_words, say=say)


def ftr_trend_figure(series: FtrSeries, theme: str = "dark", scale: float = 1.0, *,
                     notes: Sequence[Annotation] = (), numbers: dict[Annotation, int] | None = None,
                     value_range: tuple[float, float] | None = None, say: Labels = ENGLISH) -> go.Figure:
    """First-time-right per period in percent with its Wilson band and the target line (a small multiple),
    on the `value_range` of its page (`ftr_range`)."""
    value_range = value_range or ftr_range([series])
    return trend_figure(series.periods, series.target, theme=theme, scale=scale, value_range=value_range,
                        suffix="%", compact=True, target_label=say.percent(series.target, None), notes=notes,
                        numbers=numbers, say=say)
