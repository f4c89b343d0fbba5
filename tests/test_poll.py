"""A screen's poll: answered from the drawn wall, the same as Dash's own answer; and a crowded cold start."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from zoneinfo import ZoneInfo

import pytest

from layouts.application import create_app
from tests.test_engine import fill

ENDPOINT = "/_dash-update-component"


def poll_request(app, viewport: dict, rendered) -> dict:
    """The body Dash's renderer sends for the poll callback (its output id taken from the app, as the wall does)."""
    (output,) = [key for key in app.callback_map if "wall-body.children" in key]
    return {
        "output": output,
        "outputs": [{"id": "wall-body", "property": "children"}, {"id": "wall", "property": "className"},
                    {"id": "rendered", "property": "data"}],
        "inputs": [{"id": "poll", "property": "n_intervals", "value": 3},
                   {"id": "viewport", "property": "data", "value": viewport}],
        "changedPropIds": ["poll.n_intervals"],
        "state": [{"id": "rendered", "property": "data", "value": rendered}],
    }


@pytest.fixture
def wall_app(tmp_path, config_copy):
    url = f"sqlite:///{tmp_path / 'wall.db'}"
    fill(url)
    app = create_app(config_dir=config_copy.path, database_url=url)
    app.live.settle()
    return app


def test_the_shared_poll_answer_is_what_dash_itself_answers(wall_app):
    body = poll_request(wall_app, {"height": 1080, "width": 1920}, None)
    shared = wall_app.server.test_client().post(ENDPOINT, json=body)
    with wall_app.server.test_request_context(ENDPOINT, method="POST", json=body):
        own = wall_app.server.make_response(wall_app.server.view_functions[ENDPOINT]())  # Dash's dispatch
    assert shared.status_code == own.status_code == 200
    assert shared.headers["X-Obeya-Poll"] == "shared" and "X-Obeya-Poll" not in own.headers
    assert json.loads(shared.get_data()) == json.loads(own.get_data())


def test_a_poll_with_nothing_new_gets_204_from_the_shared_path(wall_app):
    client = wall_app.server.test_client()
    first = client.post(ENDPOINT, json=poll_request(wall_app, {"height": 2160, "width": 3840}, None))
    key = json.loads(first.get_data())["response"]["rendered"]["data"]
    again = client.post(ENDPOINT, json=poll_request(wall_app, {"height": 2160, "width": 3840}, key))
    assert (again.status_code, again.headers["X-Obeya-Poll"]) == (204, "shared")


def test_a_wall_drawn_by_one_worker_is_sent_by_every_other_without_drawing_it_again(tmp_path, config_copy,
                                                                                      monkeypatch, caplog):
    """Workers (and servers, through Redis) share their drawings: fifty walls are drawn once per new version,
    not once per worker, and every screen gets the same wall wherever its poll lands."""
    monkeypatch.setenv("OBEYA_CACHE_DIR", str(tmp_path / "cache"))  # as `serve` gives its workers
    url = f"sqlite:///{tmp_path / 'wall.db'}"
    fill(url)
    first, second = (create_app(config_dir=config_copy.path, database_url=url) for _ in range(2))
    first.live.settle(), second.live.settle()
    body = poll_request(first, {"height": 1080, "width": 1920}, None)
    caplog.set_level("DEBUG", logger="layouts.application")
    drawn = first.server.test_client().post(ENDPOINT, json=body)
    draws = sum("drawing the wall" in record.message for record in caplog.records)
    sent = second.server.test_client().post(ENDPOINT, json=body)
    assert drawn.status_code == sent.status_code == 200 and drawn.get_data() == sent.get_data()
    assert draws == 1 and sum("drawing the wall" in record.message for record in caplog.records) == 1, [r.message for r in caplog.records]


def wait_for_numbers(url: str, seconds: float = 60) -> None:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with urllib.request.urlopen(url + "/_dash-layout", timeout=10) as response:
            if "Reading the numbers" not in response.read().decode():
                return
    pytest.fail("the wall never showed its numbers")


