"""Demo data: 18 months of survey responses and first-time-right results that look real.

A fresh clone shows a full wall because `ensure_demo_database` fills an empty
database with what `build_demo_database` makes: tickets for the six services
of the shipped `config/services.yaml`, resolved in working hours with a Monday
peak and quiet weekends, about 40% of them answered by a survey, with comments
written the way employees write them, and reasons ticked in the survey's
"what could we do better?" (`factors`). The laptop service has a visible dip:
a new laptop image rolled out 14 weeks ago broke docking stations and drivers,
and the team recovered over the following weeks.

Everything comes from `random.Random(seed)` and dates relative to `today`, so
the same `today` and `seed` give exactly the same rows and the demo always
looks current.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from importlib import resources
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import Connection, Engine, delete, insert

from obeya import settings
from obeya.config import ConfigError, load_config
from obeya.database import create_schema, ftr_results, is_empty, survey_responses
from obeya.rollups import lock_for_writing, mark_data_changed, prepare_writing, recount_all
from obeya.theme_rollups import ThemeRules

DEMO_DAYS = 548  # about 18 months, so a monthly trend has history and a yearly comparison is possible

# Working hours are local to the wall (config/wall.yaml); the columns hold naive UTC.
WALL_TIMEZONE = ZoneInfo("Europe/Amsterdam")

# The laptop image rollout: starts 14 weeks before today, hits bottom after 2
# weeks, and is recovered 6 weeks later, so it is clearly visible on a 26-week
# trend while the latest weeks are back to normal.
ROLLOUT_STARTS_DAYS_AGO = 98
ROLLOUT_DROP_DAYS = 14
ROLLOUT_RECOVERY_DAYS = 42
# Missed tickets already cost laptop ~5 NPS points in the dip (see NPS_COST_OF_A_MISS);
# the rollout itself costs the rest of the ~40 points.
ROLLOUT_NPS_DROP = 35.0
ROLLOUT_FTR_DROP = 0.15
ROLLOUT_EXTRA_TICKETS = 0.35

# A problem still going on: since 24 days ago, Wi-Fi tickets bounce between the service
# desk and the network team (a firmware update on the Wi-Fi controllers), so first-time-right
# of network is off target now and "passed between teams" is rising: the gap a fresh demo
# shows on the actions panel, with no action answering it yet.
HANDOFF_STARTS_DAYS_AGO = 24
HANDOFF_DROP_DAYS = 7
HANDOFF_NPS_DROP = 25.0
HANDOFF_FTR_DROP = 0.22
HANDOFF_EXTRA_TICKETS = 0.3

# A customer whose ticket missed first time scores lower than one whose ticket
# was right, by this many NPS points; it ties the two measures together like in real life.
NPS_COST_OF_A_MISS = 30.0

FIRST_TICKET_NUMBER = 100001  # INC0100001
INSERT_CHUNK = 5000


@dataclass(frozen=True)
class DemoSummary:
    """What `build_demo_database` wrote."""

    responses: int
    ftr_results: int
    first_day: date
    last_day: date


@dataclass(frozen=True)
class _ServiceProfile:
    """How one demo service behaves in an ordinary week."""

    id: str
    weekly_responses: float  # survey answers in an ordinary week
    response_rate: float  # share of resolved tickets that get a survey answer
    nps_start: float  # NPS level 18 months ago ...
    nps_end: float  # ... and now: slow trends, e.g. the Wi-Fi upgrade in building B
    passive_share: float  # share of 7s and 8s
    first_time_right: float  # usual share of tickets right the first time
    reassigned_share: float  # of the misses, the share reassigned (the rest mostly reopened)


SERVICES = (
    _ServiceProfile("laptop", 52, 0.42, 27, 29, 0.30, 0.87, 0.40),
    _ServiceProfile("access", 45, 0.38, 43, 47, 0.28, 0.86, 0.80),
    _ServiceProfile("software", 43, 0.40, 28, 32, 0.32, 0.88, 0.65),
    _ServiceProfile("network", 37, 0.36, 10, 20, 0.32, 0.78, 0.30),
    _ServiceProfile("onboarding", 36, 0.55, 33, 37, 0.30, 0.83, 0.60),
    _ServiceProfile("meeting-rooms", 32, 0.30, 8, 12, 0.34, 0.90, 0.35),
)
_PROFILES = {profile.id: profile for profile in SERVICES}

# Tickets per weekday, Monday first: a Monday peak and quiet weekends.
WEEKDAY_WEIGHTS = (1.4, 1.1, 1.0, 1.0, 0.75, 0.10, 0.06)
# New joiners start on Mondays, so onboarding is even more Monday-heavy.
ONBOARDING_WEEKDAY_WEIGHTS = (2.4, 1.0, 0.8, 0.7, 0.5, 0.05, 0.03)
# New joiners arrive in September and January, hardly in July and December.
ONBOARDING_MONTH_FACTORS = (1.3, 1.0, 1.1, 1.0, 0.9, 0.9, 0.7, 0.9, 1.5, 1.1, 0.9, 0.6)

# Local hour a ticket is resolved, 07:00-20:00; about 92% between 08:00 and 18:00.
RESOLVED_HOURS = tuple(range(7, 21))
RESOLVED_HOUR_WEIGHTS = (2, 6, 10, 12, 11, 7, 9, 11, 11, 9, 6, 3, 2, 1)

# Detractor scores lean to 5 and 6, as in real surveys.
DETRACTOR_SCORES = tuple(range(7))
DETRACTOR_WEIGHTS = (4, 2, 3, 4, 6, 10, 14)

COMMENT_CHANCE = {"detractor": 0.60, "passive": 0.30, "promoter": 0.35}
PERSONAL_DATA_CHANCE = 0.05  # some comments carry an e-mail, phone or ticket number to mask

# The survey asks detractors and passives "What could we do better?"; the shipped themes.yaml counts most
# of these reasons as a theme (`factors:`), "Ease of reaching us" as none. Weights: how often each is ticked.
SURVEY_REASONS = ("Speed of service", "Keeping me informed", "Friendliness", "Knowledge of the agent",
                  "Fixed the first time", "Ease of reaching us")
SURVEY_REASON_WEIGHTS = (3.0, 3.0, 1.0, 2.0, 1.0, 1.0)
REASON_CHANCE = {"detractor": 0.55, "passive": 0.25, "promoter": 0.0}


def build_demo_database(engine: Engine, today: date | None = None, seed: int = 7,
                        zone: str | None = None, rules: ThemeRules | None = None) -> DemoSummary:
    """Empty the wall's tables on `engine` (creating those missing) and fill them with demo data ending on `today`.

    `today` defaults to today in UTC. The roll-ups count days in `zone` (the
    wall's `timezone`; default the zone the demo's working hours are in) and
    comment themes with `rules` (default: those of the project's own config/),
    and are written in the rows' transaction. Returns how many responses and
    first-time-right rows were written and the first and last day they cover.
    """
    today = today or datetime.now(timezone.utc).date()
    rng = random.Random(seed)
    tickets = _resolved_tickets(rng, today)
    responses = _survey_responses(rng, tickets, today)
    _write_comments(rng, responses)
    _tick_reasons(random.Random(f"reasons-{seed}"), responses)  # a stream of its own: the comments stay as they were

    ftr_rows = [ticket.row() for ticket in tickets]
    response_rows = [response.row() for response in responses]
    prepare_writing(engine)
    with engine.begin() as connection:
        lock_for_writing(connection)
        # Emptied, never dropped: a read-only user's grants on the tables stay (recount_all empties the roll-ups)
        connection.execute(delete(survey_responses))
        connection.execute(delete(ftr_results))
        _insert(connection, ftr_results, ftr_rows)
        _insert(connection, survey_responses, response_rows)
        recount_all(connection, zone or WALL_TIMEZONE.key, rules=rules or _shipped_rules())
        mark_data_changed(connection)

    days = [ticket.resolved_at.date() for ticket in tickets] + [response.responded_at.date() for response in responses]
    return DemoSummary(len(response_rows), len(ftr_rows), min(days), max(days))


def ensure_demo_database(engine: Engine, zone: str | None = None, rules: ThemeRules | None = None) -> bool:
    """Create the schema; when there are no responses and no first-time-right rows, fill it with demo data
    whose roll-ups count days in `zone` and themes with `rules` (see `build_demo_database`).

    Returns True when it built demo data, False when the database already had data.
    """
    create_schema(engine)
    if not is_empty(engine):
        return False
    build_demo_database(engine, zone=zone, rules=rules)
    return True


def _shipped_rules() -> ThemeRules:
    """The comment themes of the project's own config/, which the demo's services and words are made for."""
    try:
        return ThemeRules.of(load_config(settings.DEFAULT_CONFIG_DIR))
    except (ConfigError, OSError):
        return ThemeRules()


def _insert(connection: Connection, table, rows: list[dict]) -> None:
    # executemany in chunks: fast on SQLite, and within parameter limits elsewhere.
    for start in range(0, len(rows), INSERT_CHUNK):
        connection.execute(insert(table), rows[start : start + INSERT_CHUNK])


# --- tickets ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Ticket:
    service: str
    resolved_local: datetime  # aware, wall time zone
    resolved_at: datetime  # naive UTC, as stored
    first_time_right: bool
    reopened: bool
    reassigned: bool
    nps_level: float  # the NPS this ticket's customer is drawn from
    rollout: float  # 0..1: how deep its service's trouble (the laptop rollout, the Wi-Fi hand-offs) was for it
    number: int = 0

    @property
    def ticket_id(self) -> str:
        return f"INC{self.number:07d}"

    def row(self) -> dict:
        return {
            "ticket_id": self.ticket_id,
            "service": self.service,
            "resolved_at": self.resolved_at,
            "first_time_right": self.first_time_right,
            "reopened": self.reopened,
            "reassigned": self.reassigned,
        }


def trouble_depth(service: str, day: date, today: date) -> float:
    """How deep the trouble of `service` is on `day` (0 normal, 1 at its worst): the laptop rollout's dip,
    or the network team's Wi-Fi hand-offs, still going on today."""
    if service == "laptop":
        return rollout_depth(day, today)
    if service == "network":
        since_start = (day - (today - timedelta(days=HANDOFF_STARTS_DAYS_AGO))).days
        return min(max(since_start / HANDOFF_DROP_DAYS, 0.0), 1.0)
    return 0.0


# (NPS points, first-time-right share, extra tickets) each service's trouble costs at its worst
TROUBLE_COSTS = {"laptop": (ROLLOUT_NPS_DROP, ROLLOUT_FTR_DROP, ROLLOUT_EXTRA_TICKETS),
                 "network": (HANDOFF_NPS_DROP, HANDOFF_FTR_DROP, HANDOFF_EXTRA_TICKETS)}


def rollout_depth(day: date, today: date) -> float:
    """How deep the laptop image rollout dip is on `day`: 0 normal, 1 at the bottom."""
    since_start = (day - (today - timedelta(days=ROLLOUT_STARTS_DAYS_AGO))).days
    if since_start < 0:
        return 0.0
    if since_start < ROLLOUT_DROP_DAYS:
        share = since_start / ROLLOUT_DROP_DAYS
        return share * share * (3 - 2 * share)  # smooth start: the first machines, then the bulk
    since_bottom = since_start - ROLLOUT_DROP_DAYS
    if since_bottom < ROLLOUT_RECOVERY_DAYS:
        return 1.0 - since_bottom / ROLLOUT_RECOVERY_DAYS
    return 0.0


def _holiday_factor(day: date) -> float:
    # Christmas and the summer holidays are quiet for every service.
    if (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1):
        return 0.45
    if (day.month == 7 and day.day >= 15) or (day.month == 8 and day.day <= 20):
        return 0.75
    return 1.0


def _volume_factor(profile: _ServiceProfile, day: date, rollout: float) -> float:
    weights = ONBOARDING_WEEKDAY_WEIGHTS if profile.id == "onboarding" else WEEKDAY_WEIGHTS
    factor = weights[day.weekday()] / sum(weights) * _holiday_factor(day)
    if profile.id == "onboarding":
        factor *= ONBOARDING_MONTH_FACTORS[day.month - 1]
    if profile.id == "access" and day.weekday() < 5 and _days_to_month_end(day) < 4:
        factor *= 1.5  # month-end closing: everyone needs finance permissions at once
    factor *= 1 + TROUBLE_COSTS.get(profile.id, (0.0, 0.0, 0.0))[2] * rollout
    return factor


def _days_to_month_end(day: date) -> int:
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (next_month - day).days - 1


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: exact, and cheap for the few dozen tickets a day we draw.
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _weekly_wobble(rng: random.Random, weeks: int) -> list[float]:
    # NPS drifts a few points from week to week beyond sampling noise (AR(1), sd about 3.5).
    wobble, level = [], 0.0
    for _ in range(weeks):
        level = 0.7 * level + rng.gauss(0.0, 2.5)
        wobble.append(level)
    return wobble


def _local_moment(day: date, hours: float) -> datetime:
    return datetime.combine(day, time(), WALL_TIMEZONE) + timedelta(hours=hours)


def _as_utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)


