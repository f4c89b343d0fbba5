"""The wall frame: header, the mounted panels, the tabs and controls, the banner.

Every panel is rendered once into the page; `assets/wall.js` rotates between
them in the browser, so switching costs no server round trip.
"""

from __future__ import annotations

import importlib
import json
import logging
from dataclasses import replace
from datetime import datetime, timezone

from dash import dcc, html

from layouts import geometry as g
from layouts.components import Screen, config_file_url, icon
from layouts.textfit import text_width
from layouts.words import ENGLISH, Labels, words
from obeya.alerts import LiveAlert
from obeya.config import Config, Problem
from obeya.live import DataState
from obeya.panels import PANELS
from obeya.schedule import page_schedule

log = logging.getLogger(__name__)

# Each registered panel's module in layouts/ (layouts/<id>.py), imported once.
RENDERERS = {entry.id: importlib.import_module(f"layouts.{entry.id}").render for entry in PANELS}

POLL_MILLISECONDS = 2000  # how often a screen asks whether config or data changed (wall.js asks)


def panel_section(panel_id: str, pages: list, seconds: int, *, active: bool, title: str = "") -> html.Section:
    """One panel: a section holding its pages, the first page visible when active; `title` names it (the timer)."""
    return html.Section(
        [
            html.Div(page, className="page" + (" is-active" if active and i == 0 else ""), **{"data-page": str(i)})
            for i, page in enumerate(pages)
        ],
        className="panel" + (" is-active" if active else ""),
        id=f"panel-{panel_id}",
        **{"data-panel": panel_id, "data-seconds": str(seconds), "data-pages": str(len(pages)), "data-title": title},
    )


def render_panels(config: Config, data_state: DataState, screen: Screen, active_panel: str,
                  failed: list[str] | None = None) -> list[html.Section]:
    """Every configured panel, in rotation order. A panel that fails shows its error, not a blank wall,
    and its id is added to `failed` (so the drawing is not kept and the panel is tried again)."""
    sections = []
    say = words(config)
    room = g.wall_room(config.wall.screen)
    # Charts are drawn in pixels: they zoom with the wall's type (see layouts/geometry.Room).
    screen = replace(screen, scale=round(screen.scale * room.scale, 3))
    for setting in config.wall.panels:
        title, render = say(f"tab.{setting.id}"), RENDERERS[setting.id]
        try:
            pages = render(config, data_state.data, screen) or [_panel_error(title, say("wall.nothing_to_show"), say)]
        except Exception as error:  # one broken panel must not take the others down
            log.exception("panel %s failed", setting.id)
            pages = [_panel_error(title, f"{type(error).__name__}: {error}", say)]
            if failed is not None:
                failed.append(setting.id)
        sections.append(
            panel_section(setting.id, pages, config.wall.seconds_for(setting.id), active=setting.id == active_panel,
                          title=title)
        )
    return sections


def _panel_error(title: str, message: str, say: Labels) -> html.Div:
    return html.Div(
        [html.H1(title, className="panel-title"), html.P([say("wall.panel_error"), message], className="muted")],
        className="panel-error",
    )


def quiet_screen() -> html.Div:
    """What the TV shows in quiet hours: black, and a small dim clock that wall.js moves every minute (burn-in)."""
    return html.Div(html.Span(className="wall-quiet-clock"), id="wall-quiet", className="wall-quiet", hidden=True,
                    **{"aria-hidden": "true"})


def new_mark() -> html.Span:
    """The "new" mark in the header while a panel with an alert is on screen; wall.js fills it in and shows it."""
    return html.Span([icon("bi-bell-fill"), html.Span(className="wall-new-text")], id="wall-new",
                     className="wall-new", hidden=True, role="status")


def header(config: Config) -> html.Header:
    logo = config.wall.brand.logo
    return html.Header(
        [
            html.Img(src=config_file_url(logo), alt=words(config)("wall.logo"), className="wall-logo")
            if logo else None,
            html.Span(config.wall.title, className="wall-title"),
            html.Span(config.wall.team, className="wall-team"),
            html.Span(className="wall-header-spacer"),
            standup_timer(),
            new_mark(),
            html.Span(id="wall-clock", className="wall-clock"),
        ],
        className="wall-header",
    )


CONTROLS = 4  # previous, hold, next, full screen


def _tab_width(label: str, *, bold: bool = False) -> float:
    return text_width(label, g.FS_SMALL, bold=bold) + 2 * (g.WALL_TAB_PADDING_X_REM + g.WALL_TAB_BORDER_REM)


