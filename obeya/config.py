"""The wall's configuration: the pydantic models of the YAML files, and `load_config`.

A team edits these files in its config folder:

    wall.yaml         title, team, theme, rotation, refresh, panel order, words and look
    mission.yaml      mission statement, promise to the customer, values
    personas.yaml     the people we serve
    journeys.yaml     customer journeys, stage by stage
    services.yaml     key services with their expected experience and targets
    annotations.yaml  events to mark on the trends (optional)
    sources.yaml      the team's own SELECTs (optional)
    themes.yaml       comment themes and their causes, by the phrases that show them (optional)
    actions.yaml      what the team does about a gap: owner, status, dates, what it answers (optional)
    standup.yaml      the daily stand-up: when it starts, its agenda (optional)

Every field's `description` is what editors show on hover (through the JSON
Schemas) and what the README's config reference says; a test keeps them in step.
Reading a file is `obeya.yamlfile`, turning it into models `obeya.loader`;
every mistake becomes a `Problem` naming the file, line, column and key.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from obeya.labels import LANGUAGES, label_keys, shorten
from obeya.loader import reference_problems, validate
from obeya.panels import PANEL_IDS, PanelId  # noqa: F401  (the one registry of panels; tests import it here)
from obeya.problems import ConfigError, Problem  # noqa: F401  (imported from here across the app)
from obeya.yamlfile import MAX_FILE_BYTES, Document, read_document  # noqa: F401  (MAX_FILE_BYTES: tests)

CONFIG_FILES = ("wall.yaml", "mission.yaml", "personas.yaml", "journeys.yaml", "services.yaml", "annotations.yaml",
                "sources.yaml", "themes.yaml", "actions.yaml", "standup.yaml")
OPTIONAL_FILES = ("annotations.yaml", "sources.yaml", "themes.yaml", "actions.yaml", "standup.yaml")

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Text = Annotated[str, Field(min_length=1)]
Points = list[Text]  # short sentences, one per item: written inline, a comma inside one splits it (see TEXT_LISTS)
Seconds = Annotated[int, Field(ge=5, le=3600)]
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]  # "09:15", in quotes
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def about(meaning: str) -> Any:
    """A field's meaning, in the team's words: the hover text in editors and the README's reference."""
    return Field(description=meaning)


class Strict(BaseModel):
    """Base for every YAML model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- wall.yaml -------------------------------------------------------------


class TimeWindow(Strict):
    """Days and/or hours of the week in the wall's time zone: a quiet_hours entry, or a panel's `show`.

    `from` later than `to` spans midnight: the hours after midnight belong to the day it started
    (`{days: [fri], from: "19:00", to: "07:00"}` is Friday 19:00 to Saturday 07:00).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    days: Annotated[list[Weekday] | None,
                    about("the days it holds: mon, tue, wed, thu, fri, sat, sun; left out: every day")] = None
    start: Annotated[ClockTime | None, Field(alias="from"),
                     about('from this time, in quotes ("19:00"); with `to`; left out: the whole day')] = None
    end: Annotated[ClockTime | None, Field(alias="to"),
                   about('until this time, in quotes ("07:00"); earlier than `from`: the next morning')] = None

    @model_validator(mode="after")
    def _times_in_pairs(self) -> TimeWindow:
        if (self.start is None) != (self.end is None):
            raise ValueError('give both from and to (like from: "19:00", to: "07:00"), or neither for whole days')
        if self.start is not None and self.start == self.end:
            raise ValueError(f"from and to are both {self.start}: leave both out for whole days")
        if self.days is not None and not self.days:
            raise ValueError("list at least one day, or leave days out for every day")
        if self.days is None and self.start is None:
            raise ValueError("give days, or from and to, or both")
        return self


class PanelSetting(Strict):
    """A panel in the rotation, with its own time on screen."""

    id: Annotated[PanelId, about("the panel: " + ", ".join(PANEL_IDS[:-1]) + f" or {PANEL_IDS[-1]}")]
    seconds: Annotated[Seconds | None, about("seconds this panel stays on screen, instead of rotate_seconds (5–3600)")] = None
    show: Annotated[TimeWindow | None,
                    about('only these days and hours in rotation: {days: [...], from: "08:00", to: "12:00"}, '
                          "in the wall's timezone; left out: always")] = None


