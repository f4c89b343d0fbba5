"""Who may see the wall, and the headers that keep a browser from running anything else.

With `OBEYA_WALL_TOKEN` set, a screen opens the wall once as `/?token=...`;
the server answers with a long-lived HttpOnly cookie derived from the token
and a redirect to the same URL without it. Changing the token changes the
cookie every screen needs, so it revokes them all. Without a valid token or
cookie every path, Dash's endpoints included, answers 401.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from urllib.parse import urlencode

import flask

COOKIE_NAME = "obeya_wall"
COOKIE_SECONDS = 10 * 365 * 24 * 3600  # a TV is never logged out
UNAUTHORISED_PAGE = (
    "<!doctype html><title>Obeya Wall</title>"
    "<p>This wall needs its link with the token. Ask the person who set up the TV.</p>"
)


def cookie_value(token: str) -> str:
    """What the cookie holds: a keyed hash of the token, never the token itself."""
    return hmac.new(token.encode(), b"obeya-wall-screen", hashlib.sha256).hexdigest()


def require_token(server: flask.Flask, token: str) -> None:
    """Make every request on `server` carry the wall's token (once, in the link) or its cookie."""
    expected = cookie_value(token)

    @server.before_request
    def check_token():
        if hmac.compare_digest(flask.request.cookies.get(COOKIE_NAME, ""), expected):
            return None
        offered = flask.request.args.get("token", "")
        if offered and hmac.compare_digest(cookie_value(offered), expected):
            rest = [(key, value) for key, value in flask.request.args.items(multi=True) if key != "token"]
            response = flask.redirect(flask.request.path + ("?" + urlencode(rest) if rest else ""), code=303)
            response.set_cookie(COOKIE_NAME, expected, max_age=COOKIE_SECONDS, httponly=True, samesite="Strict",
                                secure=flask.request.is_secure)
            return response
        return flask.Response(UNAUTHORISED_PAGE, status=401, mimetype="text/html")


def content_security_policy(script_hashes: list[str]) -> str:
    """As strict as Dash and plotly allow: nothing from other origins, no inline script but Dash's own."""
    scripts = " ".join(script_hashes)  # Dash gives them quoted: 'sha256-...'
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {scripts}".strip(),
        "style-src 'self' 'unsafe-inline'",  # plotly and React set style attributes
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ])


def add_security_headers(server: flask.Flask, policy: str) -> None:
    """CSP and the usual headers on every response."""

    @server.after_request
    def headers(response: flask.Response) -> flask.Response:
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if flask.request.path.startswith("/_dash-") or flask.request.path.startswith("/_obeya/"):
            response.headers["Cache-Control"] = "no-store"
        return response


def wall_token() -> str | None:
    """The token screens need, from `OBEYA_WALL_TOKEN` (None: open to whoever reaches the port)."""
    return os.environ.get("OBEYA_WALL_TOKEN") or None
