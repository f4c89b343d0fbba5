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
- `SharedCache`: Redis, and this server's own cache while Redis is away: a
  lost Redis makes each server read for itself (a warning, once), never an
  error on screen; sharing resumes by itself when Redis answers again.

Redis also carries news between servers (`publish`/`subscribe`): a stand-up
command given on one server wakes the screens' event streams on every other.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, Protocol

from obeya import settings

log = logging.getLogger(__name__)
REDIS_SECONDS = 0.5  # Redis answers in a millisecond (a wall's data in tens); one that hangs holds a request no longer
REDIS_RETRY_SECONDS = 5.0  # while Redis is away, ask it again this often (each process); else use our own cache

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
        os.utime(temporary, (time.time(), entry["expires"]))  # the file's time says when it expires
        os.replace(temporary, path)  # readers see the old or the new file, never half of one

    def _forget_expired(self) -> None:
        # An entry's file time is its expiry (set by _write): no need to read ~0.5 MB of a wall's data to know.
        for old in self.folder.glob("*.json"):
            try:
                if old.stat().st_mtime <= time.time():
                    old.unlink(missing_ok=True)
            except OSError:
                pass

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
    """Shared through Redis by every process that uses the same URL; locks are redis-py's (owner-checked).

    Every call gives up after `REDIS_SECONDS` (connecting, reading, writing; a dropped connection is tried
    once more on a fresh one, for a restarted Redis), then raises `redis.RedisError`: `SharedCache` catches it.
    """

    def __init__(self, url: str, prefix: str = "obeya:") -> None:
        import redis  # only needed when OBEYA_CACHE_URL is set
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self.url = url
        # Once more on a fresh connection after a dropped one (a restarted Redis), never after a timeout:
        # a Redis that hangs costs one call REDIS_SECONDS, then SharedCache leaves it alone for a while.
        self.client = redis.Redis.from_url(url, socket_timeout=REDIS_SECONDS, socket_connect_timeout=REDIS_SECONDS,
                                           retry=Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)))
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

    def count(self, key: str, seconds: float) -> int:
        """Add one to the counter `key` (which lives `seconds` from its first count); returns the new count."""
        with self.client.pipeline() as pipeline:  # SET NX then INCR: any Redis version (EXPIRE NX needs 7)
            pipeline.set(self.prefix + key, 0, px=max(int(seconds * 1000), 1), nx=True)
            pipeline.incr(self.prefix + key)
            return int(pipeline.execute()[1])

    def publish(self, channel: str) -> None:
        self.client.publish(self.prefix + channel, b"changed")

    def subscribe(self, channel: str, on_message: Callable[[], None]) -> Subscription:
        """Call `on_message` whenever `channel` is published to, from any process (in the listener's thread:
        one per Redis in a process, however many walls listen)."""
        return _listener(self.client, self.url, self.prefix).add(self.prefix + channel, on_message)


class _Listener:
    """One connection and one thread per Redis in a process, subscribed to every channel under the prefix
    (a pattern): fifty walls' news costs what one wall's does. Lost and back, it tells every listener to
    look (news may have been published meanwhile)."""

    def __init__(self, client, prefix: str) -> None:
        self.client = client
        self.pid = os.getpid()  # a forked worker starts its own: the thread stayed in the parent
        self.pattern = prefix + "*"
        self.mutex = threading.Lock()
        self.listeners: dict[str, list[tuple[Callable[[], None], Subscription]]] = {}
        self.connected = False
        threading.Thread(target=self._listen, name="obeya-subscribe", daemon=True).start()

    def add(self, channel: str, on_message: Callable[[], None]) -> Subscription:
        subscription = Subscription()
        with self.mutex:
            self.listeners.setdefault(channel, []).append((on_message, subscription))
            connected = self.connected
        if connected:  # else the listener tells it once it is
            subscription.live.set()
            _call(on_message)  # what was published before it listened
        return subscription

    def _everyone(self) -> list[tuple[Callable[[], None], Subscription]]:
        with self.mutex:
            return [listener for listeners in self.listeners.values() for listener in listeners]

    def _told(self, channel: str) -> list[Callable[[], None]]:
        with self.mutex:
            return [on_message for on_message, _ in self.listeners.get(channel, ())]

    def _listen(self) -> None:
        while True:
            pubsub = self.client.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.psubscribe(self.pattern)
                with self.mutex:
                    self.connected = True
                for on_message, subscription in self._everyone():  # what was published while we were away
                    subscription.live.set()
                    _call(on_message)
                while True:
                    message = pubsub.get_message(timeout=REDIS_RETRY_SECONDS)
                    if message is None:
                        pubsub.ping()  # a Redis that went away is noticed within seconds, not at the next news
                        continue
                    channel = message.get("channel")
                    channel = channel.decode("utf-8", errors="replace") if isinstance(channel, bytes) else channel
                    for on_message in self._told(channel):
                        _call(on_message)
            except Exception:  # connection lost: the readers poll meanwhile (subscription.live is clear)
                with self.mutex:
                    self.connected = False
                for _, subscription in self._everyone():
                    subscription.live.clear()
                time.sleep(REDIS_RETRY_SECONDS)
            finally:
                try:
                    pubsub.close()
                except Exception:
                    pass


