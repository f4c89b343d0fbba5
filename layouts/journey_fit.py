"""Fitting a journey map on pages: how many stages a page shows and how much of each, from the text.

Text cannot shrink to fit in the browser, so this module estimates the map's
height from the text and the numbers, with the sizes the stylesheet draws
with (layouts/geometry.py). When a journey would not fit, it writes the
statuses compactly (icon and value, the words once by the row's label), shows
fewer bullets or number blocks per stage ("+N more"), or spreads the stages
over more pages; a stage too tall for a page of its own continues on the next. Pure functions: layouts/journey.py draws what they decide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import get_args

from layouts import geometry as g
from layouts.textfit import estimated_lines, text_width, widest_part
from layouts.words import ENGLISH, Labels
from obeya.actions import open_actions
from obeya.theme_stats import top_theme
from obeya.config import Config, Journey, Stage
from obeya.labels import shorten
from obeya.metrics import Status
from obeya.snapshot import WallData

MAX_STAGES_PER_PAGE = 7

# The text rows of the map, top to bottom: Stage attributes, each labelled by catalog key journey.<attribute>.
# A row no stage on the page fills is left out.
TEXT_ROWS = ("actions", "touchpoints", "pain_points", "opportunities")
ROW_LABELS = ("feeling", *TEXT_ROWS, "comments_say", "our_actions", "live_numbers")  # catalog keys journey.<label> of the labels
ACTION_TITLE_CHARS = 40  # a stage names its open action due soonest, cut at a word
LEGEND = get_args(Status)  # statuses in the order the wall explains them

# Sizes in rem (layouts/geometry.py names what panel-journey.css draws with).
SMALL, BODY = g.FS_SMALL, g.FS_BODY
LINE = g.JOURNEY_LINE
CELL_PADDING_X_REM = g.JOURNEY_CELL_PADDING_X_REM
CELL_PADDING_Y_REM = 2 * g.JOURNEY_CELL_PADDING_Y_REM + g.JOURNEY_RULE_REM  # top and bottom, with the line above
LABEL_ICON_REM = g.JOURNEY_LABEL_ICON_REM + g.JOURNEY_LABEL_ICON_GAP_REM
STAGE_PADDING_Y_REM = g.JOURNEY_STAGE_RULE_REM + g.JOURNEY_STAGE_PADDING_TOP_REM + g.JOURNEY_STAGE_PADDING_BOTTOM_REM
SERVICE_PADDING_X_REM = (g.JOURNEY_SERVICE_EDGE_REM + g.JOURNEY_SERVICE_PADDING_LEFT_REM
                         + g.JOURNEY_SERVICE_PADDING_RIGHT_REM)
SERVICE_PADDING_Y_REM = g.JOURNEY_SERVICE_PADDING_TOP_REM + g.JOURNEY_SERVICE_PADDING_BOTTOM_REM
STATUS_ICON_REM = g.STATUS_ICON_EM * SMALL + g.JOURNEY_STATUS_GAP_REM  # a status icon and its gap
SUBTITLE_LINE_REM = BODY * g.BODY_LINE + g.JOURNEY_HEADING_ROW_GAP_REM  # a heading line of subtitle, gap above
# Sizes only Python writes (as the map's inline grid style), so they need no custom property.
LABEL_COLUMN_REM = 7.9      # row labels, with the gap to the first stage, at least (see label_column)
CURVE_MIN_REM = 5.5         # the emotion curve never gets flatter than this
# Lower bounds for the heading's right-hand side.
FRESHNESS_REM = 6.0         # "as of 14:05" at least
STALE_BADGE_REM = 15.0      # "⚠ database too slow since 13:40" at least
BADGE_EXTRA_REM = 2.6       # the badge's icon, padding and margin


# --- live numbers per service ------------------------------------------------


def nps_text(value: float, say: Labels = ENGLISH) -> str:
    """An NPS as the wall writes it: whole points, a real minus sign for negatives."""
    return say.signed(value, 0).lstrip("+")


def service_name(service_id: str, config: Config) -> str:
    service = config.service(service_id)
    return service.name if service else service_id


def metric_texts(service_id: str, data: WallData | None,
                 say: Labels = ENGLISH) -> list[tuple[str, str | None, str, str, str]]:
    """(label, value or None, status, what to say without a value, 'target 85%') for each number a service
    shows: the target beside the number, so a passer-by sees what it is measured against."""
    nps = data.nps_by_service.get(service_id) if data else None
    ftr = data.ftr_by_service.get(service_id) if data else None
    texts = []
    if nps is not None:
        estimate = nps.current.estimate
        target = say("chart.target", value=nps_text(nps.target, say)) if nps.target is not None else ""
        texts.append((say("journey.nps"), nps_text(estimate.value, say) if estimate else None, nps.status,
                      say("common.not_enough_responses"), target))
    if ftr is not None:
        estimate = ftr.current.estimate
        texts.append((say("journey.ftr"), say.percent(estimate.value) if estimate else None, ftr.status,
                      say("common.not_enough_tickets"), say("chart.target", value=say.percent(ftr.target, None))))
    return texts


SEVERITY = ("off_target", "likely_off_target", "within_noise", "on_target")  # worst first


def worst_status(statuses: list[str]) -> str:
    return next((status for status in SEVERITY if status in statuses), "no_data")


def missing_text(texts: list[tuple[str, str | None, str, str]], say: Labels = ENGLISH) -> str | None:
    """One line instead of the numbers when a service has none to show."""
    if not texts:
        return say("journey.no_live_numbers")  # the database was never read
    if all(value is None for _label, value, _status, _missing, _target in texts):
        return say("journey.not_enough_yet")  # too few responses and too few tickets
    return None


def service_status(service_id: str, data: WallData | None) -> str:
    """The worst status among a service's numbers ('no_data' without any)."""
    statuses = [status for _label, value, status, _missing, _target in metric_texts(service_id, data)
                if value is not None]
    return worst_status(statuses)


