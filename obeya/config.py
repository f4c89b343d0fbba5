"""The wall's configuration: pydantic models for the YAML files and their loader.

A team edits five files in its config folder:

    wall.yaml       title, team, theme, rotation, refresh, panel order
    mission.yaml    mission statement, promise to the customer, values
    personas.yaml   the people we serve
    journeys.yaml   customer journeys, stage by stage
    services.yaml   key services with their expected experience and targets

Every mistake becomes a `Problem` that names the file, line, column and key,
so the wall and `python -m obeya validate` can say exactly what to fix.
"""

from __future__ import annotations

import difflib
import os
import re
import reprlib
import zoneinfo
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from obeya import brand as branding
from obeya.files import NOT_FOUND, check_config_image, megabytes
from obeya.labels import LANGUAGES, catalog, label_keys, nearest_key, placeholders
from obeya.panels import PANEL_IDS, PanelId  # noqa: F401  (the one registry of panels; tests import it here)

CONFIG_FILES = ("wall.yaml", "mission.yaml", "personas.yaml", "journeys.yaml", "services.yaml", "annotations.yaml",
                "sources.yaml")
OPTIONAL_FILES = ("annotations.yaml", "sources.yaml")

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    """Base for every YAML model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- wall.yaml -------------------------------------------------------------


class PanelSetting(Strict):
    id: PanelId
    seconds: Annotated[int, Field(ge=5, le=3600)] | None = None


class NpsSettings(Strict):
    period: Literal["week", "month"] = "week"
    target: Annotated[float, Field(ge=-100, le=100)] | None = None
    min_responses: Annotated[int, Field(ge=1)] = 30
    periods_shown: Annotated[int, Field(ge=4, le=104)] = 26


class VoicesSettings(Strict):
    count: Annotated[int, Field(ge=1, le=12)] = 6
    days: Annotated[int, Field(ge=1, le=365)] = 30
    hide: list[str] = []


class Brand(Strict):
    """The team's own look: a logo in the header, the accent colour."""

    logo: str | None = None  # an image file in the config folder
    accent: str | None = None  # "#rrggbb"; needs 7:1 against the theme's background (checked with the theme)

    @field_validator("accent")
    @classmethod
    def _hex_colour(cls, value: str | None) -> str:
        if value is None:  # `accent: #1f6feb` without quotes: YAML reads a comment, so the value is empty
            raise ValueError('write the colour in quotes, like "#1f6feb" (a bare # starts a YAML comment)')
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            raise ValueError(f"'{value}' is not a colour: write it like \"#1f6feb\"")
        return value.lower()


class Wall(Strict):
    title: Text
    team: Text
    theme: Literal["dark", "light"] = "dark"
    timezone: str = "UTC"
    rotate_seconds: Annotated[int, Field(ge=5, le=3600)] = 30
    idle_resume_seconds: Annotated[int, Field(ge=10, le=3600)] = 120
    refresh_seconds: Annotated[int, Field(ge=10, le=86400)] = 300
    # A read that takes longer is stopped by the database; the wall keeps its last numbers ("database too slow").
    database_timeout_seconds: Annotated[int, Field(ge=1, le=600)] = 30
    daily_reload_at: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] | None = "04:00"
    panels: list[PanelSetting] = [PanelSetting(id=panel) for panel in PANEL_IDS]
    nps: NpsSettings = NpsSettings()
    voices: VoicesSettings = VoicesSettings()
    # The catalog the wall's words come from (obeya/catalog/<language>.yaml); editors offer the shipped ones.
    language: Annotated[str, Field(json_schema_extra={"enum": list(LANGUAGES)})] = "en"
    # The team's own words for single labels, by catalog key; editors complete the keys.
    labels: Annotated[dict[str, Text], Field(json_schema_extra={"propertyNames": {"enum": label_keys()}})] = {}
    brand: Brand = Brand()

    @field_validator("language")
    @classmethod
    def _shipped_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            choices = ", ".join(LANGUAGES[:-1]) + f" or {LANGUAGES[-1]}"
            raise ValueError(f"unknown language '{value}'; the wall speaks {choices}")
        return value

    @field_validator("panels", mode="before")
    @classmethod
    def _panel_names_as_settings(cls, value: Any) -> Any:
        # `- nps` is shorthand for `- id: nps`.
        if isinstance(value, list):
            return [{"id": item} if isinstance(item, str) else item for item in value]
        return value

    @field_validator("panels")
    @classmethod
    def _at_least_one_panel(cls, value: list[PanelSetting]) -> list[PanelSetting]:
        if not value:
            raise ValueError("list at least one panel")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}' (use a name like Europe/Amsterdam)") from None
        return value

    def seconds_for(self, panel: str) -> int:
        """How long `panel` stays on screen in rotation."""
        for setting in self.panels:
            if setting.id == panel and setting.seconds:
                return setting.seconds
        return self.rotate_seconds


