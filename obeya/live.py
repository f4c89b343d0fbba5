"""The wall's live sources: the config folder and the database, with fallbacks.

`LiveWall` is what keeps a TV from going blank. It re-reads the YAML when a
file changes and keeps the last good config (with the problems) when the new
one is wrong; it reads the numbers at most once per refresh period and keeps
the last good numbers (with the time they went stale) when the database fails.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from obeya.config import Config, ConfigError, Problem, config_fingerprint, load_config
from obeya.queries import SourceError
from obeya.snapshot import WallData, load_wall_data

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConfigState:
    """The config to show, and what is wrong with the files on disk (if anything)."""

    config: Config | None  # last good config; None when there never was one
    problems: tuple[Problem, ...]
    version: int  # grows each time a new good config is loaded


@dataclass(frozen=True)
class DataState:
    """The numbers to show, and since when they are stale (if they are)."""

    data: WallData | None  # last good data; None when the database was never read
    stale_since: datetime | None
    error: str | None
    version: int  # grows with each successful read


class LiveWall:
    """Config and data for every screen of one server, reloaded and cached."""

    def __init__(self, config_dir: str | Path, engine: Engine, *,
                 clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.config_dir = Path(config_dir)
        self.engine = engine
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
        self._config_state = ConfigState(config, (), previous.version + 1)

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
                self._read_data(config, config_state.version)
            return self._data_state

    def _retry_seconds(self, config: Config) -> float:
        # While stale, retry sooner than a full refresh period so recovery shows quickly.
        refresh = config.wall.refresh_seconds
        return min(refresh, 30) if self._data_state.stale_since else refresh

    def _read_data(self, config: Config, config_version: int) -> None:
        self._data_read_at = self._clock()
        self._data_config_version = config_version
        previous = self._data_state
        try:
            data = load_wall_data(self.engine, config, now=self._now())
        except (SQLAlchemyError, OSError, SourceError) as error:
            log.warning("database unreadable, keeping the last good data: %s", error)
            stale_since = previous.stale_since or self._now()
            self._data_state = DataState(previous.data, stale_since, _short(error), previous.version)
            return
        self._data_state = DataState(data, None, None, previous.version + 1)


def _short(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]
