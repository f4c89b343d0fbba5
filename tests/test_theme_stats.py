"""The themes panel's maths, on counts worked out by hand."""

from datetime import date

import pytest

from obeya.config import Theme
from obeya.metrics import NpsCounts
from obeya.theme_stats import themes_view, top_theme

WAITING = Theme(id="waiting", name="Waiting without news", cause="process", phrases=["waited"])
RUDE = Theme(id="unfriendly", name="Rude or unfriendly", cause="people", phrases=["rude"])
WINDOW = (date(2026, 11, 2), date(2026, 11, 30))
PREVIOUS = (date(2026, 10, 5), date(2026, 11, 2))
NOW, BEFORE = date(2026, 11, 10), date(2026, 10, 12)


def view(mentions=NpsCounts(3, 7, 20), **overrides):
    # In the window: 100 responses (40 promoters, 30 passives, 30 detractors: NPS 10), 60 with a comment,
    # 30 of them mention waiting. The window before: 50 comments, 10 mention waiting.
    theme_daily = {
        ("laptop", NOW, "comments"): NpsCounts(20, 15, 25),
        ("laptop", NOW, "theme:waiting"): mentions,
        ("laptop", NOW, "cause:process"): NpsCounts(3, 7, 15),
        ("laptop", NOW, "theme:unfriendly"): NpsCounts(0, 0, 2),
        ("laptop", NOW, "cause:people"): NpsCounts(0, 0, 2),
        ("laptop", NOW, "unclassified"): NpsCounts(17, 8, 3),
        ("laptop", BEFORE, "comments"): NpsCounts(20, 20, 10),
        ("laptop", BEFORE, "theme:waiting"): NpsCounts(2, 3, 5),
        ("laptop", date(2026, 11, 30), "theme:waiting"): NpsCounts(0, 0, 99),  # after the window: not counted
    }
    nps_daily = {("laptop", NOW): NpsCounts(40, 30, 30), ("laptop", BEFORE): NpsCounts(50, 30, 20)}
    arguments = dict(window=WINDOW, previous=PREVIOUS, min_responses=30) | overrides
    return themes_view(theme_daily, nps_daily, [RUDE, WAITING], **arguments)


def test_theme_nps_with_and_without_and_its_impact():
    waiting = view().theme("waiting")
    assert waiting.mentions.responses == 30
    assert waiting.share == pytest.approx(50.0)  # 30 of 60 comments
    assert waiting.with_theme.value == pytest.approx(100 * (3 - 20) / 30)  # -56.7
    assert waiting.with_theme.high - waiting.with_theme.value == pytest.approx(1.96 * 12.187, abs=0.01)
    assert waiting.without_theme.value == pytest.approx(100 * (37 - 10) / 70)  # 38.6: the other 70 responses
    assert waiting.impact == pytest.approx(10 - 100 * 27 / 70)  # costs 28.6 points of the overall 10


def test_rising_theme_beats_noise():
    waiting = view().theme("waiting")
    # 50% of comments against 20% before: 30 points, spread 100·sqrt(.25/60 + .16/50) = 8.58, z = 3.5
    assert waiting.trend.delta == pytest.approx(30.0)
    assert waiting.trend.significant and waiting.rising


def test_too_few_mentions_show_no_number():
    waiting = view(mentions=NpsCounts(3, 6, 20)).theme("waiting")  # 29 responses, 30 needed
    assert waiting.with_theme is None and waiting.impact is None
    assert waiting.without_theme is not None  # the other 71 are enough


def test_cause_shares_of_detractor_comments():
    themes = view()
    assert themes.cause_share("process") == pytest.approx(60.0)  # 15 of 25 detractor comments
    assert themes.cause_share("people") == pytest.approx(8.0)
    assert themes.cause_share("training") == 0.0
    assert themes.unclassified.responses == 28


def test_costliest_theme_first_and_stage_top_theme():
    themes = view()
    assert [stat.theme_id for stat in themes.themes] == ["waiting", "unfriendly"]  # unfriendly: too few for impact
    assert top_theme(themes, ["laptop"]).theme_id == "waiting"  # 20 detractor mentions against 2
    assert top_theme(themes, ["printing"]) is None


def test_no_comments_no_shares():
    empty = themes_view({}, {}, [WAITING], window=WINDOW, previous=PREVIOUS, min_responses=30)
    assert empty.cause_share("process") is None
    assert empty.theme("waiting").share is None and empty.theme("waiting").trend is None
