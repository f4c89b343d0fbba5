"""The actions panel as components: gap cards with their actions, flags a team acts on, before and after, pages.

Rendered without a browser from an ActionsView built by hand, so each test says what the wall knew.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from zoneinfo import ZoneInfo

from layouts import actions as panel
from layouts import geometry as g
from layouts.components import Screen
from obeya.actions import ActionItem, ActionsView, BeforeAfter, Gap, Shortfall, Window
from obeya.metrics import Change, NpsCounts
from obeya.snapshot import WallData, complete_periods, nps_series
from tests.component_tree import text_of, texts, with_class

TODAY = date(2024, 3, 13)
AS_OF = datetime(2024, 3, 13, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
SCREEN = Screen(scale=1.0, theme="dark")
BEFORE, AFTER = Window(date(2023, 12, 18), date(2024, 1, 15)), Window(date(2024, 2, 3), date(2024, 3, 2))


def item(id_: str = "night-engineer", **changes) -> ActionItem:
    fields = dict(id=id_, title="An analyser engineer on call every night", owner="Marta Nowak", status="doing",
                  started=date(2024, 1, 8), due=date(2024, 4, 2), done=None, overdue=False)
    fields.update(changes)
    return ActionItem(**fields)


def nps_change(before: float | None, after: float | None, change: Change | None, after_window=AFTER) -> BeforeAfter:
    return BeforeAfter("nps", "Lab analysers", BEFORE, after_window, before, after, 100, 100, change)


DONE = item("menu-shortcut", title="Press 1 for a broken analyser", status="done", started=date(2024, 1, 15),
            due=None, done=date(2024, 2, 2),
            before_after=(nps_change(-10.0, 30.0, Change(40.0, True)),
                          BeforeAfter("ftr", "Lab analysers", BEFORE, AFTER, 70.0, 85.0, 100, 100,
                                      Change(15.0, True))))
ANALYSERS = Gap("service", "analysers", "Lab analysers", (Shortfall("nps", -40.0, 20), Shortfall("ftr", 70.0, 80)),
                (item(overdue=True, due=date(2024, 3, 1)), DONE))
WAITING = Gap("theme", "waiting", "Waiting without news", (Shortfall("theme", 18.0, None, 6.0),))


def wall_data(view: ActionsView) -> WallData:
    starts = complete_periods(TODAY, "week", 4)
    overall = nps_series({("analysers", start): NpsCounts(60, 25, 15) for start in starts}, service_id=None,
                         name="All services", target=20, starts=starts, period="week", min_responses=5)
    return WallData(AS_OF, "week", 5, overall, actions=view)


def pages(config, view: ActionsView, screen: Screen = SCREEN) -> list:
    return panel.render(config, wall_data(view), screen)


def cards(page) -> list:
    return with_class(page, "actions-card")


# --- what a team reads -------------------------------------------------------------------------------------


def test_a_gap_card_says_what_is_off_and_lists_its_actions_with_status_owner_and_due_day(test_config):
    view = ActionsView(TODAY, (ANALYSERS,), (item("results-push", title="Results pushed to the ward",
                                                  owner="Jonas Weber", status="planned", started=None,
                                                  due=date(2030, 6, 30), linked=("Lab information system",)),))
    (page,) = pages(test_config, view)
    gap, other = cards(page)
    assert texts(gap) == [
        "Lab analysers",
        "Off target: NPS \u221240 (target 20)",
        "Off target: first time right 70% (target 80%)",
        "An analyser engineer on call every night", "Doing \u00b7 Marta Nowak",
        "Overdue: due 1 Mar",
        "Press 1 for a broken analyser", "Done 2 Feb \u00b7 Marta Nowak",
        "NPS \u221210 \u2192 30: +40, more than noise",
        "first time right 70% \u2192 85%: +15 pts, more than noise",
    ]
    assert texts(other) == ["Answering no current gap", "Results pushed to the ward",
                            "Planned \u00b7 Jonas Weber \u00b7 due 30 Jun", "Lab information system"]


def test_the_heading_counts_the_gaps_those_without_an_action_and_the_overdue_actions(test_config):
    view = ActionsView(TODAY, (ANALYSERS, WAITING))
    heading = with_class(pages(test_config, view)[0], "panel-heading")[0]
    assert texts(heading) == ["You said, we did", "Gaps and the actions that answer them \u00b7 2 gaps \u00b7 "
                              "1 without an action \u00b7 1 overdue", "as of 10:00"]


def test_a_gap_without_an_action_and_an_overdue_action_are_flagged_with_an_icon_and_a_word(test_config):
    (page,) = pages(test_config, ActionsView(TODAY, (ANALYSERS, WAITING)))
    flags = with_class(page, "actions-flag") + with_class(page, "actions-overdue")
    assert [text_of(flag) for flag in flags] == ["No action answers this gap yet", "Overdue: due 1 Mar"]
    assert all(with_class(flag, "bi-exclamation-triangle-fill") and "tone-bad" in flag.className for flag in flags)


def test_a_rising_theme_says_its_share_of_comments_and_how_much_it_rose(test_config):
    (page,) = pages(test_config, ActionsView(TODAY, (WAITING,)))
    assert texts(cards(page)[0])[:2] == ["Waiting without news", "Rising: in 18% of comments (+6 pts)"]


def test_before_and_after_say_when_they_cannot_tell_yet(test_config):
    running = Window(date(2024, 3, 4), TODAY)  # done last week: nine days after it so far
    said = [panel.change_line(change, panel.ENGLISH).text for change in (
        nps_change(-10.0, 0.0, Change(10.0, False)),
        nps_change(-10.0, None, None),
        nps_change(-10.0, 25.0, Change(35.0, True), after_window=running),
        BeforeAfter("theme", "Waiting without news", BEFORE, AFTER, None, None, 0, 0, None, counted=False),
        BeforeAfter("theme", "Waiting without news", BEFORE, AFTER, 25.0, 10.0, 200, 200, Change(-15.0, True)),
    )]
    assert said == [
        "NPS \u221210 \u2192 0: +10, within noise",
        "NPS: not enough responses to compare",
        "NPS \u221210 \u2192 25 so far: +35, more than noise",
        "comments on \u201cWaiting without news\u201d: not counted yet",
        "comments on \u201cWaiting without news\u201d 25% \u2192 10%: \u221215 pts, more than noise",
    ]


def test_fewer_mentions_of_a_theme_is_good_news_and_a_lower_nps_bad():
    theme = BeforeAfter("theme", "Waiting", BEFORE, AFTER, 25.0, 10.0, 200, 200, Change(-15.0, True))
    worse = nps_change(30.0, -10.0, Change(-40.0, True))
    assert [(line.icon, line.tone) for line in (panel.change_line(theme, panel.ENGLISH),
                                                panel.change_line(worse, panel.ENGLISH))] == [
        ("bi-graph-down-arrow", "good"), ("bi-graph-down-arrow", "bad")]


def test_in_dutch(test_config):
    config = dataclasses.replace(test_config, wall=test_config.wall.model_copy(update={"language": "nl"}))
    (page,) = pages(config, ActionsView(TODAY, (ANALYSERS, WAITING)))
    words = text_of(page)
    for said in ("Jij zei, wij deden", "Niet op koers: NPS \u221240 (doel 20)", "Te laat: uiterlijk 1 mrt",
                 "Klaar op 2 feb", "NPS \u221210 \u2192 30: +40, groter dan de ruis", "Nog geen actie voor dit knelpunt",
                 "In opkomst: in 18% van de reacties (+6 pt)"):
        assert said in words


def test_before_the_first_read_the_panel_waits_and_with_nothing_to_act_on_says_so(test_config):
    assert "Reading the numbers\u2026" in text_of(panel.render(test_config, None, Screen(reading=True)))
    (page,) = pages(test_config, ActionsView(TODAY))
    assert "Nothing to act on right now" in text_of(page)
    assert "no gaps" in text_of(with_class(page, "panel-heading"))


# --- fitting ---------------------------------------------------------------------------------------------


def many_gaps(count: int, actions_each: int = 2) -> ActionsView:
    gaps = tuple(Gap("service", f"s{n}", f"Service number {n} with a long name",
                     (Shortfall("nps", -5.0, 30), Shortfall("ftr", 70.0, 85)),
                     tuple(item(f"a{n}-{k}", title=f"Action {k} of service {n}, with a title that takes a line or so",
                                overdue=k == 0) for k in range(actions_each)))
                 for n in range(count))
    return ActionsView(TODAY, gaps)


def column_heights(page) -> list[float]:
    """The estimated height of each column of a drawn page, from the cards' own lines."""
    return [sum(panel.card_height(card) for card in column) + g.ACTIONS_CARD_GAP_REM * (len(column) - 1)
            for column in page]


