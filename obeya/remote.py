"""The stand-up and the facilitator's remote: what every screen of a wall shares, and the commands that change it.

A wall's screens (TVs, the phone's remote) share one `WallState`: whether the
wall is held, the stand-up that is running (its agenda item and page, when it
and its item started) and the last move (next, previous, a jump) asked for
outside a stand-up. It lives in the shared cache (`obeya.cache`), so every
worker of `obeya serve` and every server on one Redis sees the same, and each
change has a new `version` that the screens' event streams send on.

Commands are the remote's buttons (`data-remote`): `next`, `prev`, `hold`,
`standup`, `goto:<panel id>`. A TV sends the same ones for its keys. A command
is checked (`parse_command`) before anything changes: a wrong one is a
`CommandError` with a sentence, and changes nothing. `apply` is a pure
function of the state, the command, the agenda and the time.

Also here: pairing codes (the QR code on the TV: valid a few minutes, once)
and the annotations the remote adds for today (`RemoteNotes`, a JSON file
under the data folder: the wall never writes to the database).
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import yaml
from pydantic import TypeAdapter, ValidationError

from obeya.cache import ResultCache
from obeya.config import AgendaItem, Annotation, Config
from obeya.labels import ENGLISH, Labels

log = logging.getLogger(__name__)

ACTIONS = ("next", "prev", "hold", "standup", "goto")
COMMAND_KEYS = ("command", "on", "slot", "standup")
STATE_KEY = "wall-state"
STATE_SECONDS = 7 * 24 * 3600  # the shared state outlives any weekend; each change keeps it another week
SLOT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")  # a scheduled start: the day and time, in the wall's zone
MEETING_ID = re.compile(r"^[0-9a-f]{8,32}$")
PAIRING_CODE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
NOTE_MAX_CHARACTERS = 60


class CommandError(ValueError):
    """A command or annotation the wall does not take; the message says why, in a sentence."""


# --- the shared state -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Meeting:
    """A running stand-up. Times are the server's (Unix seconds); a hold moves them on by its length."""

    id: str
    started_at: float
    item: int  # index into the agenda
    page: int  # page of the item's panel
    item_started_at: float
    detour: str | None = None  # a panel shown off the agenda (a jump), until next or previous


@dataclass(frozen=True)
class Move:
    """A move outside a stand-up; every screen makes it once, from wherever its own rotation is."""

    seq: int
    kind: str  # next | prev | goto
    panel: str | None = None


@dataclass(frozen=True)
class WallState:
    version: int = 0
    held: bool = False
    held_at: float | None = None
    standup: Meeting | None = None
    last_slot: str | None = None  # the scheduled start begun last: screens start each one once
    move: Move | None = None
    shown: str | None = None  # the panel a TV last said it shows (for the remote), and its page
    shown_page: int = 0

    @property
    def mode(self) -> str:
        return "standup" if self.standup else "held" if self.held else "rotating"


WALL_STATE = TypeAdapter(WallState)


@dataclass(frozen=True)
class Command:
    action: str  # one of ACTIONS
    panel: str | None = None  # goto
    on: bool | None = None  # hold, standup: the state wanted; None: the other one
    slot: str | None = None  # standup on: the scheduled start it answers (begun once)
    meeting: str | None = None  # standup off: only if this stand-up is still the one running


