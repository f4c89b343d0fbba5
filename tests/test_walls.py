"""Several walls from one service (OBEYA_WALLS_DIR): each wall's tokens, data and config are its own.

One real production server (`python -m obeya serve`, two workers sharing what
they read through one cache folder) serves three walls with the same YAML:

- `a` on its own PostgreSQL database (the test's known rows: NPS +42.9),
- `b` on its own SQLite file (other rows: NPS +28.6),
- `c` with no database set: its own embedded SQLite file, demo data on first start, no token (open),
- `d` on a PostgreSQL server that is not there,

plus a folder whose name is not a wall id, which is not served.
"""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from obeya.config import load_config
from obeya.database import survey_responses
from obeya.engine import normalised_url
from tests.browser.wall_driver import fill_test_database, newest_comments
from tests.db_servers import fresh_database
from tests.wall_server import REPO_ROOT, SERVE
from tests.walls_server import ADMIN_TOKEN, TEST_CONFIG_DIR, WallsServer

ZONE = load_config(TEST_CONFIG_DIR).wall.timezone
NPS_A = round(100 * (9 - 3) / 14, 1)  # tests/browser/wall_driver.py KNOWN_DATA
NPS_B = round(100 * (4 - 2) / 7, 1)  # newest_comments: every day's score of the same week, both services
WAIT_SECONDS = 30
PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)  # an image by its first bytes
DOWN = "postgresql://postgres@127.0.0.1:9/obeya"  # the discard port: nothing listens


def eventually(check, what: str, seconds: float = WAIT_SECONDS):
    """Ask `check()` until it answers something true; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {seconds} s (last answer {answer!r})")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def walls(tmp_path_factory):
    folder = tmp_path_factory.mktemp("walls")
    served = WallsServer(folder, command=SERVE)
    with fresh_database("postgresql", folder) as postgres:
        fill_test_database(postgres, ZONE)
        b_database = f"sqlite:///{folder / 'b.db'}"
        newest_comments([])(b_database, ZONE)
        served.add_wall("a", database=postgres)
        served.add_wall("b", database=b_database)
        c = served.add_wall("c")
        (c / "logo.png").write_bytes(PNG)
        with (c / "wall.yaml").open("a", encoding="utf-8") as wall_yaml:
            wall_yaml.write("\nbrand:\n  logo: logo.png\n")
        served.add_wall("d", database=DOWN)
        (served.walls_dir / "Not A Wall").mkdir()
        (served.walls_dir / "Not A Wall" / "wall.yaml").write_text("title: x\n", encoding="utf-8")
        served.tokens = {"a": served.walls_command("token", "a"), "b": served.walls_command("token", "b"),
                         "a-remote": served.walls_command("token", "a", "--kind", "remote")}
        served.databases = {"a": postgres, "b": b_database}
        served.start()
        yield served
        served.stop()


def summary(walls, wall_id: str, token: str | None) -> dict:
    """The wall's numbers as its summary API gives them, once it has read its database."""
    def answer():
        status, _, text = walls.get(f"/w/{wall_id}/api/v1/summary", bearer=token)
        assert status in (200, 503), f"/w/{wall_id}/api/v1/summary answered {status}: {text[:200]}"
        return json.loads(text) if status == 200 else None
    return eventually(answer, f"the numbers of wall {wall_id}")


# --- data -----------------------------------------------------------------------------------------------------


def test_walls_with_the_same_yaml_show_the_numbers_of_their_own_database(walls):
    a = summary(walls, "a", walls.tokens["a"])
    b = summary(walls, "b", walls.tokens["b"])
    assert a["wall"] == b["wall"]  # the same YAML ...
    assert round(a["all_services"]["nps"]["value"], 1) == NPS_A  # ... PostgreSQL's numbers
    assert round(b["all_services"]["nps"]["value"], 1) == NPS_B  # ... and the SQLite file's, never shared


def test_a_wall_without_a_database_gets_its_own_embedded_one_with_demo_data(walls):
    assert (walls.data_dir / "walls" / "c" / "obeya.db").is_file()
    c = summary(walls, "c", None)  # no wall token: open
    assert c["as_of"]


def test_a_wall_whose_database_is_down_says_so_and_the_others_carry_on(walls):
    admin, _ = walls.login("/", ADMIN_TOKEN)
    status, _, page = walls.get("/w/d/")
    assert status == 200
    eventually(lambda: "database problem" in index_layout(walls, admin)["text"], "the index names d's problem")
    text = index_layout(walls, admin)["text"]
    assert text.count("database problem") == 1
    assert round(summary(walls, "a", walls.tokens["a"])["all_services"]["nps"]["value"], 1) == NPS_A


