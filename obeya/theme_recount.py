"""Theme counts the wall makes itself, in the background, when the roll-ups cannot give them.

The importer and the demo keep `theme_daily` counted with themes.yaml's rules
(obeya/themes.py). Two cases leave the wall to count on its own: a team's own
SQL for responses (no roll-ups at all), and a themes.yaml edited since the
last writer counted (the roll-ups use the earlier rules). Then the wall reads
the commented responses of the themes window, tags them and counts them per
service and day, in a thread of its own, logging its progress; meanwhile it
shows the previous counts, marked as re-counting, and never blanks. The
result is kept in the shared cache (as JSON), so one process counts for all.

    recounts = ThemeRecounts(engine, cache, on_done=lambda: ...)
    counts = recounts.counts(request)      # None until counted
    recounts.start(request, config)        # once; a second call while it runs does nothing
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from obeya import queries
from obeya.cache import ResultCache
from obeya.config import Config
from obeya.engine import reading
from obeya.metrics import NpsCounts
from obeya.themes import count_tags

log = logging.getLogger(__name__)

PROGRESS_EVERY = 50_000  # comments between two progress lines in the log
RECOUNT_SECONDS = 3600  # how long one process may hold the count of a request (a slow database, millions of comments)
KEEP_SECONDS = 7 * 86400  # counted once, kept while the data does not change (the request names the change marker)

ThemeDaily = dict[tuple[str, date, str], NpsCounts]


@dataclass(frozen=True)
class RecountRequest:
    """What to count: the days `first` to `last` (in `zone`) with the rules `rules`, as of the data `marker`."""

    rules: str  # obeya.themes.rules_fingerprint of themes.yaml and the wall's language
    first: date
    last: date
    zone: str
    marker: str  # the writers' change marker, or for a team's own SQL the time bucket of the refresh

    @property
    def key(self) -> str:
        return f"themes:{self.rules}:{self.first}:{self.last}:{self.zone}:{self.marker}"


def count_window(connection, config: Config, request: RecountRequest, raw: queries.RawRows | None = None,
                 progress: Callable[[int], None] | None = None) -> ThemeDaily:
    """Read the commented responses of the request's days and count their themes per service and day."""
    zone = ZoneInfo(request.zone)
    since = _utc(datetime.combine(request.first, time.min, zone))
    until = _utc(datetime.combine(request.last + timedelta(days=1), time.min, zone))
    raw = raw or queries.raw_rows(connection, config.sources)
    rows = _local_days(queries.commented_rows(connection, since, until, raw=raw), zone, progress)
    return count_tags(rows, config.themes, config.wall.language)


def _local_days(rows, zone: ZoneInfo, progress: Callable[[int], None] | None) -> Iterator[tuple]:
    for number, (service, responded_at, score, comment, factors) in enumerate(rows, start=1):
        if progress and number % PROGRESS_EVERY == 0:
            progress(number)
        moment = responded_at if responded_at.tzinfo else responded_at.replace(tzinfo=timezone.utc)
        yield service, moment.astimezone(zone).date(), int(score), comment, factors


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)  # stored as naive UTC


def dump_counts(counts: ThemeDaily) -> str:
    return json.dumps([[service, day.isoformat(), tag, c.promoters, c.passives, c.detractors]
                       for (service, day, tag), c in counts.items()])


def load_counts(text: str) -> ThemeDaily:
    """The counts `dump_counts` wrote; ValueError for anything else (a cache holds only plain data)."""
    try:
        return {(str(service), date.fromisoformat(day), str(tag)): NpsCounts(int(p), int(pa), int(d))
                for service, day, tag, p, pa, d in json.loads(text)}
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(f"not theme counts: {error}") from error


class ThemeRecounts:
    """The wall's own theme counts: one background count at a time, results shared through the cache."""

    def __init__(self, engine: Engine, cache: ResultCache, on_done: Callable[[], None] = lambda: None) -> None:
        self.engine = engine
        self.cache = cache
        self.on_done = on_done
        self._mutex = threading.Lock()
        self._worker: threading.Thread | None = None
        self._done: dict[str, ThemeDaily] = {}
        self._latest: tuple[str, ThemeDaily] | None = None

    def latest(self) -> tuple[str, ThemeDaily] | None:
        """The rules and counts of the last count this process finished (shown while the next one runs)."""
        return self._latest

    def counts(self, request: RecountRequest) -> ThemeDaily | None:
        """The counts for `request` when this or another process has made them; None until then."""
        if request.key in self._done:
            return self._done[request.key]
        try:
            text = self.cache.get(request.key)
            if text is None:
                return None
            counts = load_counts(text)
            self._latest = (request.rules, counts)
            return counts
        except Exception as error:  # a cache that is down or holds something else must not take the wall down
            log.warning("theme counts in the result cache unusable: %s", error)
            return None

    def start(self, request: RecountRequest, config: Config) -> None:
        """Count `request` in the background unless a count is already running here."""
        with self._mutex:
            if self._worker is not None and self._worker.is_alive():
                return
            self._worker = threading.Thread(target=self._count, args=(request, config), name="obeya-themes",
                                            daemon=True)
            self._worker.start()

    def join(self, timeout: float | None = None) -> None:
        """Wait for a running count (tests, benches)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)

    def _count(self, request: RecountRequest, config: Config) -> None:
        try:
            token = self.cache.lock(request.key, RECOUNT_SECONDS)
        except Exception:
            token = ""  # no shared cache: count here
        if token is None:
            return  # another process counts it; the next read finds its result in the cache
        try:
            log.info("counting comment themes for %s to %s with the current themes.yaml", request.first,
                     request.last)
            with reading(self.engine, RECOUNT_SECONDS) as connection:  # read-only, like every read of the wall
                counts = count_window(connection, config, request, progress=lambda n: log.info(
                    "counting comment themes: %s comments so far", f"{n:,}"))
            self._done = {request.key: counts}  # only the latest: a window's counts are a few thousand rows
            self._latest = (request.rules, counts)
            try:
                self.cache.set(request.key, dump_counts(counts), KEEP_SECONDS)
            except Exception as error:
                log.warning("result cache not writable: %s", error)
            log.info("comment themes counted: %s rows of counts", len(counts))
            self.on_done()
        except Exception:
            log.exception("counting comment themes failed; the wall keeps the previous counts")
        finally:
            if token:
                try:
                    self.cache.unlock(request.key, token)
                except Exception:
                    pass