@pytest.mark.parametrize("command", ["app.py", "serve"])
def test_a_crowded_cold_start_answers_every_screen_and_draws_every_panel(command, tmp_path, config_copy):
    """Six TVs reloading together after a restart, before anyone else asked: layouts and polls at the same
    moment and at different sizes; once more when the numbers are in. The development server and the
    production one (two workers) answer them all, and no panel says it could not be drawn."""
    from tests.wall_server import APP, SERVE, WallServer

    url = f"sqlite:///{tmp_path / 'wall.db'}"
    fill(url)
    app = create_app(config_dir=config_copy.path, database_url=url)  # only to learn the poll's output id
    sizes = [(1080, 1920), (2160, 3840), (1440, 2560), (768, 1366), (900, 1600), (1200, 1920)]
    with WallServer(config_copy.path, url, tmp_path / "server.log",
                    command=APP if command == "app.py" else SERVE).start(until="listens") as server:
        answers: list[str] = []
        together = threading.Barrier(2 * len(sizes))

        def screen(path: str, body: dict | None = None) -> None:
            data = json.dumps(body).encode() if body else None
            request = urllib.request.Request(server.url + path, data=data,
                                             headers={"Content-Type": "application/json"})
            together.wait()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    answers.append(response.read().decode())
            except Exception as error:  # the server died under us
                answers.append(repr(error))

        for burst in range(2):
            if burst:
                wait_for_numbers(server.url)
            threads = [threading.Thread(target=screen, args=("/_dash-layout",)) for _ in sizes]
            threads += [threading.Thread(target=screen, args=(ENDPOINT, poll_request(
                app, {"height": height, "width": width}, None))) for height, width in sizes]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            server.check_alive()
        assert len(answers) == 24 and all(answer.startswith("{") for answer in answers), answers[:3]
        assert not [answer for answer in answers if "could not be drawn" in answer]
        assert any("nps-trend-chart" in answer for answer in answers[12:])


COLD_START_SCRIPT = """
import json, sys
from layouts.application import create_app
from tests.test_poll import poll_request
app = create_app(config_dir=sys.argv[1], database_url=sys.argv[2])
app.live.settle()
client = app.server.test_client()
before = set(sys.modules)
client.get("/_dash-layout")
client.post("/_dash-update-component", json=poll_request(app, {"height": 2160, "width": 3840}, None))
new = set(sys.modules) - before
print(json.dumps(sorted(name for name in new if name.split(".")[0] not in sys.stdlib_module_names)))
"""


def test_serving_the_first_screens_imports_nothing_new(tmp_path, config_copy):
    """Two threads importing one module at once can see it half initialised: nothing of the libraries is
    left to import when the first screens arrive (the standard library's codecs may still load lazily)."""
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    url = f"sqlite:///{tmp_path / 'wall.db'}"
    fill(url)
    done = subprocess.run([sys.executable, "-c", COLD_START_SCRIPT, str(config_copy.path), url], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_an_import_reaches_the_open_wall_within_seconds(tmp_path, config_copy):
    """An operator imports an export while the wall is up: the new comment shows without a restart."""
    import os
    import subprocess
    import sys
    import time
    from datetime import datetime, timedelta, timezone

    from tests.conftest import REPO_ROOT
    from tests.wall_server import WallServer

    url = f"sqlite:///{tmp_path / 'wall.db'}"
    fill(url)
    yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    export = tmp_path / "survey.csv"
    export.write_text("response_id,ticket_id,service,responded_at,score,comment\n"
                      f"NEW-1,INC0099,lims,{yesterday},2,The import reached the wall\n", encoding="utf-8")
    with WallServer(config_copy.path, url, tmp_path / "server.log").start() as server:
        wait_for_numbers(server.url)
        done = subprocess.run([sys.executable, "-m", "obeya", "import", "responses", str(export),
                               "--config", str(config_copy.path)], cwd=REPO_ROOT, capture_output=True, text=True,
                              env={**os.environ, "OBEYA_DATABASE_URL": url}, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        deadline = time.monotonic() + 15  # the marker is checked every 5 s; DESIGN asks for 10
        while time.monotonic() < deadline:
            with urllib.request.urlopen(server.url + "/_dash-layout", timeout=10) as response:
                if "The import reached the wall" in response.read().decode():
                    return
        pytest.fail("the imported comment did not reach the open wall\n" + server.output())


def test_a_read_that_finds_the_same_numbers_draws_nothing_new_and_the_screen_gets_the_read_time(wall_app, caplog):
    """Fifty walls read every minute; most reads find what the last one found. The wall is not drawn again
    (its drawing is most of a server's CPU), and "as of" still says when the numbers were last read."""
    from obeya.engine import make_engine
    from obeya.rollups import mark_data_changed

    client = wall_app.server.test_client()
    assert client.post(ENDPOINT, json=poll_request(wall_app, {"height": 1080, "width": 1920}, None)).status_code == 200
    size = "/_obeya/version?width=1920&height=1080"
    before = client.get(size).get_json()
    read_at = wall_app.live.data_state().read_at
    caplog.set_level("DEBUG", logger="layouts.application")
    with make_engine(str(wall_app.live.engine.url)).begin() as connection:  # a writer; nothing shown changed
        mark_data_changed(connection)
    deadline = time.monotonic() + 30  # the marker is looked at every 5 s
    while wall_app.live.settle().read_at == read_at and time.monotonic() < deadline:
        time.sleep(0.2)
    assert wall_app.live.data_state().read_at > read_at, "the marker did not make the wall read again"
    after = client.get(size).get_json()
    assert after["version"] == before["version"], (before, after)
    assert not any("drawing the wall" in record.message for record in caplog.records)
    shown = wall_app.live.data_state().data.as_of.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert after["asOf"] == f"as of {shown:%H:%M}"