_LISTENERS: dict[tuple[str, str], _Listener] = {}
_LISTENERS_MUTEX = threading.Lock()


def _listener(client, url: str, prefix: str) -> _Listener:
    with _LISTENERS_MUTEX:
        listener = _LISTENERS.get((url, prefix))
        if listener is None or listener.pid != os.getpid():
            listener = _LISTENERS[(url, prefix)] = _Listener(client, prefix)
        return listener


def _call(on_message: Callable[[], None]) -> None:
    try:
        on_message()
    except Exception:  # one listener's trouble is not every wall's
        log.exception("handling news from Redis failed")


class Subscription:
    """Whether news on a channel reaches this process now (`live` is set while subscribed)."""

    def __init__(self) -> None:
        self.live = threading.Event()


class SharedCache:
    """Redis while it answers; this server's own cache (`local`) while it does not, for every call.

    The first failure logs a warning (once, not every request) and makes this process use `local`
    for `REDIS_RETRY_SECONDS` before it asks Redis again; when Redis answers, a line says sharing
    resumed. A lock token says which cache gave it, so its unlock goes back to the same one.
    """

    def __init__(self, shared: RedisCache, local: ResultCache, clock: Callable[[], float] = time.monotonic) -> None:
        self.shared = shared
        self.local = local
        self.clock = clock
        self._health = _health_of(shared.url)  # one per Redis in a process: one warning, however many caches

    def _use_shared(self) -> bool:
        health = self._health
        with health.mutex:
            return health.down_at is None or self.clock() - health.down_at >= REDIS_RETRY_SECONDS

    def _call(self, name: str, *args):
        health = self._health
        if self._use_shared():
            try:
                result = getattr(self.shared, name)(*args)
            except Exception as error:  # redis.RedisError, or an OSError below it
                with health.mutex:
                    first = health.down_at is None
                    health.down_at = self.clock()
                if first:
                    log.warning("Redis at %s is unreachable (%s): this server reads the database for itself "
                                "until Redis is back", _without_password(self.shared.url), error)
            else:
                with health.mutex:
                    back, health.down_at = health.down_at is not None, None
                if back:
                    log.warning("Redis at %s answers again: the servers share their reads again",
                                _without_password(self.shared.url))
                return True, result
        return False, getattr(self.local, name)(*args) if hasattr(self.local, name) else None

    def get(self, key: str) -> str | None:
        return self._call("get", key)[1]

    def set(self, key: str, value: str, seconds: float) -> None:
        self._call("set", key, value, seconds)

    def lock(self, key: str, seconds: float) -> str | None:
        shared, token = self._call("lock", key, seconds)
        return None if token is None else ("r:" if shared else "l:") + token

    def unlock(self, key: str, token: str) -> None:
        kind, _, token = token.partition(":")
        try:
            self.shared.unlock(key, token) if kind == "r" else self.local.unlock(key, token)
        except Exception:
            pass  # Redis went away meanwhile: the lock expires by itself

    def count(self, key: str, seconds: float) -> int | None:
        """The shared count after adding one (see `RedisCache.count`); None while Redis is away."""
        shared, value = self._call("count", key, seconds)
        return value if shared else None

    def publish(self, channel: str) -> None:
        self._call("publish", channel)

    def subscribe(self, channel: str, on_message: Callable[[], None]) -> Subscription:
        return self.shared.subscribe(channel, on_message)


class _Health:
    def __init__(self) -> None:
        self.mutex = threading.Lock()
        self.down_at: float | None = None  # when a call to this Redis last failed; None: it answers


_HEALTH: dict[str, _Health] = {}
_HEALTH_MUTEX = threading.Lock()


def _health_of(url: str) -> _Health:
    with _HEALTH_MUTEX:
        return _HEALTH.setdefault(url, _Health())


def _without_password(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}" if "@" in rest else url


def cache_from_env() -> ResultCache:
    """Redis at `OBEYA_CACHE_URL` (falling back to the server's own cache while it is away), else a folder at
    `OBEYA_CACHE_DIR` (set by `serve`), else this process."""
    folder = settings.cache_dir()
    local = FileCache(folder) if folder else MemoryCache()
    if url := settings.cache_url():
        return SharedCache(RedisCache(url), local)
    return local
