"""From parsed YAML to the wall's models: every mistake a located sentence.

`validate` turns one `Document` into its pydantic model, rewording pydantic's
errors in the words of someone editing YAML; `reference_problems` checks what
one file cannot check alone: ids are unique and every reference points at
something. `obeya.config.load_config` runs both over a config folder.
"""

from __future__ import annotations

import difflib
import re
import reprlib
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ValidationError

from obeya import brand as branding
from obeya.files import NOT_FOUND, check_config_image
from obeya.labels import catalog, nearest_key, placeholders
from obeya.panels import PANEL_IDS
from obeya.problems import ConfigError, Problem
from obeya.yamlfile import Document, key_path

if TYPE_CHECKING:
    from obeya.config import Config

# A time written without quotes: YAML 1.1 reads 4:30 as the base-60 number 270.
_SEXAGESIMAL = re.compile(r"[0-9]+(?::[0-5]?[0-9])+")
# An item of an inline list that starts with a lower-case word and goes on: the tail of a sentence cut at a comma.
# (A word like iPhone, or one word alone, is not.)
_SENTENCE_TAIL = re.compile(r"[a-z][a-z'’-]*\s+\S")
_STR_TAG = "tag:yaml.org,2002:str"


def validate(document: Document, model: type[BaseModel], *, optional: bool = False,
             text_lists: frozenset[str] = frozenset()) -> BaseModel:
    """The model built from `document`, or `ConfigError` naming every mistake in it.

    `text_lists` are the keys whose lists hold sentences (pain points, goals): an
    inline `[...]` list there that looks like one sentence split at its comma is a
    mistake too. An empty file is one unless the file is `optional`.
    """
    if document.data == {} and not optional:
        raise ConfigError([Problem(document.name, 1, 1, "file is empty")])
    problems = _split_sentences(document, text_lists)
    try:
        built = model.model_validate(document.data)
    except ValidationError as error:
        for detail in _merge_typos(error.errors()):
            path, message, at_key = _describe(detail, document)
            if "suggestion" in detail:
                message += f" (did you mean '{detail['suggestion']}'?)"
            problems.append(document.problem(path, message, key=at_key))
    if problems:
        raise ConfigError(sorted(problems))
    return built


# --- pydantic's errors in an editor's words ---------------------------------


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
    if kind == "greater_than_equal":
        return f"must be at least {context.get('ge'):g}"
    if kind == "greater_than":
        return f"must be more than {context.get('gt'):g}"
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


def _unquoted_time(document: Document, loc: tuple[Any, ...], value: Any) -> str | None:
    """For text that YAML read as a number because it looks like 4:30: how to write it."""
    node = document.node_at(loc)
    if not isinstance(value, (int, float)) or not isinstance(node, yaml.ScalarNode) or node.style is not None:
        return None
    if not _SEXAGESIMAL.fullmatch(node.value):
        return None
    hours, rest = node.value.split(":", 1)
    return (f'write the time in quotes, like "{int(hours):02d}:{rest}" '
            f"(unquoted, YAML reads {node.value} as the number {value})")


def _describe(error: dict[str, Any], document: Document) -> tuple[tuple[Any, ...], str, bool]:
    """Turn one pydantic error into (path to point at, message, point at the key?)."""
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        where = key_path(loc[:-1])
        return loc, f"unknown key '{loc[-1]}'" + (f" in {where}" if where else ""), True
    if kind == "missing":
        where = key_path(loc[:-1])
        return loc[:-1], f"missing key '{loc[-1]}'" + (f" in {where}" if where else ""), False
    if kind == "literal_error" and (loc[:1], loc[-1:]) in ((("panels",), ("id",)), (("agenda",), ("panel",))):
        choices = ", ".join(PANEL_IDS[:-1]) + f" or {PANEL_IDS[-1]}"
        return loc, f"{key_path(loc[:-1])}: unknown panel '{error['input']}'; use {choices}", False
    if kind == "literal_error":
        message = "must be " + error["msg"].removeprefix("Input should be ")
    elif kind == "string_type" and (advice := _unquoted_time(document, loc, error.get("input"))):
        message = advice
    else:
        message = _friendly(kind, error)
    return loc, f"{key_path(loc)}: {message}" if loc else message, False


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