def test_without_an_admin_token_the_index_says_to_set_it(tmp_path):
    served = WallsServer(tmp_path, env={"OBEYA_ADMIN_TOKEN": ""})
    served.add_wall("solo", database=f"sqlite:///{tmp_path / 'solo.db'}")
    newest_comments([])(f"sqlite:///{tmp_path / 'solo.db'}", ZONE)
    served.start()
    try:
        status, _, text = served.get("/")
        assert status == 404 and "set OBEYA_ADMIN_TOKEN" in text
        assert served.get("/?token=anything")[0] == 404
        assert served.get("/w/solo/")[0] == 200  # the walls are served all the same
    finally:
        served.stop()


# --- tokens ---------------------------------------------------------------------------------------------------


def test_a_walls_token_opens_that_wall_only(walls):
    cookie, header = walls.login("/w/a/", walls.tokens["a"])
    assert "Path=/w/a/" in header and "HttpOnly" in header
    assert walls.get("/w/a/", cookie=cookie)[0] == 200
    assert walls.get("/w/a/_obeya/version", cookie=cookie)[0] == 200
    # Wall b: not with a's cookie (had the browser sent it), a's token in the link, or a's bearer.
    assert walls.get("/w/b/", cookie=cookie)[0] == 401
    assert walls.get(f"/w/b/?token={walls.tokens['a']}")[0] == 401
    assert walls.get("/w/b/api/v1/summary", bearer=walls.tokens["a"])[0] == 401
    assert walls.get("/w/b/api/v1/summary", bearer=walls.tokens["b"])[0] in (200, 503)
    assert walls.get("/w/a/")[0] == 401  # and a wall with a token is closed without it


def test_a_revoked_token_stops_within_seconds_and_the_other_wall_keeps_working(walls):
    token = walls.walls_command("token", "a")  # a new one: the fixture's stops too
    cookie, _ = walls.login("/w/a/", token)
    assert walls.get(f"/w/a/?token={walls.tokens['a']}")[0] == 401
    walls.walls_command("revoke", "a")
    eventually(lambda: walls.get("/w/a/", cookie=cookie)[0] == 401, "a revoked wall token stops opening the wall")
    assert walls.get(f"/w/a/?token={token}")[0] == 401
    b_cookie, _ = walls.login("/w/b/", walls.tokens["b"])
    assert walls.get("/w/b/", cookie=b_cookie)[0] == 200
    walls.tokens["a"] = walls.walls_command("token", "a")  # for the other tests
    eventually(lambda: walls.get(f"/w/a/?token={walls.tokens['a']}")[0] == 303, "the new token opens the wall")


def test_remote_exists_only_for_a_wall_with_a_remote_token_and_ingest_only_with_an_ingest_token(walls):
    assert walls.get("/w/b/remote/")[0] == 404
    cookie, header = walls.login("/w/a/remote", walls.tokens["a-remote"])
    assert "Path=/w/a/" in header
    assert walls.get("/w/a/remote/", cookie=cookie)[0] == 200
    assert walls.get("/w/b/remote/", cookie=cookie)[0] == 404
    rows = json.dumps([]).encode()
    assert walls.get("/w/a/api/v1/responses", method="POST", body=rows, bearer=walls.tokens["a"])[0] == 404


def test_the_qr_code_pairs_a_phone_with_the_remote_of_its_own_wall(walls):
    screen, _ = walls.login("/w/a/", walls.tokens["a"])
    status, _, text = walls.get("/w/a/_obeya/pairing", method="POST", body=b"{}", cookie=screen)
    assert status == 200, text
    link = json.loads(text)["link"]
    assert link.startswith(f"{walls.url}/w/a/remote?pair=")
    status, headers, _ = walls.get(link.removeprefix(walls.url))
    assert status == 303 and headers["Location"] == "/w/a/remote"  # then /w/a/remote/, as at /remote
    assert "Path=/w/a/" in headers["Set-Cookie"]
    b_screen, _ = walls.login("/w/b/", walls.tokens["b"])
    assert walls.get("/w/b/_obeya/pairing", method="POST", body=b"{}", cookie=b_screen)[0] == 404  # no remote


