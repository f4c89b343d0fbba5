"""Demo data: 18 months of survey responses and first-time-right results that look real.

A fresh clone shows a full wall because `ensure_demo_database` fills an empty
database with what `build_demo_database` makes: tickets for the six services
of the shipped `config/services.yaml`, resolved in working hours with a Monday
peak and quiet weekends, about 40% of them answered by a survey, with comments
written the way employees write them. The laptop service has a visible dip:
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
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, insert

from obeya.database import (
    create_schema,
    ftr_results,
    is_empty,
    lock_for_writing,
    mark_data_changed,
    metadata,
    prepare_writing,
    recount_all,
    survey_responses,
)

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


def build_demo_database(engine: Engine, today: date | None = None, seed: int = 7,
                        zone: str | None = None) -> DemoSummary:
    """Drop and recreate the wall's tables on `engine` and fill them with demo data ending on `today`.

    `today` defaults to today in UTC. The roll-ups count days in `zone` (the
    wall's `timezone`; default the zone the demo's working hours are in) and
    are written in the rows' transaction. Returns how many responses and
    first-time-right rows were written and the first and last day they cover.
    """
    today = today or datetime.now(timezone.utc).date()
    rng = random.Random(seed)
    tickets = _resolved_tickets(rng, today)
    responses = _survey_responses(rng, tickets, today)
    _write_comments(rng, responses)

    ftr_rows = [ticket.row() for ticket in tickets]
    response_rows = [response.row() for response in responses]
    metadata.drop_all(engine)
    prepare_writing(engine)
    with engine.begin() as connection:
        lock_for_writing(connection)
        _insert(connection, ftr_results, ftr_rows)
        _insert(connection, survey_responses, response_rows)
        recount_all(connection, zone or WALL_TIMEZONE.key)
        mark_data_changed(connection)

    days = [ticket.resolved_at.date() for ticket in tickets] + [response.responded_at.date() for response in responses]
    return DemoSummary(len(response_rows), len(ftr_rows), min(days), max(days))


def ensure_demo_database(engine: Engine, zone: str | None = None) -> bool:
    """Create the schema; when there are no responses and no first-time-right rows, fill it with demo data
    whose roll-ups count days in `zone` (see `build_demo_database`).

    Returns True when it built demo data, False when the database already had data.
    """
    create_schema(engine)
    if not is_empty(engine):
        return False
    build_demo_database(engine, zone=zone)
    return True


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
    rollout: float  # 0..1: how deep the laptop rollout dip was for this ticket
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
    if profile.id == "laptop":
        factor *= 1 + ROLLOUT_EXTRA_TICKETS * rollout
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
            rollout = rollout_depth(day, today) if profile.id == "laptop" else 0.0
            weekly_tickets = profile.weekly_responses / profile.response_rate
            count = _poisson(rng, weekly_tickets * _volume_factor(profile, day, rollout))
            nps_level = (
                profile.nps_start
                + (profile.nps_end - profile.nps_start) * progress
                + wobble[profile.id][offset // 7]
                - ROLLOUT_NPS_DROP * rollout
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

    right = rng.random() < profile.first_time_right - ROLLOUT_FTR_DROP * rollout
    reopened = reassigned = False
    if not right:
        # During the rollout laptops came back with the same problem: reopened.
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
# hundred sentences combine into thousands of distinct texts.

FILLERS: dict[str, tuple[str, ...]] = {
    "wait": ("two days", "three days", "a full week", "more than a week", "since Monday", "four working days"),
    "quick": ("in ten minutes", "within the hour", "before lunch", "in no time", "in twenty minutes"),
    "name": (
        "Sanne", "Daan", "Femke", "Jeroen", "Lotte", "Bram", "Anouk", "Thijs", "Wouter", "Mieke", "Pieter",
        "Niels", "Ruud", "Jürgen", "Katrin", "Matthias", "Annika", "Sabine", "Stefan", "Björn", "Lukas",
        "Sanne de Vries", "Jeroen Bakker", "Jürgen Becker", "Katrin Schäfer", "Daan from the service desk",
        "Femke at the walk-in desk",
    ),
    "location": ("walk-in desk", "IT service point", "IT desk on the 2nd floor", "service point in building A"),
    "laptop_fault": (
        "the screen went black", "it would not charge", "the keyboard stopped responding",
        "it froze during every Teams call", "it overheated", "it would not boot",
    ),
    "laptop_fault_noun": ("battery problem", "broken hinge", "charging issue", "flickering screen", "dead keyboard"),
    "when_again": ("the next morning", "two days later", "within a week", "the same afternoon"),
    "setup_item": ("my printers", "Outlook", "my VPN profile", "Teams", "my browser bookmarks"),
    "system": (
        "SAP", "the finance share", "the HR portal", "Power BI", "the payroll folder", "Salesforce",
        "the project SharePoint", "the team's shared mailbox", "Jira", "the contract database",
    ),
    "late": ("two days after the deadline", "on the last day at 17:30", "a week late",
             "after month-end was already closed", "one day too late"),
    "app": ("Visio", "Adobe Acrobat Pro", "MS Project", "Tableau", "AutoCAD", "SPSS", "Miro", "Power BI Pro",
            "Camtasia", "Snagit"),
    "free_app": ("Notepad++", "7-Zip", "Python", "Paint.NET", "Greenshot", "draw.io"),
    "approvals": ("two", "three", "four"),
    "floor": ("the 3rd floor", "the 4th floor", "the ground floor near the restaurant", "the 2nd floor"),
    "vpn_when": ("every hour", "whenever I join a Teams call", "every time my laptop goes to sleep",
                 "every morning around nine", "when I switch from Wi-Fi to my phone's hotspot"),
    "business_app": ("SAP", "our CRM", "the remote desktop", "the planning tool", "Excel files on the share"),
    "vpn_since": ("last week's update", "I got a new router", "Monday", "the password change"),
    "area_b": ("canteen", "meeting rooms", "project area", "east wing", "open-plan office"),
    "not_ready": (
        "their accounts were not ready", "the laptop wasn't there", "the e-mail account didn't exist yet",
        "nobody had ordered a phone", "access to {system} was missing", "the badge didn't open any door",
    ),
    "idle": ("the whole morning", "the first two days", "until 15:00", "most of the first week"),
    "weekday_late": ("Wednesday", "Thursday", "the end of the week", "the second week"),
    "weeks": ("three", "four", "six"),
    "missing_item": ("the phone", "access to {system}", "the badge", "my second screen", "the headset"),
    "room": ("the Amstel room", "the Rhine room", "room 4.12", "the boardroom", "room B2.07", "the Maas room",
             "the IJssel room", "the big room on the 5th floor"),
    "again": ("again", "for the third time this month", "yet again", "once more"),
    "lost": ("fifteen minutes", "twenty minutes", "half an hour", "the first ten minutes"),
    "dock_thing": ("second screen", "external keyboard", "headset", "wired network", "two monitors", "mouse"),
    "driver": ("the fingerprint reader", "the webcam", "the audio", "the touchpad",
               "the docking station's network port", "the printer", "the Bluetooth headset"),
    "outlook_loss": ("including my signatures and shared mailboxes", "so I couldn't open the team mailbox for two days",
                     "and all my rules were gone", "and it took a morning to rebuild"),
    "bitlocker_when": ("on Monday morning", "twice in one week", "right before a customer presentation",
                       "after every restart", "at the airport"),
    "lost_setting": ("browser bookmarks", "printer settings", "Outlook signatures", "desktop shortcuts"),
    "people": ("three", "four", "five"),
    "times": ("twice", "three times", "four times"),
}

# Service themes: what customers of each service praise and complain about.
THEMES: dict[str, dict[str, tuple[str, ...]]] = {
    "laptop": {
        "detractor": (
            "I waited {wait} for a replacement laptop and could hardly work in the meantime.",
            "My laptop was 'fixed' but {laptop_fault} again {when_again}.",
            "The replacement laptop came without my files and half my apps.",
            "Nobody could tell me when my new laptop would arrive.",
            "I had to bring my laptop to the {location} twice for the same {laptop_fault_noun}.",
            "The loan laptop didn't have {setup_item} and was slower than my broken one.",
            "They reinstalled everything instead of fixing the {laptop_fault_noun}, and I lost my local files.",
        ),
        "passive": (
            "Laptop works again, but it took {wait} to get there.",
            "Good repair, but I had to set up {setup_item} myself afterwards.",
            "Fine, although the loan laptop was very slow.",
            "The {laptop_fault_noun} is fixed. Would have liked a heads-up before they wiped the disk.",
        ),
        "promoter": (
            "Laptop swapped the same day and all my files were there.",
            "Walked in at the {location} with a {laptop_fault_noun}, walked out {quick} with a working laptop.",
            "Battery replaced while I had lunch.",
            "New laptop ready {quick}, with {setup_item} already set up.",
            "Fixed my {laptop_fault_noun} {quick} without me having to explain it twice.",
        ),
    },
    "laptop-rollout": {
        "detractor": (
            "After the new laptop image my docking station is not detected anymore.",
            "Since the new image my {dock_thing} doesn't work on the docking station.",
            "Drivers missing after the new image: {driver} doesn't work.",
            "My Outlook profile was gone after the new image, {outlook_loss}.",
            "BitLocker asked for a recovery key {bitlocker_when} and I couldn't work until someone read it to me.",
            "The new image wiped my {lost_setting}. Nobody warned us.",
            "Two monitors on the dock, neither detected since the new image. Ticket closed, problem not solved.",
            "The docking station stopped working after the new image and the advice was to 'restart'. Didn't help.",
            "The rollout of the new image was forced on me in the middle of a deadline week.",
        ),
        "passive": (
            "Docking station works again after the driver update, but it cost me a morning.",
            "The new image is faster, but the BitLocker prompts were annoying.",
            "Outlook profile rebuilt, signatures still gone.",
            "{driver} works again. The rollout could have been tested better.",
        ),
        "promoter": (
            "Docking station problem after the new image fixed {quick} by {name}.",
            "Quick fix for the missing drivers after the rollout, thanks {name}.",
            "{name} restored my Outlook profile {quick}, shared mailboxes and all.",
            "BitLocker recovery key sorted over the phone {quick}.",
        ),
    },
    "access": {
        "detractor": (
            "I needed access to {system} for month-end and got it {late}.",
            "The MFA reset took {wait}, I was locked out of everything.",
            "My request for {system} was rejected twice because the form asked for the wrong approver.",
            "Every month-end the same story: access to {system} expires and nobody warns us.",
            "I got access to {system} but read-only, so I had to start over.",
            "New phone, so MFA had to be moved. That took {wait} and three calls.",
        ),
        "passive": (
            "Access granted, but I had to chase the approver myself.",
            "The MFA reset worked, the instructions could be clearer.",
            "Got what I needed for {system}, a day later than promised.",
            "Permissions are fine now. Why do they expire every quarter?",
        ),
        "promoter": (
            "MFA reset done {quick} over the phone.",
            "Access to {system} {quick}, just before month-end.",
            "Clear explanation of which permissions I needed and why.",
            "Locked out on a Monday morning, working again {quick}.",
        ),
    },
    "software": {
        "detractor": (
            "I'm still waiting for my {app} licence after {wait}.",
            "The approval for {app} sat with my manager's manager for {wait} and nobody chased it.",
            "{app} was installed but without a licence, so it doesn't start.",
            "I had to fill in the same software request form three times.",
            "Why does a free tool like {free_app} need {approvals} approvals?",
            "The {app} licence was given to someone else while I was on holiday.",
        ),
        "passive": (
            "Software arrived, but the licence took another {wait}.",
            "OK in the end, the approval step is slow.",
            "{app} works now. Would be nice to know upfront how long approval takes.",
            "Installed fine, but I had to ask twice for the right version of {app}.",
        ),
        "promoter": (
            "{app} was on my laptop the same afternoon, licence included.",
            "Request, approval and install in one day. Impressive.",
            "Got {free_app} {quick} through the Company Portal, great tip.",
            "{app} licence sorted {quick}.",
        ),
    },
    "network": {
        "detractor": (
            "The Wi-Fi in building B drops every few minutes, especially on {floor}.",
            "VPN disconnects {vpn_when} and I lose my work in {business_app}.",
            "I can't connect to the VPN from home since {vpn_since}.",
            "Still no decent Wi-Fi in the {area_b} in building B.",
            "The ticket was closed with 'works for us', but the Wi-Fi in building B is still terrible.",
            "VPN is so slow that {business_app} times out.",
        ),
        "passive": (
            "VPN works again, but I still don't know what was wrong.",
            "Better Wi-Fi on {floor} now, not perfect yet.",
            "Fixed after a restart. Fine, but that could have been tried on the phone.",
            "Wi-Fi in the {area_b} is usable now, most of the time.",
        ),
        "promoter": (
            "VPN fixed remotely {quick}.",
            "Wi-Fi in building B finally stable, thanks!",
            "Great explanation of how to switch to the other VPN gateway.",
            "The new access point on {floor} made a real difference.",
        ),
    },
    "onboarding": {
        "detractor": (
            "Our new colleague sat idle {idle} on day one because {not_ready}.",
            "Day one: no laptop, no badge, no accounts.",
            "I started on Monday and {not_ready} until {weekday_late}.",
            "We requested everything {weeks} weeks in advance and still {not_ready}.",
            "Not the welcome you want on your first day: {not_ready}.",
        ),
        "passive": (
            "Most things were ready on day one, only {missing_item} came later.",
            "Laptop ready, but the accounts took until lunch.",
            "Good start overall, the checklist for managers could be clearer.",
        ),
        "promoter": (
            "Everything worked before 10:00 on my first day. Great start!",
            "My laptop, phone and accounts were ready on day one. Felt very welcome.",
            "Onboarding was smooth, {name} walked me through everything.",
            "Our new team member was productive on day one. That's how it should be.",
        ),
    },
    "meeting-rooms": {
        "detractor": (
            "Screen sharing in {room} doesn't work {again}, we lost {lost} of a client meeting.",
            "The HDMI cable in {room} is broken {again}.",
            "The Teams Room panel in {room} was frozen and nobody came.",
            "Couldn't get the camera in {room} to work, had to move the meeting.",
            "The sound in {room} echoes so badly the other side gave up.",
            "No HDMI adapter in {room}, and the wireless sharing doesn't see my laptop.",
        ),
        "passive": (
            "Someone came within ten minutes, but the HDMI cable is still wobbly.",
            "Works now, but the instructions in {room} are confusing.",
            "Fixed, though we started {lost} late.",
        ),
        "promoter": (
            "The AV team fixed the screen in {room} before my meeting started.",
            "Quick help with screen sharing, the meeting started on time.",
            "{name} came straight away and the call worked within two minutes.",
            "Board meeting in {room} saved by {name}. Thank you!",
        ),
    },
}

SHORT_COMMENTS = {
    "detractor": ("Too slow.", "Still not working.", "Nobody called me back.", "Took a week.",
                  "Ticket closed, problem not solved.", "Not helpful at all.", "Had to chase it three times.",
                  "waited way too long", "Why is this so hard?"),
    "passive": ("OK.", "Fine, took a while.", "Solved, eventually.", "It works now.", "Could be faster.",
                "ok", "Good enough."),
    "promoter": ("Quick and friendly.", "Perfect, thanks!", "Super fast!", "Great service.", "Top geholpen, dank je!",
                 "Fixed in minutes.", "Excellent!", "Very helpful, thank you.", "thanks!!"),
}

OPENERS = {
    "detractor": ("", "", "", "Honestly, ", "Not good. ", "Sorry, but ", "Disappointing. ", "Again. "),
    "passive": ("", "", "", "OK. ", "Fine. ", "Solved in the end. "),
    "promoter": ("", "", "", "Great! ", "Excellent service. ", "Wow. ", "Very happy. "),
}

TAILS = {
    "detractor": ("", "", " Nobody kept me informed.", " I lost half a day of work.",
                  " Please call before closing a ticket.", " Very frustrating.",
                  " The portal said 'resolved' while nothing had changed.", " Please do better."),
    "passive": ("", "", " Communication could be better.", " A quick update halfway would have helped.",
                " Friendly people though.", " Thanks anyway."),
    "promoter": ("", " Thanks {name}!", " Big thanks to {name}.", " Dank je wel, {name}!", " Vielen Dank, {name}!",
                 " Keep it up.", " This is how it should work.", " Thanks to {name} and the team."),
}

MISS_SENTENCES = {
    "reassigned": (" The ticket went from team to team before anyone picked it up.",
                   " I had to explain the problem again to {people} different people.",
                   " It was reassigned {times} before it reached the right team."),
    "reopened": (" It was closed as solved but it wasn't, so I had to reopen it.",
                 " The same problem came back the next day.",
                 " I reopened the ticket {times}."),
}

PERSONAL_DATA_SENTENCES = {
    "detractor": (" Please call me on {phone}.", " Reach me at {email} or {phone}.",
                  " This is the same problem as {earlier_ticket}.",
                  " See also {earlier_ticket}, closed without a fix."),
    "passive": (" Follow-up of {earlier_ticket}.", " My mobile is {phone} if you need to check.",
                " Mail {email} if you need more details."),
    "promoter": (" Much faster than {earlier_ticket} last year.", " Happy to be a reference: {email}.",
                 " Call me on {phone} if you want feedback on the new process."),
}

PEOPLE_FIRST = ("jan", "eva", "mark", "lisa", "tom", "anna", "kees", "julia", "max", "emma", "tim", "laura", "hans")
PEOPLE_LAST = ("jansen", "devries", "bakker", "visser", "smit", "meijer", "mueller", "schmidt", "schneider", "bos")


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


def _comment(rng: random.Random, response: _Response) -> str:
    band = response.band
    ticket = response.ticket
    if rng.random() < 0.18:
        text = rng.choice(SHORT_COMMENTS[band])
    else:
        theme = THEMES[ticket.service]
        # During the rollout most laptop complaints are about the new image.
        if ticket.rollout > 0.15 and rng.random() < 0.5 + 0.4 * ticket.rollout:
            theme = THEMES["laptop-rollout"]
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
