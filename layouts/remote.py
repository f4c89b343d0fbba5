"""The stand-up's routes and the facilitator's remote (`/remote`), on the wall's Flask server.

For the wall's screens (behind the wall's token, like every other path):

    GET  /_obeya/events      server-sent events: the shared state (obeya.remote) each time it changes
    POST /_obeya/command     a TV's keys: next, prev, hold, standup, goto:<panel>
    POST /_obeya/shown       which panel and page a TV shows, so the remote can say it
    POST /_obeya/pairing     a one-time pairing link and its QR code (only with OBEYA_REMOTE_TOKEN)

The remote, only with OBEYA_REMOTE_TOKEN (else every path of it answers 404), behind its own cookie:

    /remote?token=...        sets the remote's cookie (the wall's cookie code, another purpose)
    /remote?pair=<code>      the same, once, within minutes of the TV showing the QR code
    /remote/                 the page for a phone: a small Dash app of dash-bootstrap-components
    GET  /remote/events      the same events
    POST /remote/command     the same commands
    POST /remote/annotation  an annotation for today: text up to 60 characters, optionally a service

Nothing else can be written through the remote; a wrong command or annotation
answers 400 with a sentence and changes nothing.
"""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
import flask
import segno
from dash import Dash, html

from layouts.access import (Pass, TokenSource, current_secret, give_cookie, has_pass, login_with_link, refusal_page,
                            without_parameter)
from layouts.components import icon
from layouts.words import words
from obeya.config import Config
from obeya.labels import Labels
from obeya.live import LiveWall
from obeya.remote import (Command, CommandError, Pairings, RemoteNotes, WallState, WallStateStore, apply, overrun,
                          parse_command, parse_note, parse_shown, state_message)

REMOTE_PASS = Pass("obeya_remote", "obeya-remote")
STREAM_SECONDS = 30  # an event stream ends after this; the browser opens the next at once (no thread held forever)
REMOTE_PREFIX = "/remote"
WALL_ASSETS = r"^(wall\.|panel-|geometry\.)"  # the wall's own scripts and styles, not the remote's
REMOTE_ASSETS = r"^remote\."
EVERY_CHART = "*"  # the service choice for an annotation on every chart (not a service id: ids are slugs)



def is_remote_path(path: str) -> bool:
    return path == REMOTE_PREFIX or path.startswith(REMOTE_PREFIX + "/")


def _json_error(message: str, status: int = 400) -> flask.Response:
    return flask.Response(json.dumps({"error": message}), status=status, mimetype="application/json")


