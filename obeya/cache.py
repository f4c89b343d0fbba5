"""Where one server's processes share the numbers they read, so the database sees one reader.

A refresh stores the wall's data under the config's digest; other workers
(and other servers on the same Redis) take it from there instead of querying.
A short lock makes sure that, when the data is due, one process reads it and
the others wait for its result.

- `MemoryCache`: one process (`python app.py`).
- `FileCache`: the workers of one `python -m obeya serve`, through a folder.
- `RedisCache`: `OBEYA_CACHE_URL=redis://...`, for workers and servers alike.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Protocol


class ResultCache(Protocol):
    def get(self, key: str) -> Any | None: ...

    def set(self, key: str, value: Any, seconds: int) -> None: ...

    def lock(self, key: str, seconds: int) -> bool: ...

    def unlock(self, key: str) -> None: ...


class MemoryCache:
    """Within one process; `clock` (seconds) decides when entries expire; the oldest go past `most` entries."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, most: int = 16) -> None:
        self._most = most
        self._clock = clock
        self._values: dict[str, tuple[float, Any]] = {}
        self._locks: dict[str, float] = {}
        self._mutex = threading.Lock()

    def get(self, key: str) -> Any | None:
        with self._mutex:
            expires, value = self._values.get(key, (float("-inf"), None))
            return value if expires > self._clock() else None

    def set(self, key: str, value: Any, seconds: int) -> None:
        with self._mutex:
            now = self._clock()
            self._values = {k: v for k, v in self._values.items() if v[0] > now and k != key}
            while len(self._values) >= self._most:  # a config edited every minute must not pile up data
                self._values.pop(next(iter(self._values)))
            self._values[key] = (now + seconds, value)

    def lock(self, key: str, seconds: int) -> bool:
        with self._mutex:
            if self._locks.get(key, float("-inf")) > self._clock():
                return False
            self._locks[key] = self._clock() + seconds
            return True

    def unlock(self, key: str) -> None:
        with self._mutex:
            self._locks.pop(key, None)


class FileCache:
    """Shared by the processes that see the same folder (the workers of one server)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str, suffix: str) -> Path:
        return self.folder / (key.replace("/", "_").replace(":", "_") + suffix)

    def get(self, key: str) -> Any | None:
        try:
            expires, value = pickle.loads(self._path(key, ".pickle").read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            return None
        return value if expires > time.time() else None

    def set(self, key: str, value: Any, seconds: int) -> None:
        self._forget_expired()
        path = self._path(key, ".pickle")
        handle, temporary = tempfile.mkstemp(dir=self.folder)
        with os.fdopen(handle, "wb") as file:
            pickle.dump((time.time() + seconds, value), file)
        os.replace(temporary, path)  # readers see the old or the new file, never half of one

    def _forget_expired(self) -> None:
        for old in self.folder.glob("*.pickle"):
            try:
                expires, _ = pickle.loads(old.read_bytes())
                if expires <= time.time():
                    old.unlink(missing_ok=True)
            except (OSError, pickle.UnpicklingError, EOFError, ValueError):
                pass

    def lock(self, key: str, seconds: int) -> bool:
        path = self._path(key, ".lock")
        try:
            if time.time() - path.stat().st_mtime > seconds:
                path.unlink(missing_ok=True)  # its holder died
        except OSError:
            pass
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def unlock(self, key: str) -> None:
        self._path(key, ".lock").unlink(missing_ok=True)


class RedisCache:
    """Shared through Redis by every process that uses the same URL."""

    def __init__(self, url: str, prefix: str = "obeya:") -> None:
        import redis  # only needed when OBEYA_CACHE_URL is set

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix

    def get(self, key: str) -> Any | None:
        raw = self.client.get(self.prefix + key)
        return pickle.loads(raw) if raw is not None else None

    def set(self, key: str, value: Any, seconds: int) -> None:
        self.client.set(self.prefix + key, pickle.dumps(value), ex=max(int(seconds), 1))

    def lock(self, key: str, seconds: int) -> bool:
        return bool(self.client.set(self.prefix + "lock:" + key, b"1", nx=True, ex=max(int(seconds), 1)))

    def unlock(self, key: str) -> None:
        self.client.delete(self.prefix + "lock:" + key)


def cache_from_env() -> ResultCache:
    """Redis at `OBEYA_CACHE_URL`, else a folder at `OBEYA_CACHE_DIR` (set by `serve`), else this process."""
    if url := os.environ.get("OBEYA_CACHE_URL"):
        return RedisCache(url)
    if folder := os.environ.get("OBEYA_CACHE_DIR"):
        return FileCache(folder)
    return MemoryCache()