def parse_command(body: Any, panels: Sequence[str]) -> Command:
    """The command in a request's JSON body, or `CommandError` saying what is wrong with it.

    `panels` are the wall's panel ids, the ones `goto:` may name.
    """
    usage = "next, prev, hold, standup or goto:<panel>"
    if not isinstance(body, dict) or not isinstance(body.get("command"), str):
        raise CommandError(f'send JSON like {{"command": "next"}}; the commands are {usage}')
    extra = sorted(set(body) - set(COMMAND_KEYS))
    if extra:
        raise CommandError(f"unknown key '{extra[0]}': a command may have {', '.join(COMMAND_KEYS)}")
    action, _, panel = body["command"].partition(":")
    if action not in ACTIONS or (action == "goto") != bool(_):
        raise CommandError(f"unknown command {_shown(body['command'])}: the commands are {usage}")
    if action == "goto" and panel not in panels:
        raise CommandError(f"unknown panel {_shown(panel)}: this wall shows {', '.join(panels)}")
    on = body.get("on")
    if on is not None and (not isinstance(on, bool) or action not in ("hold", "standup")):
        raise CommandError("'on' is true or false, and only for hold and standup")
    slot, meeting = body.get("slot"), body.get("standup")
    if slot is not None and (action != "standup" or on is not True or not isinstance(slot, str)
                             or not SLOT.fullmatch(slot)):
        raise CommandError("'slot' is a scheduled start like 2026-12-07T09:15, only with standup and on: true")
    if meeting is not None and (action != "standup" or on is not False or not isinstance(meeting, str)
                                or not MEETING_ID.fullmatch(meeting)):
        raise CommandError("'standup' names the stand-up to end, only with standup and on: false")
    return Command(action, panel or None, on, slot, meeting)


def parse_shown(body: Any, panels: Sequence[str]) -> tuple[str, int]:
    """(panel, page) from a TV's `{"panel": "nps", "page": 0}`, or `CommandError`."""
    if not isinstance(body, dict) or set(body) != {"panel", "page"} or not isinstance(body["panel"], str) \
            or not isinstance(body["page"], int) or isinstance(body["page"], bool) or not 0 <= body["page"] < 100:
        raise CommandError('send JSON like {"panel": "nps", "page": 0}')
    if body["panel"] not in panels:
        raise CommandError(f"unknown panel {_shown(body['panel'])}: this wall shows {', '.join(panels)}")
    return body["panel"], body["page"]


def _shown(text: str) -> str:
    return repr(text[:40] + ("…" if len(text) > 40 else ""))


def agenda_slides(agenda: Sequence[AgendaItem], pages: Mapping[str, int]) -> list[tuple[int, int]]:
    """Every (item, page) of the stand-up in order: an item without `page` shows each page of its panel."""
    slides = []
    for index, item in enumerate(agenda):
        if item.page is not None:
            slides.append((index, min(item.page, max(pages.get(item.panel, 1), 1)) - 1))
        else:
            slides.extend((index, page) for page in range(max(pages.get(item.panel, 1), 1)))
    return slides


def planned_seconds(agenda: Sequence[AgendaItem]) -> float:
    return sum(item.minutes for item in agenda) * 60


def apply(state: WallState, command: Command, agenda: Sequence[AgendaItem], pages: Mapping[str, int],
          now: float, new_id: Callable[[], str] = lambda: secrets.token_hex(8)) -> WallState:
    """The state after `command` at `now`; the same state (same version) when the command changes nothing."""
    if command.action == "hold":
        return _hold(state, not state.held if command.on is None else command.on, now)
    if command.action == "standup":
        wanted = state.standup is None if command.on is None else command.on
        if wanted and state.standup is None and (command.slot is None or command.slot != state.last_slot):
            first = agenda_slides(agenda, pages)[0]
            meeting = Meeting(new_id(), now, first[0], first[1], now)
            return _changed(state, standup=meeting, held=False, held_at=None,
                            last_slot=command.slot or state.last_slot)
        if not wanted and state.standup is not None and command.meeting in (None, state.standup.id):
            return _changed(state, standup=None, held=False, held_at=None)
        return state
    if state.standup is not None:
        return _in_standup(state, command, agenda, pages, now)
    seq = state.move.seq + 1 if state.move else 1
    return _changed(state, move=Move(seq, command.action, command.panel))