# --- mission.yaml ----------------------------------------------------------


class Mission(Strict):
    statement: Text
    promise: Text
    values: list[Text] = []


# --- personas.yaml ---------------------------------------------------------


class Persona(Strict):
    id: Slug
    name: Text
    role: Text
    quote: Text
    avatar: str | None = None
    goals: list[Text] = []
    frustrations: list[Text] = []
    needs: list[Text] = []
    channels: list[Text] = []

    @property
    def initials(self) -> str:
        words = [word for word in re.split(r"\s+", self.name.strip()) if word]
        return "".join(word[0] for word in (words[:1] + words[1:][-1:])).upper()


class PersonasFile(Strict):
    personas: Annotated[list[Persona], Field(min_length=1)]


# --- services.yaml ---------------------------------------------------------


class Service(Strict):
    id: Slug
    name: Text
    expected_experience: Text
    nps_target: Annotated[float, Field(ge=-100, le=100)]
    ftr_target: Annotated[float, Field(ge=0, le=100)]
    # Other spellings of the id in exports and team SQL: display names, codes.
    aliases: list[Annotated[str, Field(min_length=1, max_length=64)]] = []


class ServicesFile(Strict):
    services: Annotated[list[Service], Field(min_length=1)]


# --- journeys.yaml ---------------------------------------------------------


class Stage(Strict):
    name: Text
    emotion: Annotated[int, Field(ge=-2, le=2)]
    actions: list[Text] = []
    touchpoints: list[Text] = []
    pain_points: list[Text] = []
    opportunities: list[Text] = []
    services: list[str] = []


class Journey(Strict):
    id: Slug
    title: Text
    persona: str
    stages: Annotated[list[Stage], Field(min_length=1)]


class JourneysFile(Strict):
    journeys: Annotated[list[Journey], Field(min_length=1)]


# --- annotations.yaml (optional) -----------------------------------------


class Annotation(Strict):
    date: date
    text: Annotated[str, Field(min_length=1, max_length=60)]
    service: str | None = None  # None: shown on every chart


class AnnotationsFile(Strict):
    annotations: list[Annotation] = []


# --- sources.yaml (optional) ---------------------------------------------


def _read_only_select(sql: str | None) -> str | None:
    if sql is None:
        return None
    body = re.sub(r"--[^\n]*|/\*.*?\*/", " ", sql, flags=re.DOTALL).strip().rstrip(";").strip()
    if not re.match(r"(?is)^(select|with)\b", body):
        raise ValueError("must be a SELECT (or WITH ... SELECT) query: the wall only reads")
    if ";" in body:
        raise ValueError("must be one query: remove the ';' inside it")
    return body


class Sources(Strict):
    """A team's own SELECTs returning the canonical columns, instead of the wall's tables."""

    responses: str | None = None
    ftr: str | None = None

    @field_validator("responses", "ftr")
    @classmethod
    def _one_select(cls, value: str | None) -> str | None:
        return _read_only_select(value)


# --- the whole config ------------------------------------------------------


@dataclass(frozen=True)
class Config:
    """Everything the wall shows that the team writes itself."""

    wall: Wall
    mission: Mission
    personas: tuple[Persona, ...]
    journeys: tuple[Journey, ...]
    services: tuple[Service, ...]
    directory: Path
    annotations: tuple[Annotation, ...] = ()
    sources: Sources = Sources()

    def persona(self, persona_id: str) -> Persona:
        return next(persona for persona in self.personas if persona.id == persona_id)

    def service(self, service_id: str) -> Service | None:
        return next((service for service in self.services if service.id == service_id), None)

    def service_id_for(self, spelling: str | None) -> str | None:
        """The service id that `spelling` (an id or one of its aliases, any case) names; None when unknown."""
        if spelling is None:
            return None
        wanted = str(spelling).strip().casefold()
        for service in self.services:
            if wanted == service.id.casefold() or wanted in (alias.strip().casefold() for alias in service.aliases):
                return service.id
        return None

    def annotations_for(self, service_id: str | None) -> tuple[Annotation, ...]:
        """Events to mark on a chart of `service_id`; the all-services chart (None) shows every event."""
        if service_id is None:
            return self.annotations
        return tuple(note for note in self.annotations if note.service is None or note.service == service_id)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one config file, located for a human."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


