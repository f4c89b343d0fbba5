"""Several walls from one service: the folders of `OBEYA_WALLS_DIR`, each wall's private file, its database.

    OBEYA_WALLS_DIR/
      sales/wall.yaml, services.yaml, ...     a wall, served at /w/sales/
      ops/wall.yaml, ...                      another, at /w/ops/
      Shared Stuff/                           not a wall: no wall.yaml (or a name that is not an id)

A wall's id is its folder's name: `[a-z0-9][a-z0-9_-]{0,39}`, so it can be
part of a URL and a path as it is. What a wall keeps for itself lives under
`$OBEYA_DATA_DIR/walls/<id>/`, never in its config folder (that one goes into
the team's git): the remote's annotations, the embedded SQLite database of a
wall that names no other, and `secrets.json` (mode 0600), which holds only
the SHA-256 of the wall's tokens (wall, remote, ingest) and, optionally, the
wall's own database URL. `python -m obeya walls ...` manages that file; the
server re-reads it when it changes, so a revoked token stops within seconds.

No Dash here: the screen of several walls is layouts/walls.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sqlalchemy import Engine

from obeya import settings
from obeya.cache import ResultCache

WALL_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
TOKEN_KINDS = ("wall", "remote", "ingest")
SECRETS_FILE = "secrets.json"
HASH_PREFIX = "sha256:"


class WallsError(ValueError):
    """A wall or the walls folder cannot be used as asked; the message says why, in a sentence."""


@dataclass(frozen=True)
class WallFolder:
    """One wall of the walls folder: its id (the folder's name) and its config folder."""

    id: str
    config_dir: Path

    @property
    def prefix(self) -> str:
        """Where the wall is served: `/w/<id>` (its pages under `/w/<id>/`)."""
        return f"/w/{self.id}"


@dataclass(frozen=True)
class Refused:
    """A folder of the walls folder that is not served, and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class Walls:
    walls: tuple[WallFolder, ...]
    refused: tuple[Refused, ...]

    def find(self, wall_id: str) -> WallFolder | None:
        return next((wall for wall in self.walls if wall.id == wall_id), None)


def discover(walls_dir: Path) -> Walls:
    """Every sub-folder of `walls_dir` holding a wall.yaml whose name is an id; the others, with the reason."""
    if not walls_dir.is_dir():
        raise WallsError(f"OBEYA_WALLS_DIR={walls_dir}: {'not a folder' if walls_dir.exists() else 'no such folder'}")
    walls, refused = [], []
    for entry in sorted(walls_dir.iterdir(), key=lambda path: path.name):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        if not (entry / "wall.yaml").is_file():
            refused.append(Refused(entry.name, "no wall.yaml in it"))
        elif not WALL_ID.fullmatch(entry.name):
            refused.append(Refused(entry.name, "not a wall id: lower-case letters, digits, - and _, at most 40, "
                                               "starting with a letter or digit"))
        else:
            walls.append(WallFolder(entry.name, entry))
    return Walls(tuple(walls), tuple(refused))


def walls_from_env() -> Walls:
    """The walls of `OBEYA_WALLS_DIR`; WallsError when it is unset or not a folder."""
    folder = settings.walls_dir()
    if folder is None:
        raise WallsError("set OBEYA_WALLS_DIR to the folder with one config folder per wall")
    return discover(folder)


def find_wall(wall_id: str) -> WallFolder:
    """The wall `wall_id` of `OBEYA_WALLS_DIR`, or WallsError naming the walls there are."""
    walls = walls_from_env()
    wall = walls.find(wall_id)
    if wall is None:
        known = ", ".join(item.id for item in walls.walls) or "none"
        raise WallsError(f"no wall {wall_id[:60]!r} in {settings.walls_dir()} (its walls: {known})")
    return wall


def wall_data_dir(wall_id: str) -> Path:
    """What the wall keeps for itself: `$OBEYA_DATA_DIR/walls/<id>/`."""
    return settings.data_dir() / "walls" / wall_id


def embedded_database_url(wall_id: str) -> str:
    """The wall's own SQLite file, filled with demo data on first start, when no database is set for it."""
    return f"sqlite:///{wall_data_dir(wall_id) / 'obeya.db'}"


def token_hash(token: str) -> str:
    """What the wall's file keeps of a token: its SHA-256 (tokens are long random strings: no salt needed)."""
    return HASH_PREFIX + hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class WallSecretValues:
    """What a wall's secrets.json holds: the hashes of its tokens by kind, and its own database URL."""

    tokens: dict[str, str] = field(default_factory=dict)
    database_url: str | None = None
    writer_url: str | None = None  # the user the wall's ingest API writes as, when its own database is read-only
    problem: str | None = None  # the file is there but unreadable: every token of the wall is refused


class WallSecrets:
    """A wall's secrets.json, re-read when it changes (a stat per question: revocations count at once)."""

    def __init__(self, wall_id: str) -> None:
        self.path = wall_data_dir(wall_id) / SECRETS_FILE
        self._lock = threading.Lock()
        self._signature: tuple | None = None
        self._values = WallSecretValues()

    def values(self) -> WallSecretValues:
        try:
            stat = self.path.stat()
            signature = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        except FileNotFoundError:
            signature = None
        with self._lock:
            if signature != self._signature or self._signature is None:
                self._values = self._read() if signature else WallSecretValues()
                self._signature = signature
            return self._values

    def _read(self) -> WallSecretValues:
        try:
            body = json.loads(self.path.read_text(encoding="utf-8"))
            tokens = {kind: str(body["tokens"][kind]) for kind in TOKEN_KINDS if kind in body.get("tokens", {})}
            url, writer = body.get("database_url"), body.get("writer_url")
            return WallSecretValues(tokens, str(url) if url else None, str(writer) if writer else None)
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
            # Refusing every token is safer than opening a wall whose file someone broke: each kind gets the
            # hash of a token nobody knows (random, so no cookie can be signed for it either).
            return WallSecretValues({kind: _nobody_knows() for kind in TOKEN_KINDS},
                                    problem=f"{self.path} is unreadable: {error}")

    def token_hash(self, kind: str) -> str | None:
        """The hash of the wall's `kind` token; None when it has none."""
        return self.values().tokens.get(kind)

    # --- writing (the command line) ---

    def _write(self, change: Callable[[dict], None]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            body = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            body = {}
        body.setdefault("tokens", {})
        change(body)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".secrets-")
        with os.fdopen(handle, "w", encoding="utf-8") as file:  # mkstemp makes it 0600
            json.dump(body, file, indent=2)
        os.chmod(temporary, 0o600)
        os.replace(temporary, self.path)

    def new_token(self, kind: str) -> str:
        """A new `kind` token (the old one stops working); only its hash is kept: this is the one chance to see it."""
        token = secrets.token_urlsafe(24)
        self._write(lambda body: body["tokens"].__setitem__(kind, token_hash(token)))
        return token

    def revoke(self, kind: str) -> bool:
        """Make the `kind` token stop working; False when the wall had none.

        A revoked wall token leaves the wall closed (the hash of a token nobody knows), never open: whoever
        revokes a leaked token wants it locked. The remote and the ingest API are gone until a new token.
        """
        had = self.token_hash(kind) is not None and not self.values().problem

        def change(body: dict) -> None:
            if kind == "wall":
                body["tokens"]["wall"] = _nobody_knows()
            else:
                body["tokens"].pop(kind, None)
        self._write(change)
        return had

    def set_database(self, url: str | None, writer_url: str | None = None) -> None:
        """The wall's own database (None: the shared one), and the URL its ingest API writes with (None: `url`)."""
        def change(body: dict) -> None:
            for key, value in (("database_url", url), ("writer_url", writer_url if url else None)):
                if value:
                    body[key] = value
                else:
                    body.pop(key, None)
        self._write(change)


def _nobody_knows() -> str:
    return token_hash(secrets.token_urlsafe(32))


def database_url_for(wall_id: str, secrets_: WallSecrets | None = None) -> str:
    """The wall's database: its own URL if the operator set one, else `OBEYA_DATABASE_URL` (shared by every
    wall, each running its own sources.yaml against it), else the wall's own embedded SQLite file."""
    own = (secrets_ or WallSecrets(wall_id)).values().database_url
    return own or settings.named_database_url() or embedded_database_url(wall_id)


def writer_for(wall_id: str, url: str, secrets_: WallSecrets | None = None) -> tuple[str, str]:
    """(the URL the wall's ingest API writes with, where the operator sets it): `OBEYA_INGEST_DATABASE_URL`
    for a wall on the shared database; for one with its own, its writer (`walls database ID URL --writer
    WRITER`), else that database's URL."""
    if url == settings.named_database_url():
        return settings.ingest_writer_url(url), "OBEYA_INGEST_DATABASE_URL"
    writer = (secrets_ or WallSecrets(wall_id)).values().writer_url
    return writer or url, f"a writer for the wall's own database (python -m obeya walls database {wall_id} URL " \
                          "--writer WRITER_URL)"


def is_embedded(wall_id: str, url: str) -> bool:
    return url == embedded_database_url(wall_id)


class SharedEngines:
    """One SQLAlchemy engine per (URL, read-only): fifty walls on one database open one pool, not fifty."""

    def __init__(self, make: Callable[..., Engine]) -> None:
        self._make = make
        self._engines: dict[tuple[str, bool], Engine] = {}
        self._lock = threading.Lock()

    def get(self, url: str, *, read_only: bool = False) -> Engine:
        with self._lock:
            key = (url, read_only)
            if key not in self._engines:
                self._engines[key] = self._make(url, read_only=read_only)
            return self._engines[key]


class WallCache:
    """A wall's part of the shared cache: every key starts with the wall's id, so two walls with the same
    YAML but different databases never take each other's numbers, stand-up or pairing codes."""

    def __init__(self, cache: ResultCache, wall_id: str) -> None:
        self.cache = cache
        self.prefix = f"wall:{wall_id}:"

    def get(self, key: str) -> str | None:
        return self.cache.get(self.prefix + key)

    def set(self, key: str, value: str, seconds: float) -> None:
        self.cache.set(self.prefix + key, value, seconds)

    def lock(self, key: str, seconds: float) -> str | None:
        return self.cache.lock(self.prefix + key, seconds)

    def unlock(self, key: str, token: str) -> None:
        self.cache.unlock(self.prefix + key, token)

    # What a shared cache (Redis) also does, passed on under the wall's prefix: the ingest pace, the stand-up's news.
    def count(self, key: str, seconds: float) -> int | None:
        count = getattr(self.cache, "count", None)
        return count(self.prefix + key, seconds) if count else None

    def publish(self, channel: str) -> None:
        if publish := getattr(self.cache, "publish", None):
            publish(self.prefix + channel)

    def __getattr__(self, name: str):
        if name == "subscribe" and hasattr(self.cache, "subscribe"):  # only where the cache has news to give
            return lambda channel, on_message: self.cache.subscribe(self.prefix + channel, on_message)
        raise AttributeError(name)


def prepare_wall(wall: WallFolder) -> str:
    """Create the wall's tables (and the demo data in its own embedded SQLite file); returns its database URL.

    A wall whose database cannot be reached still starts (it shows what it can), as the single wall does.
    """
    from obeya.database import prepare_database

    url = database_url_for(wall.id)
    secrets_ = WallSecrets(wall.id)
    writer, setting = writer_for(wall.id, url, secrets_)
    ingest_on = secrets_.token_hash("ingest") is not None
    prepare_database(url, wall.config_dir, demo=is_embedded(wall.id, url), writer=writer if ingest_on else None,
                     writer_setting=setting)
    return url


@dataclass(frozen=True)
class WallMount:
    """What one wall of several gets from the server: which wall, its private file, its database, the engines."""

    wall: WallFolder
    secrets: WallSecrets
    engines: SharedEngines
    database_url: str

    @property
    def notes_path(self) -> Path:
        """The annotations added on the wall's remote."""
        return wall_data_dir(self.wall.id) / "remote-annotations.json"