def shown_services(services: list[str], cap: int, data: WallData | None) -> tuple[list[str], int]:
    """The services a stage shows number blocks for, and how many more it has.

    When they do not all fit, the ones furthest off target stay: the map
    must still show where the experience breaks.
    """
    if len(services) <= cap:
        return list(services), 0
    severity = {status: rank for rank, status in enumerate(SEVERITY[:-1] + ("no_data", SEVERITY[-1]))}
    worst = sorted(services, key=lambda service_id: severity[service_status(service_id, data)])[:cap]
    return [service_id for service_id in services if service_id in worst], len(services) - cap


def more_services(more: int, say: Labels) -> str:
    return say("journey.more_services" if more > 1 else "journey.more_service", count=more)


def page_statuses(stages: list[Stage], data: WallData | None, cap: int) -> list[str]:
    """The statuses the number blocks on a page show (`cap` blocks a stage at most), in legend order."""
    shown = {status for stage in stages for service_id in shown_services(stage.services, cap, data)[0]
             for _label, value, status, _missing, _target in metric_texts(service_id, data) if value is not None}
    return [status for status in LEGEND if status in shown]


def note_statuses(stages: list[Stage], data: WallData | None, density: Density) -> list[str]:
    """The statuses written out in words under the 'Live numbers' label: those of compact blocks, which
    show status icons only."""
    return page_statuses(stages, data, density.services) if density.compact else []


# --- the team's open actions per stage ----------------------------------------


def stage_actions(journey: Journey | None, stage: Stage, config: Config, say: Labels = ENGLISH, *,
                  titled: bool = True) -> str | None:
    """What a stage says of its open actions (actions.yaml): how many, and (`titled`) the title of the one
    due soonest, "2 open: Spare laptops pre-loaded…"; None when it has none."""
    found = open_actions(config, journey, stage) if journey is not None else ()
    if not found:
        return None
    if not titled:
        return say("journey.open_count", count=len(found))
    return say("journey.open_actions", count=len(found), title=shorten(found[0].title, ACTION_TITLE_CHARS))