@dataclass
class ConfigError(Exception):
    """The config folder cannot be shown; `problems` says why, where."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


# --- loading ---------------------------------------------------------------

FILE_MODELS = {  # each config file and the model of its contents (schema.py writes their JSON Schemas)
    "wall.yaml": Wall,
    "mission.yaml": Mission,
    "personas.yaml": PersonasFile,
    "journeys.yaml": JourneysFile,
    "services.yaml": ServicesFile,
    "annotations.yaml": AnnotationsFile,
    "sources.yaml": Sources,
}


@dataclass
class _Document:
    """A parsed YAML file: its data and its node tree, to locate problems."""

    name: str
    data: Any
    root: yaml.Node | None

    def locate(self, path: tuple[Any, ...], *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the node at `path`, or of the nearest parent."""
        node = self.root
        if node is None:
            return 1, 1
        position = node.start_mark
        for depth, step in enumerate(path, start=1):
            child = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == str(step):
                        child = key_node if key and depth == len(path) else value_node
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                child = node.value[step]
            if child is None:
                break
            node = child
            position = node.start_mark
        return position.line + 1, position.column + 1

    def problem(self, path: tuple[Any, ...], message: str, *, key: bool = False) -> Problem:
        line, column = self.locate(path, key=key)
        return Problem(self.name, line, column, message)