def tabs_fit(config: Config, say: Labels, *, names: str = "all", two_line_mode: bool = False) -> bool:
    """Whether the footer holds every tab on one line, next to the longest mode words and the controls, with
    the active tab in bold and its page counter ("9/9"). `names`: "all" tabs show their names, only the
    "active" one (the others their number), or "none"; `two_line_mode`: the mode's words take two lines."""
    # (measured with a space for the thin one, which the wall's font lacks: the browser's is no wider)
    labels = [f"{n} {say(f'tab.{setting.id}')}" for n, setting in enumerate(config.wall.panels, start=1)]
    shown = labels if names == "all" else [label.split(" ")[0] for label in labels]
    counter = " " + say("browser.page_counter", page=9, pages=9)
    active = max(_tab_width((label if names != "none" else number) + counter, bold=True) - _tab_width(number)
                 for label, number in zip(labels, shown))
    tabs = sum(_tab_width(label) for label in shown) + g.WALL_TAB_GAP_REM * (len(labels) - 1) + active
    modes = [say("browser.rotating"), say("browser.held"), say("browser.paused", time="00:00"),
             say("browser.offline")]
    mode = max(text_width(text, g.FS_SMALL, bold=True) for text in modes)
    if two_line_mode:
        mode = min(mode, TWO_LINE_MODE_REM)
    controls = CONTROLS * g.WALL_CONTROL_REM + (CONTROLS - 1) * g.WALL_CONTROL_GAP_REM
    room = g.current().screen_width_rem - 2 * g.PAGE_PADDING_X_REM - 2 * g.WALL_FOOTER_GAP_REM
    return tabs + mode + controls <= room


def standup_timer() -> html.Div:
    """The stand-up's item, who speaks, the item's and the meeting's time left: wall.js fills it in stand-up mode."""
    return html.Div(
        [html.Span(className=f"standup-{part}") for part in ("item", "who", "left", "meeting")],
        id="wall-standup", className="wall-standup", hidden=True, role="timer",
    )


def pairing_card() -> html.Div:
    """The QR code that pairs a phone with the remote (key R); wall.js fills it in and hides it again."""
    return html.Div(
        html.Div([html.Img(className="wall-pairing-qr", alt=""), html.P(className="wall-pairing-title"),
                  html.P(className="wall-pairing-valid")], className="wall-pairing-card"),
        id="wall-pairing", className="wall-pairing", hidden=True,
    )


TWO_LINE_MODE_REM = 9.0  # the mode's words on two lines (wall.css: .wall-tabs-two-line-mode ~ .wall-mode)


def tabs_class(config: Config, say: Labels) -> str:
    """The tabs' extra classes, each step only when the one before does not fit: every tab named; "compact"
    (only the active tab named); the mode's words on two lines; on a wall zoomed so far that even that is too
    wide, "numbers" (the active tab too shows its number alone: the page's title names the panel)."""
    if tabs_fit(config, say):
        return ""
    if tabs_fit(config, say, names="active"):
        return " wall-tabs-compact"
    if tabs_fit(config, say, names="active", two_line_mode=True):
        return " wall-tabs-compact wall-tabs-two-line-mode"
    return " wall-tabs-compact wall-tabs-two-line-mode wall-tabs-numbers"


def footer(config: Config, active_panel: str) -> html.Footer:
    """Where we are (tabs and a progress bar) and the facilitator's controls.

    When the tabs' names do not all fit, the tabs of the panels not on screen show their number alone.
    """
    say = words(config)
    tabs = []
    for n, setting in enumerate(config.wall.panels, start=1):
        name = say(f"tab.{setting.id}")
        tabs.append(html.Button(
            [f"{n}", html.Span(f"\u2009{name}", className="wall-tab-name"), html.Span(className="wall-tab-page")],
            className="wall-tab" + (" is-active" if setting.id == active_panel else ""),
            title=say("wall.show_panel_key", panel=name, key=n) if n <= 9 else say("wall.show_panel", panel=name),
            **{"data-goto": setting.id},
        ))
    controls = [
        html.Button(icon(glyph, say(f"wall.{action_words}")), className="wall-control", **{"data-action": action},
                    title=say(f"wall.{action_words}_keys"))
        for glyph, action_words, action in (("bi-chevron-left", "previous", "prev"), ("bi-pause-fill", "hold", "hold"),
                                            ("bi-chevron-right", "next", "next"),
                                            ("bi-arrows-fullscreen", "fullscreen", "fullscreen"))
    ]
    return html.Footer(
        [
            html.Nav(tabs, className="wall-tabs" + tabs_class(config, say),
                     **{"aria-label": say("wall.panels")}),
            html.Span(say("browser.rotating"), className="wall-mode", id="wall-mode", **{"data-mode": "rotating"}),
            html.Div(controls, className="wall-controls"),
            html.Div(html.Div(className="wall-progress-bar"), className="wall-progress"),
        ],
        className="wall-footer",
    )


