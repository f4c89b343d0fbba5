"""A ticket system pushes survey answers and resolved tickets as JSON; the wall shows them within seconds.

The API answers bad input (tokens, rows, bodies, pace) with a JSON sentence and
writes nothing; a replay writes nothing new. Run on SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import flask
import pytest
from sqlalchemy import func, select

from layouts.api import ApiRoutes, add_api
from layouts.application import create_app
from obeya.database import ftr_results, prepare_database, survey_responses
from obeya.engine import make_engine
from obeya.ingest import Limits
from obeya.live import MARKER_SECONDS, LiveWall
from tests.db_servers import KINDS, READ_ONLY, database_user, fresh_database

INGEST = "ingest-s3cret"
WALL = "wall-s3cret"
NOW = datetime(2025, 6, 18, 9, 30, tzinfo=timezone.utc)


def answer(rid: str, score=9, **extra) -> dict:
    return {"response_id": rid, "ticket_id": f"T-{rid}", "service": "lims",
            "responded_at": "2025-06-11T10:00:00+02:00", "score": score, **extra}


class Clock:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture(params=KINDS)
def database_url(request, tmp_path):
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def clock():
    return Clock()


class Api:
    """The API of a wall over the test config and a fresh database, spoken to as a webhook would."""

    def __init__(self, config_dir, database_url: str, clock: Clock, limits: Limits = Limits(),
                 writer_url: str | None = None, **tokens) -> None:
        prepare_database(database_url, config_dir)
        self.engine = make_engine(database_url)
        self.live = LiveWall(config_dir, make_engine(database_url, read_only=True), clock=clock,
                             now=lambda: NOW + timedelta(seconds=clock.seconds - 1000))
        server = flask.Flask(__name__)
        tokens = {"ingest_token": INGEST, "wall_token": None, **tokens}
        add_api(server, ApiRoutes(self.live, writer_url or database_url, limits=limits, clock=clock, **tokens))
        self.client = server.test_client()

    def post(self, path: str, rows, token: str | None = INGEST, **options):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if "data" not in options:  # as a webhook sends it: keys in its order (Flask's json= sorts them)
            options.update(data=json.dumps(rows), content_type="application/json")
        return self.client.post(path, headers=headers, **options)

    def stored(self, table=survey_responses) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(table))


@pytest.fixture
def api(test_config_dir, database_url, clock):
    return Api(test_config_dir, database_url, clock)


def test_posted_answers_are_written_and_named_in_the_answer(api):
    response = api.post("/api/v1/responses", [answer("R1"), answer("R2", score=3, comment="Slow")])
    assert response.status_code == 200
    assert response.json == {"kind": "responses", "received": 2, "added": 2, "unchanged": 0, "updated": 0,
                             "unknown_services": {}}
    assert api.stored() == 2


def test_a_replay_writes_nothing_new_and_says_so(api):
    rows = [answer("R1"), answer("R2")]
    api.post("/api/v1/responses", rows)
    replay = api.post("/api/v1/responses", rows)
    assert replay.status_code == 200
    assert (replay.json["added"], replay.json["unchanged"], replay.json["updated"]) == (0, 2, 0)
    assert api.stored() == 2
    replaced = api.post("/api/v1/responses?replace=true", [answer("R1", score=2)])
    assert (replaced.json["added"], replaced.json["unchanged"], replaced.json["updated"]) == (0, 0, 1)
    with api.engine.connect() as connection:
        assert connection.scalar(select(survey_responses.c.score).where(survey_responses.c.response_id == "R1")) == 2


def test_a_row_may_name_its_service_as_the_wall_names_it(api):
    response = api.post("/api/v1/responses", [answer("R1", service="Lab information system")])
    assert (response.status_code, response.json["added"], response.json["unknown_services"]) == (200, 1, {})
    with api.engine.connect() as connection:
        assert connection.scalar(select(survey_responses.c.service)) == "lims"
    one_bad = api.post("/api/v1/responses", [answer("R2", score=11)])
    assert (one_bad.status_code, one_bad.json["error"]) == (422, "1 of 1 row invalid: nothing written")


def test_an_invalid_row_is_named_in_a_422_and_nothing_of_the_request_is_written(api):
    rows = [answer("R1"), answer("R2", score=11), answer("R3", responded_at="yesterday"), "not a row"]
    response = api.post("/api/v1/responses", rows)
    assert response.status_code == 422
    assert response.json["error"] == "3 of 4 rows invalid: nothing written"
    assert response.json["rows"] == [
        {"index": 1, "response_id": "R2", "problem": "score '11' is not a whole number from 0 to 10"},
        {"index": 2, "response_id": "R3", "problem": response.json["rows"][1]["problem"]},
        {"index": 3, "response_id": None, "problem": "the row is a JSON string, not an object of columns"},
    ]
    assert response.json["rows"][1]["problem"].startswith("responded_at 'yesterday'")
    assert api.stored() == 0


def test_a_missing_column_is_named_without_the_command_lines_advice(api):
    response = api.post("/api/v1/responses", [{"response_id": "R1", "service": "lims", "score": 9}])
    assert response.status_code == 422
    message = response.json["error"]
    assert message.startswith("no survey responses written: missing column ticket_id: no key ticket_id, number")
    assert "--map" not in message and "keys found: response_id, service, score" in message
    assert api.stored() == 0


def test_ftr_rows_take_json_booleans_and_derive_first_time_right(api):
    rows = [{"ticket_id": "INC1", "service": "lims", "resolved_at": "2025-06-11 10:00", "reopened": True,
             "reassigned": 0},
            {"ticket_id": "INC2", "service": "lims", "resolved_at": "2025-06-11 11:00", "reopened": False,
             "reassigned": 0}]
    response = api.post("/api/v1/ftr", rows)
    assert response.status_code == 200 and response.json["added"] == 2
    with api.engine.connect() as connection:
        assert dict(connection.execute(select(ftr_results.c.ticket_id, ftr_results.c.first_time_right)).all()) == {
            "INC1": False, "INC2": True}


def test_a_nested_value_is_refused_by_its_key(api):
    response = api.post("/api/v1/responses", [answer("R1", comment={"text": "hi"})])
    assert response.status_code == 422
    assert response.json["rows"][0]["problem"] == "comment is a JSON object; give text, a number, true/false or null"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("token, status", [(None, 401), ("guess", 401), (WALL, 401)])
def test_a_missing_or_wrong_token_gets_401_in_json_and_writes_nothing(api, token, status):
    response = api.post("/api/v1/responses", [answer("R1")], token=token)
    assert response.status_code == status
    assert response.json == {"error": "send the ingest token as 'Authorization: Bearer <token>' (OBEYA_INGEST_TOKEN)"}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert api.stored() == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_without_an_ingest_token_the_api_does_not_exist(test_config_dir, database_url, clock):
    api = Api(test_config_dir, database_url, clock, ingest_token=None)
    refused = api.post("/api/v1/responses", [answer("R1")], token="anything")
    assert (refused.status_code, refused.json) == (404, {
        "error": "this wall takes no posted rows: the ingest API is on once it has an ingest token "
                 "(OBEYA_INGEST_TOKEN)"})
    assert api.post("/api/v1/ftr", [], token=None).status_code == 404


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_wrong_path_or_method_under_the_api_is_answered_in_json(api):
    offered = "the API takes POST /api/v1/responses, POST /api/v1/ftr, GET /api/v1/summary"
    typo = api.post("/api/v1/respones", [answer("R1")])
    assert (typo.status_code, typo.mimetype, typo.json) == (
        404, "application/json", {"error": f"no API at /api/v1/respones; {offered}"})
    wrong_method = api.client.get("/api/v1/responses", headers={"Authorization": f"Bearer {INGEST}"})
    assert (wrong_method.status_code, wrong_method.json) == (
        405, {"error": f"GET is not taken at /api/v1/responses; {offered}"})
    assert api.stored() == 0


def test_the_walls_page_never_answers_under_the_api(test_config_dir, tmp_path):
    """Dash serves the wall's page at every path: under /api/v1/ a webhook gets JSON instead."""
    app = create_app(config_dir=test_config_dir, database_url=f"sqlite:///{tmp_path / 'wall.db'}", token=WALL,
                     ingest_token=INGEST)
    client = app.server.test_client()
    for method, path, status in (("GET", "/api/v1/respones", 404), ("POST", "/api/v1/respones", 404),
                                 ("GET", "/api/v1/responses", 405), ("POST", "/api/v1/summary", 405),
                                 ("GET", "/api/v1/", 404)):
        answer_ = client.open(path, method=method)
        assert (answer_.status_code, answer_.mimetype) == (status, "application/json"), (method, path)
        assert "the API takes POST /api/v1/responses" in answer_.json["error"]
    assert client.get("/api/v1/summary").status_code == 401  # the real routes are still there


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_bodies_that_are_not_a_json_list_get_a_sentence(api):
    not_json = api.post("/api/v1/responses", None, data="{oops", content_type="application/json")
    assert not_json.status_code == 400 and not_json.json["error"].startswith("the body is not JSON: ")
    form = api.post("/api/v1/responses", None, data="score=9", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415
    assert form.json["error"] == ("send the rows as JSON (Content-Type: application/json), "
                                  "not application/x-www-form-urlencoded")
    nested = api.post("/api/v1/responses", None, data="[" * 200_000, content_type="application/json")
    assert (nested.status_code, nested.json) == (400, {"error": "the body is not JSON rows: it nests too deep"})
    one_object = api.post("/api/v1/responses", answer("R1"))
    assert one_object.status_code == 400
    assert one_object.json["error"] == "the body must be a JSON list of rows (objects), not a JSON object"
    assert api.stored() == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_oversized_body_or_too_many_rows_get_413_and_write_nothing(test_config_dir, database_url, clock):
    api = Api(test_config_dir, database_url, clock, limits=Limits(max_body_bytes=2_000, max_rows=5))
    big = api.post("/api/v1/responses", [answer("R1", comment="x" * 3_000)])
    assert big.status_code == 413
    assert big.json["error"].endswith("is over the limit of 2,000 bytes per request; send at most 5 rows at a time")
    many = api.post("/api/v1/responses", [answer(f"R{i}") for i in range(6)])
    assert many.status_code == 413
    assert many.json["error"] == "6 rows in one request; send at most 5 at a time"
    assert api.stored() == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_token_over_its_pace_gets_429_with_retry_after_until_the_minute_has_passed(test_config_dir, database_url,
                                                                                       clock):
    api = Api(test_config_dir, database_url, clock, limits=Limits(requests_per_minute=3))
    for number in range(3):
        assert api.post("/api/v1/responses", [answer(f"R{number}")]).status_code == 200
        clock.seconds += 10
    refused = api.post("/api/v1/responses", [answer("R9")])
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "31"  # the first of the three was 30 s ago
    assert refused.json["error"] == "more than 3 requests in a minute; try again in 31 s"
    assert api.stored() == 3
    clock.seconds += 31
    assert api.post("/api/v1/responses", [answer("R9")]).status_code == 200


def test_a_posted_answer_shows_on_the_wall_at_its_next_refresh(api, clock):
    first = api.live.settle()
    lims_before = first.data.nps_by_service["lims"].periods[-1].counts
    assert api.post("/api/v1/responses", [answer("HOOK-1", score=2)]).status_code == 200
    clock.seconds += MARKER_SECONDS  # the change marker is checked every few seconds
    after = api.live.settle()
    lims_after = after.data.nps_by_service["lims"].periods[-1].counts
    assert after.version == first.version + 1
    assert lims_after.detractors == lims_before.detractors + 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_with_a_wall_token_the_api_still_takes_its_own_token_and_the_ingest_token_opens_nothing_else(
        test_config_dir, database_url):
    app = create_app(config_dir=test_config_dir, database_url=database_url, token=WALL, ingest_token=INGEST,
                     remote_token="r3mote")
    client = app.server.test_client()
    posted = client.post("/api/v1/responses", json=[answer("R1")], headers={"Authorization": f"Bearer {INGEST}"})
    assert posted.status_code == 200 and posted.json["added"] == 1
    as_ingest = {"Authorization": f"Bearer {INGEST}"}
    assert client.get("/", headers=as_ingest).status_code == 401
    assert client.get(f"/?token={INGEST}").status_code == 401
    assert client.get("/remote", headers=as_ingest).status_code == 403  # the remote's "ask for its link" page
    assert client.get(f"/remote?token={INGEST}").status_code == 403
    assert client.get("/api/v1/summary", headers=as_ingest).status_code == 401
    assert client.post("/api/v1/responses", json=[answer("R2")],
                       headers={"Authorization": f"Bearer {WALL}"}).status_code == 401


# --- the summary -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_summary_gives_the_walls_numbers_themes_and_actions_from_the_data_the_wall_shows(
        test_config_dir, database_url, clock):
    api = Api(test_config_dir, database_url, clock)
    api.post("/api/v1/responses", [answer(f"S{i}", score=10 if i % 3 else 2, comment="Slow call back")
                                   for i in range(30)])
    state = api.live.settle()
    response = api.client.get("/api/v1/summary")
    assert response.status_code == 200 and response.mimetype == "application/json"
    summary = response.json
    assert summary["wall"] == {"title": "Lab wall", "team": "Lab Systems Support"}
    assert summary["as_of"] == state.data.as_of.isoformat() and summary["period"] == "week"
    lims = next(service for service in summary["services"] if service["id"] == "lims")
    shown = state.data.nps_by_service["lims"].current
    assert lims["nps"]["n"] == shown.counts.responses == 30
    assert lims["nps"]["value"] == round(shown.estimate.value, 1) == 33.3  # 20 promoters, 10 detractors
    assert lims["nps"]["low"] < 33.3 < lims["nps"]["high"]
    assert lims["nps"]["target"] == 30 and lims["nps"]["status"] == state.data.nps_by_service["lims"].status
    assert set(lims["ftr"]) >= {"value", "low", "high", "n", "target", "status", "main_miss_reason"}
    assert [service["id"] for service in summary["services"]] == ["analysers", "lims"]
    assert set(summary["actions"]) == {"today", "unanswered_gaps", "overdue", "gaps", "other_actions"}
    actions = summary["actions"]["other_actions"] + [item for gap in summary["actions"]["gaps"]
                                                     for item in gap["actions"]]
    assert actions and set(actions[0]) >= {"id", "title", "owner", "status", "due", "overdue", "before_after"}
    assert "themes" in summary  # None without themes.yaml: the test config has none


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_summary_takes_the_walls_token_never_the_ingest_token(test_config_dir, database_url, clock):
    api = Api(test_config_dir, database_url, clock, wall_token=WALL)
    api.live.settle()
    assert api.client.get("/api/v1/summary").status_code == 401
    assert api.client.get("/api/v1/summary", headers={"Authorization": f"Bearer {INGEST}"}).json == {
        "error": "send the wall's token as 'Authorization: Bearer <token>' (OBEYA_WALL_TOKEN)"}
    assert api.client.get("/api/v1/summary", headers={"Authorization": f"Bearer {WALL}"}).status_code == 200