class AlertSettings(Strict):
    """Alerts: a panel with news comes next in rotation, marked "new"."""

    cooldown_hours: Annotated[int, Field(ge=1, le=168),
                              about("the same alert (a service's number dropping, a watched theme's detractor "
                                    "comment) comes back at most once in this many hours (1–168)")] = 12


class NpsSettings(Strict):
    """The NPS panel: one trend point per period, a target, when a period has too few answers."""

    period: Annotated[Literal["week", "month"],
                      about("week (Monday–Sunday) or month: one trend point per period")] = "week"
    target: Annotated[Annotated[float, Field(ge=-100, le=100)] | None,
                      about("NPS target for all services together (−100–100)")] = None
    min_responses: Annotated[int, Field(ge=1),
                             about('below this many responses a period shows "not enough responses"')] = 30
    periods_shown: Annotated[int, Field(ge=4, le=104), about("complete periods on the trends (4–104)")] = 26


class VoicesSettings(Strict):
    """The voices panel: how many comments, how recent, which never."""

    count: Annotated[int, Field(ge=1, le=12), about("comments on the voices panel (1–12)")] = 6
    days: Annotated[int, Field(ge=1, le=365), about("only comments from the last N days (1–365)")] = 30
    hide: Annotated[list[str], about("response ids never to show")] = []


class Brand(Strict):
    """The team's own look: a logo in the header, the accent colour."""

    logo: Annotated[str | None, about("an image file in the config folder (PNG, JPEG, GIF or WebP), "
                                      "shown in the header")] = None
    accent: Annotated[str | None, about('the accent colour, "#rrggbb" in quotes, instead of the theme\'s; '
                                        "needs 7:1 contrast on the theme's background and cards")] = None

    @field_validator("accent")
    @classmethod
    def _hex_colour(cls, value: str | None) -> str:
        if value is None:  # `accent: #1f6feb` without quotes: YAML reads a comment, so the value is empty
            raise ValueError('write the colour in quotes, like "#1f6feb" (a bare # starts a YAML comment)')
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            raise ValueError(f"'{value}' is not a colour: write it like \"#1f6feb\"")
        return value.lower()


class ScreenSettings(Strict):
    """The TV and the room: the wall's type sizes follow from them (README: "Legible from where people stand")."""

    diagonal_inches: Annotated[float, Field(ge=20, le=200),
                               about("the TV's diagonal in inches, a 16:9 screen (20–200)")] = 55
    glance_distance_m: Annotated[float, Field(ge=0.5, le=30),
                                 about("metres from the TV where people pass by: titles, headline numbers and "
                                       "status words are legible from here (0.5–30)")] = 5
    detail_distance_m: Annotated[float, Field(ge=0.5, le=30),
                                 about("metres from the TV where the stand-up stands: all other text is "
                                       "legible from here (0.5–30, at most glance_distance_m)")] = 2.5

    @model_validator(mode="after")
    def _detail_not_beyond_glance(self) -> "ScreenSettings":
        if self.detail_distance_m > self.glance_distance_m:
            raise ValueError(f"detail_distance_m ({self.detail_distance_m:g} m) is farther than glance_distance_m "
                             f"({self.glance_distance_m:g} m): the stand-up reads the details from closer "
                             "than people passing by")
        return self