def _resolved_tickets(rng: random.Random, today: date) -> list[_Ticket]:
    """Every resolved ticket of the demo period, numbered in the order they were resolved."""
    first_day = today - timedelta(days=DEMO_DAYS - 1)
    weeks = DEMO_DAYS // 7 + 2
    wobble = {profile.id: _weekly_wobble(rng, weeks) for profile in SERVICES}
    tickets: list[_Ticket] = []
    for offset in range(DEMO_DAYS):
        day = first_day + timedelta(days=offset)
        progress = offset / (DEMO_DAYS - 1)
        for profile in SERVICES:
            rollout = trouble_depth(profile.id, day, today)
            nps_drop = TROUBLE_COSTS.get(profile.id, (0.0, 0.0, 0.0))[0]
            weekly_tickets = profile.weekly_responses / profile.response_rate
            count = _poisson(rng, weekly_tickets * _volume_factor(profile, day, rollout))
            nps_level = (
                profile.nps_start
                + (profile.nps_end - profile.nps_start) * progress
                + wobble[profile.id][offset // 7]
                - nps_drop * rollout
            )
            for _ in range(count):
                tickets.append(_ticket(rng, profile, day, nps_level, rollout))
    tickets.sort(key=lambda ticket: (ticket.resolved_at, ticket.service))
    for number, ticket in enumerate(tickets, start=FIRST_TICKET_NUMBER):
        ticket.number = number
    return tickets


def _ticket(rng: random.Random, profile: _ServiceProfile, day: date, nps_level: float, rollout: float) -> _Ticket:
    if day.weekday() >= 5:
        hours = rng.uniform(9, 16)  # the weekend stand-by shift
    else:
        hours = rng.choices(RESOLVED_HOURS, weights=RESOLVED_HOUR_WEIGHTS)[0] + rng.random()
    resolved_local = _local_moment(day, hours)

    right = rng.random() < profile.first_time_right - TROUBLE_COSTS.get(profile.id, (0.0, 0.0, 0.0))[1] * rollout
    reopened = reassigned = False
    if not right:
        # During the rollout laptops came back with the same problem: reopened; Wi-Fi tickets were handed on.
        if profile.id == "network":
            reassigned_share = profile.reassigned_share + (1 - profile.reassigned_share) * 0.8 * rollout
        else:
            reassigned_share = profile.reassigned_share * (1 - 0.6 * rollout)
        draw = rng.random()
        if draw < 0.12:
            reopened = reassigned = True
        elif draw < 0.12 + 0.88 * reassigned_share:
            reassigned = True
        else:
            reopened = True
    # Keep the service's average NPS where the profile says: right tickets a bit above, misses well below.
    if right:
        nps_level += NPS_COST_OF_A_MISS * (1 - profile.first_time_right)
    else:
        nps_level -= NPS_COST_OF_A_MISS * profile.first_time_right
    return _Ticket(profile.id, resolved_local, _as_utc(resolved_local), right, reopened, reassigned, nps_level, rollout)


# --- survey responses ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Response:
    ticket: _Ticket
    responded_at: datetime  # naive UTC
    score: int
    number: int = 0
    comment: str | None = None
    factors: str | None = None  # the reasons ticked, "; "-separated as the importer stores them
    has_personal_data: bool = False

    @property
    def band(self) -> str:
        return "promoter" if self.score >= 9 else "passive" if self.score >= 7 else "detractor"

    def row(self) -> dict:
        return {
            "response_id": f"R-{self.number:06d}",
            "ticket_id": self.ticket.ticket_id,
            "service": self.ticket.service,
            "responded_at": self.responded_at,
            "score": self.score,
            "comment": self.comment,
            "factors": self.factors,
        }



def _survey_responses(rng: random.Random, tickets: list[_Ticket], today: date) -> list[_Response]:
    """The survey answers to part of the tickets, a few hours to two days after resolution, up to `today`."""
    responses = []
    for ticket in tickets:
        profile = _PROFILES[ticket.service]
        if rng.random() >= profile.response_rate:
            continue
        responded_at = _as_utc(_survey_moment(rng, ticket.resolved_local))
        if responded_at.date() > today:
            continue  # the survey is still in the customer's inbox
        responses.append(_Response(ticket, responded_at, _score(rng, ticket.nps_level, profile.passive_share)))
    responses.sort(key=lambda response: (response.responded_at, response.ticket.number))
    for number, response in enumerate(responses, start=1):
        response.number = number
    return responses


def _survey_moment(rng: random.Random, resolved_local: datetime) -> datetime:
    draw = rng.random()
    if draw < 0.5:
        delay = rng.uniform(0.5, 4)
    elif draw < 0.85:
        delay = rng.uniform(4, 24)
    else:
        delay = rng.uniform(24, 48)
    moment = resolved_local + timedelta(hours=delay)
    # Hardly anyone answers in the evening or at night: the survey waits for the next morning's coffee.
    if moment.hour >= 20:
        moment = _local_moment(moment.date() + timedelta(days=1), rng.uniform(8, 10.5))
    elif moment.hour < 7:
        moment = _local_moment(moment.date(), rng.uniform(8, 10.5))
    # Most weekend surveys are answered on Monday morning, part of the Monday peak.
    if moment.weekday() >= 5 and rng.random() < 0.85:
        monday = moment.date() + timedelta(days=7 - moment.weekday())
        moment = _local_moment(monday, rng.uniform(8, 11))
    return moment


def _score(rng: random.Random, nps_level: float, passive_share: float) -> int:
    """A 0-10 score from a population whose NPS is `nps_level` with `passive_share` passives."""
    net = max(-(1 - passive_share), min(1 - passive_share, nps_level / 100))
    promoter_share = (1 - passive_share + net) / 2
    draw = rng.random()
    if draw < promoter_share:
        return 10 if rng.random() < 0.55 else 9
    if draw < promoter_share + passive_share:
        return 8 if rng.random() < 0.6 else 7
    return rng.choices(DETRACTOR_SCORES, weights=DETRACTOR_WEIGHTS)[0]


# --- comments --------------------------------------------------------------------------------------------
#
# A comment is an opener, one or two service-specific sentences, maybe a word on
# why the ticket missed, maybe a tail (thanks, a complaint about updates) and now
# and then personal data. Slots in {braces} are filled from FILLERS, so a few
# hundred sentences combine into thousands of distinct texts. The words are in
# demo_comments.yaml, next to this module; lists keep their order, so the seed
# draws the same words.

_CORPUS = yaml.safe_load(resources.files("obeya").joinpath("demo_comments.yaml").read_text(encoding="utf-8"))
FILLERS: dict[str, list[str]] = _CORPUS["fillers"]
THEMES: dict[str, dict[str, list[str]]] = _CORPUS["themes"]  # by service, then by band
TROUBLE_THEMES = {"laptop": "laptop-rollout", "network": "network-handoff"}  # what a service's trouble makes people write
SHORT_COMMENTS: dict[str, list[str]] = _CORPUS["short_comments"]
OPENERS: dict[str, list[str]] = _CORPUS["openers"]
TAILS: dict[str, list[str]] = _CORPUS["tails"]
MISS_SENTENCES: dict[str, list[str]] = _CORPUS["miss_sentences"]
PERSONAL_DATA_SENTENCES: dict[str, list[str]] = _CORPUS["personal_data_sentences"]
PEOPLE_FIRST: list[str] = _CORPUS["people_first"]
PEOPLE_LAST: list[str] = _CORPUS["people_last"]


class _Slots(dict):
    """Fills {slot} placeholders with a random filler each time one is asked for."""

    def __init__(self, rng: random.Random, extra: dict[str, str]) -> None:
        super().__init__(extra)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        filler = self.rng.choice(FILLERS[key])
        if key == "name":
            self[key] = filler  # one comment thanks one colleague, however often it names them
        return filler


def _fill(rng: random.Random, template: str, extra: dict[str, str] | None = None) -> str:
    slots = _Slots(rng, extra or {})
    text = template
    while "{" in text:  # fillers may hold slots of their own, e.g. "access to {system}"
        text = text.format_map(slots)
    return text


def _write_comments(rng: random.Random, responses: list[_Response]) -> None:
    """Give part of the responses a comment, and make sure the newest voices show masking at work."""
    for response in responses:
        if rng.random() < COMMENT_CHANCE[response.band]:
            response.comment = _comment(rng, response)
    # The voices panel shows the newest detractors and promoters: let the newest of each carry
    # personal data, so a fresh demo wall shows that masking works.
    for band in ("detractor", "promoter"):
        newest = next((r for r in reversed(responses) if r.comment and r.band == band), None)
        if newest is not None and not newest.has_personal_data:
            newest.comment += _personal_data(rng, newest)
            newest.has_personal_data = True


def _tick_reasons(rng: random.Random, responses: list[_Response]) -> None:
    """Tick one or two of SURVEY_REASONS for part of the detractors and passives, as the survey asks them.

    A ticket that missed first time makes "Fixed the first time" likelier; the
    laptop rollout, "Speed of service".
    """
    for response in responses:
        if rng.random() >= REASON_CHANCE[response.band]:
            continue
        ticket = response.ticket
        weights = list(SURVEY_REASON_WEIGHTS)
        weights[0] += 4 * ticket.rollout
        weights[4] += 0 if ticket.first_time_right else 4
        ticked = {rng.choices(SURVEY_REASONS, weights=weights)[0] for _ in range(1 if rng.random() < 0.7 else 2)}
        response.factors = "; ".join(reason for reason in SURVEY_REASONS if reason in ticked)


def _comment(rng: random.Random, response: _Response) -> str:
    band = response.band
    ticket = response.ticket
    if rng.random() < 0.18:
        text = rng.choice(SHORT_COMMENTS[band])
    else:
        theme = THEMES[ticket.service]
        # During the rollout most laptop complaints are about the new image; in the Wi-Fi trouble, the hand-offs.
        if ticket.rollout > 0.15 and rng.random() < 0.5 + 0.4 * ticket.rollout:
            theme = THEMES[TROUBLE_THEMES[ticket.service]]
        opener = rng.choice(OPENERS[band])
        sentences = rng.sample(theme[band], k=2 if rng.random() < 0.2 else 1)
        text = " ".join(sentences)
        if band != "promoter" and not ticket.first_time_right and rng.random() < 0.5:
            text += rng.choice(MISS_SENTENCES["reassigned" if ticket.reassigned else "reopened"])
        text = _fill(rng, text + rng.choice(TAILS[band]))
        if opener and not opener.endswith(". ") and text[1:2].islower():
            text = text[0].lower() + text[1:]  # "Sorry, but the ...", while "VPN" and "I" keep their capitals
        text = opener + text
        if text[1:2].islower() and rng.random() < 0.08:
            text = text[0].lower() + text[1:]  # not everyone bothers with capitals
    if rng.random() < PERSONAL_DATA_CHANCE:
        text += _personal_data(rng, response)
        response.has_personal_data = True
    return text


def _personal_data(rng: random.Random, response: _Response) -> str:
    """A sentence with an e-mail address, phone number or earlier ticket number, for the masking to catch."""
    first, last = rng.choice(PEOPLE_FIRST), rng.choice(PEOPLE_LAST)
    phone = rng.choice((
        f"+31 6 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        f"06-{rng.randint(10000000, 99999999)}",
        f"020 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        f"+49 171 {rng.randint(1000000, 9999999)}",
    ))
    earlier = rng.randint(FIRST_TICKET_NUMBER, max(FIRST_TICKET_NUMBER, response.ticket.number - 1))
    extra = {
        "email": f"{first}.{last}@example.nl",
        "phone": phone,
        "earlier_ticket": f"INC{earlier:07d}",
    }
    return _fill(rng, rng.choice(PERSONAL_DATA_SENTENCES[response.band]), extra)
