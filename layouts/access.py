"""Who may see the wall, and the headers that keep a browser from running anything else.

With `OBEYA_WALL_TOKEN` set, a screen opens the wall once as `/?token=...`;
the server answers with an HttpOnly cookie and a redirect to the same URL
without it. The cookie holds the day it was issued and an HMAC of that, keyed
by the token: changing the token revokes every screen, and the server knows a
cookie's age. Browsers cap a cookie's life at 400 days, so the cookie lasts
395 and is issued anew on the first request after a day: a TV that shows the
wall is never logged out. Without a valid token or cookie every path, Dash's
endpoints included, answers 401.

The token never reaches a log line: `HideTokens` rewrites any `token=...` in
the access and error logs of werkzeug and gunicorn and in the wall's own.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Callable, Union
from urllib.parse import urlencode

import flask
from html import escape

from obeya.walls import token_hash


COOKIE_NAME = "obeya_wall"
COOKIE_SECONDS = 395 * 24 * 3600  # within Chromium's 400-day cap on a cookie's life
RENEW_AFTER_SECONDS = 24 * 3600  # a cookie older than this is issued anew, so a used screen never expires
def refusal_page(text: str, language: str = "en", title: str = "Obeya Wall") -> str:
    """The short page a browser gets instead of the wall or the remote: one sentence, in the wall's language."""
    return (f'<!doctype html><html lang="{escape(language)}"><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{REFUSAL_STYLE}</style>"
            f"<p>{escape(text)}</p></html>")


# Read on a phone in the hand and on a TV across the room: big type that scales with the screen, dark like the wall
REFUSAL_STYLE = ("html{background:#0b0d10;color:#f2f4f7;font-family:system-ui,sans-serif}"
                 "body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center}"
                 "p{max-width:40ch;margin:1.5rem;font-size:max(1.25rem,3.5vmin);line-height:1.4}")


UNAUTHORISED_PAGE = refusal_page("This wall needs its link with the token. Ask the person who set up the TV.")


@dataclass(frozen=True)
class Pass:
    """A cookie that lets a browser in for one token: the wall's screens, or the facilitator's remote.

    `purpose` is part of what the HMAC signs, so one kind of cookie never opens the other.
    """

    cookie: str
    purpose: str


WALL_PASS = Pass(COOKIE_NAME, "obeya-wall-screen")


@dataclass(frozen=True)
class Secret:
    """A token to check: its value (from the environment), or only its hash (a wall's secrets.json).

    `key` is also what cookies are signed with: the token itself, or its hash.
    """

    key: str
    hashed: bool = False

    def matches(self, offered: str) -> bool:
        if not offered:
            return False
        return same_secret(token_hash(offered) if self.hashed else offered, self.key)


# A token as the routes are given it: a fixed one, none (open / no such route), or a function asked on every
# request (a wall of several, whose tokens can be changed and revoked while it runs).
TokenSource = Union[str, Secret, Callable[[], Union[str, Secret, None]], None]


def current_secret(source: TokenSource) -> Secret | None:
    """The token `source` holds right now; None when there is none."""
    value = source() if callable(source) else source
    if value is None or isinstance(value, Secret):
        return value
    return Secret(value)


def _mac(token: str, message: str) -> str:
    return hmac.new(token.encode(), message.encode(), hashlib.sha256).hexdigest()


def same_secret(offered: str, expected: str) -> bool:
    """Constant-time comparison that takes any text a browser sends."""
    return hmac.compare_digest(offered.encode(), expected.encode())


def cookie_value(token: str, issued_at: int | None = None, purpose: str = WALL_PASS.purpose) -> str:
    """What the cookie holds: when it was issued (Unix seconds) and an HMAC of that keyed by the token."""
    issued_at = int(time.time()) if issued_at is None else issued_at
    return f"{issued_at}.{_mac(token, f'{purpose}:{issued_at}')}"


def cookie_age(token: str, value: str, purpose: str = WALL_PASS.purpose) -> int | None:
    """Seconds since the cookie `value` was issued for `token`; None when it was not, or has expired.

    The wall's cookie of earlier versions (an HMAC without a date, issued for
    ten years) counts as expiring now, so screens set up before are renewed,
    not locked out.
    """
    issued, _, mac = value.partition(".")
    if not mac:
        old = purpose == WALL_PASS.purpose and same_secret(value, _mac(token, purpose))
        return COOKIE_SECONDS if old else None
    if not (issued.isascii() and issued.isdigit()) or not same_secret(mac, _mac(token, f"{purpose}:{issued}")):
        return None
    age = int(time.time()) - int(issued)
    return age if age <= COOKIE_SECONDS else None


def give_cookie(response: flask.Response, token: TokenSource, kind: Pass = WALL_PASS) -> None:
    """The cookie of `kind` on `response`, for this wall's paths only (`/w/<id>/` on a server of several)."""
    secret = current_secret(token)
    response.set_cookie(kind.cookie, cookie_value(secret.key, purpose=kind.purpose), max_age=COOKIE_SECONDS,
                        path=flask.request.script_root + "/", httponly=True, samesite="Strict",
                        secure=flask.request.is_secure)


def without_parameter(name: str) -> str:
    """This request's path and query without the parameter `name` (a token or a code leaves the address bar)."""
    rest = [(key, value) for key, value in flask.request.args.items(multi=True) if key != name]
    return flask.request.script_root + flask.request.path + ("?" + urlencode(rest) if rest else "")


def login_with_link(token: TokenSource, kind: Pass = WALL_PASS) -> flask.Response | None:
    """With the right `?token=` in the link: a redirect to the same link without it, carrying the cookie."""
    secret = current_secret(token)
    if secret is None or not secret.matches(flask.request.args.get("token", "")):
        return None
    response = flask.redirect(without_parameter("token"), code=303)
    give_cookie(response, secret, kind)
    return response


def has_pass(token: TokenSource, kind: Pass = WALL_PASS) -> bool:
    """The request carries a valid cookie of `kind`; one older than a day is issued anew on the response."""
    secret = current_secret(token)
    if secret is None:
        return False
    age = cookie_age(secret.key, flask.request.cookies.get(kind.cookie, ""), kind.purpose)
    if age is None:
        return False
    if not 0 <= age < RENEW_AFTER_SECONDS:
        flask.g.setdefault("renew_cookies", []).append((secret, kind))
    return True


def require_token(server: flask.Flask, token: TokenSource, exempt: Callable[[str], bool] = lambda path: False,
                  page: str | Callable[[], str] = UNAUTHORISED_PAGE, kind: Pass = WALL_PASS) -> None:
    """Make every request on `server` carry the wall's token (once, in the link) or its cookie.

    Paths for which `exempt(path)` is true check their own pass (the remote's). `page` (or what it
    answers, asked on each refusal: the wall's language may change) is what a browser without it gets.
    A `token` that is a function is asked on each request: while it answers None, the server is open.
    """

    @server.before_request
    def check_token():
        if exempt(flask.request.path):
            return None
        if current_secret(token) is None:
            return None
        # Also with a valid cookie (a kiosk browser starts from its link): the token leaves the address bar.
        if (response := login_with_link(token, kind)) is not None:
            return response
        if has_pass(token, kind):
            return None
        return flask.Response(page() if callable(page) else page, status=401, mimetype="text/html")

    @server.after_request
    def renew_cookie(response: flask.Response) -> flask.Response:
        for renew_token, kind in flask.g.pop("renew_cookies", []):
            give_cookie(response, renew_token, kind)
        return response


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