class Wall(Strict):
    """wall.yaml: the wall itself, what it is called, how it rotates and refreshes, its words and look."""

    title: Annotated[Text, about("shown top left")]
    team: Annotated[Text, about("shown next to the title")]
    theme: Annotated[Literal["dark", "light"], about("dark (best on a TV) or light")] = "dark"
    timezone: Annotated[str, about('IANA name (e.g. Europe/Amsterdam): "as of" times, weeks and months')] = "UTC"
    rotate_seconds: Annotated[Seconds, about("default seconds a panel page stays on screen (5–3600)")] = 30
    idle_resume_seconds: Annotated[int, Field(ge=10, le=3600),
                                   about("after a facilitator's input, resume rotating after this long "
                                         "(10–3600)")] = 120
    refresh_seconds: Annotated[int, Field(ge=10, le=86400),
                               about("re-read the numbers from the database this often (10–86400)")] = 300
    # A read that takes longer is stopped by the database; the wall keeps its last numbers ("database too slow").
    database_timeout_seconds: Annotated[int, Field(ge=1, le=600),
                                        about("the database stops a read that takes longer; the wall keeps its "
                                              'last numbers, marked "database too slow" (1–600)')] = 30
    daily_reload_at: Annotated[ClockTime | None,
                               about('the TV reloads the page daily at this browser-local time, in quotes '
                                     '("04:00"); null to never')] = "04:00"
    panels: Annotated[list[PanelSetting],
                      about("rotation order; each item a panel id or {id, seconds}; leave a panel out to hide it")
                      ] = [PanelSetting(id=panel) for panel in PANEL_IDS]
    nps: NpsSettings = NpsSettings()
    voices: VoicesSettings = VoicesSettings()
    screen: ScreenSettings = ScreenSettings()
    # The catalog the wall's words come from (obeya/catalog/<language>.yaml); editors offer the shipped ones.
    language: Annotated[str, Field(json_schema_extra={"enum": list(LANGUAGES)}),
                        about("the wall's words, dates and numbers: en, nl or de")] = "en"
    # The team's own words for single labels, by catalog key; editors complete the keys.
    labels: Annotated[dict[str, Text], Field(json_schema_extra={"propertyNames": {"enum": label_keys()}}),
                      about("your own words for single labels, by catalog key (obeya/catalog/en.yaml)")] = {}
    brand: Brand = Brand()
    quiet_hours: Annotated[list[TimeWindow],
                           about('when the screen goes dark (a dim clock moves across it, the numbers still '
                                 'refresh; any key wakes it for 10 minutes): a list of {days: [...]} and/or '
                                 '{from: "19:00", to: "07:00"}, in the wall\'s timezone')] = []
    alerts: AlertSettings = AlertSettings()

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
    """mission.yaml: why the team exists and what it promises the customer."""

    statement: Annotated[Text, about("the mission statement, in big type")]
    promise: Annotated[Text, about("the promise to the customer")]
    values: Annotated[Points, about("the team's values, short phrases")] = []


# --- personas.yaml ---------------------------------------------------------


class Persona(Strict):
    """One of the people we serve."""

    id: Annotated[Slug, about("lower-case letters, digits, - and _; journeys name the persona by it")]
    name: Annotated[Text, about("the persona's name; initials on the card when there is no avatar")]
    role: Annotated[Text, about("what they do")]
    quote: Annotated[Text, about("what they would say, in their words")]
    avatar: Annotated[str | None, about("an image file in the config folder or a folder under it "
                                        "(PNG, JPEG, GIF or WebP, up to 2 MB); initials otherwise")] = None
    goals: Annotated[Points, about("what they want to get done")] = []
    frustrations: Annotated[Points, about("what gets in their way")] = []
    needs: Annotated[Points, about("what they need from us")] = []
    channels: Annotated[Points, about("how they prefer to reach us")] = []

    @property
    def initials(self) -> str:
        words = [word for word in re.split(r"\s+", self.name.strip()) if word]
        return "".join(word[0] for word in (words[:1] + words[1:][-1:])).upper()


class PersonasFile(Strict):
    """personas.yaml: the people we serve."""

    personas: Annotated[list[Persona], Field(min_length=1), about("the people we serve, at least one")]


# --- services.yaml ---------------------------------------------------------


class Service(Strict):
    """A key service, with the experience we promise and its targets."""

    id: Annotated[Slug, about("the service value in the data; journeys and annotations name the service by it")]
    name: Annotated[Text, about("the service's name on the wall")]
    expected_experience: Annotated[Text, about("what the customer should experience, in their words")]
    nps_target: Annotated[float, Field(ge=-100, le=100), about("the service's NPS target (−100–100)")]
    ftr_target: Annotated[float, Field(ge=0, le=100), about("the first-time-right target, in percent (0–100)")]
    # Other spellings of the id in exports and team SQL: codes, older names (`name` is matched too).
    aliases: Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]],
                       about("other spellings of the id in exports and team SQL (codes, older names; the "
                             "name is matched too), without regard to case")] = []

    def spellings(self) -> set[str]:
        """The casefolded names the service goes by besides its id: its `name` and its aliases."""
        return {spelling.strip().casefold() for spelling in (self.name, *self.aliases)}


class ServicesFile(Strict):
    """services.yaml: the key services."""

    services: Annotated[list[Service], Field(min_length=1), about("the key services, at least one")]


# --- journeys.yaml ---------------------------------------------------------