def test_more_gaps_than_a_page_holds_make_more_pages_and_every_column_fits(test_config):
    view = many_gaps(12)
    room = panel.body_room(panel.legend_text(view, panel.ENGLISH))
    laid_out = panel.pages_of(panel.cards_of(view, panel.ENGLISH), room)
    assert len(laid_out) > 1
    assert all(height <= room for page in laid_out for height in column_heights(page))
    drawn = pages(test_config, view)
    assert len(drawn) == len(laid_out)
    assert "page 1 of" in text_of(with_class(drawn[0], "panel-heading"))
    names = [texts(card)[0] for page in drawn for card in cards(page)]
    assert [name for name in names if "(continued)" not in name] == [gap.name for gap in view.gaps]


def test_a_card_that_does_not_fit_the_rest_of_a_column_goes_on_in_the_next(test_config):
    view = many_gaps(1, actions_each=14)
    room = panel.body_room(None)
    laid_out = panel.pages_of(panel.cards_of(view, panel.ENGLISH), room)
    first, second = laid_out[0][:2]
    assert first[0].head[0].text == "Service number 0 with a long name"
    assert second[0].head == (panel.Line("name", "Service number 0 with a long name (continued)"),)
    assert sum(len(card.items) for page in laid_out for column in page for card in column) == 14