def stage_theme(stage: Stage, data: WallData | None) -> str | None:
    """The theme most detractor comments on the stage's services mention (the themes window); None without one."""
    if data is None or data.themes is None or not stage.services:
        return None
    found = top_theme(data.themes, stage.services)
    return found.name if found else None


# --- how much of each stage a page shows ------------------------------------


@dataclass(frozen=True)
class Density:
    """How much of each stage a page shows: bullets a cell, number blocks a stage, and whether number
    blocks are compact (status icon and value, the words once by the row's label)."""

    bullets: int
    services: int
    compact: bool


# Most complete first: a third bullet and every number block matter more than status words in each block.
# A single bullet a cell is the last resort, after spreading the stages over more pages.
DENSITIES = [Density(3, 3, False), Density(3, 3, True), Density(3, 2, True), Density(2, 2, True),
             Density(3, 1, True), Density(2, 1, True)]
LAST_RESORT = [Density(1, 1, True)]


@dataclass(frozen=True)
class Fit:
    """How a journey is laid out: the stages of each page, the stage columns a page has, the density, and
    the width in rem of the label column with the gap after it."""

    pages: list[list[Stage]]
    columns: int
    density: Density
    label_column: float = LABEL_COLUMN_REM
    action_titles: bool = True  # a stage's open actions: how many and the first one's title, or how many only
    # Per page, the rows it shows (of ROWS; None: all). A stage too tall for a page of its own shows some of
    # its rows on each of several pages.
    rows: list[tuple[str, ...] | None] | None = None
    # Per page, its stage columns, when pages differ (two stages side by side, then one that needs the width).
    page_columns: list[int] | None = None

    def rows_of(self, page: int) -> tuple[str, ...] | None:
        return self.rows[page] if self.rows else None

    def columns_of(self, page: int) -> int:
        return self.page_columns[page] if self.page_columns else self.columns


# Every row under the stage names, top to bottom (the emotion curve is "feeling").
ROWS = ("feeling", *TEXT_ROWS, "comments_say", "our_actions", "live_numbers")


def label_column(compact: bool, say: Labels = ENGLISH) -> float:
    """Width in rem of the label column, with the gap to the first stage: wide enough that no piece of a
    label's word sticks out (labels break only at spaces and hyphens), nor a status word that compact
    pages explain under "Live numbers" ("Schwankungsbereich" in German)."""
    need = [widest_part(say(f"journey.{label}"), SMALL, bold=True) + LABEL_ICON_REM for label in ROW_LABELS]
    need.append(widest_part(say("journey.numbers_note"), SMALL))
    if compact:
        need += [STATUS_ICON_REM + widest_part(say(f"status.{status}"), SMALL, bold=True) for status in LEGEND]
    return max(LABEL_COLUMN_REM, max(need) + g.JOURNEY_LABEL_PADDING_RIGHT_REM + g.JOURNEY_COLUMN_GAP_REM)


def column_width(columns: int, label_rem: float = LABEL_COLUMN_REM) -> float:
    """Width in rem of one stage column when a page has `columns` of them next to a label column `label_rem` wide."""
    return (g.current().page_width_rem - label_rem - (columns - 1) * g.JOURNEY_COLUMN_GAP_REM) / columns


def shown_items(items: list[str], cap: int) -> tuple[list[str], int]:
    """The bullets a cell shows, and how many more there are."""
    if len(items) <= cap:
        return list(items), 0
    return list(items[:cap]), len(items) - cap


# --- estimated heights ------------------------------------------------------


def _lines_height(lines: int) -> float:
    return lines * SMALL * LINE + CELL_PADDING_Y_REM


