"""Several walls from one service (`OBEYA_WALLS_DIR`): each wall's app under `/w/<id>/`, the index at `/`.

    create_walls_server()      the WSGI app (gunicorn loads it by name: layouts.walls:create_walls_server())

Each wall is the single wall's app (`create_app(mount=...)`): Dash asks for
everything under `/w/<id>/` (`requests_pathname_prefix`) while its Flask
routes stay as they are (`routes_pathname_prefix="/"`), because werkzeug's
`DispatcherMiddleware` hands it the request with `/w/<id>` moved into the
script root. A wall that cannot start answers 503 with the reason; the
others carry on. The index at `/` exists only with `OBEYA_ADMIN_TOKEN`.
The domain side (folders, tokens, databases) is obeya/walls.py.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote

import dash_bootstrap_components as dbc
import flask
from dash import html
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from layouts.access import Pass, add_security_headers, content_security_policy, refusal_page, require_token
from layouts.api import API_PREFIX, json_answer
from layouts.application import create_app, local_dash
from obeya import settings
from obeya.engine import PROBLEM_WORDS, make_engine
from obeya.ingest import problem
from obeya.walls import (TOKEN_KINDS, SharedEngines, WallFolder, WallMount, Walls, WallSecrets, database_url_for,
                         prepare_wall, walls_from_env)

log = logging.getLogger(__name__)
ADMIN_PASS = Pass("obeya_admin", "obeya-walls-index")
INDEX_ASSETS = r"^(wall\.|panel-|geometry\.|remote\.|standup\.)"  # the index takes only the vendored styles
TITLE = "Obeya walls"
NO_ADMIN_TOKEN = ("The index of walls is off: set OBEYA_ADMIN_TOKEN to a long random string and open "
                  "/?token=<it>. Each wall is at /w/<id>/.")
ADMIN_UNAUTHORISED = refusal_page("The index of walls needs its link with the admin token (OBEYA_ADMIN_TOKEN).",
                                  title=TITLE)
NO_SUCH_WALL = "There is no wall at /w/{id}/. Ask the person who set up the walls for the link."
WALL_DOWN = "The wall {id} could not start: {reason}. The other walls are not affected; see the server's log."


@dataclass
class ServedWall:
    """A wall of the folder as the server has it: its app, or why it has none."""

    folder: WallFolder
    secrets: WallSecrets
    app: object | None  # the wall's Dash app
    failure: str | None = None


def create_walls_server(prepare: bool = False):
    """The WSGI app of every wall of `OBEYA_WALLS_DIR` and the index; `obeya serve` prepared the databases."""
    walls = walls_from_env()
    engines = SharedEngines(make_engine)
    served = [serve_wall(folder, engines, prepare) for folder in walls.walls]
    for refused in walls.refused:
        log.warning("%s/%s is not served as a wall: %s", settings.walls_dir(), refused.name, refused.reason)
    index = index_app(walls, served)
    return WallsDispatcher(index.server, {wall.folder.id: wall for wall in served})


def serve_wall(folder: WallFolder, engines: SharedEngines, prepare: bool) -> ServedWall:
    """The wall's app; a wall that cannot be built (a database URL that cannot be used) is kept with the reason."""
    secrets = WallSecrets(folder.id)
    try:
        url = prepare_wall(folder) if prepare else database_url_for(folder.id, secrets)
        return ServedWall(folder, secrets, create_app(mount=WallMount(folder, secrets, engines, url)))
    except Exception as error:  # one wall's trouble is its own
        log.exception("the wall %s could not start", folder.id)
        return ServedWall(folder, secrets, None, str(error).splitlines()[0] if str(error) else type(error).__name__)


def _server_of(wall: ServedWall) -> flask.Flask:
    if wall.app is not None:
        return wall.app.server
    down = flask.Flask(f"obeya_wall_{wall.folder.id}")
    sentence = WALL_DOWN.format(id=wall.folder.id, reason=wall.failure)
    down.before_request(lambda: _refusal(503, sentence, flask.request.path))
    return down


def _refusal(status: int, sentence: str, path: str) -> flask.Response:
    """`sentence` as a page for people, or as the API's JSON for a webhook that asked under /api/v1/."""
    if API_PREFIX + "/" in path:  # also /w/<a wall that is not there>/api/v1/...
        return json_answer(problem(status, sentence))
    return flask.Response(refusal_page(sentence, title=TITLE), status=status, mimetype="text/html")


class WallsDispatcher:
    """`/w/<id>/...` to the wall's app, `/w/<id>` redirected to `/w/<id>/`, everything else to the index."""

    def __init__(self, index: flask.Flask, walls: dict[str, ServedWall]) -> None:
        self.walls = walls
        self.ids = set(walls)
        self.dispatch = DispatcherMiddleware(index, {f"/w/{wall_id}": _server_of(wall)
                                                     for wall_id, wall in walls.items()})

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        match = re.fullmatch(r"/w/([^/]+)", path)
        if match and match.group(1) in self.ids:
            query = environ.get("QUERY_STRING", "")
            location = environ.get("SCRIPT_NAME", "") + quote(path) + "/" + (f"?{query}" if query else "")
            start_response("308 Permanent Redirect", [("Location", location), ("Content-Type", "text/plain")])
            return [b""]
        return self.dispatch(environ, start_response)


# --- the index ------------------------------------------------------------------------------------------------


