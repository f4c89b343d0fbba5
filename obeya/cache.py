"""Where one server's processes share the numbers they read, so the database sees one reader.

A refresh stores the wall's data (as JSON text, never code: see `obeya.live`)
under the config's digest and the data's change marker; other workers (and
other servers on the same Redis) take it from there instead of querying. A
short lock makes sure that, when the data is due, one process reads it and
the others wait for its result. A lock has an owner: `lock` returns a token
and only `unlock` with that token releases it, so a slow worker whose lock
expired never releases the lock another worker took since.

- `MemoryCache`: one process (`python app.py`).
- `FileCache`: the workers of one `python -m obeya serve`, through a folder.
- `RedisCache`: `OBEYA_CACHE_URL=redis://...`, for workers and servers alike.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, Protocol

from obeya import settings


class ResultCache(Protocol):
    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str, seconds: float) -> None: ...

    def lock(self, key: str, seconds: float) -> str | None:
        """A token when this caller now holds the lock on `key` for `seconds`; None when another holds it."""

    def unlock(self, key: str, token: str) -> None:
        """Release the lock on `key` if `token` still holds it."""


def _token() -> str:
    return uuid.uuid4().hex


class MemoryCache:
    """Within one process; `clock` (seconds) decides when entries expire; the oldest go past `most` entries."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, most: int = 16) -> None:
        self._most = most
        self._clock = clock
        self._values: dict[str, tuple[float, str]] = {}
        self._locks: dict[str, tuple[float, str]] = {}
        self._mutex = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._mutex:
            expires, value = self._values.get(key, (float("-inf"), None))
            return value if expires > self._clock() else None

    def set(self, key: str, value: str, seconds: float) -> None:
        with self._mutex:
            now = self._clock()
            self._values = {k: v for k, v in self._values.items() if v[0] > now and k != key}
            while len(self._values) >= self._most:  # a config edited every minute must not pile up data
                self._values.pop(next(iter(self._values)))
            self._values[key] = (now + seconds, value)

    def lock(self, key: str, seconds: float) -> str | None:
        with self._mutex:
            if self._locks.get(key, (float("-inf"), ""))[0] > self._clock():
                return None
            token = _token()
            self._locks[key] = (self._clock() + seconds, token)
            return token

    def unlock(self, key: str, token: str) -> None:
        with self._mutex:
            if self._locks.get(key, (0.0, ""))[1] == token:
                del self._locks[key]


class FileCache:
    """Shared by the processes that see the same folder (the workers of one server)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str, suffix: str) -> Path:
        return self.folder / (key.replace("/", "_").replace(":", "_") + suffix)

    @staticmethod
    def _read(path: Path) -> tuple[float, str] | None:
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            return float(entry["expires"]), str(entry["value"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def get(self, key: str) -> str | None:
        entry = self._read(self._path(key, ".json"))
        return entry[1] if entry and entry[0] > time.time() else None

    def set(self, key: str, value: str, seconds: float) -> None:
        self._forget_expired()
        self._write(self._path(key, ".json"), {"expires": time.time() + seconds, "value": value})

    def _write(self, path: Path, entry: dict) -> None:
        handle, temporary = tempfile.mkstemp(dir=self.folder)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(entry, file)
        os.replace(temporary, path)  # readers see the old or the new file, never half of one

    def _forget_expired(self) -> None:
        for old in self.folder.glob("*.json"):
            entry = self._read(old)
            if entry is None or entry[0] <= time.time():
                old.unlink(missing_ok=True)

    def lock(self, key: str, seconds: float) -> str | None:
        path = self._path(key, ".lock")
        held = self._read(path)
        if held is not None and held[0] <= time.time():
            path.unlink(missing_ok=True)  # its holder died or overran
        token = _token()
        try:
            handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return None
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump({"expires": time.time() + seconds, "value": token}, file)
        return token

    def unlock(self, key: str, token: str) -> None:
        path = self._path(key, ".lock")
        held = self._read(path)
        if held is not None and held[1] == token:
            path.unlink(missing_ok=True)


class RedisCache:
    """Shared through Redis by every process that uses the same URL; locks are redis-py's (owner-checked)."""

    def __init__(self, url: str, prefix: str = "obeya:") -> None:
        import redis  # only needed when OBEYA_CACHE_URL is set

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix
        self._held: dict[str, object] = {}

    def get(self, key: str) -> str | None:
        raw = self.client.get(self.prefix + key)
        return raw.decode("utf-8", errors="replace") if raw is not None else None

    def set(self, key: str, value: str, seconds: float) -> None:
        self.client.set(self.prefix + key, value.encode("utf-8"), px=max(int(seconds * 1000), 1))

    def lock(self, key: str, seconds: float) -> str | None:
        lock = self.client.lock(self.prefix + "lock:" + key, timeout=max(seconds, 0.001), blocking=False)
        if not lock.acquire():
            return None
        token = lock.local.token.decode() if isinstance(lock.local.token, bytes) else str(lock.local.token)
        self._held[token] = lock
        return token

    def unlock(self, key: str, token: str) -> None:
        from redis.exceptions import LockError

        lock = self._held.pop(token, None)
        if lock is None:
            return
        try:
            lock.release()  # a Lua script that deletes the key only while it still holds this token
        except LockError:
            pass  # expired and perhaps taken by another process: theirs now, leave it


def cache_from_env() -> ResultCache:
    """Redis at `OBEYA_CACHE_URL`, else a folder at `OBEYA_CACHE_DIR` (set by `serve`), else this process."""
    if url := settings.cache_url():
        return RedisCache(url)
    if folder := settings.cache_dir():
        return FileCache(folder)
    return MemoryCache()