def _label_height(label: str, label_rem: float, statuses: list[str] = (), note: str | None = None,
                  say: Labels = ENGLISH) -> float:
    """Height of a row label: its name, and under it one status (icon and words) each and a note."""
    width = label_rem - g.JOURNEY_COLUMN_GAP_REM - g.JOURNEY_LABEL_PADDING_RIGHT_REM
    lines = estimated_lines(label, SMALL, width - LABEL_ICON_REM, bold=True)
    for status in statuses:  # long words in German wrap
        lines += estimated_lines(say(f"status.{status}"), SMALL, width - STATUS_ICON_REM, bold=True)
    if note:
        lines += estimated_lines(note, SMALL, width)
    return _lines_height(lines) + (g.JOURNEY_NOTE_GAP_REM if statuses or note else 0.0)


def _cell_height(items: list[str], cap: int, inner: float, say: Labels = ENGLISH) -> float:
    shown, more = shown_items(items, cap)
    if not shown:
        return 0.0
    width = inner - g.JOURNEY_BULLET_INDENT_REM
    lines = sum(estimated_lines(item, SMALL, width) for item in shown)
    if more:
        lines += estimated_lines(say("common.more", count=more), SMALL, width)
    return _lines_height(lines)


def _service_height(service_id: str, config: Config, data: WallData | None, inner: float,
                    compact: bool, say: Labels = ENGLISH) -> float:
    """Estimated height of a number block; infinite when a number and its status cannot share a line.

    The numbers sit side by side when the column is wide enough, as the block's flex layout puts them.
    """
    inner -= SERVICE_PADDING_X_REM
    lines = estimated_lines(service_name(service_id, config), SMALL, inner, bold=True)
    texts = metric_texts(service_id, data, say)
    placeholder = missing_text(texts, say)
    if placeholder:
        return (lines + estimated_lines(placeholder, SMALL, inner)) * SMALL * LINE + SERVICE_PADDING_Y_REM
    used = None  # width taken on the current line of numbers
    for label, value, status, missing, target in texts:
        label_width = text_width(label, SMALL) + g.JOURNEY_METRIC_GAP_REM
        if value is None:
            width = label_width + text_width(missing, SMALL)
            if width > inner:  # the words go under the label and wrap there
                lines += 1 + estimated_lines(missing, SMALL, inner)
                used = None
                continue
        else:
            badge = STATUS_ICON_REM + text_width(value if compact else say(f"status.{status}"), SMALL, bold=True)
            width = label_width + badge + (0 if compact else text_width(value, SMALL, bold=True)
                                           + g.JOURNEY_METRIC_GAP_REM)
            if width > inner:
                return math.inf  # full blocks keep a number and its status on one line, else go compact
            if target:
                target_width = text_width(target, SMALL)
                if width + g.JOURNEY_METRIC_GAP_REM + target_width > inner:  # the target wraps to a line of its own
                    lines += 1 + (1 if used is not None else 0) + estimated_lines(target, SMALL, inner)
                    used = None
                    continue
                width += g.JOURNEY_METRIC_GAP_REM + target_width
        if used is not None and used + g.JOURNEY_METRICS_GAP_REM + width <= inner:
            used += g.JOURNEY_METRICS_GAP_REM + width
        else:
            lines += 1
            used = width
    return lines * SMALL * LINE + SERVICE_PADDING_Y_REM


def _services_height(services: list[str], cap: int, config: Config, data: WallData | None, inner: float,
                     compact: bool, say: Labels = ENGLISH) -> float:
    shown, more = shown_services(services, cap, data)
    blocks = [_service_height(service_id, config, data, inner, compact, say) for service_id in shown]
    if more:
        blocks.append(estimated_lines(more_services(more, say), SMALL, inner) * SMALL * LINE)
    return sum(blocks) + g.JOURNEY_SERVICE_GAP_REM * (len(blocks) - 1) + CELL_PADDING_Y_REM


