"""Alerts: news that should not wait for its turn in rotation.

Two things are news: a number that dropped by more than noise, with enough
responses on both sides (the rolling windows of obeya/changes.py), and a new
detractor comment (since the last stand-up) on a theme themes.yaml marks
`watch: true`. Each is about a subject ("nps:lims", "theme:waiting"); an alert
fires when its subject appears, and a subject that fired comes back at most
once per cool-down (wall.yaml's `alerts.cooldown_hours`), so a number
hovering at the edge of noise does not alert at every refresh. A fired alert
stays live until the cool-down ends or its news is gone: the page puts its
panel next in rotation once and marks it "new" while it is live.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from obeya.config import Config
from obeya.snapshot import WallData


@dataclass(frozen=True)
class Alert:
    """News for one panel: what it is about (`subject`) and the panel that shows it."""

    subject: str
    panel: str


@dataclass(frozen=True)
class LiveAlert:
    """A fired alert, as the page gets it: its panel comes next once per `key`, marked "new" until `until`."""

    key: str  # the subject and when it fired: a new firing is a new key
    panel: str
    until: datetime


def find_alerts(config: Config, data: WallData | None) -> tuple[Alert, ...]:
    """The news in `data`, for the panels in rotation: drops beyond noise (NPS on `nps`, first-time-right on
    `ftr`) and new detractor comments on watched themes (on `voices`, else `themes`)."""
    if data is None:
        return ()
    shown = {setting.id for setting in config.wall.panels}
    found: list[Alert] = []
    if data.changes is not None:
        found += [Alert(f"{movement.measure}:{movement.service_id or 'all'}", movement.measure)
                  for movement in data.changes.movements if movement.change.delta < 0]
    watched = {theme.id for theme in config.themes if theme.watch}
    comments_panel = next((panel for panel in ("voices", "themes") if panel in shown), None)
    if watched and comments_panel:
        found += [Alert(f"theme:{theme}", comments_panel) for voice in data.voices
                  if voice.band == "detractor" and voice.new for theme in voice.themes if theme in watched]
    unique = {alert.subject: alert for alert in found if alert.panel in shown}
    return tuple(unique.values())


@dataclass
class AlertLog:
    """What fired when, in one server process: decides which alerts are live (see the module's docstring)."""

    fired: dict[str, datetime] = field(default_factory=dict)  # subject -> when it last fired
    present: frozenset[str] = frozenset()  # the subjects the last update saw

    def update(self, alerts: Iterable[Alert], now: datetime, cooldown: timedelta) -> tuple[LiveAlert, ...]:
        """Take the news found at `now`; returns the live alerts. Calling it again with the same news fires
        nothing new (every screen size draws the same data)."""
        alerts = tuple(alerts)
        for alert in alerts:
            last = self.fired.get(alert.subject)
            if alert.subject not in self.present and (last is None or now - last >= cooldown):
                self.fired[alert.subject] = now
        self.present = frozenset(alert.subject for alert in alerts)
        self.fired = {subject: at for subject, at in self.fired.items() if now - at < cooldown}
        return tuple(LiveAlert(f"{alert.subject}@{self.fired[alert.subject].isoformat()}", alert.panel,
                               self.fired[alert.subject] + cooldown)
                     for alert in alerts if alert.subject in self.fired)


ALERT_SECONDS = 7 * 24 * 3600  # the memory outlives any cool-down a team sets (each update keeps it again)


class SharedAlertLog:
    """An `AlertLog` kept in the shared cache under `key`: every worker and server fires an alert once per
    cool-down and draws it with the same key, so two servers behind one proxy show the same wall.

    Updates take the cache's lock; when the lock cannot be had in a second (or the cache is away) the
    update works on what this process saw last, and the cache is written anyway.
    """

    def __init__(self, cache, key: str = "alerts") -> None:
        self.cache = cache
        self.key = key
        self._last = AlertLog()

    def update(self, alerts: Iterable[Alert], now: datetime, cooldown: timedelta) -> tuple[LiveAlert, ...]:
        token = self._lock()
        try:
            log = self._read()
            live = log.update(alerts, now, cooldown)
            self._last = log
            try:
                self.cache.set(self.key, json.dumps({"fired": {subject: at.isoformat()
                                                               for subject, at in log.fired.items()},
                                                     "present": sorted(log.present)}), ALERT_SECONDS)
            except Exception:
                pass  # the cache is away: this process remembers (self._last) until it is back
            return live
        finally:
            if token is not None:
                try:
                    self.cache.unlock(self.key, token)
                except Exception:
                    pass

    def _lock(self) -> str | None:
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline:
            try:
                if (token := self.cache.lock(self.key, 5)) is not None:
                    return token
            except Exception:
                return None
            time.sleep(0.01)
        return None

    def _read(self) -> AlertLog:
        try:
            text = self.cache.get(self.key)
            if text:
                entry = json.loads(text)
                return AlertLog({subject: datetime.fromisoformat(at) for subject, at in entry["fired"].items()},
                                frozenset(entry["present"]))
        except Exception:  # away, or not an alert log: what this process saw last
            pass
        return AlertLog(dict(self._last.fired), self._last.present)