def _key_path(path: tuple[Any, ...]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


MAX_FILE_BYTES = 1024 * 1024
MAX_VALUES = 10_000  # values in one file, each use of an alias counted again: the biggest team config has a few hundred
MAX_DEPTH = 50  # levels of nesting; the models need six
_LINE_BREAKS = re.compile("[\n\x85\u2028\u2029]")


class _Loader(yaml.SafeLoader):
    """The safe loader, with limits and located errors.

    A value it cannot build (2026-02-30, `!!int twenty`, 5,000 digits) is a located
    YAML error. A document nested deeper than MAX_DEPTH, or holding more than
    MAX_VALUES values once its aliases are expanded (a "billion laughs"), is refused
    while it is composed, before it costs time or memory.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._values = 0
        self._anchored_values: dict[int, int] = {}  # id(anchored node) -> values it stands for

    def compose_node(self, parent, index):
        event = self.peek_event()
        if self._depth >= MAX_DEPTH:
            raise _Refused(f"YAML nested more than {MAX_DEPTH} levels deep", event.start_mark)
        counted_before = self._values
        self._depth += 1
        node = super().compose_node(parent, index)
        self._depth -= 1
        if isinstance(event, yaml.AliasEvent):
            self._values += self._anchored_values.get(id(node), 1)  # 1: an alias inside its own anchor
            if self._values > MAX_VALUES:
                raise _Refused(f"YAML aliases expand to more than {MAX_VALUES:,} values; "
                               f"a config file may hold at most {MAX_VALUES:,}", event.start_mark)
            return node
        self._values += 1
        if self._values > MAX_VALUES:
            raise _Refused(f"YAML holds more than {MAX_VALUES:,} values; a config file may hold at most {MAX_VALUES:,}",
                           event.start_mark)
        if event.anchor is not None:
            self._anchored_values[id(node)] = self._values - counted_before
        return node

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError):
            shown = node.value if isinstance(node.value, str) else ""
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            kind = node.tag.rsplit(":", 1)[-1]
            raise yaml.constructor.ConstructorError(None, None, f"cannot read {shown!r} as a {kind}", node.start_mark) from None


class _Refused(yaml.MarkedYAMLError):
    """A document past the loader's limits; its message is the whole problem."""

    def __init__(self, message: str, mark: yaml.Mark):
        super().__init__(problem=message, problem_mark=mark)


def _position(before: str) -> tuple[int, int]:
    """Line and column (1-based) just after `before`, counting the line breaks YAML counts."""
    lines = _LINE_BREAKS.split(before)
    return len(lines), len(lines[-1]) + 1


def _read_text(path: Path, name: str) -> str:
    """The file's text, refused before parsing when too big or not UTF-8 (located at the bad byte)."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
            size = max(len(data), os.fstat(file.fileno()).st_size)
    except OSError as error:
        raise ConfigError([Problem(name, 1, 1, f"cannot read the file ({error.strerror or error})")]) from None
    if size > MAX_FILE_BYTES:
        raise ConfigError([Problem(name, 1, 1, f"file is {megabytes(size)}, "
                                               f"more than the {megabytes(MAX_FILE_BYTES)} a config file may be")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        byte = data[error.start]
        raise ConfigError([Problem(name, *_position(before),
                                   f"not UTF-8 text (byte 0x{byte:02x}: {error.reason}); save the file as UTF-8")]) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")  # universal newlines, as open() in text mode


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree (to locate problems) and the data built from that same tree: one pass over the text."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


def _read(directory: Path, name: str) -> _Document:
    path = directory / name
    if not path.is_file() and name in OPTIONAL_FILES:
        return _Document(name, {}, None)
    if not path.is_file():
        raise ConfigError([Problem(name, 1, 1, "file not found")])
    text = _read_text(path, name)
    try:
        root, data = _parse(text)
    except RecursionError:
        raise ConfigError([Problem(name, 1, 1, "YAML nested too deeply")]) from None
    except yaml.reader.ReaderError as error:
        character = f"#x{error.character:04x}" if isinstance(error.character, int) else repr(error.character)
        raise ConfigError([Problem(name, *_position(text[: error.position]),
                                   f"YAML syntax: unacceptable character {character}: {error.reason}")]) from None
    except _Refused as error:
        mark = error.problem_mark
        raise ConfigError([Problem(name, mark.line + 1, mark.column + 1, error.problem)]) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ConfigError([Problem(name, line, column, _syntax_message(error))]) from None
    except yaml.YAMLError as error:
        raise ConfigError([Problem(name, 1, 1, f"YAML syntax: {error}")]) from None
    repeated = _repeated_keys(root)
    if repeated:
        raise ConfigError([Problem(name, *position, message) for position, message in repeated])
    if data is None:
        data = {}
    return _Document(name, data, root)


def _syntax_message(error: yaml.MarkedYAMLError) -> str:
    words = " ".join(part for part in (error.context, error.problem) if part)
    if error.context and error.problem and error.problem.startswith("but "):
        words = f"{error.context}, {error.problem}"
    if "mapping values are not allowed" in words or "expected <block end>" in words:
        words += " (check the indentation)"
    return f"YAML syntax: {words}"


def _repeated_keys(node: yaml.Node | None, seen: set[int] | None = None) -> list[tuple[tuple[int, int], str]]:
    """A key written twice in one mapping: PyYAML would silently keep the last one."""
    found = []
    seen = set() if seen is None else seen
    if id(node) in seen:  # an alias: its node was checked where its anchor is
        return found
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.value in first_line:
                position = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                found.append((position, f"key '{key_node.value}' is repeated (first at line {first_line[key_node.value]})"))
            first_line.setdefault(key_node.value, key_node.start_mark.line + 1)
            found.extend(_repeated_keys(value_node, seen))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found.extend(_repeated_keys(item, seen))
    return found


class _ShortRepr(reprlib.Repr):
    def repr_int(self, x, level):
        return repr(x) if x.bit_length() <= 128 else f"a number of {x.bit_length()} bits"


_short = _ShortRepr()
_short.maxstring = _short.maxother = 60


class _Shown:
    """A value for a message: shortened when huge (a 4,000-digit number, a pasted essay)."""

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return _short.repr(self.value)

    def __str__(self):
        return str(self.value)


def _friendly(kind: str, error: dict[str, Any]) -> str:
    """Pydantic's message for one error, in the words an editor of YAML uses."""
    value = _Shown(error.get("input"))
    context = error.get("ctx") or {}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number, not {value!r}"
    if kind in ("float_parsing", "float_type"):
        return f"must be a number, not {value!r}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {context.get('ge', context.get('gt')):g}"
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {context.get('le', context.get('lt')):g}"
    if kind == "string_type":
        return "must not be empty" if value.value is None else f"must be text, not {value!r}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {context.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        if "a-z0-9" in str(context.get("pattern", "")):
            return f"'{value}' is not a usable id: use lower-case letters, digits, - and _ (like night-breakdown)"
        return f"'{value}' must be a time like 04:00"
    if kind == "list_type":
        return "must be a list"
    if kind == "too_short":
        return "must list at least one item"
    if kind.startswith("date"):
        return f"must be a date like 2026-08-19, not {value!r}"
    if kind == "model_type":
        return "must be a mapping of keys to values"
    message = error["msg"]
    return message.removeprefix("Value error, ") if kind == "value_error" else message[0].lower() + message[1:]


def _describe(error: dict[str, Any]) -> tuple[tuple[Any, ...], str, bool]:
    """Turn one pydantic error into (path to point at, message, point at the key?)."""
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        where = _key_path(loc[:-1])
        return loc, f"unknown key '{loc[-1]}'" + (f" in {where}" if where else ""), True
    if kind == "missing":
        where = _key_path(loc[:-1])
        return loc[:-1], f"missing key '{loc[-1]}'" + (f" in {where}" if where else ""), False
    if kind == "literal_error" and loc[:1] == ("panels",) and loc[-1:] == ("id",):
        choices = ", ".join(PANEL_IDS[:-1]) + f" or {PANEL_IDS[-1]}"
        return loc, f"{_key_path(loc[:-1])}: unknown panel '{error['input']}'; use {choices}", False
    if kind == "literal_error":
        message = "must be " + error["msg"].removeprefix("Input should be ")
    else:
        message = _friendly(kind, error)
    return loc, f"{_key_path(loc)}: {message}" if loc else message, False


def _merge_typos(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A misspelt key shows as 'unknown qoute' plus 'missing quote': say it once, with a suggestion."""
    missing = {tuple(e["loc"]): e for e in errors if e["type"] == "missing"}
    merged = []
    for error in errors:
        if error["type"] == "extra_forbidden":
            loc = tuple(error["loc"])
            candidates = [path[-1] for path in missing if path[:-1] == loc[:-1]]
            match = difflib.get_close_matches(str(loc[-1]), [str(c) for c in candidates], n=1, cutoff=0.6)
            if match:
                missing.pop(loc[:-1] + (match[0],))
                error = dict(error, suggestion=match[0])
        merged.append(error)
    return [error for error in merged if error["type"] != "missing" or tuple(error["loc"]) in missing]


def _validate(document: _Document, model: type[BaseModel]) -> BaseModel:
    if document.data == {} and document.name not in OPTIONAL_FILES:
        raise ConfigError([Problem(document.name, 1, 1, "file is empty")])
    try:
        return model.model_validate(document.data)
    except ValidationError as error:
        problems = []
        for detail in _merge_typos(error.errors()):
            path, message, at_key = _describe(detail)
            if "suggestion" in detail:
                message += f" (did you mean '{detail['suggestion']}'?)"
            problems.append(document.problem(path, message, key=at_key))
        raise ConfigError(sorted(problems)) from None


def _check_references(documents: dict[str, _Document], config: Config) -> list[Problem]:
    """Cross-file checks: ids are unique and every reference points at something."""
    problems = []

    def unique(document: _Document, listing: str, items: tuple[Any, ...], what: str) -> None:
        first_index: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.id in first_index:
                first_line, _ = document.locate((listing, first_index[item.id], "id"))
                problems.append(document.problem(
                    (listing, index, "id"),
                    f"{listing}[{index}].id: {what} id '{item.id}' is used twice (first at line {first_line})",
                ))
            first_index.setdefault(item.id, index)

    wall = documents["wall.yaml"]
    listed: set[str] = set()
    for index, panel in enumerate(config.wall.panels):
        if panel.id in listed:
            problems.append(wall.problem(("panels", index), f"panels[{index}]: panel '{panel.id}' is listed more than once"))
        listed.add(panel.id)

    problems += _wall_problems(wall, config)
    unique(documents["personas.yaml"], "personas", config.personas, "persona")
    unique(documents["journeys.yaml"], "journeys", config.journeys, "journey")
    unique(documents["services.yaml"], "services", config.services, "service")

    personas = {persona.id for persona in config.personas}
    services = {service.id for service in config.services}
    journeys = documents["journeys.yaml"]
    for j, journey in enumerate(config.journeys):
        if journey.persona not in personas:
            problems.append(
                journeys.problem(
                    ("journeys", j, "persona"),
                    f"journeys[{j}].persona: no persona with id '{journey.persona}' in personas.yaml",
                )
            )
        for s, stage in enumerate(journey.stages):
            for k, service in enumerate(stage.services):
                if service not in services:
                    problems.append(
                        journeys.problem(
                            ("journeys", j, "stages", s, "services", k),
                            f"journeys[{j}].stages[{s}].services[{k}]: "
                            f"no service with id '{service}' in services.yaml",
                        )
                    )
    for a, note in enumerate(config.annotations):
        if note.service is not None and note.service not in services:
            problems.append(
                documents["annotations.yaml"].problem(
                    ("annotations", a, "service"),
                    f"annotations[{a}].service: no service with id '{note.service}' in services.yaml",
                )
            )
    for p, persona in enumerate(config.personas):
        # The rule the wall serves avatars by: what validate accepts is what the TV shows.
        checked = check_config_image(config.directory, persona.avatar) if persona.avatar else None
        if isinstance(checked, str):
            reason = f"{checked} next to personas.yaml" if checked == NOT_FOUND else checked
            problems.append(
                documents["personas.yaml"].problem(
                    ("personas", p, "avatar"), f"personas[{p}].avatar: image '{persona.avatar}' {reason}"
                )
            )
    return problems


def _wall_problems(wall: _Document, config: Config) -> list[Problem]:
    """wall.yaml's labels name catalog keys and keep their placeholders; the logo exists; the accent is readable."""
    problems = []
    for key, text in config.wall.labels.items():
        if key not in catalog("en"):
            nearest = nearest_key(key)
            hint = f" (did you mean '{nearest}'?)" if nearest else " (the keys are in obeya/catalog/en.yaml)"
            problems.append(wall.problem(("labels", key), f"labels: unknown label '{key}'{hint}", key=True))
            continue
        wanted = placeholders(catalog("en")[key])
        try:
            extra = placeholders(text) - wanted
        except ValueError:
            extra = {"{"}
        if extra:
            allowed = ", ".join("{" + name + "}" for name in sorted(wanted)) or "no placeholders"
            problems.append(wall.problem(("labels", key), f"labels.{key}: may use {allowed}; "
                                         "write a brace as {{ or }}"))
    logo = config.wall.brand.logo
    checked = check_config_image(config.directory, logo) if logo else None
    if isinstance(checked, str):  # the same rule as the avatars': served only from inside the folder, real images
        reason = f"{checked} next to wall.yaml" if checked == NOT_FOUND else checked
        problems.append(wall.problem(("brand", "logo"), f"brand.logo: image '{logo}' {reason}"))
    accent = config.wall.brand.accent
    if accent and (message := branding.accent_problem(accent, config.wall.theme)):
        problems.append(wall.problem(("brand", "accent"), f"brand.accent: {message}"))
    return problems


def load_config(directory: str | Path) -> Config:
    """Read and validate every file in `directory`.

    Returns the whole `Config`, or raises `ConfigError` listing every problem
    found (each with file, line and column), so one run shows them all.
    """
    directory = Path(directory)
    problems: list[Problem] = []
    documents: dict[str, _Document] = {}
    models: dict[str, Any] = {}
    for name, model in FILE_MODELS.items():
        try:
            documents[name] = _read(directory, name)
            models[name] = _validate(documents[name], model)
        except ConfigError as error:
            problems.extend(error.problems)
    if problems:
        raise ConfigError(problems)
    config = Config(
        wall=models["wall.yaml"],
        mission=models["mission.yaml"],
        personas=tuple(models["personas.yaml"].personas),
        journeys=tuple(models["journeys.yaml"].journeys),
        services=tuple(models["services.yaml"].services),
        directory=directory.resolve(),
        annotations=tuple(models["annotations.yaml"].annotations),
        sources=models["sources.yaml"],
    )
    problems = _check_references(documents, config)
    if problems:
        raise ConfigError(sorted(problems))
    return config


def config_fingerprint(directory: str | Path) -> tuple[tuple[str, int, int], ...]:
    """Cheap signature of the config files (name, size, mtime) to notice edits."""
    directory = Path(directory)
    signature = []
    for name in CONFIG_FILES:
        try:
            stat = (directory / name).stat()
            signature.append((name, stat.st_size, stat.st_mtime_ns))
        except OSError:
            signature.append((name, -1, -1))
    return tuple(signature)


def key_position(directory: str | Path, name: str, key: str) -> tuple[int, int]:
    """Line and column of top-level `key` in config file `name` (1, 1 when it cannot be found)."""
    try:
        return _read(Path(directory), name).locate((key,))
    except ConfigError:
        return 1, 1