class Stage(Strict):
    """One step of a journey, a column on the journey map."""

    name: Annotated[Text, about("the stage's name, the column's heading")]
    emotion: Annotated[int, Field(ge=-2, le=2), about("how the persona feels: −2 very unhappy … 2 very happy")]
    actions: Annotated[Points, about("what the persona does")] = []
    touchpoints: Annotated[Points, about("where they meet us: people, tools, messages")] = []
    pain_points: Annotated[Points, about("what hurts")] = []
    opportunities: Annotated[Points, about("what we could do better")] = []
    services: Annotated[list[str], about("service ids whose live NPS and first-time-right the stage shows")] = []


class Journey(Strict):
    """A customer journey, stage by stage."""

    id: Annotated[Slug, about("lower-case letters, digits, - and _")]
    title: Annotated[Text, about("the journey's title on the wall")]
    persona: Annotated[str, about("the id of the persona who makes this journey")]
    stages: Annotated[list[Stage], Field(min_length=1), about("the stages in order, at least one; "
                                                               "up to 7 fit a page")]


class JourneysFile(Strict):
    """journeys.yaml: the customer journeys."""

    journeys: Annotated[list[Journey], Field(min_length=1), about("the customer journeys, at least one")]


# --- annotations.yaml (optional) -----------------------------------------


class Annotation(Strict):
    """An event marked on the NPS and first-time-right trends."""

    date: Annotated[date, about("the day it happened, YYYY-MM-DD")]
    text: Annotated[str, Field(min_length=1, max_length=60), about("what happened, up to 60 characters")]
    service: Annotated[str | None, about("a service id; leave it out to mark every chart")] = None


class AnnotationsFile(Strict):
    """annotations.yaml (optional): events to mark on the trends."""

    annotations: Annotated[list[Annotation], about("events to mark on the trends")] = []


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

    responses: Annotated[str | None, about("one SELECT returning the survey response columns, "
                                           "instead of the wall's table")] = None
    ftr: Annotated[str | None, about("one SELECT returning the first-time-right columns, "
                                     "instead of the wall's table")] = None

    @field_validator("responses", "ftr")
    @classmethod
    def _one_select(cls, value: str | None) -> str | None:
        return _read_only_select(value)


# --- themes.yaml (optional) ----------------------------------------------

CAUSES = ("process", "people", "training")  # the seed's words: "a process problem or a people problem, or IT training"
Cause = Literal["process", "people", "training"]
# Not Points: phrases are short and written inline (`[waited, no update]`), so a comma never splits a sentence.
Phrase = Annotated[str, Field(min_length=1, max_length=100)]


class Theme(Strict):
    """What a survey comment is about, the cause behind it, and the phrases that show it."""

    id: Annotated[Slug, about("lower-case letters, digits, - and _; the theme in tagged comments")]
    name: Annotated[Text, about("the theme's name on the wall")]
    cause: Annotated[Cause, about("what kind of problem it is: process, people or training")]
    phrases: Annotated[list[Phrase], Field(min_length=1),
                       about("words or word sequences that show the theme in a comment, matched in any case on "
                             "word stems in wall.yaml's language (waited also finds waiting), at least one")]
    factors: Annotated[list[Phrase], about("survey reasons a respondent ticks that count as this theme, "
                                           "matched without regard to case")] = []
    watch: Annotated[bool, about("true: a new detractor comment on this theme is an alert (its panel comes "
                                 'next in rotation, marked "new")')] = False

    @field_validator("phrases")
    @classmethod
    def _phrases_have_words(cls, value: list[str]) -> list[str]:
        for phrase in value:
            if not re.search(r"\w", phrase):
                raise ValueError(f"phrase '{phrase}' has no word to match")
        return value


class ThemesFile(Strict):
    """themes.yaml (optional): the themes survey comments are tagged with."""

    themes: Annotated[list[Theme], about("the themes comments are tagged with")] = []


# --- actions.yaml (optional) ---------------------------------------------

ACTION_STATUSES = ("planned", "doing", "done")
ActionStatus = Literal["planned", "doing", "done"]
MARK_CHARACTERS = 30  # an action's mark on the trends: "▶ " or "✓ " and the start of its title