def test_ingest_token_of_one_wall_writes_only_that_walls_database(walls):
    ingest = walls.walls_command("token", "b", "--kind", "ingest")
    row = {"response_id": "R-INGEST-B", "ticket_id": "T-INGEST-B", "service": "lims",
           "responded_at": f"{date.today() - timedelta(days=1)}T10:00", "score": 10}
    body = json.dumps([row]).encode()
    assert walls.get("/w/a/api/v1/responses", method="POST", body=body, bearer=ingest)[0] == 404  # a: no ingest
    status, _, text = eventually(
        lambda: (answer := walls.get("/w/b/api/v1/responses", method="POST", body=body, bearer=ingest))[0] != 404
        and answer, "b's new ingest token")
    assert status == 200, text
    assert responses_with_id(walls.databases["b"], "R-INGEST-B") == 1
    assert responses_with_id(walls.databases["a"], "R-INGEST-B") == 0
    status, _, text = walls.get("/w/b/api/v1/summary", bearer=ingest)  # it only writes
    assert (status, json.loads(text)) == (401, {"error": "send the wall's token as 'Authorization: Bearer <token>' "
                                                         "(python -m obeya walls token b)"})
    status, _, text = walls.get("/w/a/api/v1/responses", method="POST", body=body, bearer="guess")
    assert (status, json.loads(text)) == (404, {"error": "this wall takes no posted rows: the ingest API is on once "
                                                         "it has an ingest token (python -m obeya walls token a "
                                                         "--kind ingest)"})
    status, _, text = walls.get("/w/nope/api/v1/responses", method="POST", body=body, bearer=ingest)
    assert (status, json.loads(text)) == (404, {"error": "There is no wall at /w/nope/. Ask the person who set up "
                                                         "the walls for the link."})


def responses_with_id(url: str, response_id: str) -> int:
    engine = create_engine(normalised_url(url))
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(survey_responses)
                                      .where(survey_responses.c.response_id == response_id)).scalar_one()
    finally:
        engine.dispose()


# --- addresses ------------------------------------------------------------------------------------------------


def test_unknown_walls_and_folders_that_are_not_walls_answer_404_with_a_sentence(walls):
    status, _, text = walls.get("/w/unknown/")
    assert status == 404 and "There is no wall at /w/unknown/." in text
    assert walls.get("/w/Not%20A%20Wall/")[0] == 404
    assert walls.get("/w/unknown/_obeya/health")[0] == 404


def test_images_of_a_walls_config_folder_come_from_under_its_path(walls):
    layout = json.dumps(json.loads(walls.get("/w/c/_dash-layout")[2]))  # Dash writes "/" as \u002f
    assert '"src": "/w/c/config-file/logo.png"' in layout
    status, headers, _ = walls.get("/w/c/config-file/logo.png")
    assert status == 200 and headers["Content-Type"] == "image/png"
    assert walls.get("/config-file/logo.png")[0] in (401, 404)  # not at the index's root


def test_a_hostile_wall_id_in_the_address_is_answered_as_text(walls):
    status, _, text = walls.get("/w/%3Cscript%3Ealert(1)%3C%2Fscript%3E/")
    assert status == 404 and "<script>" not in text and "&lt;script&gt;" in text
    assert walls.get("/w/../")[0] in (401, 404)  # never a file, never another wall


def test_a_broken_secrets_file_closes_its_wall_and_the_index_says_why(walls):
    secrets_file = walls.data_dir / "walls" / "c" / "secrets.json"
    assert walls.get("/w/c/")[0] == 200  # c has no token: open
    secrets_file.parent.mkdir(parents=True, exist_ok=True)
    secrets_file.write_text("{ not json", encoding="utf-8")
    try:
        eventually(lambda: walls.get("/w/c/")[0] == 401, "a broken secrets.json closes the wall")
        admin, _ = walls.login("/", ADMIN_TOKEN)
        assert f"{secrets_file} is unreadable" in index_layout(walls, admin)["text"]
        assert walls.get("/w/b/", cookie=walls.login("/w/b/", walls.tokens["b"])[0])[0] == 200
    finally:
        secrets_file.unlink()
    eventually(lambda: walls.get("/w/c/")[0] == 200, "c open again once the file is gone")


def test_a_wall_without_its_slash_is_redirected_to_it(walls):
    status, headers, _ = walls.get("/w/c?panel=nps")
    assert status == 308 and headers["Location"].endswith("/w/c/?panel=nps")


