"""What the data panels show, from known raw rows in a temp SQLite database.

The test config's wall runs in Europe/Berlin with weekly periods, 4 periods
shown, min_responses 5 (also the minimum of resolved tickets for FTR), and
4 voices from the last 30 days with R-HIDDEN hidden.

"Now" is Wednesday 13 March 2024, 09:00 UTC (10:00 in Berlin), so the trend
shows the complete weeks starting Mon 12 Feb, 19 Feb, 26 Feb and 4 Mar; the
current period is 4–10 March and the previous one 26 Feb–3 Mar (holding the
29 Feb / 1 Mar month boundary). Timestamps are stored in UTC, as the importer
stores them.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from obeya.database import create_schema, ftr_results, make_engine, survey_responses
from obeya.rollups import refresh_rollups
from obeya.metrics import FtrCounts, NpsCounts
from obeya.snapshot import WallData, load_wall_data
from obeya.theme_rollups import ThemeRules

NOW = datetime(2024, 3, 13, 9, 0, tzinfo=timezone.utc)
BERLIN = ZoneInfo("Europe/Berlin")
WEEKS = [date(2024, 2, 12), date(2024, 2, 19), date(2024, 2, 26), date(2024, 3, 4)]

_numbers = itertools.count(1)


# --- a fixture layer that speaks the domain --------------------------------


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'wall.db'}")
    create_schema(engine)
    yield engine
    engine.dispose()


def utc(day: date | datetime) -> datetime:
    """A naive UTC timestamp as stored; a bare day means noon UTC."""
    if isinstance(day, datetime):
        return day
    return datetime.combine(day, time(12, 0))


def add_responses(engine, service: str, day: date | datetime, scores: list[int]) -> None:
    """One survey response per score for `service`, without comments."""
    rows = []
    for score in scores:
        number = next(_numbers)
        rows.append(
            dict(response_id=f"R-{number:06d}", ticket_id=f"INC{number:07d}", service=service,
                 responded_at=utc(day), score=score, comment=None)
        )
    with engine.begin() as connection:
        connection.execute(insert(survey_responses), rows)


def add_comment(engine, response_id: str, service: str, day: date | datetime, score: int, text: str) -> None:
    """One survey response with a comment."""
    with engine.begin() as connection:
        connection.execute(
            insert(survey_responses),
            [dict(response_id=response_id, ticket_id=f"INC{next(_numbers):07d}", service=service,
                  responded_at=utc(day), score=score, comment=text)],
        )


def add_tickets(engine, service: str, day: date | datetime, *, right: int = 0, reopened: int = 0,
                reassigned: int = 0, missed: int = 0) -> None:
    """Resolved tickets: `right` first time right; misses that were reopened, reassigned, or gave no reason."""
    kinds = ["right"] * right + ["reopened"] * reopened + ["reassigned"] * reassigned + ["missed"] * missed
    rows = [
        dict(ticket_id=f"INC{next(_numbers):07d}", service=service, resolved_at=utc(day),
             first_time_right=kind == "right", reopened=kind == "reopened", reassigned=kind == "reassigned")
        for kind in kinds
    ]
    with engine.begin() as connection:
        connection.execute(insert(ftr_results), rows)


def wall_data(engine, config, now: datetime = NOW) -> WallData:
    """Roll up the raw rows as an import does (in the wall's zone), then read what the wall would show."""
    refresh_rollups(engine, zone=config.wall.timezone)
    return load_wall_data(engine, config, now=now)


def responses_per_period(series) -> list[int]:
    return [period.counts.responses for period in series.periods]


# --- NPS trend -------------------------------------------------------------


def test_trend_shows_the_complete_weeks_monday_to_sunday(engine, test_config):
    data = wall_data(engine, test_config)
    series = data.nps_by_service["analysers"]
    assert data.period == "week"
    assert [period.start for period in series.periods] == WEEKS
    assert [period.end for period in series.periods] == [date(2024, 2, 19), date(2024, 2, 26), date(2024, 3, 4),
                                                         date(2024, 3, 11)]
    assert series.current.start == date(2024, 3, 4)
    assert series.previous.start == date(2024, 2, 26)


def test_weekly_counts_respect_week_boundaries(engine, test_config):
    add_responses(engine, "analysers", datetime(2024, 2, 11, 12, 0), [10])  # before the trend starts
    add_responses(engine, "analysers", datetime(2024, 2, 12, 0, 0), [10, 9])  # first moment of the first week
    add_responses(engine, "analysers", date(2024, 2, 29), [3])  # leap day, previous week
    add_responses(engine, "analysers", datetime(2024, 3, 3, 22, 0), [8])  # Sunday 23:00 in Berlin
    add_responses(engine, "analysers", datetime(2024, 3, 4, 0, 0), [9, 9, 9])  # Monday 01:00 in Berlin
    add_responses(engine, "analysers", datetime(2024, 3, 10, 22, 0), [0])  # Sunday 23:00 in Berlin
    add_responses(engine, "analysers", datetime(2024, 3, 11, 0, 0), [10] * 5)  # this week: not complete yet
    add_responses(engine, "lims", date(2024, 3, 6), [7, 7])

    data = wall_data(engine, test_config)

    assert responses_per_period(data.nps_by_service["analysers"]) == [2, 0, 2, 4]
    assert responses_per_period(data.nps_by_service["lims"]) == [0, 0, 0, 2]
    assert responses_per_period(data.nps_overall) == [2, 0, 2, 6]
    assert data.nps_by_service["analysers"].current.counts == NpsCounts(promoters=3, passives=0, detractors=1)


def test_nps_of_the_last_complete_week_with_its_95_percent_band(engine, test_config):
    add_responses(engine, "analysers", datetime(2024, 3, 4, 0, 0), [10, 10, 10])
    add_responses(engine, "analysers", datetime(2024, 3, 10, 22, 0), [9, 9, 8, 8, 8, 3, 5])

    series = wall_data(engine, test_config).nps_by_service["analysers"]

    # 5 promoters, 3 passives, 2 detractors: NPS 30, SE = 100·sqrt((0.7 − 0.09)/10) ≈ 24.70
    current = series.current
    assert current.counts == NpsCounts(5, 3, 2)
    assert current.estimate.value == pytest.approx(30.0)
    assert current.estimate.low == pytest.approx(30 - 1.96 * 24.698, abs=0.01)  # −18.41
    assert current.estimate.high == pytest.approx(30 + 1.96 * 24.698, abs=0.01)  # 78.41
    assert current.estimate.n == 10
    assert series.target == 20
    assert series.status == "within_noise"  # the target 20 lies inside the band


def test_change_vs_previous_week_within_noise(engine, test_config):
    add_responses(engine, "analysers", date(2024, 2, 29), [10, 9, 8, 7, 0, 2, 4, 6])  # NPS −25
    add_responses(engine, "analysers", date(2024, 3, 6), [10, 10, 10, 9, 9, 8, 8, 8, 3, 5])  # NPS 30

    series = wall_data(engine, test_config).nps_by_service["analysers"]

    assert series.previous.estimate.value == pytest.approx(-25.0)
    # SEs ≈ 24.70 and 29.32: a 55-point jump on 10 and 8 responses is still noise (z ≈ 1.43).
    assert series.change.delta == pytest.approx(55.0)
    assert series.change.significant is False


def test_change_vs_previous_week_beyond_noise(engine, test_config):
    add_responses(engine, "lims", date(2024, 2, 28), [0] * 60 + [10] * 20)  # NPS −50
    add_responses(engine, "lims", date(2024, 3, 7), [10] * 60 + [0] * 20)  # NPS 50

    series = wall_data(engine, test_config).nps_by_service["lims"]

    assert series.change.delta == pytest.approx(100.0)
    assert series.change.significant is True
    # SE = 100·sqrt((1 − 0.25)/80) ≈ 9.68: band ≈ 31.0..69.0, wholly above the target 30.
    assert series.current.estimate.low == pytest.approx(31.02, abs=0.01)
    assert series.status == "on_target"


def test_below_min_responses_a_week_shows_not_enough_responses(engine, test_config):
    add_responses(engine, "analysers", date(2024, 3, 5), [10, 10, 10, 8, 8, 8, 0])
    add_responses(engine, "lims", date(2024, 3, 5), [9, 6, 6, 9])  # 4 < min_responses 5

    data = wall_data(engine, test_config)
    lims = data.nps_by_service["lims"]

    assert lims.current.counts.responses == 4
    assert lims.current.estimate is None
    assert lims.status == "too_few"  # 4 responses: too few, not no data
    assert lims.change is None
    # All services together pool the counts: 5 promoters, 3 passives, 3 detractors of 11.
    overall = data.nps_overall
    assert overall.name == "All services"
    assert overall.current.counts == NpsCounts(5, 3, 3)
    assert overall.current.estimate.value == pytest.approx(100 * 2 / 11)


def test_empty_database_shows_no_numbers(engine, test_config):
    data = wall_data(engine, test_config)
    assert responses_per_period(data.nps_overall) == [0, 0, 0, 0]
    assert all(period.estimate is None for period in data.nps_overall.periods)
    assert data.ftr_by_service["lims"].status == "no_data"
    assert data.voices == ()


def test_as_of_is_in_the_walls_time_zone(engine, test_config):
    data = wall_data(engine, test_config)
    assert data.as_of == datetime(2024, 3, 13, 10, 0, tzinfo=BERLIN)
    assert data.as_of.strftime("%H:%M") == "10:00"


def test_a_response_just_after_midnight_on_monday_in_berlin_counts_in_the_new_week(engine, test_config):
    add_responses(engine, "analysers", datetime(2024, 3, 3, 23, 30), [10])  # Monday 4 March 00:30 in Berlin
    data = wall_data(engine, test_config)
    assert responses_per_period(data.nps_by_service["analysers"]) == [0, 0, 0, 1]


# --- first-time-right ------------------------------------------------------


def test_first_time_right_rate_interval_gap_status_and_main_miss_reason(engine, test_config):
    add_tickets(engine, "analysers", datetime(2024, 3, 4, 0, 0), right=4, reopened=2)
    add_tickets(engine, "analysers", datetime(2024, 3, 10, 22, 0), right=3, reassigned=1)
    add_tickets(engine, "analysers", datetime(2024, 3, 3, 22, 0), right=1, reassigned=5)  # previous week
    add_tickets(engine, "analysers", datetime(2024, 3, 11, 0, 0), reopened=9)  # this week, not complete
    add_tickets(engine, "lims", date(2024, 3, 8), right=12, reopened=2, reassigned=5, missed=1)

    data = wall_data(engine, test_config)
    analysers = data.ftr_by_service["analysers"]
    lims = data.ftr_by_service["lims"]

    # analysers: 7 of 10 right first time, Wilson 95% ≈ 39.7..89.2, target 80 inside it.
    assert analysers.current.counts == FtrCounts(resolved=10, first_time_right=7, reopened=2, reassigned=1)
    assert analysers.current.estimate.value == pytest.approx(70.0)
    assert analysers.current.estimate.low == pytest.approx(39.68, abs=0.01)
    assert analysers.current.estimate.high == pytest.approx(89.22, abs=0.01)
    assert analysers.gap == pytest.approx(-10.0)
    assert analysers.status == "likely_off_target"  # 10 points below, target inside the band
    assert analysers.main_miss_reason == "reopened"
    assert analysers.name == "Lab analysers"
    assert analysers.expected_experience == "A broken analyser runs again within two hours, day or night."
    assert [period.counts.resolved for period in analysers.periods] == [0, 0, 6, 10]

    # lims: 12 of 20, Wilson ≈ 38.7..78.1, wholly below the 90 target.
    assert lims.current.estimate.value == pytest.approx(60.0)
    assert lims.current.estimate.low == pytest.approx(38.66, abs=0.01)
    assert lims.current.estimate.high == pytest.approx(78.12, abs=0.01)
    assert lims.target == 90
    assert lims.gap == pytest.approx(-30.0)
    assert lims.status == "off_target"
    assert lims.main_miss_reason == "reassigned"


def test_first_time_right_on_target(engine, test_config):
    add_tickets(engine, "analysers", date(2024, 3, 5), right=20)
    series = wall_data(engine, test_config).ftr_by_service["analysers"]
    assert series.current.estimate.low == pytest.approx(83.89, abs=0.01)  # Wilson 20/20, above the 80 target
    assert series.status == "on_target"
    assert series.gap == pytest.approx(20.0)
    assert series.main_miss_reason is None


def test_first_time_right_below_min_resolved_shows_no_rate(engine, test_config):
    add_tickets(engine, "lims", date(2024, 3, 5), right=3, reopened=1)
    series = wall_data(engine, test_config).ftr_by_service["lims"]
    assert series.current.counts.resolved == 4
    assert series.current.estimate is None
    assert series.status == "too_few"
    assert series.gap is None
    assert series.main_miss_reason == "reopened"


# --- voices ----------------------------------------------------------------


def test_voices_detractors_first_newest_first_with_personal_data_masked(engine, test_config):
    add_comment(engine, "R-1", "analysers", datetime(2024, 3, 8, 10, 0), 2,
                "Analyser down all night, call me on +49 170 1234567")
    add_comment(engine, "R-2", "lims", datetime(2024, 3, 9, 10, 0), 0,
                "INC0012345 still open, mail ana.costa@lab.example")
    add_comment(engine, "R-3", "analysers", datetime(2024, 3, 7, 10, 0), 10, "Fixed while I watched")
    add_comment(engine, "R-4", "lims", datetime(2024, 3, 6, 10, 0), 9, "Results on the ward in minutes")
    add_comment(engine, "R-5", "analysers", datetime(2024, 3, 5, 10, 0), 10, "Great night support")
    add_comment(engine, "R-6", "analysers", datetime(2024, 3, 12, 10, 0), 8, "Fine, I suppose")  # passive
    add_comment(engine, "R-7", "lims", datetime(2024, 3, 12, 11, 0), 1, "   ")  # blank comment
    add_comment(engine, "R-8", "lims", datetime(2024, 2, 1, 10, 0), 0, "Older than 30 days")

    voices = wall_data(engine, test_config).voices

    # count 4: two detractors (newest first), then two promoters (newest first).
    assert [voice.response_id for voice in voices] == ["R-2", "R-1", "R-3", "R-4"]
    assert [voice.text for voice in voices] == [
        "[ticket] still open, mail [e-mail]",
        "Analyser down all night, call me on [phone]",
        "Fixed while I watched",
        "Results on the ward in minutes",
    ]
    newest = voices[0]
    assert (newest.service, newest.score, newest.band) == ("Lab information system", 0, "detractor")
    assert newest.responded_at == datetime(2024, 3, 9, 11, 0, tzinfo=BERLIN)
    assert voices[2].band == "promoter"


def test_hidden_response_is_never_shown(engine, test_config):
    add_comment(engine, "R-HIDDEN", "lims", datetime(2024, 3, 12, 10, 0), 0, "Name and shame the night engineer")
    add_comment(engine, "R-1", "lims", datetime(2024, 3, 11, 10, 0), 3, "Waited two hours")

    voices = wall_data(engine, test_config).voices

    assert [voice.response_id for voice in voices] == ["R-1"]


def test_voices_fill_up_with_detractors_when_there_are_few_promoters(engine, test_config):
    for number, day in enumerate((8, 9, 10, 11), start=1):
        add_comment(engine, f"R-D{number}", "lims", datetime(2024, 3, day, 10, 0), 4, f"Complaint {number}")
    add_comment(engine, "R-P1", "lims", datetime(2024, 3, 7, 10, 0), 10, "Praise")

    voices = wall_data(engine, test_config).voices

    assert [voice.response_id for voice in voices] == ["R-D4", "R-D3", "R-D2", "R-P1"]


# --- monthly trend ---------------------------------------------------------


def test_monthly_trend_pools_calendar_months(engine, config_copy):
    config = config_copy.edit("wall.yaml", "period: week", "period: month").load()
    add_responses(engine, "analysers", date(2024, 1, 31), [0, 0, 0, 0, 0])  # previous month
    add_responses(engine, "analysers", datetime(2024, 2, 1, 0, 0), [10, 10])  # first moment of February
    add_responses(engine, "analysers", date(2024, 2, 29), [10, 9, 7, 3])  # leap day
    add_responses(engine, "analysers", datetime(2024, 3, 1, 0, 0), [10] * 9)  # March: not complete yet
    add_tickets(engine, "analysers", date(2024, 2, 29), right=4, reopened=1)
    add_tickets(engine, "analysers", datetime(2024, 3, 1, 0, 0), reassigned=3)

    data = wall_data(engine, config)
    series = data.nps_by_service["analysers"]

    assert data.period == "month"
    assert [period.start for period in series.periods] == [
        date(2023, 11, 1), date(2023, 12, 1), date(2024, 1, 1), date(2024, 2, 1)
    ]
    assert series.current.end == date(2024, 3, 1)
    assert responses_per_period(series) == [0, 0, 5, 6]
    # February: 4 promoters, 1 passive, 1 detractor → NPS 50, SE ≈ 31.18; the band is cut at 100.
    assert series.current.estimate.value == pytest.approx(50.0)
    assert series.current.estimate.low == pytest.approx(50 - 1.96 * 31.18, abs=0.01)
    assert series.current.estimate.high == 100.0
    assert series.previous.estimate.value == pytest.approx(-100.0)
    assert data.ftr_by_service["analysers"].current.counts == FtrCounts(5, 4, reopened=1, reassigned=0)
    assert data.ftr_by_service["analysers"].current.estimate.value == pytest.approx(80.0)


# --- services as exports spell them; roll-ups in another zone -----------------------------------


def test_rows_under_an_alias_count_for_their_service_and_unknown_services_stay_out_of_all(engine, config_copy):
    config = config_copy.edit("services.yaml", "    name: Lab information system\n",
                              "    name: Lab information system\n    aliases: [Laboratory IS]\n").load()
    add_responses(engine, "lims", WEEKS[-1], [10, 10])
    add_responses(engine, "laboratory is", WEEKS[-1], [10, 3])  # as an export spells it, any case
    add_responses(engine, "Printers", WEEKS[-1], [0, 0, 0])
    add_tickets(engine, "Printers", WEEKS[-1], right=2)
    data = wall_data(engine, config)
    assert responses_per_period(data.nps_by_service["lims"])[-1] == 4
    assert responses_per_period(data.nps_overall)[-1] == 4  # the printers' zeros are not in "All services"
    assert data.unknown_services == {"Printers": 5}


def test_unknown_services_are_named_on_the_nps_and_ftr_panels(engine, test_config):
    from layouts import ftr, nps
    from layouts.components import Screen
    from tests.component_tree import texts

    add_responses(engine, "lims", WEEKS[-1], [10] * 6)
    add_responses(engine, "Clinical workstations", WEEKS[-1], [0, 0])
    data = wall_data(engine, test_config)
    note = ('Not counted: 2 rows name a service that is not in services.yaml: \u201cClinical workstations\u201d (2)')
    assert note in " ".join(texts(nps.render(test_config, data, Screen())[0]))
    assert note in " ".join(texts(ftr.render(test_config, data, Screen())[0]))


def test_roll_ups_in_another_zone_are_read_as_they_are_and_said_so(engine, test_config):
    from layouts import nps
    from layouts.components import Screen
    from tests.component_tree import texts

    add_responses(engine, "analysers", datetime(2024, 3, 3, 23, 30), [10])  # Monday 00:30 in Berlin
    refresh_rollups(engine, zone="UTC")  # counted by an old import; the wall may not re-count
    statements: list[str] = []
    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    data = load_wall_data(engine, test_config, now=NOW)
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "DELETE", "UPDATE"))]
    assert data.rollup_zone == "UTC"
    assert responses_per_period(data.nps_by_service["analysers"])[-2] == 1  # Sunday 3 March, as counted in UTC
    assert "Days counted in UTC, not Europe/Berlin: run \u201cobeya rollups\u201d" in " ".join(
        texts(nps.render(test_config, data, Screen())[0]))


