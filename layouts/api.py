"""The wall's JSON API: rows pushed in by a ticket system, and the summary for chat bots.

    add_api(server, live, database_url, ingest_token=..., wall_token=...)

`POST /api/v1/responses` and `/api/v1/ftr` exist only with an ingest token
(`OBEYA_INGEST_TOKEN`); a request carries it as `Authorization: Bearer ...`.
That token only writes: it opens no wall, no remote, no summary. `GET
/api/v1/summary` takes the wall's token the same way (or a screen's cookie),
and is open like the wall itself when the wall has no token.

Everything is mounted under `prefix`, so a server of several walls can give
each its own `/w/<id>/api/v1/...` with that wall's live state and database.
The answers' words are the importer's (obeya/ingest.py); this module is HTTP.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import flask

from layouts.access import WALL_PASS, TokenSource, current_secret, has_pass
from obeya.engine import PROBLEM_WORDS, make_engine
from obeya.ingest import WRITER_SETTING, Answer, Limits, RateLimit, ingest, problem
from obeya.live import LiveWall
from obeya.summary import wall_summary

API_PREFIX = "/api/v1"
INGEST_KINDS = ("responses", "ftr")


def is_api_path(path: str, prefix: str = "") -> bool:
    """The API checks its own tokens: the wall's screen check lets these paths through."""
    return path.startswith(prefix + API_PREFIX + "/")


def json_answer(answer: Answer, headers: dict | None = None) -> flask.Response:
    return flask.Response(json.dumps(answer.body, ensure_ascii=False), status=answer.status,
                          mimetype="application/json", headers={"Cache-Control": "no-store", **(headers or {})})