def map_height(stages: list[Stage], columns: int, density: Density, config: Config,
               data: WallData | None, say: Labels = ENGLISH, journey: Journey | None = None,
               action_titles: bool = True, shown: tuple[str, ...] | None = None) -> float:
    """Estimated height in rem of the map of `stages` in `columns` columns, its labels in `say`'s words
    (with `journey`, the stages' open actions too, see `stage_actions`), showing the rows `shown` (of ROWS;
    None: all)."""
    shown = ROWS if shown is None else shown
    label_rem = label_column(density.compact, say)
    inner = column_width(columns, label_rem) - 2 * CELL_PADDING_X_REM
    header = max(estimated_lines(stage.name, BODY, inner, bold=True) for stage in stages) * BODY * g.JOURNEY_STAGE_LINE
    rows = [header + STAGE_PADDING_Y_REM]
    if "feeling" in shown:
        rows.append(max(CURVE_MIN_REM, _label_height(say("journey.feeling"), label_rem)))
    for attribute in TEXT_ROWS:
        cells = [_cell_height(getattr(stage, attribute), density.bullets, inner, say) for stage in stages]
        if any(cells) and attribute in shown:
            rows.append(max(_label_height(say(f"journey.{attribute}"), label_rem), *cells))
    for label, texts in (("comments_say", [stage_theme(stage, data) for stage in stages]),
                         ("our_actions", [stage_actions(journey, stage, config, say, titled=action_titles)
                                          for stage in stages])):
        if any(texts) and label in shown:
            cells = [_lines_height(estimated_lines(text, SMALL, inner - g.JOURNEY_BULLET_INDENT_REM))
                     for text in texts if text]
            rows.append(max(_label_height(say(f"journey.{label}"), label_rem), *cells))
    blocks = [_services_height(stage.services, density.services, config, data, inner, density.compact, say)
              for stage in stages if stage.services]
    if blocks and "live_numbers" in shown:
        label = _label_height(say("journey.live_numbers"), label_rem, note_statuses(stages, data, density),
                              say("journey.numbers_note"), say)
        rows.append(max(label, *blocks))
    return sum(rows)


def freshness_width(stale: bool, say: Labels = ENGLISH) -> float:
    """Width in rem of "as of 14:05" (and the stale badge) at the heading's right."""
    width = max(FRESHNESS_REM, text_width(say("freshness.as_of", time="00:00"), SMALL) + 1.0)
    if stale:
        badge = max(say("freshness.stale_since", time="00:00"), say("freshness.slow_since", time="00:00"), key=len)
        width += max(STALE_BADGE_REM, text_width(badge, SMALL, bold=True) + BADGE_EXTRA_REM)
    return width


def heading_height(title: str, subtitle: str, stale: bool = False, say: Labels = ENGLISH) -> float:
    """Height of the page heading: title, subtitle and "as of" on one line if they fit side by side;
    otherwise the subtitle and "as of" go to a line of their own (and long text wraps further)."""
    page = g.current()
    freshness = freshness_width(stale, say)
    one_line = (text_width(title, page.title_rem, bold=True) + text_width(subtitle, BODY) + freshness
                + 2 * g.PANEL_HEADING_GAP_REM)
    if one_line <= page.page_width_rem:
        return page.heading_line_rem
    title_lines = estimated_lines(title, page.title_rem, page.page_width_rem, bold=True)
    subtitle_lines = estimated_lines(subtitle, BODY, page.page_width_rem - freshness - g.PANEL_HEADING_GAP_REM)
    return title_lines * page.heading_line_rem + subtitle_lines * SUBTITLE_LINE_REM


# --- pages --------------------------------------------------------------------


def persona_line(journey: Journey, config: Config) -> str:
    persona = next((persona for persona in config.personas if persona.id == journey.persona), None)
    return f"{persona.name}, {persona.role}" if persona else journey.persona