def _in_standup(state: WallState, command: Command, agenda: Sequence[AgendaItem], pages: Mapping[str, int],
                now: float) -> WallState:
    meeting = state.standup
    slides = agenda_slides(agenda, pages)
    here = (meeting.item, meeting.page)
    position = slides.index(here) if here in slides else 0
    if command.action == "goto":
        matching = [slide for slide in slides if agenda[slide[0]].panel == command.panel]
        if not matching:
            return _changed(state, standup=dataclasses.replace(meeting, detour=command.panel))
        target = matching[0]
    elif meeting.detour is not None:  # next or previous after a jump: back to the agenda first
        return _changed(state, standup=dataclasses.replace(meeting, detour=None))
    elif command.action == "next":
        if position + 1 >= len(slides):  # past the last item: the stand-up is over, the wall rotates again
            return _changed(state, standup=None, held=False, held_at=None)
        target = slides[position + 1]
    else:
        target = slides[max(position - 1, 0)]
    if target == here and meeting.detour is None:
        return state
    started = meeting.item_started_at if target[0] == meeting.item else (state.held_at or now)
    return _changed(state, standup=dataclasses.replace(meeting, item=target[0], page=target[1],
                                                       item_started_at=started, detour=None))


def _hold(state: WallState, held: bool, now: float) -> WallState:
    if held == state.held:
        return state
    if held:
        return _changed(state, held=True, held_at=now)
    meeting = state.standup
    if meeting is not None and state.held_at is not None:  # the held time does not count against the clock
        paused = now - state.held_at
        meeting = dataclasses.replace(meeting, started_at=meeting.started_at + paused,
                                      item_started_at=meeting.item_started_at + paused)
    return _changed(state, held=False, held_at=None, standup=meeting)


def _changed(state: WallState, **changes: Any) -> WallState:
    return dataclasses.replace(state, version=state.version + 1, **changes)


def overrun(state: WallState, agenda: Sequence[AgendaItem], overrun_minutes: float, now: float) -> bool:
    """A stand-up still open `overrun_minutes` after its planned end: the wall goes back to rotating."""
    meeting = state.standup
    if meeting is None:
        return False
    elapsed = (state.held_at if state.held and state.held_at else now) - meeting.started_at
    return elapsed > planned_seconds(agenda) + overrun_minutes * 60


def state_message(state: WallState, config: Config, now: float) -> dict:
    """What a screen is sent: the state, the agenda it follows and the server's time (screens' clocks differ)."""
    message = dataclasses.asdict(state)
    message.update(mode=state.mode, now=now,
                   agenda=[{"panel": item.panel, "minutes": item.minutes, "who": item.who,
                            "page": item.page} for item in config.agenda()],
                   schedule={"starts": config.standup.starts, "days": config.standup.days,
                             "overrun_minutes": config.standup.overrun_minutes})
    return message