def test_a_dutch_walls_comments_mask_dutch_national_phone_numbers(engine, config_copy):
    config = config_copy.edit("wall.yaml", "timezone: Europe/Berlin", "timezone: Europe/Berlin\nlanguage: nl").load()
    add_comment(engine, "R-NL", "lims", WEEKS[-1], 2, "Bel me op 06-12345678 als het werkt")
    data = wall_data(engine, config)
    assert [voice.text for voice in data.voices] == ["Bel me op [phone] als het werkt"]


# --- actions: the gaps, and the days before the trends a done action's before window needs ---------------


def test_a_done_actions_before_window_is_read_from_before_the_trends_first_week(engine, test_config):
    # menu-shortcut started Mon 15 Jan and was done Fri 2 Feb: before = 18 Dec – 14 Jan, after = 3 Feb – 1 Mar.
    add_responses(engine, "analysers", date(2023, 12, 20), [10, 3, 3, 3, 8] * 2)  # NPS 20 − 60 = −40
    add_responses(engine, "analysers", date(2024, 2, 20), [10, 10, 9, 8, 3] * 2)  # NPS 60 − 20 = +40
    data = wall_data(engine, test_config)
    assert data.nps_overall.periods[0].start == WEEKS[0]  # the trends still start on 12 February
    shortcut = next(item for item in data.actions.other if item.id == "menu-shortcut")
    nps = shortcut.before_after[0]
    assert (nps.measure, nps.before_value, nps.after_value) == ("nps", -40.0, 40.0)
    # SE = 100·√((.2 + .6 − .4²)/10) = 25.3 on either side; z = 80 / 35.8 = 2.24 > 1.96.
    assert nps.change.delta == pytest.approx(80.0) and nps.change.significant