def index_app(walls: Walls, served: list[ServedWall]):
    """The index of walls at `/`, behind `OBEYA_ADMIN_TOKEN`; `/w/<anything else>` answers 404 with a sentence."""
    app = local_dash("obeya_walls", title="Obeya walls", assets_ignore=INDEX_ASSETS)
    admin_token = settings.admin_token()

    @app.server.route("/w/<path:rest>", methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"])
    def no_such_wall(rest: str):
        wall_id = rest.split("/")[0]
        return _refusal(404, NO_SUCH_WALL.format(id=wall_id[:60]), flask.request.path)

    @app.server.before_request
    def index_needs_its_token():
        if admin_token is None and not flask.request.path.startswith("/w/"):
            return flask.Response(refusal_page(NO_ADMIN_TOKEN, title=TITLE), status=404, mimetype="text/html")
        return None

    if admin_token:
        require_token(app.server, admin_token, exempt=lambda path: path.startswith("/w/"), page=ADMIN_UNAUTHORISED,
                      kind=ADMIN_PASS)
    app.layout = lambda: index_layout(walls, served)
    add_security_headers(app.server, content_security_policy(app.csp_hashes()))
    return app


def wall_row(wall: ServedWall) -> dict:
    """What the index says of one wall: plain values, for the page and for tests."""
    row = {"id": wall.folder.id, "link": f"{wall.folder.prefix}/", "title": wall.folder.id, "problems": 0,
           "first_problem": None, "data": "", "tokens": {}}
    values = wall.secrets.values()
    row["tokens"] = {kind: kind in values.tokens for kind in TOKEN_KINDS}
    row["secrets_problem"] = values.problem
    if wall.app is None:
        row.update(data=f"not started: {wall.failure}")
        return row
    live = wall.app.live
    config_state = live.config_state()
    if config_state.config is not None:
        row["title"] = config_state.config.wall.title
    row["problems"] = len(config_state.problems)
    row["first_problem"] = str(config_state.problems[0]) if config_state.problems else None
    row["data"] = _data_words(live.data_state()) if config_state.config is not None else "no good config yet"
    return row


def _data_words(state) -> str:
    if state.problem is not None:
        since = f" (stale since {_when(state.stale_since)})" if state.stale_since else ""
        return f"database problem: {PROBLEM_WORDS.get(state.problem, state.problem)}{since}"
    if state.stale_since is not None:
        return f"stale since {_when(state.stale_since)}"
    if state.reading or state.read_at is None:
        return "reading"
    return f"fresh (read {_when(state.read_at)})"


def _when(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _yes_no(kind: str, on: bool) -> html.Span:
    colour = "success" if on else "secondary"
    return html.Span(f"{kind} {'yes' if on else 'no'}", className=f"badge me-1 text-bg-{colour}",
                     **{"data-token": kind, "data-set": "yes" if on else "no"})


def _data_color(text: str) -> str:
    return "success" if text.startswith("fresh") else "info" if text == "reading" else "warning"


def wall_card(wall: ServedWall) -> dbc.Card:
    row = wall_row(wall)
    problems = (html.Div([dbc.Badge(f"{row['problems']} config problem{'s' if row['problems'] != 1 else ''}",
                                    color="danger", className="me-2"),
                          html.Code(row["first_problem"], className="text-break")], className="mb-2")
                if row["problems"] else html.Div("config: no problems", className="text-success-emphasis mb-2"))
    open_note = (None if row["tokens"]["wall"]
                 else html.Div("No wall token: anyone who reaches this server can open this wall.",
                               className="text-warning small mb-1"))
    secrets_note = html.Div(row["secrets_problem"], className="text-danger small") if row["secrets_problem"] else None
    return html.Div(dbc.CardBody([
        html.Div([html.H2(html.A(row["title"], href=row["link"], className="link-light"), className="h5 mb-0 me-2"),
                  html.Code(row["id"], className="small")], className="d-flex flex-wrap align-items-baseline mb-2"),
        problems,
        html.Div(row["data"], className=f"small fw-semibold mb-2 text-{_data_color(row['data'])}",
                 **{"data-state": row["data"].split(" ")[0]}),
        html.Div([_yes_no(kind, on) for kind, on in row["tokens"].items()], className="mb-1"),
        open_note,
        secrets_note,
    ]), className="card mb-3", id=f"wall-{row['id']}",
        **{"data-wall": row["id"], "data-problems": str(row["problems"])})


def index_layout(walls: Walls, served: list[ServedWall]) -> html.Div:
    """Every wall with its title, link, config problems, data state and tokens; then folders that are not walls."""
    refused = [html.Li([html.Code(item.name), f": {item.reason}"], **{"data-refused": item.name})
               for item in walls.refused]
    return html.Div(dbc.Container([
        html.H1("Obeya walls", className="h3"),
        html.P(f"{len(served)} wall{'s' if len(served) != 1 else ''} from {settings.walls_dir()}, "
               f"as of {_when(datetime.now(timezone.utc))}. Tokens are managed with python -m obeya walls.",
               className="text-body-secondary small"),
        dbc.Row([dbc.Col(wall_card(wall), xs=12, md=6, xl=4) for wall in served]) if served
        else html.P("No walls: put one config folder (with its wall.yaml) per wall into the folder."),
        html.Div([html.H2("Folders that are not walls", className="h5 mt-2"), html.Ul(refused, id="refused")])
        if refused else None,
    ], fluid=True, id="walls-index"), **{"data-bs-theme": "dark"}, className="bg-body text-body min-vh-100 pt-3")