@dataclasses.dataclass
class StandupRoutes:
    """What the routes share: the wall's config and data, the shared state, the pairing codes, the notes."""

    live: LiveWall
    store: WallStateStore
    pages: Callable[[], dict[str, int]]  # pages per panel, as drawn
    pairings: Pairings
    notes: RemoteNotes
    remote_token: TokenSource  # None, or a function answering None: no remote

    def config(self) -> Config | None:
        return self.live.config_state().config

    def stream(self) -> flask.Response:
        """The shared state as server-sent events: now, then on every change; a comment each second between."""

        def events():
            yield "retry: 500\n\n"
            current: WallState | None = None
            sent_for = None
            for update in self.store.updates(STREAM_SECONDS):
                current = update or current
                config = self.config()
                if config is None or current is None:
                    yield ": no config\n\n"
                    continue
                if update is None and current.standup and overrun(current, config.agenda(),
                                                                  config.standup.overrun_minutes, time.time()):
                    self.run(Command("standup", on=False, meeting=current.standup.id), config)  # sent next turn
                if update is None and sent_for is config:
                    yield ": keep-alive\n\n"
                    continue
                sent_for = config  # also sent again when the config changed (an edited agenda)
                yield f"data: {json.dumps(state_message(current, config, time.time()))}\n\n"

        return flask.Response(events(), mimetype="text/event-stream",
                              headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    def run(self, command: Command, config: Config) -> WallState:
        return self.store.change(lambda state: apply(state, command, config.agenda(), self.pages(), time.time()))

    def command(self) -> flask.Response:
        """A command from a TV's keys or the remote's buttons: 200 with the new state, or 400 saying why not."""
        config = self.config()
        if config is None:
            return _json_error("the wall has no good config yet", 503)
        try:
            command = parse_command(flask.request.get_json(silent=True), [s.id for s in config.wall.panels])
        except CommandError as error:
            return _json_error(str(error))
        return flask.jsonify(state_message(self.run(command, config), config, time.time()))

    def shown(self) -> flask.Response:
        config = self.config()
        if config is None:
            return _json_error("the wall has no good config yet", 503)
        try:
            panel, page = parse_shown(flask.request.get_json(silent=True), [s.id for s in config.wall.panels])
        except CommandError as error:
            return _json_error(str(error))
        self.store.change(lambda state: dataclasses.replace(state, shown=panel, shown_page=page))
        return flask.Response(status=204)

    def pairing(self) -> flask.Response:
        """A pairing link for a phone, and its QR code as an image (a data: URL the page may show)."""
        if current_secret(self.remote_token) is None:
            flask.abort(404)
        if not flask.request.is_json:
            return _json_error('ask with JSON: {}')
        pairing = self.pairings.issue()
        link = flask.request.url_root.rstrip("/") + f"{REMOTE_PREFIX}?pair={pairing.code}"  # under /w/<id> too
        qr = segno.make(link, error="m").svg_data_uri(scale=10, border=3, dark="#000000", light="#ffffff")
        return flask.jsonify(link=link, qr=qr, seconds=self.pairings.lifetime, expires_at=pairing.expires_at,
                             now=time.time())

    def annotation(self) -> flask.Response:
        """Today's annotation from the remote: written to the data folder, on the trends within a refresh."""
        config = self.config()
        if config is None:
            return _json_error("the wall has no good config yet", 503)
        today = datetime.now(ZoneInfo(config.wall.timezone)).date()
        try:
            note = parse_note(flask.request.get_json(silent=True), config, today)
        except CommandError as error:
            return _json_error(str(error))
        self.notes.add(note)
        return flask.jsonify(date=note.date.isoformat(), text=note.text, service=note.service)

    def remote_gate(self) -> flask.Response | None:
        """Before every request: /remote... exists only with a remote token, and only with its cookie."""
        if not is_remote_path(flask.request.path):
            return None
        token = current_secret(self.remote_token)
        if token is None:
            flask.abort(404)
        if (response := login_with_link(token, REMOTE_PASS)) is not None:
            return response
        code = flask.request.args.get("pair")
        if code is not None:
            reason = self.pairings.redeem(code, self.words())
            if reason is not None:
                return self._forbidden(reason)
            response = flask.redirect(without_parameter("pair"), code=303)
            give_cookie(response, token, REMOTE_PASS)
            return response
        if has_pass(token, REMOTE_PASS):
            return None
        return self._forbidden(self.words()("pages.remote_needs_link"))

    def words(self) -> Labels:
        return words(self.config())

    def _forbidden(self, reason: str) -> flask.Response:
        page = refusal_page(reason, self.words().language, title="Obeya remote")
        return flask.Response(page, status=403, mimetype="text/html")


def add_standup(server: flask.Flask, standup: StandupRoutes, remote: Callable[..., Dash],
                url_prefix: str = "") -> Dash | None:
    """The stand-up's routes on `server`, and the remote's page when there is a remote token.

    `remote(name, requests_pathname_prefix=..., routes_pathname_prefix=..., assets_ignore=...)` makes the
    page's Dash app (the factory's way); `url_prefix` is where the browser finds the server (`/w/<id>`).
    """
    server.add_url_rule("/_obeya/events", "obeya_events", standup.stream)
    server.add_url_rule("/_obeya/command", "obeya_command", standup.command, methods=["POST"])
    server.add_url_rule("/_obeya/shown", "obeya_shown", standup.shown, methods=["POST"])
    server.add_url_rule("/_obeya/pairing", "obeya_pairing", standup.pairing, methods=["POST"])
    server.before_request(standup.remote_gate)
    if standup.remote_token is None:
        return None
    server.add_url_rule(REMOTE_PREFIX, "remote_start",
                        lambda: flask.redirect(flask.request.script_root + REMOTE_PREFIX + "/", code=303))
    server.add_url_rule(f"{REMOTE_PREFIX}/events", "remote_events", standup.stream)
    server.add_url_rule(f"{REMOTE_PREFIX}/command", "remote_command", standup.command, methods=["POST"])
    server.add_url_rule(f"{REMOTE_PREFIX}/annotation", "remote_annotation", standup.annotation, methods=["POST"])
    page = remote("obeya_remote", title="Obeya remote", server=server,
                  requests_pathname_prefix=url_prefix + REMOTE_PREFIX + "/", routes_pathname_prefix=REMOTE_PREFIX + "/",
                  assets_ignore=WALL_ASSETS)
    page.layout = lambda: remote_layout(standup.config())
    return page


# --- the page on the phone -----------------------------------------------------------------------------------


def _button(glyph: str, text: str, command: str, style: str, name: str | None = None) -> html.Button:
    """A big button carrying its command; `name` gives it an id (and its words one), for words that change."""
    ids = {"id": name} if name else {}
    words_ids = {"id": f"{name}-words"} if name else {}
    return html.Button([icon(glyph), html.Span(text, **words_ids)], className=f"btn btn-{style} remote-button",
                       type="button", **{"data-remote": command}, **ids)


def remote_layout(config: Config | None) -> html.Div:
    """The remote: what the TV shows, next/previous/hold, the stand-up, a jump to any panel, today's annotation."""
    if config is None:
        return html.Div("The wall has no good config yet.", className="remote-empty")
    say = words(config)
    panels = {setting.id: say(f"tab.{setting.id}") for setting in config.wall.panels}
    remote_words = {**say.browser_words(), **say.browser_words("remote.")}
    return html.Div(dbc.Container(
        [
            html.Div(id="remote-settings", hidden=True,
                     **{"data-words": json.dumps(remote_words, ensure_ascii=False),
                        "data-panels": json.dumps(panels, ensure_ascii=False)}),
            html.Header([html.H1(config.wall.title, className="remote-title"),
                         html.Span(say("remote.title"), className="remote-subtitle")], className="remote-header"),
            dbc.Card(dbc.CardBody([
                html.Div(say("remote.on_screen"), className="remote-label"),
                html.Div(id="remote-panel", className="remote-panel"),
                html.Div(id="remote-mode", className="remote-mode", role="status"),
                html.Div([html.Span(id="remote-item", className="remote-item"),
                          html.Span(id="remote-left", className="remote-left"),
                          html.Span(id="remote-meeting", className="remote-meeting")],
                         id="remote-timer", className="remote-timer", hidden=True),
            ]), className="remote-screen"),
            html.Div([
                _button("bi-chevron-left", say("remote.previous"), "prev", "secondary"),
                _button("bi-pause-fill", say("remote.hold"), "hold", "secondary", "remote-hold"),
                _button("bi-chevron-right", say("remote.next"), "next", "primary"),
            ], className="remote-row"),
            _button("bi-people-fill", say("remote.standup_start"), "standup", "warning", "remote-standup"),
            html.H2(say("remote.jump"), className="remote-heading"),
            html.Div([html.Button(name, className="btn btn-outline-light remote-goto", type="button",
                                  **{"data-remote": f"goto:{panel}"}) for panel, name in panels.items()],
                     className="remote-grid"),
            html.H2(say("remote.note_title"), className="remote-heading"),
            html.Div([
                dbc.Input(id="note-text", type="text", maxLength=60, placeholder=say("remote.note_text"),
                          autoComplete="off"),
                dbc.Select(id="note-service", value=EVERY_CHART,
                           options=[{"label": say("remote.note_every"), "value": EVERY_CHART}]
                           + [{"label": service.name, "value": service.id} for service in config.services]),
                html.Button(say("remote.note_add"), id="note-add", className="btn btn-primary remote-button",
                            type="button"),
                html.Div(id="note-answer", className="remote-answer", role="status"),
            ], className="remote-note"),
        ],
        fluid=True,
        className="remote",
        id="remote",
    ), id="remote-page", **{"data-bs-theme": "dark"})