def test_a_done_actions_theme_share_counts_its_own_days_not_the_weeks_around_them(engine, config_copy):
    # Started Wed 7 Feb, done Wed 21 Feb: before = 10 Jan – 6 Feb, after = 22 Feb – 12 Mar (today is 13 Mar).
    # The wall reads theme counts pooled between edges; the action's days must be edges, not the weeks' Mondays.
    config_copy.write("themes.yaml", "themes:\n  - {id: waiting, name: Waiting, cause: process, phrases: [waited]}\n")
    config_copy.edit("actions.yaml", "    links: {service: analysers}\n",
                     "    links: {service: analysers}\n  - id: call-back\n    title: We call back within a day\n"
                     "    owner: Marta Nowak\n    status: done\n    started: 2024-02-07\n    done: 2024-02-21\n"
                     "    links: {theme: waiting}\n")
    config = config_copy.load()
    for day, waited, other in ((date(2024, 2, 5), 5, 5), (date(2024, 2, 7), 10, 0),  # in the before window, not
                               (date(2024, 2, 21), 10, 0), (date(2024, 2, 22), 2, 8)):  # not in the after, in
        for text in ["I waited"] * waited + ["Fine"] * other:
            add_comment(engine, f"R-{next(_numbers):06d}", "analysers", day, 3, text)
    refresh_rollups(engine, zone=config.wall.timezone, rules=ThemeRules.of(config))
    data = load_wall_data(engine, config, now=NOW)
    call_back = next(item for item in data.actions.other if item.id == "call-back")
    (share,) = call_back.before_after
    assert (share.measure, share.before_value, share.after_value) == ("theme", 50.0, 20.0)
    assert (share.before_n, share.after_n) == (10, 10)


