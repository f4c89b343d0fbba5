"""Only the right screens get in, and every response tells the browser to run nothing foreign."""

from __future__ import annotations

import pytest

from layouts.access import COOKIE_NAME, cookie_value
from layouts.application import create_app

PATHS = ["/", "/_dash-layout", "/_dash-dependencies", "/assets/wall.js", "/_obeya/health", "/config-file/x.png"]


@pytest.fixture
def make_app(test_config_dir, tmp_path):
    def make(token=None):
        return create_app(config_dir=test_config_dir, database_url=f"sqlite:///{tmp_path / 'wall.db'}", token=token)
    return make


@pytest.mark.parametrize("path", PATHS)
def test_without_the_token_every_path_answers_401(make_app, path):
    client = make_app(token="s3cret").server.test_client()
    assert client.get(path).status_code == 401
    assert client.post("/_dash-update-component", json={}).status_code == 401


def test_a_wrong_token_gets_401(make_app):
    client = make_app(token="s3cret").server.test_client()
    assert client.get("/?token=guess").status_code == 401


def test_the_link_with_the_token_gives_a_long_lived_httponly_cookie_and_drops_the_token(make_app):
    client = make_app(token="s3cret").server.test_client()
    response = client.get("/?token=s3cret&kiosk=1&panel=nps")
    assert response.status_code == 303
    assert response.headers["Location"] == "/?kiosk=1&panel=nps"
    cookie = response.headers["Set-Cookie"]
    assert f"{COOKIE_NAME}={cookie_value('s3cret')}" in cookie
    assert "HttpOnly" in cookie and "Max-Age=315360000" in cookie and "SameSite=Strict" in cookie
    assert "s3cret" not in cookie
    assert client.get("/?kiosk=1&panel=nps").status_code == 200
    assert client.get("/_dash-layout").status_code == 200


def test_changing_the_token_revokes_every_screen(make_app):
    old_screen = make_app(token="first").server.test_client()
    old_screen.get("/?token=first")
    assert old_screen.get("/").status_code == 200
    restarted = make_app(token="second").server.test_client()
    restarted.set_cookie(COOKIE_NAME, cookie_value("first"))
    assert restarted.get("/").status_code == 401


def test_without_a_token_configured_the_wall_is_open(make_app):
    assert make_app().server.test_client().get("/").status_code == 200


def test_every_response_carries_a_strict_content_security_policy(make_app):
    app = make_app()
    response = app.server.test_client().get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'unsafe-eval'" not in policy
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    for digest in app.csp_hashes():
        assert digest in script_src
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_no_endpoint_changes_data(make_app):
    """The server's routes only read: no route takes PUT, PATCH or DELETE, and POST only for Dash callbacks."""
    server = make_app().server
    for rule in server.url_map.iter_rules():
        methods = rule.methods - {"GET", "HEAD", "OPTIONS"}
        assert methods <= {"POST"}, rule
        if "POST" in methods:
            assert rule.rule.startswith("/_dash-"), rule


def test_config_files_outside_images_are_not_served(make_app):
    client = make_app().server.test_client()
    assert client.get("/config-file/wall.yaml").status_code == 404
    assert client.get("/config-file/../app.py").status_code == 404
