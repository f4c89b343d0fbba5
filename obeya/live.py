"""The wall's live sources: the config folder and the database, with fallbacks.

`LiveWall` is what keeps a TV from going blank. It re-reads the YAML when a
file changes and keeps the last good config (with the problems) when the new
one is wrong; it reads the numbers at most once per refresh period and keeps
the last good numbers (with the time they went stale) when the database fails,
and on disk (`kept`), so that a restarted server shows them at once, stale
until the database answers again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from pydantic import TypeAdapter

from obeya.cache import MemoryCache, ResultCache
from obeya.config import CONFIG_FILES, Config, ConfigError, Problem, config_fingerprint, load_config
from obeya.rollups import data_marker
from obeya.engine import CONNECT_SECONDS, PROBLEM_WORDS, ProblemKind, problem_kind, reading
from obeya.queries import SourceError
from obeya.remote import RemoteNotes, merged_annotations
from obeya.snapshot import WallData, load_wall_data
from obeya.theme_recount import ThemeRecounts

log = logging.getLogger(__name__)
STALE_RETRY_SECONDS = 30  # while the database fails, ask it again this often
SLOW_RETRY_MAX_SECONDS = 300  # ... but a database too slow to answer is asked less and less often, up to this
MARKER_SECONDS = 5  # how often the writers' change marker is checked between full reads
MARKER_TIMEOUT_SECONDS = 5
HUNG_GRACE_SECONDS = 10  # a read still running this long after its timeouts is hung: the screens say so
LATEST_SECONDS = 24 * 3600  # the newest read stays in the cache this long, for processes that fell behind


def retry_seconds(refresh: float, stale_since: datetime | None, problem: str | None, now: datetime) -> float:
    """How long after a read the next one is due: the refresh period; while the reads fail, sooner, so
    recovery shows quickly (STALE_RETRY_SECONDS); but while the database is too slow to answer, half as
    long as it has been (up to SLOW_RETRY_MAX_SECONDS), so a struggling database is not handed the same
    heavy query every half minute. Worked out from what every process shares: each backs off alike."""
    if stale_since is None:
        return refresh
    retry = min(refresh, STALE_RETRY_SECONDS)
    if problem == "slow":
        retry = max(retry, min((now - stale_since).total_seconds() / 2, SLOW_RETRY_MAX_SECONDS))
    return retry


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
    problem: ProblemKind | None  # what kind of trouble the last read had (engine.PROBLEM_WORDS says it)
    version: int  # grows with each successful read
    read_at: datetime | None = None  # when the database was last read, by whichever process
    reading: bool = False  # the first read is running: nothing to show yet, nothing wrong either
    content: str = ""  # what `data` says, but not when it was read (content_digest): the wall is drawn again
    # only when this changes, and the screens keep the time of the last read ("as of") up to date themselves


@dataclass(frozen=True)
class SharedRead:
    """What one read leaves in the shared cache for every process: plain data, as JSON (never code)."""

    data: WallData | None
    stale_since: datetime | None
    problem: ProblemKind | None
    read_at: datetime
    content: str = ""  # content_digest(data), by the process that read it: the same for every process


SHARED_READ = TypeAdapter(SharedRead)
WALL_DATA = TypeAdapter(WallData)
READ_TIME_LEFT_OUT = datetime(2000, 1, 1, tzinfo=timezone.utc)


def content_digest(data: WallData | None) -> str:
    """A digest of what `data` shows, leaving out when it was read: a read that found nothing new draws
    nothing new (the drawing is most of a wall's CPU; fifty walls on one server read every minute)."""
    if data is None:
        return ""
    return hashlib.sha256(WALL_DATA.dump_json(dataclasses.replace(data, as_of=READ_TIME_LEFT_OUT))).hexdigest()[:20]


class LiveWall:
    """Config and data for every screen of one server, reloaded and cached.

    Screens never wait on the database: `data_state` answers with what the
    wall has and, when a read is due, starts one in a background thread
    (one at a time in this process; one across processes through the
    shared cache's lock). Between full reads, a cheap change marker
    (`rollups.data_marker`) is checked every few seconds, so an import shows
    within seconds.
    """

    def __init__(self, config_dir: str | Path, engine: Engine, *,
                 clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 cache: ResultCache | None = None, notes: RemoteNotes | None = None, kept: Path | None = None):
        self.config_dir = Path(config_dir)
        self.kept = kept  # the last good numbers on disk (a JSON file): what a restarted server shows first
        self.notes = notes  # annotations added on the remote: shown with annotations.yaml's
        self.engine = engine
        self.cache = cache or MemoryCache(clock)
        self._clock = clock
        self._now = now
        self._lock = threading.Lock()  # guards the config and the bookkeeping below; never held while reading
        self._fingerprint = None
        self._config_state = ConfigState(None, (), 0)
        self._data_state = self._kept_state()
        self._kept_content = self._data_state.content
        self._data_read_at: float | None = None
        self._data_config_version = -1
        self._marker: str | None = None
        self._marker_seen = False
        self._marker_checked_at: float | None = None
        self._reader: threading.Thread | None = None
        self._reader_started: tuple[float, datetime] | None = None  # the reader's start: clock, and wall time
        self._catching_up = threading.Lock()
        self._adopted_digest: str | None = None  # the config digest the numbers we show were read for
        self._logged_zone: str | None = None
        # The wall's own theme counts (team SQL, an edited themes.yaml); when one is done, read again at once.
        self.recounts = ThemeRecounts(engine, self.cache, on_done=self._themes_counted)
        self._fresh_read_wanted = False

    def _themes_counted(self) -> None:
        with self._lock:
            self._data_read_at = None  # due now: the next screen's request starts it
            self._fresh_read_wanted = True  # past the shared entry, which holds the counts made before

    def config_state(self) -> ConfigState:
        """The current config state, re-reading the folder if a file changed."""
        with self._lock:
            fingerprint = (config_fingerprint(self.config_dir), self.notes.signature() if self.notes else None)
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
        digest = config_digest(self.config_dir)
        if self.notes is not None and (notes := self.notes.read()):
            config = dataclasses.replace(config, annotations=merged_annotations(config, notes))
            digest = hashlib.sha256((digest + repr(config.annotations)).encode()).hexdigest()[:20]
        self._config_state = ConfigState(config, (), previous.version + 1, digest)

    def data_state(self) -> DataState:
        """The numbers as the wall has them now; starts a background read when one is due.

        On a database error the last good numbers stay, marked stale since the
        first failure; a retry follows after a short interval.
        """
        config_state = self.config_state()
        if config_state.config is None:
            return self._data_state
        self._catch_up(config_state)
        self._start_read_if_due(config_state)
        return self._unless_hung(self._data_state, config_state.config)

    def _unless_hung(self, state: DataState, config: Config) -> DataState:
        """`state`, marked "too slow" since its read began when that read hangs past every timeout: a
        database behind a network that holds its bytes never answers nor fails, and the driver waits on
        (nothing times out a socket that stays open). Its numbers stay; the read finishes when it flows again."""
        reader, started = self._reader, self._reader_started
        if reader is None or started is None or not reader.is_alive():
            return state
        if self._clock() - started[0] < config.wall.database_timeout_seconds + CONNECT_SECONDS + HUNG_GRACE_SECONDS:
            return state
        return dataclasses.replace(state, stale_since=state.stale_since or started[1], problem=state.problem or "slow",
                                   reading=False)

    def _catch_up(self, config_state: ConfigState) -> None:
        """Take the numbers another process read since ours, from the cache (never the database), before
        answering: a screen whose requests land on several workers or servers is never told an older
        version after a newer one (it would redraw the wall back and forth)."""
        latest = self._latest_key(config_state)
        try:
            newer = datetime.fromisoformat(self.cache.get(latest) or "")
        except Exception:  # none yet, away or garbled: the period's own read catches up
            return
        if self._data_state.read_at is not None and newer <= self._data_state.read_at:
            return
        with self._catching_up:  # one thread takes it; the others wait for it, a cache read away
            if self._data_state.read_at is None or newer > self._data_state.read_at:
                if (shared := self._shared(latest + ":read")) is not None:
                    self._adopt(shared, config_state.digest)

    def settle(self, timeout: float = 120) -> DataState:
        """Start a due read and wait for it to finish: for tests, benches and the command line."""
        self.data_state()
        reader = self._reader
        if reader is not None:
            reader.join(timeout)
        return self._data_state

    def _start_read_if_due(self, config_state: ConfigState) -> None:
        with self._lock:
            if self._reader is not None and self._reader.is_alive():
                return
            config = config_state.config
            now = self._clock()
            read_due = (
                self._data_read_at is None
                or now - self._data_read_at >= self._retry_seconds(config)
                or self._data_config_version != config_state.version
            )
            marker_due = self._marker_checked_at is None or now - self._marker_checked_at >= MARKER_SECONDS
            if not (read_due or marker_due):
                return
            if read_due:  # counted as started now, so a read that fails is retried after the interval
                self._data_read_at = now
                self._data_config_version = config_state.version
            self._marker_checked_at = now
            self._reader = threading.Thread(target=self._background_read, args=(config_state, read_due),
                                            name="obeya-read", daemon=True)
            self._reader_started = (now, self._now())
            self._reader.start()

    def _retry_seconds(self, config: Config) -> float:
        state = self._data_state
        return retry_seconds(config.wall.refresh_seconds, state.stale_since, state.problem, self._now())

    def _background_read(self, config_state: ConfigState, read_due: bool) -> None:
        try:
            marker = self._read_marker(config_state.config)
            if marker != self._marker or not self._marker_seen:
                read_due = read_due or self._marker_seen  # a first look only learns the marker
                self._marker, self._marker_seen = marker, True
            if read_due:
                self._read_data(config_state.config, config_state)
        except Exception:  # the reader must never die silently with the wall waiting on it
            log.exception("reading the wall's numbers failed")

    def _read_marker(self, config: Config) -> str | None:
        """The writers' change marker; None where there is none (no table yet, team SQL only, database down)."""
        try:
            with reading(self.engine, min(config.wall.database_timeout_seconds, MARKER_TIMEOUT_SECONDS)) as connection:
                return data_marker(connection)
        except (SQLAlchemyError, OSError):
            return self._marker

    def _read_data(self, config: Config, config_state: ConfigState) -> None:
        """Take the numbers another process read within the period, or read them (one process at a time)."""
        key = f"data:{config_state.digest}:{self._marker or '-'}"  # _latest_key names the newest of these
        fresh_wanted, self._fresh_read_wanted = self._fresh_read_wanted, False
        shared = None if fresh_wanted else self._shared(key)
        if shared is None:
            lock_seconds = config.wall.database_timeout_seconds + CONNECT_SECONDS + 10
            token = self._lock_shared(key, lock_seconds)
            if token is not None:
                try:
                    shared = (None if fresh_wanted else self._shared(key)) or self._query(config, key,
                                                                                            config_state)
                finally:
                    self._unlock_shared(key, token)
            else:
                shared = self._wait_for(key, lock_seconds)  # another process is reading right now
        if shared is not None:  # else keep what we have; try again next time
            with self._catching_up:
                self._adopt(shared, config_state.digest)

    def _adopt(self, shared: SharedRead, digest: str) -> None:
        previous = self._data_state
        same = shared.read_at == previous.read_at and shared.stale_since == previous.stale_since
        older = digest == self._adopted_digest and previous.read_at is not None and shared.read_at < previous.read_at
        if same or older:  # older: for the same config, a catch-up took a newer read already
            return
        self._adopted_digest = digest
        fresh = shared.problem is None and shared.data is not None
        self._note_rollup_zone(shared.data)
        self._data_state = DataState(shared.data if shared.data is not None else previous.data, shared.stale_since,
                                     shared.problem, previous.version + (1 if fresh else 0), shared.read_at,
                                     content=shared.content if shared.data is not None else previous.content)
        self._keep(shared)

    def _kept_state(self) -> DataState:
        """The numbers the last run kept (as of their read), or none yet: the first read is running."""
        try:
            if self.kept is not None and self.kept.exists():
                read = SHARED_READ.validate_json(self.kept.read_bytes())
                if read.data is not None:
                    return DataState(read.data, None, None, 0, read.read_at, content=read.content)
        except Exception as error:  # unreadable, or from code that kept other numbers: the database tells
            log.warning("the last numbers in %s are not used: %s", self.kept, str(error).splitlines()[0])
        return DataState(None, None, None, 0, reading=True)

    def _keep(self, shared: SharedRead) -> None:
        """Write the new numbers to `kept`, when they say something new (a read of the same numbers does not)."""
        if self.kept is None or shared.data is None or shared.problem is not None \
                or shared.content == self._kept_content:
            return
        temporary = None
        try:
            self.kept.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.kept.parent, prefix=".numbers-")
            with os.fdopen(handle, "wb") as file:
                file.write(SHARED_READ.dump_json(shared))
            os.replace(temporary, self.kept)  # a restart reads the old file or the new one, never half of one
            self._kept_content = shared.content
        except OSError as error:  # a full disk: the wall goes on, a restart shows older numbers or none
            log.warning("the last numbers could not be kept in %s: %s", self.kept, error)
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)

    def _note_rollup_zone(self, data: WallData | None) -> None:
        zone = data.rollup_zone if data is not None else None
        if zone and zone != self._logged_zone:
            log.warning("the roll-ups count days in %s, not in wall.yaml's %s, and the wall only reads: it shows "
                        "days in %s until someone runs 'obeya rollups'", zone, data.zone, zone)
        self._logged_zone = zone

    def _shared(self, key: str) -> SharedRead | None:
        try:
            text = self.cache.get(key)
        except Exception as error:  # a cache that is down must not take the wall down
            log.warning("result cache unreadable: %s", error)
            return None
        if text is None:
            return None
        try:
            return SHARED_READ.validate_json(text)
        except ValueError:
            log.warning("refused a value in the result cache under %s that is not the wall's data", key)
            return None

    def _lock_shared(self, key: str, seconds: float) -> str | None:
        try:
            return self.cache.lock(key, seconds)
        except Exception as error:  # no shared cache: read it ourselves
            log.warning("result cache lock unavailable: %s", error)
            return ""

    def _unlock_shared(self, key: str, token: str) -> None:
        try:
            if token:
                self.cache.unlock(key, token)
        except Exception as error:
            log.warning("result cache unlock failed: %s", error)

    def _wait_for(self, key: str, seconds: float) -> SharedRead | None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if (shared := self._shared(key)) is not None:
                return shared
        return None

    @staticmethod
    def _latest_key(config_state: ConfigState) -> str:
        return f"data-latest:{config_state.digest}"

    def _query(self, config: Config, key: str, config_state: ConfigState) -> SharedRead:
        previous = self._data_state
        now, started = self._now(), self._clock()
        log.info("reading the wall's numbers from the database")  # bench/load.py counts these lines
        try:
            data = load_wall_data(self.engine, config, now=now, recounts=self.recounts)
            result = SharedRead(data, None, None, now, content_digest(data))
            seconds = config.wall.refresh_seconds
        except (SQLAlchemyError, OSError, SourceError) as error:
            kind = problem_kind(error)
            log.warning("database unreadable (%s), keeping the last good data: %s", PROBLEM_WORDS[kind], error)
            result = SharedRead(previous.data, previous.stale_since or now, kind, now, previous.content)
            seconds = retry_seconds(config.wall.refresh_seconds, result.stale_since, kind, now)
        # The period counts from the read's start, as every process's due time does: were it counted from
        # the end, a process due at the period's end would find it still there, and skip a whole period.
        seconds = max(seconds - (self._clock() - started), 1)
        try:
            text = SHARED_READ.dump_json(result).decode()
            self.cache.set(key, text, seconds)  # there for the period: then read again
            latest = self._latest_key(config_state)  # there until a newer read: for _catch_up
            self.cache.set(latest + ":read", text, LATEST_SECONDS)
            self.cache.set(latest, now.isoformat(), LATEST_SECONDS)  # after the read itself: never ahead of it
        except Exception as error:
            log.warning("result cache not writable: %s", error)
        return result


def kept_numbers_file(folder: Path, database_url: str) -> Path:
    """Where a wall keeps its last good numbers in `folder` (its data folder): one file per database, so a
    wall moved to another database never shows the numbers of the one before."""
    return folder / f"last-numbers-{hashlib.sha256(database_url.encode()).hexdigest()[:12]}.json"


def config_digest(directory: Path) -> str:
    """A digest of the config files' contents: equal in every process that sees the same files."""
    digest = hashlib.sha256()
    for name in CONFIG_FILES:
        try:
            digest.update(name.encode() + b"\0" + (directory / name).read_bytes() + b"\0")
        except OSError:
            digest.update(name.encode() + b"\0-\0")
    return digest.hexdigest()[:20]