def test_a_service_off_target_is_a_gap_with_the_actions_that_answer_it(engine, test_config):
    add_responses(engine, "analysers", WEEKS[-1], [0] * 20)  # NPS −100 against a target of 20
    data = wall_data(engine, test_config)
    (gap,) = data.actions.gaps
    assert (gap.id, [shortfall.measure for shortfall in gap.shortfalls]) == ("analysers", ["nps"])
    assert [item.id for item in gap.actions] == ["night-engineer", "menu-shortcut"]
    assert gap.actions[0].overdue  # due 1 March, and now is 13 March
    assert [item.id for item in data.actions.other] == ["results-push"]


def test_rows_of_unknown_services_before_the_trends_are_not_counted_as_not_counted(engine, test_config):
    add_responses(engine, "Printers", date(2023, 12, 20), [0, 0])  # read for menu-shortcut's before window
    add_responses(engine, "Printers", WEEKS[-1], [0])
    assert wall_data(engine, test_config).unknown_services == {"Printers": 1}


def test_the_actions_travel_between_workers_as_json(engine, test_config):
    from obeya.live import SHARED_READ, SharedRead

    add_responses(engine, "analysers", date(2023, 12, 20), [10, 3, 3, 3, 8])
    add_responses(engine, "analysers", WEEKS[-1], [0] * 20)
    read = SharedRead(wall_data(engine, test_config), None, None, NOW)
    assert SHARED_READ.validate_json(SHARED_READ.dump_json(read)) == read
