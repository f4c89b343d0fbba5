"""The app factory: builds the Dash app for one config folder and one database.

Nothing happens at import time; `create_app()` does the work, so tests and a
production server each build their own app.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import flask
from dash import Dash, Input, Output, State, no_update
from plotly.io.json import to_json_plotly  # what Dash serializes callback answers with

from layouts.access import (Secret, add_security_headers, content_security_policy, current_secret, refusal_page,
                            require_token)
from layouts.api import ApiRoutes, add_api, is_api_path
from layouts.components import Screen, as_of_words
from layouts.remote import REMOTE_ASSETS, StandupRoutes, add_standup, is_remote_path
from layouts.wall import BANNER_SECONDS, banner, page_counts, wall_body, wall_layout
from layouts.words import words
from obeya import database, release, settings
from obeya.alerts import SharedAlertLog, find_alerts
from obeya.cache import cache_from_env
from obeya.engine import make_engine
from obeya.files import servable_image
from obeya.ingest import WRITER_SETTING
from obeya.live import LiveWall, kept_numbers_file
from obeya.remote import Pairings, RemoteNotes, WallStateStore
from obeya.walls import WallCache, WallMount, writer_for

log = logging.getLogger(__name__)
DESIGN_HEIGHT = 1080
DESIGN_WIDTH = 1920
SHARED_ANSWER = {"X-Obeya-Poll": "shared"}  # marks a poll answered from the drawn wall, not by Dash's dispatch
PREPARE_SECONDS = 60  # how long one process may take to draw a new version before another tries
BROKEN_SECONDS = 30  # a drawing with a broken panel is tried again after this
PREPARE_WAIT_SECONDS = 1.5  # how long a screen's ask for the version waits for a new version's drawing
RENDERED_KEPT = 8  # drawn walls kept (config × data × screen size); every screen shares them  # chart sizes are written for a 1080p screen


def warm_up() -> None:
    """Import and run once what drawing imports lazily, before any screen is served.

    Screens that reconnect together after a restart draw in parallel threads;
    a module that two threads import at the same time can be seen half
    initialised ("partially initialized module 'numpy'"), so nothing may be
    left to import on first use. orjson, too, has crashed the process when its
    first use came from several threads at once.
    """
    import numpy
    import pandas  # noqa: F401  (plotly's serializer looks for it)
    import plotly.graph_objects as go

    # What the wall's charts set (each part of a figure is a module plotly imports on its first use).
    figure = go.Figure(go.Scatter(x=numpy.arange(3), y=numpy.array([0.5, 1.5, 2.5]), mode="lines+markers+text",
                                  line={"width": 2}, marker={"size": 4, "line": {"width": 1}},
                                  textfont={"size": 12}),
                       layout={"font": {"size": 12}, "margin": {"l": 0}, "xaxis": {"tickfont": {"size": 12}},
                               "yaxis": {"tickfont": {"size": 12}}})
    figure.add_hline(y=1, line_dash="dot")
    figure.add_annotation(x=1, y=1, text="warm-up", font={"size": 12})
    to_json_plotly({"warm-up": figure, "text": ["a", 0.5, None]})


def banner_turn() -> int:
    """Which of the banner's problems is on turn: by the wall clock, so every server shows the same one."""
    return int(time.time() // BANNER_SECONDS)


def poll_response(panels: list, theme: str, key: dict) -> dict:
    """The poll callback's answer in Dash's reply format: the outputs of a multi-output callback."""
    return {"multi": True, "response": {
        "wall-body": {"children": panels}, "wall": {"className": theme}, "rendered": {"data": key}}}


def drawn_key(key: dict, complete: bool) -> dict:
    """The key a screen keeps for what it shows; an incomplete drawing gets one no poll matches, so it is redrawn."""
    return key if complete else {**key, "incomplete": uuid.uuid4().hex}


def _scale(viewport: dict | None) -> float:
    """Chart pixels per 1080p pixel: the same rule as the stylesheet's rem (height, or width below 16:9)."""
    try:
        height = float(viewport["height"])
        width = float(viewport.get("width") or height * 16 / 9)
    except (TypeError, KeyError, ValueError):
        return 1.0
    return round(max(min(height / DESIGN_HEIGHT, width / DESIGN_WIDTH), 1 / 3), 3)


def local_dash(name: str, **options) -> Dash:
    """A Dash app that serves everything itself (the project's assets/, Dash's own files): no CDN, works offline."""
    return Dash(name, assets_folder=str(settings.PROJECT_ROOT / "assets"), update_title=None, serve_locally=True,
                compress=False, **options)


def create_server():
    """The WSGI app for a production server (gunicorn loads it by name: layouts.application:create_server()).

    `obeya serve` prepares the database once before it forks the workers, so they do not do it again.
    """
    return create_app(prepare=False).server


def create_app(config_dir: str | Path | None = None, database_url: str | None = None,
               token: str | None = None, *, remote_token: str | None = None, ingest_token: str | None = None,
               prepare: bool = True, mount: WallMount | None = None) -> Dash:
    """A ready-to-serve Dash app showing the wall for `config_dir` and `database_url`.

    With a `token` (default: `OBEYA_WALL_TOKEN`) only screens that opened the
    wall's link with it get in. With a `remote_token` (default:
    `OBEYA_REMOTE_TOKEN`) the facilitator's remote exists at `/remote`; with an
    `ingest_token` (default: `OBEYA_INGEST_TOKEN`) the ingest API takes rows.
    `prepare` creates missing tables (and the demo data on the embedded
    default) first; a server that did so already skips it.

    With a `mount` the app is one wall of several (layouts/walls.py): served
    under `/w/<id>/`, its tokens from its own file (asked on each request, so
    a revoked one stops at once), its notes and cache entries its own, its
    engines shared with the walls on the same database.
    """
    if mount is not None:
        return _create_app(mount.wall.config_dir, mount.database_url, *_mounted_tokens(mount), mount=mount)
    url = database_url or settings.database_url()
    folder = config_dir or settings.config_dir()
    ingest_token = ingest_token or settings.ingest_token()
    if prepare:
        database.prepare_database(url, folder, writer=settings.ingest_writer_url(url) if ingest_token else None)
    return _create_app(folder, url, token or settings.wall_token(), remote_token or settings.remote_token(),
                       ingest_token)


def _mounted_tokens(mount: WallMount) -> tuple:
    """The wall's tokens as the routes ask for them: by their hashes in the wall's file, read when it changed."""
    def source(kind: str):
        def current() -> Secret | None:
            digest = mount.secrets.token_hash(kind)
            return Secret(digest, hashed=True) if digest else None
        return current
    return source("wall"), source("remote"), source("ingest")


def _create_app(folder: str | Path, url: str, token, remote_token, ingest_token,
                mount: WallMount | None = None) -> Dash:
    warm_up()
    prefix = mount.wall.prefix if mount else ""
    engine = mount.engines.get(url, read_only=True) if mount else make_engine(url, read_only=True)
    own_cache = (lambda: WallCache(cache_from_env(), mount.wall.id)) if mount else cache_from_env
    cache = own_cache()
    live = LiveWall(folder, engine, cache=cache,
                    notes=RemoteNotes(mount.notes_path if mount else settings.remote_notes_path(),
                                      shared=cache if settings.cache_url() else None),
                    kept=kept_numbers_file(mount.notes_path.parent if mount else settings.data_dir(), url))
    paths = {"requests_pathname_prefix": prefix + "/", "routes_pathname_prefix": "/"} if mount else {}
    app = local_dash(__name__, title="Obeya Wall", assets_ignore=REMOTE_ASSETS, **paths)
    app.live = live
    boot_id = release.boot_id()  # the code's digest: the same on every worker and server running this code

    @app.server.route("/_obeya/health")
    def health():
        """For wall.js: the server is up, and which start of it this is (a new id means restarted)."""
        state = live.config_state()
        return flask.jsonify(boot=boot_id, config=state.version, problems=len(state.problems))

    @app.server.route("/config-file/<path:name>")
    def config_file(name: str):
        """Images the config refers to (persona avatars): image files inside the config folder, else 404."""
        image = servable_image(live.config_dir, name)
        if image is None:
            flask.abort(404)
        return flask.send_file(image.path, mimetype=image.mime, max_age=300)

    def rendered_key(config_state, data_state, scale: float) -> dict:
        # Digests, not this process's counters: every worker of every server agrees on them. A read that
        # found the same numbers draws nothing new (the screens update "as of" themselves: as_of_words);
        # the day does, once, for the week of schedule that goes with each drawing (layouts/wall.py).
        return {
            "config": config_state.digest or config_state.version,
            "data": data_state.content or (data_state.read_at.isoformat() if data_state.read_at
                                           else data_state.version),
            "day": datetime.now(timezone.utc).date().isoformat(),
            "stale": data_state.stale_since.isoformat() if data_state.stale_since else None,
            "problem": data_state.problem,
            "scale": scale,
        }

    alert_log = SharedAlertLog(live.cache)  # what fired when, for every worker and server (obeya/alerts.py)
    drawn: dict[tuple, list] = {}
    drawing = threading.Lock()  # one thread draws a new wall; the others wait for it instead of drawing it too

    def rendered_body(config_state, data_state, scale: float) -> tuple[list, bool]:
        """The wall's panels for this config, data and screen size: drawn once, shared by every screen.

        Also whether every panel was drawn: a drawing with a broken panel is
        never kept, so the next poll tries that panel again.
        """
        key = tuple(rendered_key(config_state, data_state, scale).values())
        if key in drawn:
            return drawn[key], True
        with drawing:
            return draw(key, config_state, data_state, scale)

    def draw(key: tuple, config_state, data_state, scale: float) -> tuple[list, bool]:
        if key in drawn:
            return drawn[key], True
        config = config_state.config
        log.debug("drawing the wall for %s", key)  # tests count these
        stale_since = data_state.stale_since.astimezone(ZoneInfo(config.wall.timezone)) \
            if data_state.stale_since else None  # every time on the wall is in the wall's zone
        screen = Screen(scale=scale, theme=config.wall.theme, stale_since=stale_since, problem=data_state.problem,
                        reading=data_state.reading)
        failed: list[str] = []
        alerts = alert_log.update(find_alerts(config, data_state.data), datetime.now(timezone.utc),
                                  timedelta(hours=config.wall.alerts.cooldown_hours))
        body = wall_body(config, data_state, screen, active_panel="", failed=failed,
                         remote=current_secret(remote_token) is not None, alerts=alerts)
        if failed:
            return body, False
        while len(drawn) >= RENDERED_KEPT:
            drawn.pop(next(iter(drawn)))
        drawn[key] = body
        return body, True

    frame = wall_layout(None, (), None, None, {})  # every id the callbacks name, and no wall drawn in it

    def serve_layout():
        if flask.has_request_context() and flask.request.path != app.config.routes_pathname_prefix + "_dash-layout":
            return frame  # Dash checks the ids at a worker's first request, whatever it asks: not a page to draw
        config_state = live.config_state()
        data_state = live.data_state()
        config = config_state.config
        panel = flask.request.args.get("panel") if flask.has_request_context() else None
        body, complete = rendered_body(config_state, data_state, 1.0) if config else (None, True)
        key = rendered_key(config_state, data_state, 1.0)
        version = json.dumps([json.dumps(key, sort_keys=True), banner_turn() if config_state.problems else None],
                             sort_keys=True, default=str) if config and complete else ""
        return wall_layout(config, config_state.problems, body, panel, drawn_key(key, complete), version)

    # Dash checks the callbacks' ids against a layout and keeps it for good: the frame, not a drawn wall
    # (fifty walls would each draw one at start and keep it in memory).
    app.validation_layout = frame
    app.layout = serve_layout

    def poll_answer(viewport, rendered) -> tuple | None:
        """What a screen's poll gets: None when nothing changed, else (panels, theme class, new key)."""
        config_state = live.config_state()
        data_state = live.data_state()
        config = config_state.config
        if config is None:
            return None
        scale = _scale(viewport)
        key = rendered_key(config_state, data_state, scale)
        if key == rendered:
            return None
        body, complete = rendered_body(config_state, data_state, scale)
        return body, f"theme-{config.wall.theme}", drawn_key(key, complete)

    callbacks_before = set(app.callback_map)

    @app.callback(
        Output("wall-body", "children"),
        Output("wall", "className"),
        Output("rendered", "data"),
        Input("poll", "n_intervals"),
        Input("viewport", "data"),
        State("rendered", "data"),
        prevent_initial_call=True,
    )
    def refresh_wall(_ticks, viewport, rendered):
        """Redraw the panels when the config, the data or the screen size changed; otherwise nothing."""
        return poll_answer(viewport, rendered) or (no_update, no_update, no_update)

    (poll_output,) = set(app.callback_map) - callbacks_before  # Dash's own id of the poll callback
    serialized: dict[str, bytes] = {}  # poll answers of complete drawings, by their key (as JSON)
    announced: dict[float, str] = {}  # per screen size, the last version told to screens: one that is drawn
    preparing: dict[str, threading.Event] = {}  # drawings under way in this process, set when done

    def shared_name(cache_key: str) -> str:
        return "drawn:" + hashlib.sha256(cache_key.encode()).hexdigest()[:24]

    answers = threading.Lock()  # for `serialized` and `preparing`: never held while drawing

    def keep_answer(cache_key: str, answer: bytes) -> None:
        with answers:
            while len(serialized) >= RENDERED_KEPT:
                serialized.pop(next(iter(serialized)))
            serialized[cache_key] = answer

    def ready_answer(cache_key: str) -> bytes | None:
        """The poll answer for a complete drawing, drawn by this process or by any other (the shared cache);
        None when it is not drawn yet, or was drawn with a broken panel (b"" in `serialized`: the poll redraws)."""
        if (answer := serialized.get(cache_key)) is not None:
            return answer or None
        try:
            text = live.cache.get(shared_name(cache_key))
        except Exception:  # a cache that is down: this process draws for itself
            text = None
        if text is None:
            return None
        answer = text.encode()
        keep_answer(cache_key, answer)
        return answer or None

    def drawn_answer(config_state, data_state, scale: float, key: dict) -> tuple[bytes, bool]:
        """Draw the wall for `key` and serialize its poll answer once; shared with every process when complete."""
        cache_key = json.dumps(key, sort_keys=True)
        body, complete = rendered_body(config_state, data_state, scale)
        if not complete:  # drawn with a broken panel: sent once, never kept
            return to_json_plotly(poll_response(body, f"theme-{config_state.config.wall.theme}",
                                                drawn_key(key, False))).encode(), False
        answer = serialized.get(cache_key)
        if answer is None:
            answer = to_json_plotly(poll_response(body, f"theme-{config_state.config.wall.theme}", key)).encode()
            keep_answer(cache_key, answer)
            try:
                live.cache.set(shared_name(cache_key), answer.decode(), config_state.config.wall.refresh_seconds * 2)
            except Exception as error:
                log.warning("result cache not writable: %s", error)
        return answer, True

    def answer_polls_from_the_drawn_wall():
        """Every screen polls every 2 s; when the wall changed, fifty of them ask for it at once.

        Dash would serialize the same ~250 KB wall for each of them (~75 ms of
        CPU apiece); this answers the poll callback with the wall serialized
        once per version, in the same format Dash uses (tests compare the two),
        and shared by every worker and server through the cache: the wall is
        drawn once per version wherever the screens' requests land.
        """
        if flask.request.method != "POST" or flask.request.path != app.config.routes_pathname_prefix + \
                "_dash-update-component":
            return None
        request = flask.request.get_json(silent=True) or {}
        if request.get("output") != poll_output:
            return None
        inputs = {f"{item['id']}.{item['property']}": item.get("value") for item in request.get("inputs", [])}
        states = {f"{item['id']}.{item['property']}": item.get("value") for item in request.get("state", [])}
        config_state, data_state = live.config_state(), live.data_state()
        if config_state.config is None:
            return flask.Response(status=204, headers=SHARED_ANSWER)
        scale = _scale(inputs.get("viewport.data"))
        key = rendered_key(config_state, data_state, scale)
        if key == states.get("rendered.data"):
            return flask.Response(status=204, headers=SHARED_ANSWER)
        cache_key = json.dumps(key, sort_keys=True)
        answer = ready_answer(cache_key)
        broken = cache_key in serialized and answer is None  # drawn with a broken panel: each poll tries again
        if answer is None and not broken and (shown := announced.get(scale)) is not None:
            # Newer numbers than any drawing yet (this process read them first): the newest drawn wall now,
            # the new one once it is drawn and told (drawn_version); no screen waits for a drawing.
            start_preparing(config_state, data_state, scale, key, cache_key)
            if shown == json.dumps(states.get("rendered.data"), sort_keys=True):
                return flask.Response(status=204, headers=SHARED_ANSWER)
            answer = ready_answer(shown)
        if answer is None and not broken:  # nothing drawn for this size yet: one process draws it, others wait
            start_preparing(config_state, data_state, scale, key, cache_key).wait(PREPARE_SECONDS)
            answer = ready_answer(cache_key)
        if answer is None:  # drawn with a broken panel, or the process drawing it is gone: draw it here
            answer, _ = drawn_answer(config_state, data_state, scale, key)
        return flask.Response(answer, mimetype="application/json", headers=SHARED_ANSWER)

    def prepare(config_state, data_state, scale: float, key: dict, cache_key: str) -> None:
        """Draw a new version before screens are told of it, unless another process is drawing it already."""
        try:
            lock = live.cache.lock(shared_name(cache_key), PREPARE_SECONDS)
        except Exception:
            lock = ""  # no shared cache: draw it here
        try:
            if lock is None:  # another process is drawing it: wait for its drawing in the shared cache
                deadline = time.monotonic() + PREPARE_SECONDS
                while cache_key not in serialized and ready_answer(cache_key) is None and time.monotonic() < deadline:
                    time.sleep(0.1)
            elif ready_answer(cache_key) is None:
                _, complete = drawn_answer(config_state, data_state, scale, key)
                if not complete:  # a broken panel: tell the screens anyway, their poll draws it again
                    keep_answer(cache_key, b"")
                    live.cache.set(shared_name(cache_key), "", BROKEN_SECONDS)  # and the other processes
        except Exception:
            log.exception("drawing the wall failed")
            keep_answer(cache_key, b"")
        finally:
            if lock:
                try:
                    live.cache.unlock(shared_name(cache_key), lock)
                except Exception:
                    pass
            with answers:
                preparing.pop(cache_key).set()

    def start_preparing(config_state, data_state, scale: float, key: dict, cache_key: str) -> threading.Event:
        """Draw `key` in the background (once, however many ask); the event is set when it is done."""
        with answers:
            done = preparing.get(cache_key)
            if done is None:
                done = preparing[cache_key] = threading.Event()
                threading.Thread(target=prepare, args=(config_state, data_state, scale, key, cache_key),
                                 name="obeya-prepare", daemon=True).start()
        return done

    @app.server.route("/_obeya/version")
    def drawn_version():
        """What a screen asks every 2 s (wall.js) instead of running Dash's poll callback, which costs the
        browser a pass over the whole wall's components each time (~100 ms of a Raspberry Pi's CPU): the
        version of the wall it would be drawn, for its size; the screen runs the poll when that changes.

        A new version is drawn first (by one process of all that share the cache) and told to screens once
        it is there, so their polls are answered at once instead of all waiting for one drawing.
        """
        config_state = live.config_state()
        viewport = {"height": flask.request.args.get("height"), "width": flask.request.args.get("width")}
        turn = banner_turn() if config_state.problems else None  # the banner's turns
        if config_state.config is None:
            return flask.jsonify(version=json.dumps([None, turn], sort_keys=True, default=str))
        data_state, scale = live.data_state(), _scale(viewport)
        key = rendered_key(config_state, data_state, scale)
        cache_key = json.dumps(key, sort_keys=True)
        ready = cache_key in serialized or ready_answer(cache_key) is not None
        if not ready and scale in announced:  # a short drawing is told at once, a long one at a later ask
            ready = start_preparing(config_state, data_state, scale, key, cache_key).wait(PREPARE_WAIT_SECONDS) \
                and (cache_key in serialized or ready_answer(cache_key) is not None)
        if ready or scale not in announced:
            announced[scale] = cache_key
        return flask.jsonify(version=json.dumps([announced[scale], turn], sort_keys=True, default=str),
                             asOf=as_of_words(data_state.data.as_of if data_state.data else None,
                                              words(config_state.config)))

    @app.callback(Output("wall-banner", "children"), Input("poll", "n_intervals"), prevent_initial_call=True)
    def refresh_banner(_ticks):
        """The config-problem banner: shown while the files on disk are wrong, gone when fixed.

        A wall that never had a good config shows its problems full screen instead.
        """
        state = live.config_state()
        if state.config is None:
            return []
        return banner(state.problems, words(state.config), turn=banner_turn())

    # The browser tells the server its size once, at load; wall.js reports resizes.
    app.clientside_callback(
        "function (_) { return {height: window.innerHeight, width: window.innerWidth}; }",
        Output("viewport", "data"),
        Input("url", "search"),
    )
    def panel_pages() -> dict[str, int]:
        """Pages per panel as the wall draws them: how a stand-up item steps through its panel's pages."""
        config_state, data_state = live.config_state(), live.data_state()
        return page_counts(rendered_body(config_state, data_state, 1.0)[0]) if config_state.config else {}

    if token:  # the remote and the API check their own tokens
        def unauthorised_page() -> str:
            say = words(live.config_state().config)
            return refusal_page(say("pages.wall_needs_link"), say.language)

        require_token(app.server, token, page=unauthorised_page,
                      exempt=lambda path: is_api_path(path) or (remote_token is not None and is_remote_path(path)))
    writer = (lambda address: mount.engines.get(address)) if mount else make_engine
    writer_url, writer_setting = (writer_for(mount.wall.id, url, mount.secrets) if mount
                                  else (settings.ingest_writer_url(url), WRITER_SETTING))
    add_api(app.server, ApiRoutes(live, writer_url, ingest_token=ingest_token, wall_token=token, make_writer=writer,
                                  counter=live.cache, writer_setting=writer_setting,
                                  wall_id=mount.wall.id if mount else None))
    app.server.before_request(answer_polls_from_the_drawn_wall)  # after the token check, never before
    state_cache = own_cache()  # its own: the numbers' cache in one process keeps only a few entries
    routes = StandupRoutes(live, WallStateStore(state_cache), panel_pages,
                           Pairings(state_cache, settings.pairing_seconds()), live.notes, remote_token)
    remote = add_standup(app.server, routes, local_dash, prefix)
    hashes = app.csp_hashes() + (remote.csp_hashes() if remote else [])
    add_security_headers(app.server, content_security_policy(hashes))
    app.remote = remote
    return app
