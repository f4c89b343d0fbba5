"""`python -m obeya serve`: gunicorn workers that agree on who they are and share what they read."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.wall_server import REPO_ROOT, SERVE, WallServer


def start_server(command, tmp_path: Path, config_dir: Path, **environment: str) -> WallServer:
    """The wall as a real server process on a free port, on a fresh SQLite file, its output going to a file."""
    return WallServer(config_dir, f"sqlite:///{tmp_path / 'wall.db'}", tmp_path / "server.log",
                      command=tuple(command), env=environment).start()


@pytest.fixture
def served(tmp_path, test_config_dir):
    server = start_server(SERVE, tmp_path, test_config_dir)
    yield server.url, server
    server.stop()


def get(url: str) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def test_serve_answers_with_the_security_headers_and_no_debug(served):
    url, _server = served
    status, headers, body = get(url + "/")
    assert status == 200
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert b"dash-debug" not in body.lower() and b"_dash-global-error-container" not in body


def test_every_worker_reports_the_same_boot_id_so_screens_do_not_reload(served):
    url, server = served
    import json

    boots = {json.loads(get(url + "/_obeya/health")[2])["boot"] for _ in range(30)}
    assert len(boots) == 1


def test_workers_read_the_database_once_between_them(served):
    url, server = served
    for _ in range(20):
        assert get(url + "/_dash-layout")[0] == 200
    output = server.stop()
    assert output.count("reading the wall's numbers from the database") == 1, output


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.parametrize("command", [["app.py"], ["-m", "obeya", "serve", "--workers", "1"]], ids=["app.py", "serve"])
def test_the_token_is_in_no_line_of_the_servers_output(tmp_path, test_config_dir, command):
    token = "tv-token-8c1f0e"
    server = start_server(command, tmp_path, test_config_dir, OBEYA_WALL_TOKEN=token)
    try:
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(f"{server.url}/?kiosk=1&token={token}", timeout=10)
        assert redirect.value.code == 303
        assert redirect.value.headers["Referrer-Policy"] == "no-referrer"
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(f"{server.url}/_dash-layout?token={token}x", timeout=10)
        assert refused.value.code == 401
        cookie = redirect.value.headers["Set-Cookie"].split(";")[0]
        request = urllib.request.Request(f"{server.url}/_dash-layout", headers={"Cookie": cookie})
        assert opener.open(request, timeout=10).status == 200
    finally:
        output = server.stop()
    if command == ["app.py"]:  # the development server logs every request (in colour), with the token hidden
        assert '"GET /?kiosk=1&token=[hidden] HTTP/1.1" 303' in re.sub("\x1b\\[[0-9;]*m", "", output), output
    assert [line for line in output.splitlines() if token in line] == []


def test_a_port_that_is_not_a_number_is_named(tmp_path):
    env = dict(os.environ, OBEYA_PORT="80a")
    for command, name in ((["app.py"], "app.py"), (["-m", "obeya", "serve"], "obeya serve")):
        result = subprocess.run([sys.executable, *command], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 2
        assert result.stderr.splitlines()[-1] == f"{name}: OBEYA_PORT must be a port number from 1 to 65535, not '80a'"


def test_the_obeya_command_validates_from_any_folder(tmp_path, test_config_dir):
    """The console script `pip install -e .` puts next to the Python, with main()'s exit code."""
    command = Path(sys.executable).parent / "obeya"
    if not command.exists():
        reason = f"the obeya command is not installed next to {sys.executable} (pip install -e .)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    env = {key: value for key, value in os.environ.items() if not key.startswith("OBEYA_")}
    valid = subprocess.run([command, "validate", str(test_config_dir)], cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=60)
    assert valid.returncode == 0, valid.stderr
    invalid = subprocess.run([command, "validate", str(tmp_path)], cwd=tmp_path, env=env, capture_output=True,
                             text=True, timeout=60)
    assert invalid.returncode == 1
    assert f"{tmp_path}/wall.yaml:1:1: file not found" in invalid.stdout.splitlines()


def test_preview_serves_an_edited_config_on_another_port_before_it_goes_live(tmp_path, config_copy):
    import urllib.request

    from tests.test_engine import fill
    from tests.wall_server import WallServer

    url = f"sqlite:///{tmp_path / 'wall.db'}"
    fill(url)
    config_copy.edit("wall.yaml", "title: Lab wall", "title: Lab wall (new look)")
    server = WallServer(config_copy.path, url, tmp_path / "preview.log")
    server.command = ("-m", "obeya", "preview", str(config_copy.path), "--port", str(server.port))
    with server.start():
        with urllib.request.urlopen(server.url + "/_dash-layout", timeout=30) as response:
            assert "Lab wall (new look)" in response.read().decode()
    assert f"previewing {config_copy.path} on http://127.0.0.1:{server.port}/" in server.output()


def test_serve_warns_about_a_database_user_once_not_once_per_worker(tmp_path, config_copy):
    from tests.db_servers import fresh_database
    from tests.test_engine import fill
    from tests.wall_server import SERVE, WallServer

    with fresh_database("postgresql", tmp_path) as url:  # the superuser: three warnings
        fill(url)
        server = WallServer(config_copy.path, url, tmp_path / "serve.log", command=SERVE)
        with server.start():
            pass
        lines = [line for line in server.output().splitlines() if "database user:" in line]
    assert len(lines) == 3, lines


def test_a_command_to_one_worker_reaches_screens_streaming_from_every_worker_within_a_second(served):
    """The stand-up's shared state goes through the workers' shared cache: whichever worker a screen's stream
    and a command land on, the stream sends the change."""
    import json
    import threading
    import time

    url, server = served
    server.send_command(command="standup", on=False)
    streams = [urllib.request.urlopen(url + "/_obeya/events", timeout=10) for _ in range(4)]  # both workers, likely
    first = [json.loads(next(line for line in stream if line.startswith(b"data: "))[6:]) for stream in streams]
    assert all(message["standup"] is None for message in first)
    arrived: list[float] = []

    def wait_for_standup(stream) -> None:
        for line in stream:
            if line.startswith(b"data: ") and json.loads(line[6:])["standup"] is not None:
                arrived.append(time.monotonic())
                return

    readers = [threading.Thread(target=wait_for_standup, args=(stream,), daemon=True) for stream in streams]
    for reader in readers:
        reader.start()
    sent = time.monotonic()
    server.send_command(command="standup", on=True)
    for reader in readers:
        reader.join(timeout=5)
    for stream in streams:
        stream.close()
    assert len(arrived) == 4 and max(arrived) - sent < 1.0, [round(at - sent, 3) for at in arrived]