class ActionLinks(Strict):
    """What an action answers: a service, a comment theme, a journey stage; each optional."""

    service: Annotated[str | None, about("a service id (or one of its aliases) in services.yaml: the action "
                                         "answers its gaps, and its done action shows the service's NPS and "
                                         "first-time-right before and after")] = None
    theme: Annotated[str | None, about("a theme id in themes.yaml: the action answers the theme when it rises, "
                                       "and its done action shows the share of comments mentioning it before "
                                       "and after")] = None
    journey: Annotated[str | None, about("a journey id in journeys.yaml: the action answers the gaps of the "
                                         "services of its stages (with stage: of that stage only)")] = None
    stage: Annotated[str | None, about("the name of a stage of that journey (needs journey): the stage shows "
                                       "the action while it is open")] = None


class Action(Strict):
    """Something the team does about a gap, who owns it, and how far it got."""

    id: Annotated[Slug, about("lower-case letters, digits, - and _")]
    title: Annotated[str, Field(min_length=1, max_length=120), about("what the team does, up to 120 characters")]
    owner: Annotated[str, Field(min_length=1, max_length=60), about("who sees it through, up to 60 characters")]
    status: Annotated[ActionStatus, about("planned, doing or done")]
    started: Annotated[date | None, about("the day work started, YYYY-MM-DD; needed once the action is doing "
                                          "or done (its before window ends here)")] = None
    due: Annotated[date | None, about("the day it should be done; an action not done by then is overdue")] = None
    done: Annotated[date | None, about("the day it was done, needed when status is done and not before "
                                       "started (its after window starts the day after)")] = None
    links: Annotated[ActionLinks, about("what the action answers: {service, theme, journey, stage}, "
                                        "each optional")] = ActionLinks()

    @property
    def open(self) -> bool:
        return self.status != "done"

    def overdue(self, today: date) -> bool:
        """Not done, and its due day has passed."""
        return self.open and self.due is not None and self.due < today

    def marks(self, service_id: str | None) -> tuple[Annotation, ...]:
        """The action on the trends: "▶ title" on the day it started, "✓ title" on the day it was done."""
        days = [("\u25b6", self.started)] if self.status != "planned" else []
        if self.status == "done":
            days.append(("\u2713", self.done))
        return tuple(Annotation(date=day, text=mark_text(symbol, self.title), service=service_id)
                     for symbol, day in days if day is not None)


def mark_text(symbol: str, title: str, limit: int = MARK_CHARACTERS) -> str:
    """`symbol` and `title`, the title cut at a word with '…' so that both take at most `limit` characters."""
    return f"{symbol} {shorten(title, limit - 2)}"


class ActionsFile(Strict):
    """actions.yaml (optional): "You said, we did": what the team does about its gaps."""

    actions: Annotated[list[Action], about("what the team does about its gaps")] = []
# --- standup.yaml (optional) ---------------------------------------------

DEFAULT_AGENDA_MINUTES = 2  # each rotation panel's time in a stand-up that has no agenda


class AgendaItem(Strict):
    """One item of the stand-up: a panel (or one page of it), its minutes, and who speaks."""

    panel: Annotated[PanelId, about("the panel on screen: one of the wall's panels (wall.yaml's panels)")]
    minutes: Annotated[float, Field(gt=0, le=60), about("the item's time, in minutes (up to 60; 0.5 is half a "
                                                        "minute)")]
    who: Annotated[Annotated[str, Field(min_length=1, max_length=40)] | None,
                   about("who speaks to it, shown with the timer (up to 40 characters)")] = None
    page: Annotated[Annotated[int, Field(ge=1)] | None,
                    about("only this page of the panel (1 is the first); leave it out for every page")] = None


class Standup(Strict):
    """standup.yaml (optional): when the daily stand-up starts, and its agenda."""

    starts: Annotated[list[ClockTime], about('times the wall enters stand-up mode by itself, in wall.yaml\'s '
                                             'timezone, in quotes ("09:15")')] = []
    days: Annotated[list[Weekday], about("the days it does: mon, tue, wed, thu, fri, sat, sun")] = \
        ["mon", "tue", "wed", "thu", "fri"]
    agenda: Annotated[list[AgendaItem], about("the items in order; left out: every panel of the rotation, "
                                              f"{DEFAULT_AGENDA_MINUTES} minutes each")] = []
    overrun_minutes: Annotated[int, Field(ge=1, le=240),
                               about("a stand-up still open this long after its planned end returns to "
                                     "rotation by itself (1–240)")] = 15

    @field_validator("agenda", mode="before")
    @classmethod
    def _panel_names_as_items(cls, value: Any) -> Any:
        # `- nps` is shorthand for `- {panel: nps, minutes: 2}`.
        if isinstance(value, list):
            return [{"panel": item, "minutes": DEFAULT_AGENDA_MINUTES} if isinstance(item, str) else item
                    for item in value]
        return value


