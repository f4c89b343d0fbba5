"""The wall's live sources: the config folder and the database, with fallbacks.

`LiveWall` is what keeps a TV from going blank. It re-reads the YAML when a
file changes and keeps the last good config (with the problems) when the new
one is wrong; it reads the numbers at most once per refresh period and keeps
the last good numbers (with the time they went stale) when the database fails.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from obeya.cache import MemoryCache, ResultCache
from obeya.config import CONFIG_FILES, Config, ConfigError, Problem, config_fingerprint, load_config
from obeya.queries import SourceError
from obeya.snapshot import WallData, load_wall_data

log = logging.getLogger(__name__)
STALE_RETRY_SECONDS = 30  # while the database fails, ask it again this often
LOCK_SECONDS = 20  # longest one process may hold the read for the others


@dataclass(frozen=True)
class ConfigState:
    """The config to show, and what is wrong with the files on disk (if anything)."""

    config: Config | None  # last good config; None when there never was one
    problems: tuple[Problem, ...]
    version: int  # grows each time a new good config is loaded
    digest: str = ""  # of the good config's files: the same in every process that loaded them


@dataclass(frozen=True)
class DataState:
    """The numbers to show, and since when they are stale (if they are)."""

    data: WallData | None  # last good data; None when the database was never read
    stale_since: datetime | None
    error: str | None
    version: int  # grows with each successful read
    read_at: datetime | None = None  # when the database was last read, by whichever process


class LiveWall:
    """Config and data for every screen of one server, reloaded and cached."""

    def __init__(self, config_dir: str | Path, engine: Engine, *,
                 clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 cache: ResultCache | None = None):
        self.config_dir = Path(config_dir)
        self.engine = engine
        self.cache = cache or MemoryCache(clock)
        self._clock = clock
        self._now = now
        self._lock = threading.Lock()
        self._fingerprint = None
        self._config_state = ConfigState(None, (), 0)
        self._data_state = DataState(None, None, None, 0)
        self._data_read_at: float | None = None
        self._data_config_version = -1

    def config_state(self) -> ConfigState:
        """The current config state, re-reading the folder if a file changed."""
        with self._lock:
            fingerprint = config_fingerprint(self.config_dir)
            if fingerprint != self._fingerprint:
                self._fingerprint = fingerprint
                self._reload_config()
            return self._config_state

    def _reload_config(self) -> None:
        previous = self._config_state
        try:
            config = load_config(self.config_dir)
        except ConfigError as error:
            log.warning("config problems, keeping the last good config:\n%s", error)
            self._config_state = ConfigState(previous.config, tuple(error.problems), previous.version)
            return
        self._config_state = ConfigState(config, (), previous.version + 1, config_digest(self.config_dir))

    def data_state(self) -> DataState:
        """The numbers, read from the database at most once per refresh period.

        On a database error the last good numbers stay, marked stale since the
        first failure; the next call after a retry interval tries again.
        """
        config_state = self.config_state()
        config = config_state.config
        if config is None:
            return self._data_state
        with self._lock:
            due = (
                self._data_read_at is None
                or self._clock() - self._data_read_at >= self._retry_seconds(config)
                or self._data_config_version != config_state.version
            )
            if due:
                self._read_data(config, config_state)
            return self._data_state

    def _retry_seconds(self, config: Config) -> float:
        # While stale, retry sooner than a full refresh period so recovery shows quickly.
        refresh = config.wall.refresh_seconds
        return min(refresh, STALE_RETRY_SECONDS) if self._data_state.stale_since else refresh

    def _read_data(self, config: Config, config_state: ConfigState) -> None:
        """Take the numbers another process read within the period, or read them (one process at a time)."""
        self._data_read_at = self._clock()
        self._data_config_version = config_state.version
        key = f"data:{config_state.digest}"
        shared = self._shared(key)
        if shared is None and self.cache.lock(key, LOCK_SECONDS):
            try:
                shared = self._shared(key) or self._query(config, key)
            finally:
                self.cache.unlock(key)
        elif shared is None:
            shared = self._wait_for(key)  # another process is reading right now
        if shared is None:
            return  # keep what we have; try again next time
        data, stale_since, error, read_at = shared
        previous = self._data_state
        if read_at == previous.read_at and stale_since == previous.stale_since:
            return
        version = previous.version + (1 if data is not previous.data and error is None else 0)
        self._data_state = DataState(data if data is not None else previous.data, stale_since, error, version,
                                     read_at)

    def _shared(self, key: str) -> tuple | None:
        try:
            return self.cache.get(key)
        except Exception as error:  # a cache that is down must not take the wall down
            log.warning("result cache unreadable: %s", error)
            return None

    def _wait_for(self, key: str) -> tuple | None:
        deadline = time.monotonic() + LOCK_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if (shared := self._shared(key)) is not None:
                return shared
        return None

    def _query(self, config: Config, key: str) -> tuple:
        previous = self._data_state
        now = self._now()
        log.info("reading the wall's numbers from the database")  # bench/load.py counts these lines
        try:
            result = (load_wall_data(self.engine, config, now=now), None, None, now)
            seconds = config.wall.refresh_seconds
        except (SQLAlchemyError, OSError, SourceError) as error:
            log.warning("database unreadable, keeping the last good data: %s", error)
            result = (previous.data, previous.stale_since or now, _short(error), now)
            seconds = min(config.wall.refresh_seconds, STALE_RETRY_SECONDS)
        try:
            self.cache.set(key, result, seconds)
        except Exception as error:
            log.warning("result cache not writable: %s", error)
        return result


def config_digest(directory: Path) -> str:
    """A digest of the config files' contents: equal in every process that sees the same files."""
    digest = hashlib.sha256()
    for name in CONFIG_FILES:
        try:
            digest.update(name.encode() + b"\0" + (directory / name).read_bytes() + b"\0")
        except OSError:
            digest.update(name.encode() + b"\0-\0")
    return digest.hexdigest()[:20]


def _short(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]
