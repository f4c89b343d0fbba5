"""What changed since the last stand-up: rolling windows and the last stand-up's start, worked out by hand."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from obeya.changes import last_standup, movements, rolling_windows
from obeya.metrics import FtrCounts, NpsCounts

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 12, 1)  # a Tuesday


def test_rolling_windows_move_every_day():
    assert rolling_windows(TODAY) == ((date(2026, 11, 24), date(2026, 12, 1)), (date(2026, 11, 17), date(2026, 11, 24)))
    assert rolling_windows(TODAY + timedelta(days=1))[0] == (date(2026, 11, 25), date(2026, 12, 2))


def test_only_moves_beyond_noise_are_listed():
    # laptop: 100 responses a week; this week NPS 60-20 = 40, the week before 20-40 = -20: 60 points, far past noise.
    nps = {("laptop", date(2026, 11, 25)): NpsCounts(60, 20, 20), ("laptop", date(2026, 11, 18)): NpsCounts(20, 40, 40),
           ("access", date(2026, 11, 25)): NpsCounts(31, 40, 29), ("access", date(2026, 11, 18)): NpsCounts(30, 40, 30)}
    ftr = {("laptop", date(2026, 11, 26)): FtrCounts(50, 45), ("laptop", date(2026, 11, 19)): FtrCounts(50, 44)}
    moved = movements(nps, ftr, [("laptop", "Laptops"), ("access", "Access")], TODAY, min_responses=30)
    assert [(m.measure, m.service_id) for m in moved] == [("nps", "laptop"), ("nps", None)]
    assert moved[0].change.delta == pytest.approx(60.0)
    assert moved[1].change.delta == pytest.approx((91 - 49) / 200 * 100 - (50 - 70) / 200 * 100)


def test_too_few_responses_are_never_a_move():
    nps = {("laptop", date(2026, 11, 25)): NpsCounts(20, 0, 0), ("laptop", date(2026, 11, 18)): NpsCounts(0, 0, 20)}
    assert movements(nps, {}, [("laptop", "Laptops")], TODAY, min_responses=30) == ()


def test_last_standup_is_the_last_one_that_ended():
    schedule = dict(starts=[time(9, 15)], days=["mon", "tue", "wed", "thu", "fri"], minutes=10)
    during = datetime(2026, 12, 1, 9, 20, tzinfo=AMSTERDAM)  # Tuesday's stand-up is running
    assert last_standup(during, **schedule) == datetime(2026, 11, 30, 9, 15, tzinfo=AMSTERDAM)
    afternoon = datetime(2026, 12, 1, 14, 0, tzinfo=AMSTERDAM)
    assert last_standup(afternoon, **schedule) == datetime(2026, 12, 1, 9, 15, tzinfo=AMSTERDAM)
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=AMSTERDAM)  # before Monday's: Friday's, over the weekend
    assert last_standup(monday, **schedule) == datetime(2026, 11, 27, 9, 15, tzinfo=AMSTERDAM)


def test_without_a_schedule_it_is_a_day_ago_on_the_hour():
    now = datetime(2026, 12, 1, 9, 20, 31, tzinfo=AMSTERDAM)
    assert last_standup(now, starts=[], days=["mon"], minutes=10) == datetime(2026, 11, 30, 9, 0, tzinfo=AMSTERDAM)


def test_new_comments_are_counted_by_cause_from_the_theme_counts_of_their_days():
    from obeya.changes import new_comments_counted

    counts = {("lims", date(2026, 11, 30), "comments"): NpsCounts(1, 0, 2),  # the stand-up's day
              ("lims", date(2026, 12, 1), "comments"): NpsCounts(0, 1, 1),
              ("lims", date(2026, 12, 1), "cause:process"): NpsCounts(0, 0, 1),
              ("lims", date(2026, 12, 1), "unclassified"): NpsCounts(0, 1, 0),
              ("lims", date(2026, 11, 29), "comments"): NpsCounts(9, 9, 9)}  # before it: not new
    new = new_comments_counted(counts, date(2026, 11, 30), date(2026, 12, 1))
    assert (new.count, new.detractors, new.by_cause) == (5, 3, {"process": 1, "unclassified": 1})