def _split_sentences(document: Document, text_lists: frozenset[str]) -> list[Problem]:
    """Inline lists of sentences that YAML split at a comma inside one sentence.

    `pain_points: [No wristband, so no medication round]` is two items to YAML.
    Flagged: a `[...]` list under a key in `text_lists` where an unquoted item after
    the first starts with a lower-case word followed by more words. `[Email, Phone]`,
    quoted items and lists written as `- ` lines pass.
    """
    problems = []
    seen: set[int] = set()

    def walk(node: yaml.Node | None, path: tuple[Any, ...]) -> None:
        if node is None or id(node) in seen:  # seen: an alias, checked where its anchor is
            return
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                walk(value_node, path + (key_node.value,))
        elif isinstance(node, yaml.SequenceNode):
            if node.flow_style and path and path[-1] in text_lists and (split := _split_point(node)):
                problems.append(document.problem(path, (
                    f'{key_path(path)}: this list was split at a comma into "{split[0]}" and "{split[1]}"; '
                    'if it is one point, quote it or write the list as lines starting with "- "'
                )))
            for index, item in enumerate(node.value):
                walk(item, path + (index,))

    walk(document.root, ())
    return problems


def _split_point(sequence: yaml.SequenceNode) -> tuple[str, str] | None:
    """The first two neighbouring items that read as one sentence cut at its comma, if any."""
    for before, item in zip(sequence.value, sequence.value[1:]):
        if (isinstance(before, yaml.ScalarNode) and isinstance(item, yaml.ScalarNode)
                and item.style is None and item.tag == _STR_TAG and _SENTENCE_TAIL.match(item.value)):
            return before.value, item.value
    return None


# --- what one file cannot check alone ---------------------------------------