class WallStateStore:
    """The shared state in the cache; changes are made under the cache's lock, one at a time across workers.

    A change is published on the cache (Redis), so the event streams of every server wake at once; without
    Redis (or while it is away) they look every `poll` seconds. A process that saw a state keeps showing it
    when the cache loses it (Redis restarted empty or away): a held wall does not start rotating by itself.
    """

    def __init__(self, cache: ResultCache, clock: Callable[[], float] = time.time) -> None:
        self.cache = cache
        self.clock = clock
        self._changed = threading.Condition()
        self._last: WallState | None = None
        subscribe = getattr(cache, "subscribe", None)
        self._news = subscribe(STATE_KEY, self._wake) if subscribe else None

    def _wake(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def read(self) -> WallState:
        try:
            text = self.cache.get(STATE_KEY)
            if text:
                self._last = WALL_STATE.validate_json(text)
            return self._last or WallState()
        except (ValidationError, ValueError) as error:
            log.warning("refused a wall state in the cache that is not one: %s", error)
        except Exception as error:  # a cache that is down must not take the wall down
            log.warning("wall state unreadable: %s", error)
        return self._last or WallState()

    def change(self, change: Callable[[WallState], WallState]) -> WallState:
        """Apply `change` to the current state and keep the result; returns it."""
        token = None
        deadline = time.monotonic() + 2
        while token is None and time.monotonic() < deadline:
            token = self.cache.lock(STATE_KEY, 5)
            if token is None:
                time.sleep(0.01)
        try:
            before = self.read()
            after = change(before)
            if after != before:
                self.cache.set(STATE_KEY, WALL_STATE.dump_json(after).decode(), STATE_SECONDS)
                self._last = after
        finally:
            if token is not None:
                self.cache.unlock(STATE_KEY, token)
        if after != before:
            if self._news is not None:
                self.cache.publish(STATE_KEY)  # every server's streams, this one's included
            self._wake()
        return after

    def updates(self, seconds: float, poll: float = 0.1) -> Iterator[WallState | None]:
        """The state now, then each new version for `seconds`; None in between, about once a second (keep-alive).

        Changes wake it at once (in this process; in every process through Redis's news); without news it
        looks every `poll` seconds, and every second even with news (a message lost in a reconnect).
        """
        end = time.monotonic() + seconds
        sent = self.read()
        yield sent
        quiet_since = time.monotonic()
        while time.monotonic() < end:
            with self._changed:
                self._changed.wait(1.0 if self._news is not None and self._news.live.is_set() else poll)
            state = self.read()
            if state != sent:
                sent = state
                quiet_since = time.monotonic()
                yield state
            elif time.monotonic() - quiet_since >= 1:
                quiet_since = time.monotonic()
                yield None


# --- pairing a phone with the QR code on the TV ---------------------------------------------------------------


@dataclass(frozen=True)
class Pairing:
    code: str
    expires_at: float


class Pairings:
    """One-time pairing codes valid for `lifetime` seconds, kept in the shared cache (any worker redeems them)."""

    def __init__(self, cache: ResultCache, lifetime: float, clock: Callable[[], float] = time.time) -> None:
        self.cache = cache
        self.lifetime = lifetime
        self.clock = clock

    def issue(self) -> Pairing:
        pairing = Pairing(secrets.token_urlsafe(16), self.clock() + self.lifetime)
        # Kept an hour longer than valid, so a late scan hears "expired" rather than "unknown".
        self.cache.set(f"pairing:{pairing.code}", json.dumps({"expires_at": pairing.expires_at, "used": False}),
                       self.lifetime + 3600)
        return pairing

    def redeem(self, code: str, say: Labels = ENGLISH) -> str | None:
        """None when `code` pairs a phone now (and never again); else why not, in a sentence in `say`'s words."""
        if not PAIRING_CODE.fullmatch(code or ""):
            return say("pages.pairing_not_ours")
        key = f"pairing:{code}"
        token = self.cache.lock(key, 5)
        if token is None:
            return say("pages.pairing_busy")
        try:
            text = self.cache.get(key)
            entry = json.loads(text) if text else None
            if entry is None:
                return say("pages.pairing_unknown")
            if entry.get("used"):
                return say("pages.pairing_used")
            if self.clock() >= float(entry["expires_at"]):
                valid = (say("pages.minutes", count=round(self.lifetime / 60)) if self.lifetime >= 120
                         else say("pages.seconds", count=f"{self.lifetime:g}"))
                return say("pages.pairing_expired", valid=valid)
            self.cache.set(key, json.dumps({**entry, "used": True}), self.lifetime + 3600)
            return None
        finally:
            self.cache.unlock(key, token)


# --- annotations added on the remote ----------------------------------------------------------------------------


NOTES = TypeAdapter(list[Annotation])


def parse_note(body: Any, config: Config, today: date) -> Annotation:
    """Today's annotation from the remote's JSON ({"text": ..., "service": ...}), or `CommandError`."""
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        raise CommandError('send JSON like {"text": "New VPN client", "service": "vpn"}; service is optional')
    extra = sorted(set(body) - {"text", "service"})
    if extra:
        raise CommandError(f"unknown key '{extra[0]}': an annotation has text and, optionally, service")
    text = " ".join(body["text"].split())
    if not text:
        raise CommandError("write what happened: the text is empty")
    if len(text) > NOTE_MAX_CHARACTERS:
        raise CommandError(f"the text has {len(text)} characters; an annotation has at most {NOTE_MAX_CHARACTERS}")
    service = body.get("service") or None
    if service is not None and (not isinstance(service, str) or config.service(service) is None):
        known = ", ".join(item.id for item in config.services)
        raise CommandError(f"unknown service {_shown(str(service))}: use one of {known}, or none for every chart")
    return Annotation(date=today, text=text, service=service)


NOTES_KEY = "remote-notes"
NOTES_SECONDS = 400 * 24 * 3600  # in the shared cache a year and more: the file stays the wall's own record


@dataclass
class RemoteNotes:
    """The annotations added on the remote, in a JSON file (the wall's own; the team's git gets them by export).

    With a `shared` cache (Redis, for several servers), each note is also kept there, and every server
    shows the notes of its file and of the cache: a note added through one server is on every server's
    charts. While the cache is away, a server shows what it saw there last.
    """

    path: Path
    shared: ResultCache | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _shared_text: str | None = field(default=None, repr=False)  # the shared notes as last seen

    def read(self) -> tuple[Annotation, ...]:
        own = self._read_file()
        shared = self._parse(self._fetch_shared()) if self.shared is not None else ()
        return own + tuple(note for note in shared if note not in own)

    def _fetch_shared(self) -> str | None:
        try:
            if (text := self.shared.get(NOTES_KEY)) is not None:
                self._shared_text = text
        except Exception:
            pass  # away: what we saw last
        return self._shared_text

    def _read_file(self) -> tuple[Annotation, ...]:
        try:
            return tuple(NOTES.validate_json(self.path.read_bytes()))
        except FileNotFoundError:
            return ()
        except (OSError, ValueError) as error:
            log.warning("the remote's annotations in %s are unreadable, showing none of them: %s", self.path, error)
            return ()

    @staticmethod
    def _parse(text: str | None) -> tuple[Annotation, ...]:
        try:
            return tuple(NOTES.validate_json(text)) if text else ()
        except ValueError:
            log.warning("refused annotations in the shared cache that are not annotations")
            return ()

    def add(self, note: Annotation) -> None:
        """Append `note`; workers of one server take turns (a lock file), and readers never see half a file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path.with_name(self.path.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            notes = [*self._read_file(), note]
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".notes-")
            with os.fdopen(handle, "wb") as file:
                file.write(NOTES.dump_json(notes, indent=2))
            os.replace(temporary, self.path)
        if self.shared is not None:
            self._add_shared(note)

    def _add_shared(self, note: Annotation) -> None:
        token = None
        try:
            deadline = time.monotonic() + 2
            while (token := self.shared.lock(NOTES_KEY, 5)) is None and time.monotonic() < deadline:
                time.sleep(0.01)
            notes = [*self._parse(self.shared.get(NOTES_KEY)), note]
            self.shared.set(NOTES_KEY, NOTES.dump_json(notes).decode(), NOTES_SECONDS)
        except Exception as error:  # the note is in this server's file; the others get it from there later
            log.warning("the remote's annotation is kept on this server only: the shared cache failed: %s", error)
        finally:
            if token is not None:
                self.shared.unlock(NOTES_KEY, token)

    def signature(self) -> tuple:
        """Size and time of the file (and the shared notes' text), to notice an addition cheaply."""
        try:
            stat = self.path.stat()
            own = stat.st_size, stat.st_mtime_ns
        except OSError:
            own = -1, -1
        return own if self.shared is None else own + (hash(self._fetch_shared()),)


def merged_annotations(config: Config, notes: Sequence[Annotation]) -> tuple[Annotation, ...]:
    """annotations.yaml's events and the remote's, each once; a note whose service is gone is left out."""
    merged = list(config.annotations)
    for note in notes:
        if note not in merged and (note.service is None or config.service(note.service) is not None):
            merged.append(note)
    return tuple(merged)


def annotations_yaml(notes: Sequence[Annotation]) -> str:
    """`notes` in annotations.yaml's format, to paste into the team's config."""
    entries = [{key: value for key, value in (("date", note.date), ("text", note.text), ("service", note.service))
                if value is not None} for note in notes]
    return yaml.safe_dump({"annotations": entries}, sort_keys=False, allow_unicode=True)