def test_a_short_list_is_set_in_large_type_and_a_long_one_in_normal(test_config):
    short = pages(test_config, ActionsView(TODAY, (WAITING,)))
    assert "size-large" in cards(short[0])[0].className
    long = pages(test_config, many_gaps(12))
    assert all("size-normal" in card.className for page in long for card in cards(page))


def test_columns_are_balanced_when_the_cards_fit_one_page():
    view = many_gaps(4)
    room = panel.body_room(None)
    (page,) = panel.balanced_pages(panel.cards_of(view, panel.ENGLISH), room)
    left, right = column_heights(page)
    assert abs(left - right) < max(panel.card_height(card) for column in page for card in column)


def test_the_subtitle_drops_its_description_before_it_would_be_cut(test_config):
    parts = ["Gaps and the actions that answer them", "12 gaps", "12 without an action", "24 overdue",
             "page 10 of 10"]
    said = panel.fitting_subtitle("You said, we did", parts, True,
                                  panel.ENGLISH)
    assert said == "12 gaps \u00b7 12 without an action \u00b7 24 overdue \u00b7 page 10 of 10"


def test_every_page_but_the_last_is_filled_and_the_last_one_balanced():
    view = many_gaps(12)
    room = panel.body_room(None)
    cards = panel.cards_of(view, panel.ENGLISH)
    greedy, balanced = panel.pages_of(cards, room), panel.balanced_pages(cards, room)
    assert len(balanced) == len(greedy) > 1
    assert balanced[:-1] == greedy[:-1]
    left, right = column_heights(balanced[-1])
    assert abs(left - right) < max(panel.card_height(card) for column in balanced[-1] for card in column)