def _bearer() -> str:
    scheme, _, credentials = flask.request.headers.get("Authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else ""


class ApiRoutes:
    """The API of one wall: its live state, its database (written through its own engine), its tokens."""

    def __init__(self, live: LiveWall, database_url: str, *, ingest_token: TokenSource, wall_token: TokenSource,
                 limits: Limits = Limits(), clock: Callable[[], float] = time.monotonic,
                 make_writer: Callable[[str], object] = make_engine, counter=None,
                 writer_setting: str = WRITER_SETTING, wall_id: str | None = None) -> None:
        self.live = live
        # what the answers call the tokens: the variables of a single wall, the command of one of several
        self.token_names = ({"ingest": f"python -m obeya walls token {wall_id} --kind ingest",
                             "wall": f"python -m obeya walls token {wall_id}"} if wall_id else
                            {"ingest": "OBEYA_INGEST_TOKEN", "wall": "OBEYA_WALL_TOKEN"})
        self.database_url = database_url  # the writer's: OBEYA_INGEST_DATABASE_URL, else the wall's own
        self.writer_setting = writer_setting  # where the operator sets it, for the answer to a refused write
        self.ingest_token = ingest_token
        self.wall_token = wall_token
        self.limits = limits
        self.rate = RateLimit(limits.requests_per_minute, clock, shared=counter)  # counter: Redis, when shared
        self._engine = None  # the wall reads through a read-only engine; writes get their own, made on first use
        self._make_writer = make_writer  # several walls on one database share their writer (obeya/walls.py)

    def engine(self):
        if self._engine is None:
            self._engine = self._make_writer(self.database_url)
        return self._engine

    def write(self, kind: str) -> flask.Response:
        """POST rows of `kind`: checked, written in one transaction, answered with what was added."""
        ingest_token = current_secret(self.ingest_token)
        if ingest_token is None:  # no ingest token: the API does not exist
            return json_answer(problem(404, f"this wall takes no posted rows: the ingest API is on once it has an "
                                            f"ingest token ({self.token_names['ingest']})"))
        if not ingest_token.matches(_bearer()):
            return json_answer(problem(401, f"send the ingest token as 'Authorization: Bearer <token>' "
                                            f"({self.token_names['ingest']})"),
                               {"WWW-Authenticate": 'Bearer realm="obeya-ingest"'})
        retry_after = self.rate.retry_after(ingest_token.key)
        if retry_after is not None:
            return json_answer(problem(429, f"more than {self.limits.requests_per_minute} requests in a minute; "
                                            f"try again in {retry_after} s", retry_after=retry_after),
                               {"Retry-After": str(retry_after)})
        request = flask.request
        if request.mimetype != "application/json":
            return json_answer(problem(415, f"send the rows as JSON (Content-Type: application/json), "
                                            f"not {request.mimetype or 'no content type'}"))
        limit = self.limits.max_body_bytes
        if request.content_length is not None and request.content_length > limit:
            return self._too_big(request.content_length)
        body = request.stream.read(limit + 1)  # also bounds a chunked body that gave no length
        if len(body) > limit:
            return self._too_big(None)
        try:
            rows = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            return json_answer(problem(400, f"the body is not JSON: {error}"))
        except RecursionError:  # within the size limit, a hostile body can nest deeper than the parser goes
            return json_answer(problem(400, "the body is not JSON rows: it nests too deep"))
        config = self.live.config_state().config
        if config is None:
            return json_answer(problem(503, "the wall's config has never loaded: fix it (python -m obeya validate), "
                                            "then send again; nothing written"))
        replace = request.args.get("replace", "").lower() in ("1", "true", "yes")
        return json_answer(ingest(self.engine(), kind, rows, config, replace=replace, max_rows=self.limits.max_rows,
                                  writer_setting=self.writer_setting))

    def _too_big(self, length: int | None) -> flask.Response:
        size = f"{length:,} bytes" if length is not None else "the body"
        return json_answer(problem(413, f"{size} is over the limit of {self.limits.max_body_bytes:,} bytes per "
                                        f"request; send at most {self.limits.max_rows:,} rows at a time"))

    def summary(self) -> flask.Response:
        """GET the wall's current numbers, themes and actions, from what the wall last read."""
        wall_token = current_secret(self.wall_token)
        if wall_token is not None and not (wall_token.matches(_bearer()) or has_pass(wall_token, WALL_PASS)):
            return json_answer(problem(401, f"send the wall's token as 'Authorization: Bearer <token>' "
                                            f"({self.token_names['wall']})"),
                               {"WWW-Authenticate": 'Bearer realm="obeya-wall"'})
        config = self.live.config_state().config
        state = self.live.data_state()
        if config is None or state.data is None:
            if state.problem is None:
                return json_answer(problem(503, "the wall has no numbers yet (reading the database); ask again "
                                                "shortly", retry_after=5), {"Retry-After": "5"})
            # never read, and the reads fail: say why (the kind, never a host or user), and ask later
            return json_answer(problem(503, f"the wall has no numbers: it cannot read the database "
                                            f"({PROBLEM_WORDS.get(state.problem, state.problem)}) and keeps trying; "
                                            "the server's log says more", problem=state.problem, retry_after=60),
                               {"Retry-After": "60"})
        return json_answer(Answer(200, wall_summary(config, state.data, state.stale_since)))


def add_api(server: flask.Flask, routes: ApiRoutes, prefix: str = "") -> None:
    """The API's routes on `server`, under `prefix` (a wall's `/w/<id>` on a server of several)."""
    name = prefix.strip("/").replace("/", "_") or "wall"
    for kind in INGEST_KINDS:
        server.add_url_rule(f"{prefix}{API_PREFIX}/{kind}", f"obeya_api_{name}_{kind}",
                            lambda kind=kind: routes.write(kind), methods=["POST"])
    server.add_url_rule(f"{prefix}{API_PREFIX}/summary", f"obeya_api_{name}_summary", routes.summary)

    # Any other path or method under the API is answered in JSON, as a webhook's log can show it: a GET by
    # this rule (else the wall's page, which Dash serves at every path, would answer), the rest as errors.
    known = {f"{API_PREFIX}/{kind}": "POST" for kind in INGEST_KINDS} | {f"{API_PREFIX}/summary": "GET"}

    def elsewhere(rest: str = ""):
        return json_answer(api_path_problem(flask.request.method, flask.request.path, known))

    server.add_url_rule(f"{prefix}{API_PREFIX}/<path:rest>", f"obeya_api_{name}_other", elsewhere)
    server.add_url_rule(f"{prefix}{API_PREFIX}/", f"obeya_api_{name}_root", elsewhere)

    def api_error(error):
        return elsewhere() if is_api_path(flask.request.path, prefix) else error

    for code in (404, 405):
        server.register_error_handler(code, api_error)


def api_path_problem(method: str, path: str, known: dict[str, str]) -> Answer:
    """The answer to a request the API has no route for: 405 at a path it has (with another method), else 404;
    both name what the API takes."""
    offered = ", ".join(f"{method_} {route}" for route, method_ in known.items())
    route = next((route for route in known if path.endswith(route)), None)
    if route is not None:
        return problem(405, f"{method} is not taken at {route}; the API takes {offered}")
    return problem(404, f"no API at {path[-80:]}; the API takes {offered}")