# --- the index ------------------------------------------------------------------------------------------------


def index_layout(walls, cookie: str) -> dict:
    """What the index shows: {"walls": {id: its props}, "refused": [names], "text": all its words}."""
    status, _, text = walls.get("/_dash-layout", cookie=cookie)
    assert status == 200
    found = {"walls": {}, "refused": [], "text": []}

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            props = node.get("props", {})
            if "data-wall" in props:
                found["walls"][props["data-wall"]] = props
            if "data-refused" in props:
                found["refused"].append(props["data-refused"])
            walk(props.get("children"))
        elif isinstance(node, str):
            found["text"].append(node)
    walk(json.loads(text))
    found["text"] = " ".join(found["text"])
    return found


def test_the_index_needs_the_admin_token(walls):
    assert walls.get("/")[0] == 401
    assert walls.get("/?token=wrong")[0] == 401
    assert walls.get("/_dash-layout")[0] == 401
    assert walls.get(f"/?token={walls.tokens['a']}")[0] == 401  # a wall's token is not the admin's
    cookie, header = walls.login("/", ADMIN_TOKEN)
    assert walls.get("/", cookie=cookie)[0] == 200
    index = index_layout(walls, cookie)
    assert sorted(index["walls"]) == ["a", "b", "c", "d"]
    assert index["refused"] == ["Not A Wall"]
    assert "No wall token: anyone who reaches this server can open this wall." in index["text"]  # c
    assert "wall yes" in index["text"] and "remote no" in index["text"]


def test_broken_yaml_on_one_wall_shows_there_and_on_the_index_only(walls):
    wall_yaml = walls.walls_dir / "a" / "wall.yaml"
    good = wall_yaml.read_text(encoding="utf-8")
    cookie_a, _ = walls.login("/w/a/", walls.tokens["a"])
    cookie_b, _ = walls.login("/w/b/", walls.tokens["b"])
    admin, _ = walls.login("/", ADMIN_TOKEN)
    try:
        wall_yaml.write_text(good + "\nnot_a_key: 1\n", encoding="utf-8")
        health = lambda cookie, wall_id: json.loads(walls.get(f"/w/{wall_id}/_obeya/health", cookie=cookie)[2])
        eventually(lambda: health(cookie_a, "a")["problems"] > 0, "wall a notices its broken wall.yaml")
        assert health(cookie_b, "b")["problems"] == 0
        assert "not_a_key" in walls.get("/w/a/_dash-layout", cookie=cookie_a)[2]  # the banner names it
        assert "not_a_key" not in walls.get("/w/b/_dash-layout", cookie=cookie_b)[2]
        index = index_layout(walls, admin)
        assert index["walls"]["a"]["data-problems"] == "1"
        assert index["walls"]["b"]["data-problems"] == "0"
        assert "1 config problem" in index["text"] and "not_a_key" in index["text"]
        assert summary(walls, "a", walls.tokens["a"])["all_services"]["nps"]["value"]  # last good config: numbers
    finally:
        wall_yaml.write_text(good, encoding="utf-8")


# --- the command line -----------------------------------------------------------------------------------------


def test_import_into_one_wall_writes_its_database_only(walls, tmp_path):
    csv = tmp_path / "answers.csv"
    csv.write_text("response_id,ticket_id,service,responded_at,score,comment\n"
                   f"R-IMPORT-A,T-IMPORT-A,analysers,{date.today() - timedelta(days=2)} 09:00,9,Quick fix\n",
                   encoding="utf-8")
    result = walls.cli("import", "--wall", "a", "responses", str(csv))
    assert result.returncode == 0, result.stdout + result.stderr
    assert responses_with_id(walls.databases["a"], "R-IMPORT-A") == 1
    assert responses_with_id(walls.databases["b"], "R-IMPORT-A") == 0


def test_commands_name_an_unknown_wall_and_stop(walls, tmp_path):
    for argv in (("import", "--wall", "nope", "responses", str(tmp_path / "x.csv")), ("validate", "--wall", "nope"),
                 ("snapshot", "--wall", "nope", "--out", str(tmp_path / "x.png")), ("walls", "token", "nope"),
                 ("walls", "revoke", "Not A Wall")):
        result = walls.cli(*argv)
        assert result.returncode == 1, argv
        assert "no wall 'nope' in" in result.stderr or "no wall 'Not A Wall' in" in result.stderr, result.stderr
        assert "(its walls: a, b, c, d)" in result.stderr


