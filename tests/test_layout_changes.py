"""The changes panel as components: what moved beyond noise, new comments by cause, actions due this week."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from zoneinfo import ZoneInfo

from layouts import changes as changes_panel
from layouts import voices
from layouts.components import Screen
from obeya.actions import ActionItem
from obeya.changes import ChangesView, Movement, NewComments
from obeya.config import Theme
from obeya.metrics import Change, Estimate, NpsCounts
from obeya.snapshot import Voice, WallData, complete_periods, nps_series
from obeya.theme_stats import Quote
from tests.component_tree import text_of, texts, with_class

BERLIN = ZoneInfo("Europe/Berlin")
SCREEN = Screen()
SINCE = datetime(2024, 3, 12, 9, 15, tzinfo=BERLIN)


def wall(view: ChangesView, *voices_shown: Voice) -> WallData:
    starts = complete_periods(date(2024, 3, 13), "week", 4)
    overall = nps_series({("lims", s): NpsCounts(60, 25, 15) for s in starts}, service_id=None, name="All services",
                         target=20, starts=starts, period="week", min_responses=5)
    return WallData(datetime(2024, 3, 13, 10, 0, tzinfo=BERLIN), "week", 5, overall, voices=voices_shown,
                    changes=view)


def test_numbers_that_moved_comments_by_cause_and_actions_due(test_config):
    moved = Movement("ftr", "lims", "Lab information system", Estimate(64.0, 55, 72, 90), Estimate(81.0, 74, 87, 95),
                     Change(-17.0, True))
    due = ActionItem("push", "Results pushed to the ward", "Marta Nowak", "doing", date(2024, 2, 1),
                     date(2024, 3, 8), None, True)
    view = ChangesView(SINCE, 7, (moved,), NewComments(9, 4, {"process": 3, "unclassified": 5},
                                                       Quote("Waited all night for a call", 2, "Lab analysers",
                                                             "2024-03-13T07:10+01:00")), (due,))
    config = dataclasses.replace(test_config, themes=(Theme(id="waiting", name="Waiting", cause="process",
                                                            phrases=["waited"]),))
    words = texts(changes_panel.render(config, wall(view), SCREEN)[0])
    assert "since Tue 12 Mar: 4 from detractors" in words
    assert "Tue 12 Mar 09:15 \u00b7 numbers: last 7 days against the 7 before" in words
    assert " ".join(words).casefold().count("since") == 2  # the title and the comments line: never twice in a row
    assert "Lab information system \u00b7 first time right" in words and "81% \u2192 64%: \u221217 pts" in words
    assert "New comments: 9" in words and "Process: 3" in words and "People: 0" in words and "Unclassified: 5" in words
    assert "\u201cWaited all night for a call\u201d" in words
    assert "1 overdue" in words and "Overdue: due 8 Mar" in words


def test_a_quiet_day_says_so(test_config):
    words = texts(changes_panel.render(test_config, wall(ChangesView(SINCE, 7)), SCREEN)[0])
    assert "Nothing moved by more than noise" in words and "No action due this week" in words
    assert "New comments: 0" in words
    assert "Process: 0" not in words  # no themes.yaml: no causes to count by


def test_comments_new_since_the_last_standup_are_marked_on_the_voices_panel(test_config):
    def voice(number, new):
        return Voice(f"R{number}", "Lab analysers", 3, "detractor", datetime(2024, 3, 12, 8 + number, tzinfo=BERLIN),
                     "Slow again", new=new)
    page = voices.render(test_config, wall(ChangesView(SINCE, 7), voice(1, False), voice(3, True)), SCREEN)[0]
    cards = with_class(page, "voice-card")
    assert [bool(with_class(card, "voice-new")) for card in cards] == [False, True]
    assert "New" in text_of(cards[1])