def page_counts(body: list) -> dict[str, int]:
    """{panel id: pages} in a body drawn by `wall_body`."""
    main = next((part for part in body if getattr(part, "id", None) == "wall-panels"), None)
    return {getattr(section, "data-panel"): int(getattr(section, "data-pages")) for section in main.children} \
        if main is not None else {}


def wall_body(config: Config, data_state: DataState, screen: Screen, active_panel: str,
              failed: list[str] | None = None, remote: bool = False, alerts: tuple[LiveAlert, ...] = ()) -> list:
    """The children of #wall-body: everything that depends on config and data (`failed`: see render_panels).

    `remote`: the wall has a remote, so key R shows the QR code that pairs a phone with it. `alerts`: the live
    ones (obeya/alerts.py), whose panels wall.js puts next in rotation, marked "new". The schedule's changes
    for the coming week (obeya/schedule.py) go with it: the page goes quiet and back by itself, server or not.
    """
    room = g.wall_room(config.wall.screen)
    settings = html.Div(
        id="wall-settings",
        hidden=True,
        **{
            "data-rotate-seconds": str(config.wall.rotate_seconds),
            "data-idle-seconds": str(config.wall.idle_resume_seconds),
            "data-daily-reload-at": config.wall.daily_reload_at or "",
            "data-timezone": config.wall.timezone,
            "data-language": config.wall.language,
            "data-accent": config.wall.brand.accent or "",  # wall.js sets it as #wall's --accent
            "data-words": json.dumps(words(config).browser_words(), ensure_ascii=False),  # what wall.js writes
            "data-remote": "1" if remote else "0",
            "data-schedule": json.dumps(page_schedule(config, datetime.now(timezone.utc))),
            "data-alerts": json.dumps([{"key": alert.key, "panel": alert.panel,
                                        "until": int(alert.until.timestamp() * 1000)} for alert in alerts]),
            # wall.js sets them on the page's root: the type scale of the wall's screen: (layouts/geometry.Room)
            "data-wall-scale": f"{room.scale:g}",
            "data-glance-size": f"{room.glance_rem:g}rem",
        },
    )
    with g.drawing_for(room):
        return [
            settings,
            header(config),
            html.Main(render_panels(config, data_state, screen, active_panel, failed), id="wall-panels"),
            footer(config, active_panel),
        ]


def problems_screen(problems: tuple[Problem, ...], say: Labels = ENGLISH) -> list:
    """What a wall with no good config at all shows: the problems, readable from the room."""
    return [
        html.Div(
            [
                html.H1([icon("bi-exclamation-triangle-fill"), " " + say("wall.problems_title")]),
                html.P(say("wall.problems_text"), className="muted"),
                html.Ul([html.Li(str(problem)) for problem in problems[:12]]),
            ],
            className="wall-problems",
        )
    ]


BANNER_SECONDS = 6  # with several problems, the banner shows each this long in turn


def banner(problems: tuple[Problem, ...], say: Labels = ENGLISH, turn: int = 0) -> list:
    """The banner over a wall whose config on disk is wrong: file:line:column: problem.

    It sits in the header row, never over a panel, one problem at a time: with
    several, `turn` (one per BANNER_SECONDS) walks through every one of them,
    "(2 of 3)".
    """
    if not problems:
        return []
    position = turn % len(problems)
    where = say("wall.banner_position", position=position + 1, count=len(problems)) if len(problems) > 1 else ""
    return [icon("bi-exclamation-triangle-fill"), say("wall.banner"), html.Code(str(problems[position])), where]


def wall_layout(config: Config | None, problems: tuple[Problem, ...], body: list | None,
                active_panel: str | None, rendered_key: dict, version: str = "") -> html.Div:
    """The whole page: #wall around `body` (from `wall_body`), the stores and the poll timer.

    With no good config the body is the list of problems. `active_panel` (a
    deep link) is the panel wall.js shows first; an unknown one means the first.
    """
    if config is None:
        body = problems_screen(problems)
        theme = "dark"
        panel = ""
    else:
        ids = [setting.id for setting in config.wall.panels]
        panel = active_panel if active_panel in ids else ids[0]
        theme = config.wall.theme
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Store(id="viewport"),
            dcc.Store(id="rendered", data=rendered_key),
            # Never ticks by itself: wall.js moves it when /_obeya/version changes (see assets/wall.js, watchVersion).
            dcc.Interval(id="poll", interval=POLL_MILLISECONDS, disabled=True),
            html.Div(body, id="wall-body", className="wall-body"),
            html.Div(banner(problems, words(config)) if config is not None else [], id="wall-banner",
                     className="wall-banner", role="status"),
            pairing_card(),
            quiet_screen(),
        ],
        id="wall",
        className=f"theme-{theme}",
        lang=config.wall.language if config is not None else "en",
        # data-version: what /_obeya/version answers for this drawing: wall.js runs no poll for it
        **{"data-active-panel": panel, "data-kiosk": "0", "data-version": version},
    )