def test_validate_and_snapshot_of_one_wall(walls, tmp_path):
    result = walls.cli("validate", "--wall", "b")
    assert result.returncode == 0 and "/walls/b/: valid" in result.stdout, result.stdout + result.stderr
    # The shipped config on its embedded demo database (the test config's wall never settles for a snapshot).
    shipped = WallsServer(tmp_path / "shipped")
    shipped.add_wall("shipped", config=REPO_ROOT / "config")
    result = shipped.cli("snapshot", "--wall", "shipped", "--panel", "nps", "--out", str(tmp_path / "nps.png"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"wrote {tmp_path / 'nps.png'}: nps page 1 at 1920x1080")
    assert (tmp_path / "nps.png").read_bytes().startswith(b"\x89PNG")
    result = walls.cli("validate", "--wall", "b", str(tmp_path))
    assert result.returncode == 2
    assert "--wall names the wall's config folder: leave out the other folder" in result.stderr


def test_the_walls_file_keeps_only_hashes_and_is_private(walls):
    secrets_file = walls.data_dir / "walls" / "a" / "secrets.json"
    assert secrets_file.stat().st_mode & 0o777 == 0o600
    text = secrets_file.read_text(encoding="utf-8")
    assert walls.tokens["a"] not in text and walls.tokens["a-remote"] not in text
    listing = walls.walls_command("list")
    assert "a\t/w/a/\twall=yes remote=yes" in listing
    assert "c\t/w/c/\twall=no remote=no ingest=no\tembedded SQLite  (open: no wall token)" in listing


def test_a_database_url_that_cannot_be_used_is_refused_with_a_sentence(walls):
    result = walls.cli("walls", "database", "c", "nonsense")
    assert result.returncode == 2
    assert "not a database URL" in result.stderr


def test_a_wall_on_its_own_read_only_database_writes_through_its_writer(tmp_path, monkeypatch):
    from obeya.__main__ import main
    from obeya.walls import WallSecrets, writer_for

    served = WallsServer(tmp_path)
    served.add_wall("lab")
    for name, value in served.env.items():
        monkeypatch.setenv(name, value)
    reader, writer = "postgresql://wall_reader@db/lab", "postgresql://lab_owner@db/lab"
    assert main(["walls", "database", "lab", reader, "--writer", writer]) == 0
    assert writer_for("lab", reader) == (writer, "a writer for the wall's own database (python -m obeya walls "
                                                 "database lab URL --writer WRITER_URL)")
    assert main(["walls", "database", "lab", reader]) == 0  # set again without one: the reader's URL writes
    assert writer_for("lab", reader)[0] == reader
    assert main(["walls", "database", "lab", "-", "--writer", writer]) == 2  # a writer needs the wall's own URL
    assert WallSecrets("lab").values().database_url == reader


def test_walls_on_one_database_share_one_engine_and_keep_their_cache_entries_apart(tmp_path, monkeypatch):
    from layouts.walls import create_walls_server

    served = WallsServer(tmp_path)
    shared = f"sqlite:///{tmp_path / 'shared.db'}"
    newest_comments([])(shared, ZONE)
    for number in range(5):
        served.add_wall(f"team-{number}")
    served.add_wall("own", database=f"sqlite:///{tmp_path / 'own.db'}")
    for name, value in {**served.env, "OBEYA_DATABASE_URL": shared}.items():
        monkeypatch.setenv(name, value)
    walls = create_walls_server(prepare=True).walls
    engines = {wall_id: wall.app.live.engine for wall_id, wall in walls.items()}
    assert len({id(engine) for wall_id, engine in engines.items() if wall_id.startswith("team-")}) == 1
    assert engines["own"] is not engines["team-0"]
    first, second = walls["team-0"].app.live, walls["team-1"].app.live
    assert first.settle().data is not None and second.settle().data is not None
    assert first.cache.prefix != second.cache.prefix  # the same YAML and database, each wall its own entries


def test_a_walls_folder_that_is_not_there_stops_the_server_with_a_sentence(tmp_path):
    served = WallsServer(tmp_path, env={"OBEYA_WALLS_DIR": str(tmp_path / "missing")})
    result = served.cli("serve")
    assert result.returncode == 2
    assert f"obeya serve: OBEYA_WALLS_DIR={tmp_path / 'missing'}: no such folder" in result.stderr
    listing = served.cli("walls", "list")
    assert listing.returncode == 1 and "no such folder" in listing.stderr