def stage_span(first: int, count: int, total: int, say: Labels = ENGLISH, continued: bool = False) -> str:
    if continued:
        return say("journey.stage_continued", first=first, total=total)
    if count > 1:
        return say("journey.stages", first=first, last=first + count - 1, total=total)
    return say("journey.stage", first=first, total=total)


def page_subtitle(journey: Journey, config: Config, first: int, count: int, pages: int,
                  say: Labels = ENGLISH, continued: bool = False) -> str:
    """The persona, and which stages the page shows when the journey takes more than one (`continued`: the
    rest of a stage too tall for one page)."""
    subtitle = persona_line(journey, config)
    if pages > 1:
        subtitle += " \u00b7 " + stage_span(first, count, len(journey.stages), say, continued)
    return subtitle


def map_room(journey: Journey, subtitle: str, stale: bool = False, say: Labels = ENGLISH) -> float:
    """Height in rem left for the map under the page heading."""
    return g.current().page_height_rem - heading_height(journey.title, subtitle, stale, say) - g.PAGE_GAP_REM


def fit_journey(journey: Journey, config: Config, data: WallData | None, *, stale: bool = False,
                say: Labels = ENGLISH) -> Fit:
    """Pages, columns and density for `journey` so that every page fits the screen.

    Of all layouts that fit: the fewest pages, then the most complete
    density, then the most stages a page; pages with the same number of
    stages, unless pages of different numbers (two stages side by side, then
    a wordy one alone at the full width) take fewer pages. The live numbers take part ("not
    enough responses" needs more room than "32"), and so does a stale badge
    in the heading. A stage's open actions name the first one's title unless
    that costs a page; then they say how many only.
    """
    titled, untitled = (_fit(journey, config, data, stale, say, titles) for titles in (True, False))
    return titled if len(titled.pages) <= len(untitled.pages) else untitled


def _fit(journey: Journey, config: Config, data: WallData | None, stale: bool, say: Labels,
         action_titles: bool) -> Fit:
    for densities in (DENSITIES, LAST_RESORT):
        candidates = _fitting_layouts(journey, config, data, densities, stale, say, action_titles)
        candidates += _packed_layouts(journey, config, data, densities, stale, say, action_titles)
        if candidates:
            return min(candidates, key=lambda candidate: candidate[:3])[3]
    return _split_stages(journey, config, data, stale, say, action_titles)


def _packed_layouts(journey: Journey, config: Config, data: WallData | None, densities: list[Density],
                    stale: bool, say: Labels, action_titles: bool) -> list[tuple[int, int, int, Fit]]:
    """(pages, density rank, 0, Fit) for the fewest pages of any number of stages each (in order, each page
    as many columns as stages), at the first density where that fits; ranked after the even layouts of as
    many pages."""
    stages = list(journey.stages)
    total = len(stages)
    for rank, density in enumerate(densities):
        # fewest[i]: the fewest pages for stages[i:], and how many stages its first page takes
        fewest: list[tuple[float, int]] = [(0, 0)] * (total + 1)
        for start in range(total - 1, -1, -1):
            fewest[start] = (math.inf, 0)
            for count in range(min(MAX_STAGES_PER_PAGE, total - start), 0, -1):
                if fewest[start + count][0] + 1 >= fewest[start][0]:
                    continue
                page = stages[start:start + count]
                room = map_room(journey, page_subtitle(journey, config, start + 1, count, 2, say), stale, say)
                if map_height(page, count, density, config, data, say, journey, action_titles) <= room:
                    fewest[start] = (fewest[start + count][0] + 1, count)
        if fewest[0][0] == math.inf:
            continue
        pages, start = [], 0
        while start < total:
            count = fewest[start][1]
            pages.append(stages[start:start + count])
            start += count
        if len({len(page) for page in pages}) == 1:
            return []  # pages of one size: the even layouts have it already
        fit = Fit(pages, max(len(page) for page in pages), density, label_column(density.compact, say), action_titles,
                  page_columns=[len(page) for page in pages])
        return [(len(pages), rank, 0, fit)]
    return []


