"""Only the right screens get in, and every response tells the browser to run nothing foreign."""

from __future__ import annotations

import logging
import time

import pytest

from layouts.access import COOKIE_NAME, COOKIE_SECONDS, cookie_value
from obeya.logs import hide_tokens_in_logs
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


def test_the_link_with_the_token_gives_an_httponly_cookie_within_the_browsers_cap_and_drops_the_token(make_app):
    client = make_app(token="s3cret").server.test_client()
    response = client.get("/?token=s3cret&kiosk=1&panel=nps")
    assert response.status_code == 303
    assert response.headers["Location"] == "/?kiosk=1&panel=nps"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    assert "HttpOnly" in cookie and "Max-Age=34128000" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain http on the box; https gets Secure
    assert "s3cret" not in cookie
    assert client.get("/?kiosk=1&panel=nps").status_code == 200
    assert client.get("/_dash-layout").status_code == 200


def test_over_https_the_cookie_is_secure(make_app):
    client = make_app(token="s3cret").server.test_client()
    cookie = client.get("/?token=s3cret", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in cookie


def test_a_kiosk_that_starts_from_its_link_with_a_cookie_still_loses_the_token_from_the_address(make_app):
    client = make_app(token="s3cret").server.test_client()
    client.get("/?token=s3cret")
    response = client.get("/?kiosk=1&token=s3cret")
    assert response.status_code == 303
    assert response.headers["Location"] == "/?kiosk=1"


def cookie_issued_days_ago(token: str, days: float) -> str:
    return cookie_value(token, issued_at=int(time.time() - days * 24 * 3600))


@pytest.mark.parametrize("path", ["/", "/_dash-layout", "/_obeya/health"])
def test_a_cookie_near_its_end_is_renewed_for_the_full_period(make_app, path):
    client = make_app(token="s3cret").server.test_client()
    client.set_cookie(COOKIE_NAME, cookie_issued_days_ago("s3cret", 394))
    response = client.get(path)
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert f"Max-Age={COOKIE_SECONDS}" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    renewed = cookie.split(";")[0].removeprefix(f"{COOKIE_NAME}=")
    issued = int(renewed.split(".")[0])
    assert time.time() - 60 < issued <= time.time()
    screen = make_app(token="s3cret").server.test_client()
    screen.set_cookie(COOKIE_NAME, renewed)
    assert screen.get("/").status_code == 200


def test_the_dash_poll_renews_an_old_cookie_too(make_app):
    client = make_app(token="s3cret").server.test_client()
    client.set_cookie(COOKIE_NAME, cookie_issued_days_ago("s3cret", 30))
    response = client.post("/_dash-update-component", json={})
    assert f"Max-Age={COOKIE_SECONDS}" in response.headers["Set-Cookie"]


def test_a_fresh_cookie_is_not_set_again_on_every_poll(make_app):
    client = make_app(token="s3cret").server.test_client()
    client.set_cookie(COOKIE_NAME, cookie_issued_days_ago("s3cret", 0.5))
    response = client.get("/_obeya/health")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_a_cookie_past_its_period_gets_401(make_app):
    client = make_app(token="s3cret").server.test_client()
    client.set_cookie(COOKIE_NAME, cookie_issued_days_ago("s3cret", 396))
    assert client.get("/").status_code == 401


@pytest.mark.parametrize("forged", [
    "forged",
    "1700000000.0000000000000000000000000000000000000000000000000000000000000000",
    cookie_value("s3cret", issued_at=1700000000).replace("1700000000", str(int(time.time())), 1),
    cookie_value("other-token"),
    "\u00e9t\u00e9.\u00e9t\u00e9",
])
def test_a_forged_cookie_gets_401(make_app, forged):
    client = make_app(token="s3cret").server.test_client()
    client.set_cookie(COOKIE_NAME, forged)
    assert client.get("/").status_code == 401


def test_a_screen_with_the_cookie_of_earlier_versions_is_renewed_not_locked_out(make_app):
    import hashlib
    import hmac

    earlier = hmac.new(b"s3cret", b"obeya-wall-screen", hashlib.sha256).hexdigest()  # ten-year cookie, no date
    client = make_app(token="s3cret").server.test_client()
    client.set_cookie(COOKIE_NAME, earlier)
    response = client.get("/")
    assert response.status_code == 200
    assert f"Max-Age={COOKIE_SECONDS}" in response.headers["Set-Cookie"]


def test_changing_the_token_revokes_every_screen(make_app):
    old_screen = make_app(token="first").server.test_client()
    old_screen.get("/?token=first")
    assert old_screen.get("/").status_code == 200
    restarted = make_app(token="second").server.test_client()
    restarted.set_cookie(COOKIE_NAME, old_screen.get_cookie(COOKIE_NAME).value)
    assert restarted.get("/").status_code == 401


def test_log_lines_never_show_a_token(monkeypatch, caplog):
    monkeypatch.setenv("OBEYA_WALL_TOKEN", "s3cret-wall")
    monkeypatch.setenv("OBEYA_REMOTE_TOKEN", "s3cret-remote")
    hide_tokens_in_logs()
    for name in ("werkzeug", "gunicorn.error", "gunicorn.access"):
        with caplog.at_level(logging.INFO, logger=name):
            logging.getLogger(name).info('"%s %s HTTP/1.1" %s', "GET", "/?kiosk=1&token=anything&panel=nps", 303)
            logging.getLogger(name).info("remote opened with s3cret-remote, wall with %s", "s3cret-wall")
    assert [record.getMessage() for record in caplog.records] == [
        '"GET /?kiosk=1&token=[hidden]&panel=nps HTTP/1.1" 303',
        "remote opened with [hidden], wall with [hidden]",
    ] * 3


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


# The only POSTs besides Dash's callbacks (which read): the stand-up's shared state, a pairing code, and the
# remote's annotation for today (a file in the data folder). None of them touches survey or ticket data.
STANDUP_POSTS = {"/_obeya/command", "/_obeya/shown", "/_obeya/pairing", "/remote/command", "/remote/annotation"}
# The ingest API writes survey and ticket data, and answers 404 without OBEYA_INGEST_TOKEN (tests/test_ingest.py).
INGEST_POSTS = {"/api/v1/responses", "/api/v1/ftr"}


@pytest.mark.parametrize("remote_token", [None, "r3mote"])
def test_no_endpoint_changes_data(test_config_dir, tmp_path, remote_token):
    """No route takes PUT, PATCH or DELETE; POST only for Dash callbacks, the stand-up's few and the ingest API."""
    server = create_app(config_dir=test_config_dir, database_url=f"sqlite:///{tmp_path / 'wall.db'}",
                        remote_token=remote_token).server
    for rule in server.url_map.iter_rules():
        methods = rule.methods - {"GET", "HEAD", "OPTIONS"}
        assert methods <= {"POST"}, rule
        if "POST" in methods:
            assert rule.rule.startswith(("/_dash-", "/remote/_dash-")) or rule.rule in STANDUP_POSTS | INGEST_POSTS, rule


def test_config_files_outside_images_are_not_served(make_app):
    client = make_app().server.test_client()
    assert client.get("/config-file/wall.yaml").status_code == 404
    assert client.get("/config-file/../app.py").status_code == 404


def test_a_dutch_walls_screen_without_the_link_is_told_so_in_dutch(config_copy, tmp_path):
    config_copy.edit("wall.yaml", "theme: dark", "theme: dark\nlanguage: nl")
    app = create_app(config_dir=config_copy.path, database_url=f"sqlite:///{tmp_path / 'wall.db'}", token="s3cret")
    refused = app.server.test_client().get("/")
    assert refused.status_code == 401
    page = refused.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Deze wall heeft zijn link met de token nodig. Vraag het aan wie de tv heeft ingericht." in page