def test_a_summary_of_a_wall_that_cannot_read_says_why_and_when_to_ask_again(test_config_dir, tmp_path, clock):
    from sqlalchemy import create_engine
    empty = f"sqlite:///{tmp_path / 'no-tables.db'}"
    create_engine(empty).connect().close()  # a database file without the wall's tables: a reader cannot make them
    live = LiveWall(test_config_dir, make_engine(empty, read_only=True), clock=clock)
    live.settle()
    server = flask.Flask(__name__)
    add_api(server, ApiRoutes(live, empty, ingest_token=INGEST, wall_token=None, clock=clock))
    response = server.test_client().get("/api/v1/summary")
    assert (response.status_code, response.headers["Retry-After"]) == (503, "60")
    assert response.json == {
        "error": "the wall has no numbers: it cannot read the database (a table the wall reads is missing) and "
                 "keeps trying; the server's log says more",
        "problem": "missing_table", "retry_after": 60}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_posted_comments_are_tagged_and_the_summary_gives_their_themes(config_copy, database_url, clock):
    config_copy.write("themes.yaml", "themes:\n  - {id: waiting, name: Waiting, cause: process, phrases: [waited]}\n")
    api = Api(config_copy.path, database_url, clock)
    rows = [answer(f"W{i}", score=2, comment="I waited two days") for i in range(10)]
    rows += [answer(f"F{i}", score=10, comment="Fine") for i in range(20)]
    assert api.post("/api/v1/responses", rows).json["added"] == 30
    api.live.settle()
    themes = api.client.get("/api/v1/summary").json["themes"]
    assert (themes["comments"], themes["cause_shares"]) == (30, {"process": 100.0, "people": 0.0, "training": 0.0})
    (waiting,) = themes["themes"]
    assert (waiting["id"], waiting["name"], waiting["cause"]) == ("waiting", "Waiting", "process")
    assert (waiting["mentions"], waiting["detractor_mentions"], waiting["share"]) == (10, 10, 33.3)
    assert waiting["impact"] < 0  # without the waiting, NPS would be higher


@pytest.mark.parametrize("kind", ["postgresql", "mariadb"])
def test_a_read_only_writer_gets_a_503_that_says_where_to_name_a_writer(kind, test_config_dir, tmp_path, clock):
    with fresh_database(kind, tmp_path) as owner_url:
        prepare_database(owner_url, test_config_dir)
        with database_user(kind, owner_url, READ_ONLY[kind]) as reader:
            reader_url = reader.url.render_as_string(hide_password=False)
            api = Api(test_config_dir, owner_url, clock, writer_url=reader_url)
            refused = api.post("/api/v1/responses", [answer("R1")])
            assert refused.status_code == 503
            assert refused.json["error"].startswith("the database user may not write the survey responses, "
                                                    "nothing written (")
            assert refused.json["error"].endswith(
                "the wall reads as a read-only user, so set OBEYA_INGEST_DATABASE_URL to the URL of a user that may "
                "write its tables (the tables' owner)")
            assert api.stored() == 0
            api.engine.dispose()