def _split_stages(journey: Journey, config: Config, data: WallData | None, stale: bool, say: Labels,
                  action_titles: bool) -> Fit:
    """A stage too tall for a page of its own continued on the next: its rows in order on as few pages as fit,
    every bullet of the densest density whose rows each fit a page (with the stage's name); the stages around
    it side by side, as many a page as fit (one wordy stage used to put every stage of its journey on a page of
    its own)."""
    room = map_room(journey, page_subtitle(journey, config, 1, 1, 2, say), stale, say) \
        - SUBTITLE_LINE_REM  # ", continued" may take the subtitle to a line more

    def height(stage: Stage, density: Density, shown: tuple[str, ...]) -> float:
        return map_height([stage], 1, density, config, data, say, journey, action_titles, shown)

    densities = DENSITIES + LAST_RESORT
    density = next((density for density in densities
                    if all(height(stage, density, (row,)) <= room for stage in journey.stages for row in ROWS)),
                   densities[-1])
    pages: list[list[Stage]] = []
    rows: list[tuple[str, ...] | None] = []
    packing = False  # whether the last page takes more stages: it holds whole stages only
    for stage in journey.stages:
        if height(stage, density, ROWS) <= room:
            page = pages[-1] + [stage] if packing else [stage]
            if packing and len(page) <= MAX_STAGES_PER_PAGE and \
                    map_height(page, len(page), density, config, data, say, journey, action_titles) <= room:
                pages[-1] = page
            else:
                pages.append([stage])
                rows.append(None)
            packing = True
            continue
        packing = False
        bare = height(stage, density, ())  # the stage's name alone
        filled = [row for row in ROWS if height(stage, density, (row,)) > bare]

        def parts_within(limit: float) -> list[tuple[str, ...]]:
            parts: list[tuple[str, ...]] = []
            for row in filled:
                if parts and height(stage, density, parts[-1] + (row,)) <= limit:
                    parts[-1] += (row,)
                else:
                    parts.append((row,))
            return parts

        # As many pages as the rows need, and the rows spread evenly over them: the lowest height limit that
        # needs no more pages (not a full page and then one row alone).
        fewest = len(parts_within(room))
        low, high = bare, room
        for _ in range(20):
            middle = (low + high) / 2
            low, high = (low, middle) if len(parts_within(middle)) <= fewest else (middle, high)
        parts = parts_within(high)
        pages += [[stage] for _ in parts]
        rows += parts
    return Fit(pages, max(len(page) for page in pages), density, label_column(density.compact, say), action_titles,
               rows, page_columns=[len(page) for page in pages])


def _fitting_layouts(journey: Journey, config: Config, data: WallData | None, densities: list[Density],
                     stale: bool, say: Labels, action_titles: bool = True) -> list[tuple[int, int, int, Fit]]:
    """(pages, density rank, −stages a page, Fit) for each number of stages a page that fits."""
    stages = list(journey.stages)
    candidates = []
    for per_page in range(min(MAX_STAGES_PER_PAGE, len(stages)), 0, -1):
        pages = [stages[i:i + per_page] for i in range(0, len(stages), per_page)]
        # the longest subtitle of these pages ("stages 1–7 of 9"; the page of one stage says less)
        room = map_room(journey, page_subtitle(journey, config, 1, per_page, len(pages), say), stale, say)
        for rank, density in enumerate(densities):
            if all(map_height(page, per_page, density, config, data, say, journey, action_titles) <= room
                   for page in pages):
                fit = Fit(pages, per_page, density, label_column(density.compact, say), action_titles)
                candidates.append((len(pages), rank, -per_page, fit))
                break  # the densest that fits with this many stages a page
    return candidates