FILE_MODELS = {  # each config file and the model of its contents (schema.py writes their JSON Schemas)
    "wall.yaml": Wall,
    "mission.yaml": Mission,
    "personas.yaml": PersonasFile,
    "journeys.yaml": JourneysFile,
    "services.yaml": ServicesFile,
    "annotations.yaml": AnnotationsFile,
    "sources.yaml": Sources,
    "themes.yaml": ThemesFile,
    "actions.yaml": ActionsFile,
    "standup.yaml": Standup,
}


def _keys_of(annotation: Any, models: tuple[type[BaseModel], ...]) -> frozenset[str]:
    """Every key, in the files of `models` and the models inside them, whose value is `annotation`."""
    keys: set[str] = set()
    for model in models:
        for name, field in model.model_fields.items():
            if field.annotation == annotation:
                keys.add(name)
            inner = [arg for arg in (field.annotation, *getattr(field.annotation, "__args__", ()))
                     if isinstance(arg, type) and issubclass(arg, BaseModel)]
            keys |= _keys_of(annotation, tuple(inner))
    return frozenset(keys)


# Keys whose lists hold sentences: `[...]` lists there are checked for a sentence split at its comma.
TEXT_LISTS = _keys_of(Points, tuple(FILE_MODELS.values()))


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
    themes: tuple[Theme, ...] = ()
    actions: tuple[Action, ...] = ()
    standup: Standup = Standup()

    def agenda(self) -> tuple[AgendaItem, ...]:
        """The stand-up's items: standup.yaml's agenda, else every panel of the rotation for a few minutes,
        `changes` first."""
        if self.standup.agenda:
            return tuple(self.standup.agenda)
        shown = [setting.id for setting in self.wall.panels]
        first = [panel for panel in ("changes",) if panel in shown]  # what changed since yesterday opens the meeting
        return tuple(AgendaItem(panel=panel, minutes=DEFAULT_AGENDA_MINUTES)
                     for panel in first + [panel for panel in shown if panel not in first])

    def persona(self, persona_id: str) -> Persona:
        return next(persona for persona in self.personas if persona.id == persona_id)

    def service(self, service_id: str) -> Service | None:
        return next((service for service in self.services if service.id == service_id), None)

    def service_id_for(self, spelling: str | None) -> str | None:
        """The service id that `spelling` names: an id, one of its aliases or its `name` ("Laptop & workplace",
        as exports write it), in any case; None when unknown. An id wins over another service's alias or name."""
        if spelling is None:
            return None
        wanted = str(spelling).strip().casefold()
        for service in self.services:
            if wanted == service.id.casefold():
                return service.id
        for service in self.services:
            if wanted in service.spellings():
                return service.id
        return None

    def annotations_for(self, service_id: str | None) -> tuple[Annotation, ...]:
        """Events to mark on a chart of `service_id`; the all-services chart (None) shows every event.

        The team's annotations, then its actions: the day each started and the
        day it was done, on its service's charts (every chart for an action
        linked to no service).
        """
        notes = self.annotations + tuple(mark for action in self.actions
                                         for mark in action.marks(self.service_id_for(action.links.service)))
        if service_id is None:
            return notes
        return tuple(note for note in notes if note.service is None or note.service == service_id)


def load_config(directory: str | Path) -> Config:
    """Read and validate every file in `directory`.

    Returns the whole `Config`, or raises `ConfigError` listing every problem
    found (each with file, line and column), so one run shows them all.
    """
    directory = Path(directory)
    problems: list[Problem] = []
    documents: dict[str, Document] = {}
    models: dict[str, Any] = {}
    for name, model in FILE_MODELS.items():
        optional = name in OPTIONAL_FILES
        try:
            documents[name] = read_document(directory / name, name, optional=optional)
            models[name] = validate(documents[name], model, optional=optional, text_lists=TEXT_LISTS)
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
        themes=tuple(models["themes.yaml"].themes),
        actions=tuple(models["actions.yaml"].actions),
        standup=models["standup.yaml"],
    )
    problems = reference_problems(documents, config)
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
        return read_document(Path(directory) / name, name, optional=name in OPTIONAL_FILES).locate((key,))
    except ConfigError:
        return 1, 1
