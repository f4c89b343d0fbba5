"""Quiet hours and the panels' `show` windows (obeya/schedule.py), on hand-picked moments in the wall's zone,
the nights daylight saving starts and ends in Europe/Amsterdam included; and the messages wrong windows get."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from obeya.schedule import page_schedule, quiet_spans, state_at, timeline
from tests.test_config import problems

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
EVENINGS_AND_WEEKENDS = """
timezone: Europe/Amsterdam
quiet_hours:
  - {days: [sat, sun]}
  - {from: "19:00", to: "07:00"}
"""


def local(*parts) -> datetime:
    return datetime(*parts, tzinfo=AMSTERDAM)


def configured(config_copy, text: str):
    config_copy.edit("wall.yaml", "timezone: Europe/Berlin\n", text.lstrip("\n"))
    return config_copy.load()


@pytest.mark.parametrize(("moment", "quiet"), [
    (local(2026, 12, 2, 18, 59), False),   # a Wednesday evening, a minute before
    (local(2026, 12, 2, 19, 0), True),
    (local(2026, 12, 3, 6, 59), True),     # the next morning: the span crosses midnight
    (local(2026, 12, 3, 7, 0), False),
    (local(2026, 12, 5, 12, 0), True),     # Saturday noon: the whole day
    (local(2026, 12, 7, 6, 30), True),     # Monday before seven: Sunday's evening span... and every day's
    (local(2026, 12, 7, 7, 0), False),
])
def test_quiet_hours_hold_on_the_wall_clock(config_copy, moment, quiet):
    config = configured(config_copy, EVENINGS_AND_WEEKENDS)
    assert state_at(config, moment).quiet is quiet


def test_a_span_across_midnight_belongs_to_the_day_it_starts(config_copy):
    config = configured(config_copy, 'timezone: Europe/Amsterdam\nquiet_hours:\n  - {days: [fri], from: "20:00", to: "06:00"}\n')
    assert state_at(config, local(2026, 12, 4, 23, 0)).quiet        # Friday night
    assert state_at(config, local(2026, 12, 5, 5, 59)).quiet        # Saturday morning, still Friday's night
    assert not state_at(config, local(2026, 12, 5, 23, 0)).quiet    # Saturday night is not listed
    assert not state_at(config, local(2026, 12, 4, 5, 0)).quiet     # Friday morning belongs to Thursday


def test_the_night_clocks_go_forward_is_an_hour_shorter(config_copy):
    config = configured(config_copy, EVENINGS_AND_WEEKENDS.replace("  - {days: [sat, sun]}\n", ""))
    # Sunday 29 March 2026, 02:00 CET becomes 03:00 CEST: the Saturday night lasts 11 hours, not 12
    (start, end), = quiet_spans(config, local(2026, 3, 28, 12, 0), local(2026, 3, 29, 12, 0))
    assert (start.astimezone(AMSTERDAM), end.astimezone(AMSTERDAM)) == (local(2026, 3, 28, 19), local(2026, 3, 29, 7))
    assert end - start == timedelta(hours=11)
    assert start == datetime(2026, 3, 28, 18, 0, tzinfo=timezone.utc)
    assert end == datetime(2026, 3, 29, 5, 0, tzinfo=timezone.utc)


def test_the_night_clocks_go_back_is_an_hour_longer(config_copy):
    config = configured(config_copy, EVENINGS_AND_WEEKENDS.replace("  - {days: [sat, sun]}\n", ""))
    # Sunday 25 October 2026, 03:00 CEST becomes 02:00 CET: 13 hours from 19:00 to 07:00
    (start, end), = quiet_spans(config, local(2026, 10, 24, 12, 0), local(2026, 10, 25, 12, 0))
    assert end - start == timedelta(hours=13)
    assert end == datetime(2026, 10, 25, 6, 0, tzinfo=timezone.utc)


def test_a_time_the_spring_night_skips_starts_when_the_clock_jumps_past_it(config_copy):
    config = configured(config_copy, 'timezone: Europe/Amsterdam\nquiet_hours:\n  - {from: "02:30", to: "05:00"}\n')
    spans = quiet_spans(config, local(2026, 3, 29, 0, 0), local(2026, 3, 29, 12, 0))
    assert spans == [(datetime(2026, 3, 29, 1, 0, tzinfo=timezone.utc),   # 03:00 CEST, the first minute after 02:30
                      datetime(2026, 3, 29, 3, 0, tzinfo=timezone.utc))]  # 05:00 CEST


def test_show_limits_a_panel_to_its_days_and_hours(config_copy):
    config = configured(config_copy, "timezone: Europe/Amsterdam\n")
    config_copy.edit("wall.yaml", "  - journey\n", '  - id: journey\n    show: {days: [mon, tue, wed, thu, fri], from: "08:00", to: "12:00"}\n')
    config = config_copy.load()
    assert state_at(config, local(2026, 12, 2, 9, 0)).hidden == ()
    assert state_at(config, local(2026, 12, 2, 12, 0)).hidden == ("journey",)
    assert state_at(config, local(2026, 12, 5, 9, 0)).hidden == ("journey",)  # Saturday
    assert not state_at(config, local(2026, 12, 2, 9, 0)).quiet


def test_a_wall_whose_every_panel_is_out_of_its_hours_rotates_them_all(config_copy):
    config = configured(config_copy, "timezone: Europe/Amsterdam\n")
    text = (config_copy.path / "wall.yaml").read_text(encoding="utf-8")
    start = text.index("panels:")
    end = text.index("nps:\n", start)
    (config_copy.path / "wall.yaml").write_text(
        text[:start] + 'panels:\n  - {id: mission, show: {days: [mon]}}\n  - {id: nps, show: {days: [tue]}}\n'
        + text[end:], encoding="utf-8")
    config = config_copy.load()
    assert state_at(config, local(2026, 12, 2, 9, 0)).hidden == ()      # a Wednesday: nothing listed, show all
    assert state_at(config, local(2026, 11, 30, 9, 0)).hidden == ("nps",)


def test_the_page_gets_each_change_of_the_coming_week(config_copy):
    config = configured(config_copy, EVENINGS_AND_WEEKENDS)
    now = local(2026, 12, 2, 12, 0)  # Wednesday noon
    schedule = page_schedule(config, now)
    first = [(datetime.fromtimestamp(at / 1000, AMSTERDAM), quiet) for at, quiet, _hidden in schedule[:4]]
    assert first == [(local(2026, 12, 1, 12, 0), False), (local(2026, 12, 1, 19, 0), True),
                     (local(2026, 12, 2, 7, 0), False), (local(2026, 12, 2, 19, 0), True)]
    # Friday evening to Monday morning is one quiet stretch: no change in between
    changes = [datetime.fromtimestamp(at / 1000, AMSTERDAM) for at, _quiet, _hidden in schedule]
    assert local(2026, 12, 4, 19, 0) in changes and local(2026, 12, 7, 7, 0) in changes
    assert not [moment for moment in changes if local(2026, 12, 4, 19, 0) < moment < local(2026, 12, 7, 7, 0)]


def test_a_wall_without_a_schedule_never_changes(test_config):
    now = datetime(2026, 12, 2, 12, tzinfo=timezone.utc)
    assert timeline(test_config, now, now + timedelta(days=8)) == [(now, state_at(test_config, now))]
    assert not state_at(test_config, now).quiet


@pytest.mark.parametrize(("entry", "message"), [
    ("  - {days: [saturday]}\n",
     "wall.yaml:8:13: quiet_hours[0].days[0]: must be 'mon', 'tue', 'wed', 'thu', 'fri', 'sat' or 'sun'"),
    ('  - {from: "25:00", to: "07:00"}\n', "wall.yaml:8:12: quiet_hours[0].from: '25:00' must be a time like 04:00"),
    ("  - {from: 19:00, to: \"07:00\"}\n",
     'wall.yaml:8:12: quiet_hours[0].from: write the time in quotes, like "19:00" '
     "(unquoted, YAML reads 19:00 as the number 1140)"),
    ('  - {from: "19:00"}\n',
     'wall.yaml:8:5: quiet_hours[0]: give both from and to (like from: "19:00", to: "07:00"), or neither for whole days'),
    ('  - {from: "19:00", to: "19:00"}\n',
     "wall.yaml:8:5: quiet_hours[0]: from and to are both 19:00: leave both out for whole days"),
    ("  - {}\n", "wall.yaml:8:5: quiet_hours[0]: give days, or from and to, or both"),
    ('  - {from: "19:00", until: "07:00"}\n', "wall.yaml:8:21: unknown key 'until' in quiet_hours[0]"),
])
def test_a_wrong_quiet_hours_entry_is_named_with_its_line(config_copy, entry, message):
    config_copy.edit("wall.yaml", "timezone: Europe/Berlin\n", "timezone: Europe/Berlin\nquiet_hours:\n" + entry)
    assert problems(config_copy)[0] == message
