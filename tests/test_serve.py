"""`python -m obeya serve`: gunicorn workers that agree on who they are and share what they read."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(tmp_path, test_config_dir):
    port = free_port()
    env = dict(os.environ, OBEYA_PORT=str(port), OBEYA_CONFIG_DIR=str(test_config_dir),
               OBEYA_DATABASE_URL=f"sqlite:///{tmp_path / 'wall.db'}")
    env.pop("OBEYA_CACHE_URL", None)
    env.pop("OBEYA_WALL_TOKEN", None)
    log_path = tmp_path / "serve.log"  # a file, not a pipe: an unread pipe fills up and blocks the server
    log = open(log_path, "w")
    server = subprocess.Popen([sys.executable, "-m", "obeya", "serve", "--workers", "2"], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    server.log_path = log_path
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/_obeya/health", timeout=2).read()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("serve did not start:\n" + log_path.read_text())
            time.sleep(0.2)
    yield url, server
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


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
    server.terminate()
    server.wait(timeout=15)
    output = server.log_path.read_text()
    assert output.count("reading the wall's numbers from the database") == 1, output