def _slug(words: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", words.casefold()).strip("-")


def _unknown(what: str, wrong: str, spellings: dict[str, str], file: str) -> str:
    """The sentence for a reference to no id: the nearest one by id, name or alias, like (did you mean 'ana'?)."""
    match = difflib.get_close_matches(str(wrong).casefold(), list(spellings), n=1, cutoff=0.6)
    hint = f"did you mean '{spellings[match[0]]}'?" if match else f"not in {file}"
    return f"unknown {what} '{wrong}' ({hint})"


def reference_problems(documents: dict[str, Document], config: Config) -> list[Problem]:
    """Cross-file checks: ids are unique and every reference points at something."""
    problems = []

    def unique(document: Document, listing: str, items: tuple[Any, ...], what: str) -> None:
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
    unique(documents["themes.yaml"], "themes", config.themes, "theme")
    unique(documents["actions.yaml"], "actions", config.actions, "action")
    problems += _ambiguous_service_spellings(documents["services.yaml"], config)

    personas = {persona.id: persona.id for persona in config.personas}
    personas.update({_slug(persona.name): persona.id for persona in config.personas})
    services = {service.id: service.id for service in config.services}
    for service in config.services:
        for spelling in (service.name, *service.aliases):
            services.setdefault(spelling.casefold(), service.id)
            services.setdefault(_slug(spelling), service.id)
    persona_ids = {persona.id for persona in config.personas}
    service_ids = {service.id for service in config.services}

    def reference(document: Document, path: tuple[Any, ...], what: str, wrong: str, spellings: dict[str, str]) -> None:
        problems.append(document.problem(path, f"{key_path(path)}: " + _unknown(what, wrong, spellings, f"{what}s.yaml")))

    journeys = documents["journeys.yaml"]
    for j, journey in enumerate(config.journeys):
        if journey.persona not in persona_ids:
            reference(journeys, ("journeys", j, "persona"), "persona", journey.persona, personas)
        for s, stage in enumerate(journey.stages):
            for k, service in enumerate(stage.services):
                if service not in service_ids:
                    reference(journeys, ("journeys", j, "stages", s, "services", k), "service", service, services)
    for a, note in enumerate(config.annotations):
        if note.service is not None and note.service not in service_ids:
            reference(documents["annotations.yaml"], ("annotations", a, "service"), "service", note.service, services)
    problems += _action_problems(documents["actions.yaml"], config, services)
    shown = [setting.id for setting in config.wall.panels]
    for i, item in enumerate(config.standup.agenda):
        if item.panel not in shown:
            problems.append(documents["standup.yaml"].problem(
                ("agenda", i, "panel"),
                f"agenda[{i}].panel: panel '{item.panel}' is not on the wall; add it to wall.yaml's panels "
                f"or use {', '.join(shown)}"))
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


def _ambiguous_service_spellings(document: Document, config: Config) -> list[Problem]:
    """A name or alias that is also another service's id, name or alias: rows spelt so would be counted for
    whichever service came first, so it is a problem where it is written."""
    problems = []
    for s, service in enumerate(config.services):
        for path, spelling in ((("services", s, "name"), service.name),
                               *((("services", s, "aliases", a), alias) for a, alias in enumerate(service.aliases))):
            wanted = spelling.strip().casefold()
            # each clash is named once, where the later of the two spellings is (an id always clashes)
            other = next((other for o, other in enumerate(config.services) if other.id != service.id
                          and (wanted == other.id.casefold() or (o < s and wanted in other.spellings()))), None)
            if other is not None:
                problems.append(document.problem(path, f"{key_path(path)}: '{spelling}' also names service "
                                                       f"'{other.id}'; give each service its own spellings"))
    return problems


def _action_problems(document: Document, config: Config, services: dict[str, str]) -> list[Problem]:
    """actions.yaml: links point at a service (id or alias), theme, journey and stage there are; the dates
    fit the status (started once doing, done when done, and not before started)."""
    problems = []

    def problem(a: int, key: str, message: str) -> None:
        path = ("actions", a, *key.split("."))
        problems.append(document.problem(path, f"{key_path(path)}: {message}"))

    themes = {theme.id: theme.id for theme in config.themes}
    themes.update({_slug(theme.name): theme.id for theme in config.themes})
    journeys = {journey.id: journey for journey in config.journeys}
    for a, action in enumerate(config.actions):
        links = action.links
        if links.service is not None and config.service_id_for(links.service) is None:
            problem(a, "links.service", _unknown("service", links.service, services, "services.yaml"))
        if links.theme is not None and links.theme not in themes.values():
            problem(a, "links.theme", _unknown("theme", links.theme, themes, "themes.yaml"))
        journey = journeys.get(links.journey) if links.journey is not None else None
        if links.journey is not None and journey is None:
            problem(a, "links.journey", _unknown("journey", links.journey, {j: j for j in journeys}, "journeys.yaml"))
        if links.stage is not None and links.journey is None:
            problem(a, "links.stage", f"a stage needs its journey: write {{journey: <journey id>, stage: {links.stage}}}")
        elif links.stage is not None and journey is not None and links.stage not in (s.name for s in journey.stages):
            names = {stage.name.casefold(): stage.name for stage in journey.stages}
            problem(a, "links.stage", _unknown("stage", links.stage, names, f"journey '{journey.id}'"))
        if action.status != "planned" and action.started is None:
            problem(a, "started", f"a {action.status} action needs the day it started (started: YYYY-MM-DD)")
        if action.status == "done" and action.done is None:
            problem(a, "done", "a done action needs the day it was done (done: YYYY-MM-DD)")
        if action.status != "done" and action.done is not None:
            problem(a, "done", f"the action is {action.status}, not done: write status: done, or leave done out")
        if action.done is not None and action.started is not None and action.done < action.started:
            problem(a, "done", f"{action.done} is before started ({action.started})")
    return problems


def _wall_problems(wall: Document, config: Config) -> list[Problem]:
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
