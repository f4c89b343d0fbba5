"""You said, we did: actions.yaml's mistakes, the gaps and the actions that answer them, and the before and after
of a done action, with the numbers worked out by hand.

The test config (tests/fixtures/config) has three actions: `night-engineer` (doing, overdue since 1 March
2024, linked to the analysers and to the stage "Calls for help"), `results-push` (planned, linked to the lab
information system and to "Samples rerun") and `menu-shortcut` (done, linked to the analysers).
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from obeya.__main__ import main
from obeya.actions import (
    DailyCounts,
    Gap,
    Shortfall,
    Window,
    actions_view,
    before_after,
    history_since,
    open_actions,
    service_before_after,
    service_gaps,
    theme_gaps,
    theme_share_before_after,
    windows,
)
from obeya.config import Action, ActionLinks, Theme, mark_text
from obeya.database import make_engine
from obeya.live import LiveWall
from obeya.metrics import Change, FtrCounts, NpsCounts, proportion_change
from obeya.snapshot import complete_periods, ftr_series, nps_series
from obeya.theme_stats import ThemeStat, ThemesView
from obeya.themes import COMMENTS, theme_tag
from tests.test_config import problems

TODAY = date(2024, 3, 13)
STARTED, DONE = date(2024, 1, 15), date(2024, 2, 2)  # menu-shortcut
# Its windows: the 4 weeks before it started, and the 4 weeks from the day after it was done.
BEFORE = Window(date(2023, 12, 18), date(2024, 1, 15))
AFTER = Window(date(2024, 2, 3), date(2024, 3, 2))


def action(**changes) -> Action:
    """An action like the test config's done one, with `changes`."""
    fields = dict(id="a", title="Press 1 for a broken analyser", owner="Marta Nowak", status="done",
                  started=STARTED, done=DONE, links=ActionLinks(service="analysers"))
    fields.update(changes)
    return Action(**fields)


# --- actions.yaml --------------------------------------------------------------------------------------


def test_actions_yaml_is_optional(config_copy):
    assert config_copy.remove("actions.yaml").load().actions == ()


def test_actions_yaml_is_read_with_its_links_and_dates(test_config):
    engineer, push, shortcut = test_config.actions
    assert (engineer.id, engineer.status, engineer.started, engineer.due, engineer.done) == (
        "night-engineer", "doing", date(2024, 1, 8), date(2024, 3, 1), None)
    assert engineer.links == ActionLinks(service="analysers", journey="night-breakdown", stage="Calls for help")
    assert (push.status, push.started, push.links.theme) == ("planned", None, None)
    assert (shortcut.status, shortcut.done) == ("done", DONE)


def test_the_contracts_example_is_valid(config_copy):
    config_copy.write("themes.yaml", "themes:\n  - id: waiting\n    name: Waiting without news\n    cause: process\n"
                                     "    phrases: [waited]\n")
    config_copy.write("actions.yaml", """actions:
  - id: preloaded-spares
    title: Spare laptops pre-loaded with the standard image
    owner: Sam de Vries
    status: doing          # planned | doing | done
    started: 2026-10-05
    due: 2026-12-15
    done: null             # date when done
    links: {service: lims, theme: waiting, journey: night-breakdown, stage: Samples rerun}
""")
    (spares,) = config_copy.load().actions
    assert spares.links == ActionLinks(service="lims", theme="waiting", journey="night-breakdown",
                                       stage="Samples rerun")


def test_links_name_a_service_theme_journey_and_stage_there_are_with_the_nearest_one(config_copy):
    config_copy.edit("actions.yaml", "links: {service: analysers, journey: night-breakdown, stage: Calls for help}",
                     "links: {service: analyser, theme: waiting, journey: night-brakedown, stage: Calls for help}")
    config_copy.edit("actions.yaml", "stage: Samples rerun}", "stage: Samples re-run}")
    assert problems(config_copy) == [
        "actions.yaml:10:22: actions[0].links.service: unknown service 'analyser' (did you mean 'analysers'?)",
        "actions.yaml:10:39: actions[0].links.theme: unknown theme 'waiting' (not in themes.yaml)",
        "actions.yaml:10:57: actions[0].links.journey: unknown journey 'night-brakedown' "
        "(did you mean 'night-breakdown'?)",
        "actions.yaml:16:61: actions[1].links.stage: unknown stage 'Samples re-run' (did you mean 'Samples rerun'?)",
    ]


def test_a_service_may_be_named_by_an_alias(config_copy):
    config_copy.edit("services.yaml", "    ftr_target: 80", "    ftr_target: 80\n    aliases: [Analyser fleet]")
    config_copy.edit("actions.yaml", "links: {service: analysers}", "links: {service: analyser fleet}")
    assert config_copy.load().actions[2].links.service == "analyser fleet"


def test_a_stage_needs_its_journey(config_copy):
    config_copy.edit("actions.yaml", "journey: night-breakdown, stage: Samples rerun", "stage: Samples rerun")
    assert problems(config_copy) == [
        "actions.yaml:16:35: actions[1].links.stage: a stage needs its journey: write "
        "{journey: <journey id>, stage: Samples rerun}",
    ]


def test_the_dates_fit_the_status(config_copy):
    config_copy.edit("actions.yaml", "    started: 2024-01-08\n", "")  # doing, without a start
    config_copy.edit("actions.yaml", "    due: 2030-06-30\n", "    due: 2030-06-30\n    done: 2030-06-01\n")  # planned
    config_copy.edit("actions.yaml", "    done: 2024-02-02\n", "    done: 2024-01-02\n")  # before it started
    assert problems(config_copy) == [
        "actions.yaml:4:5: actions[0].started: a doing action needs the day it started (started: YYYY-MM-DD)",
        "actions.yaml:15:11: actions[1].done: the action is planned, not done: write status: done, or leave "
        "done out",
        "actions.yaml:22:11: actions[2].done: 2024-01-02 is before started (2024-01-15)",
    ]


def test_a_done_action_needs_the_day_it_was_done(config_copy):
    config_copy.edit("actions.yaml", "    done: 2024-02-02\n", "    done: null\n")
    assert problems(config_copy) == [
        "actions.yaml:22:11: actions[2].done: a done action needs the day it was done (done: YYYY-MM-DD)",
    ]


def test_an_unknown_status_and_key_and_an_id_used_twice_are_named(config_copy):
    config_copy.edit("actions.yaml", "    status: planned\n", "    status: someday\n")
    config_copy.edit("actions.yaml", "    owner: Jonas Weber\n", "    owner: Jonas Weber\n    owners: [Ana]\n")
    assert problems(config_copy) == [
        "actions.yaml:14:5: unknown key 'owners' in actions[1]",
        "actions.yaml:15:13: actions[1].status: must be 'planned', 'doing' or 'done'",
    ]
    config_copy.edit("actions.yaml", "    status: someday\n", "    status: planned\n")
    config_copy.edit("actions.yaml", "    owners: [Ana]\n", "")
    config_copy.edit("actions.yaml", "  - id: menu-shortcut", "  - id: night-engineer")
    assert problems(config_copy) == [
        "actions.yaml:17:9: actions[2].id: action id 'night-engineer' is used twice (first at line 4)",
    ]


def test_a_wrong_actions_yaml_keeps_the_last_good_wall_and_names_the_problem(config_copy, tmp_path):
    live = LiveWall(config_copy.path, make_engine(f"sqlite:///{tmp_path / 'wall.db'}"))
    assert [action.id for action in live.config_state().config.actions] == [
        "night-engineer", "results-push", "menu-shortcut"]
    config_copy.edit("actions.yaml", "    status: done\n", "    status: finished\n")
    state = live.config_state()
    assert [str(problem) for problem in state.problems] == [
        "actions.yaml:20:13: actions[2].status: must be 'planned', 'doing' or 'done'"]
    assert state.config.actions[2].status == "done"
    assert state.version == 1


def test_validate_names_the_file_line_and_column(config_copy, capsys):
    config_copy.edit("actions.yaml", "links: {service: analysers}", "links: {service: analyser}")
    assert main(["validate", str(config_copy.path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{config_copy.path}/actions.yaml:23:22: actions[2].links.service: unknown service 'analyser' "
        "(did you mean 'analysers'?)",
    ]


# --- on the trends -------------------------------------------------------------------------------------


def test_an_action_marks_its_services_charts_the_day_it_started_and_the_day_it_was_done(test_config):
    marks = [(note.date, note.text) for note in test_config.annotations_for("analysers")]
    assert marks == [(date(2024, 1, 8), "\u25b6 An analyser engineer on\u2026"),
                     (date(2024, 1, 15), "\u25b6 Press 1 for a broken\u2026"),
                     (date(2024, 2, 2), "\u2713 Press 1 for a broken\u2026")]
    assert test_config.annotations_for("lims") == ()  # a planned action is not on the trends yet
    assert len(test_config.annotations_for(None)) == 3  # the all-services chart shows every event


def test_an_action_linked_to_no_service_marks_every_chart(test_config):
    config = dataclasses.replace(test_config, actions=(action(links=ActionLinks(journey="night-breakdown")),))
    assert [note.service for note in config.annotations_for("lims")] == [None, None]


def test_a_mark_is_cut_at_a_word_to_thirty_characters():
    assert mark_text("\u25b6", "Spare laptops pre-loaded with the standard image") == "\u25b6 Spare laptops pre-loaded\u2026"
    assert len(mark_text("\u2713", "x" * 80)) == 30
    assert mark_text("\u2713", "Short") == "\u2713 Short"


# --- before and after: the maths -----------------------------------------------------------------------


def test_the_windows_are_the_weeks_before_the_start_and_after_the_day_it_was_done():
    assert windows(STARTED, DONE, TODAY) == (BEFORE, AFTER)
    assert BEFORE.days == AFTER.days == 28
    # Done ten days ago: the after window holds the nine days since, today not counted.
    before, after = windows(STARTED, date(2024, 3, 3), TODAY)
    assert after == Window(date(2024, 3, 4), TODAY) and after.days == 9
    # Done today: nothing after it yet.
    assert windows(STARTED, TODAY, TODAY)[1].days == 0


def nps_days(service: str, counts: dict[date, NpsCounts]) -> dict[tuple[str, date], NpsCounts]:
    return {(service, day): day_counts for day, day_counts in counts.items()}


def test_nps_before_and_after_pools_the_days_of_each_window_and_beats_the_noise():
    daily = nps_days("analysers", {
        date(2023, 12, 17): NpsCounts(500, 0, 0),  # the day before the before window: not counted
        date(2023, 12, 18): NpsCounts(10, 10, 20),  # before: 30 promoters, 30 passives, 40 detractors
        date(2024, 1, 14): NpsCounts(20, 20, 20),
        date(2024, 1, 20): NpsCounts(0, 0, 500),  # while the work went on: not counted
        date(2024, 2, 3): NpsCounts(25, 15, 10),  # after: 50, 30, 20
        date(2024, 3, 1): NpsCounts(25, 15, 10),
        date(2024, 3, 2): NpsCounts(500, 0, 0),  # the day after the after window: not counted
    }) | nps_days("lims", {date(2024, 2, 3): NpsCounts(0, 0, 99)})  # another service
    result = service_before_after("nps", daily, "analysers", "Lab analysers", STARTED, DONE, TODAY, 30)
    # NPS before = 30 − 40 = −10, after = 50 − 20 = +30: +40 points.
    assert (result.before_value, result.after_value, result.before_n, result.after_n) == (-10.0, 30.0, 100, 100)
    # SE before = 100·√((.3 + .4 − .1²)/100) = 8.307, after = 100·√((.5 + .2 − .3²)/100) = 7.810;
    # z = 40 / √(8.307² + 7.810²) = 40 / 11.40 = 3.51 > 1.96.
    assert result.change.delta == pytest.approx(40.0)
    assert result.change.significant
    assert result.complete and result.counted


def test_a_change_inside_the_noise_says_so():
    daily = nps_days("analysers", {date(2024, 1, 1): NpsCounts(30, 30, 40), date(2024, 2, 10): NpsCounts(35, 30, 35)})
    result = service_before_after("nps", daily, "analysers", "Lab analysers", STARTED, DONE, TODAY, 30)
    # −10 to 0: +10; SE 8.307 and 100·√(.7/100) = 8.367, z = 10 / 11.79 = 0.85.
    assert result.change == Change(pytest.approx(10.0), False)


def test_below_the_minimum_a_side_has_no_number_and_there_is_no_change():
    daily = nps_days("analysers", {date(2024, 1, 1): NpsCounts(30, 30, 40), date(2024, 2, 10): NpsCounts(10, 5, 5)})
    result = service_before_after("nps", daily, "analysers", "Lab analysers", STARTED, DONE, TODAY, 30)
    assert (result.before_value, result.after_value, result.after_n, result.change) == (-10.0, None, 20, None)


def test_first_time_right_before_and_after_with_the_two_proportion_test():
    daily = {("analysers", date(2024, 1, 2)): FtrCounts(60, 40), ("analysers", date(2024, 1, 10)): FtrCounts(40, 30),
             ("analysers", date(2024, 2, 20)): FtrCounts(100, 85)}
    result = service_before_after("ftr", daily, "analysers", "Lab analysers", STARTED, DONE, TODAY, 30)
    # 70 of 100 = 70% before, 85 of 100 = 85% after: +15 points;
    # spread = 100·√(.7·.3/100 + .85·.15/100) = 5.81, z = 15 / 5.81 = 2.58 > 1.96.
    assert (result.before_value, result.after_value, result.before_n, result.after_n) == (70.0, 85.0, 100, 100)
    assert result.change.delta == pytest.approx(15.0) and result.change.significant


def test_the_two_proportion_test_by_hand():
    # 20 of 200 against 50 of 200: −15 points; spread = 100·√(.1·.9/200 + .25·.75/200) = 3.725, z = 4.03.
    assert proportion_change(20, 200, 50, 200) == Change(pytest.approx(-15.0), True)
    # 21 of 100 against 25 of 100: −4 points; spread = 100·√(.21·.79/100 + .25·.75/100) = 5.97, z = 0.67.
    assert proportion_change(21, 100, 25, 100) == Change(pytest.approx(-4.0), False)
    assert proportion_change(5, 10, 5, 100, minimum=30) is None


def theme_days(counts: dict[tuple[str, date, str], int]) -> dict[tuple[str, date, str], NpsCounts]:
    """Theme roll-ups with `count` detractor responses under each (service, day, tag)."""
    return {key: NpsCounts(0, 0, count) for key, count in counts.items()}


def test_a_themes_share_of_comments_before_and_after_over_every_service():
    waiting = theme_tag("waiting")
    daily = theme_days({
        ("analysers", date(2024, 1, 2), COMMENTS): 120, ("analysers", date(2024, 1, 2), waiting): 30,
        ("lims", date(2024, 1, 9), COMMENTS): 80, ("lims", date(2024, 1, 9), waiting): 20,  # before: 50 of 200
        ("lims", date(2024, 1, 9), theme_tag("rude")): 70,  # another theme
        ("analysers", date(2024, 2, 12), COMMENTS): 200, ("analysers", date(2024, 2, 12), waiting): 20,  # 20 of 200
    })
    result = theme_share_before_after(daily, "waiting", "Waiting without news", STARTED, DONE, TODAY, 30)
    assert (result.before_value, result.after_value, result.before_n, result.after_n) == (25.0, 10.0, 200, 200)
    assert result.change == Change(pytest.approx(-15.0), True)
    assert result.counted


def test_theme_shares_not_counted_yet_say_so():
    result = theme_share_before_after({}, "waiting", "Waiting without news", STARTED, DONE, TODAY, 30)
    assert not result.counted and result.change is None


def test_a_done_action_shows_its_services_nps_and_first_time_right_and_its_themes_share(test_config):
    config = dataclasses.replace(test_config, themes=(Theme(id="waiting", name="Waiting without news",
                                                            cause="process", phrases=["waited"]),))
    done = action(links=ActionLinks(service="analysers", theme="waiting"))
    shown = before_after(done, config, DailyCounts(), TODAY, 5)
    assert [(change.measure, change.subject) for change in shown] == [
        ("nps", "Lab analysers"), ("ftr", "Lab analysers"), ("theme", "Waiting without news")]
    assert before_after(action(status="doing", done=None), config, DailyCounts(), TODAY, 5) == ()
    assert before_after(action(links=ActionLinks(journey="night-breakdown")), config, DailyCounts(), TODAY, 5) == ()


def test_a_refresh_reads_from_the_earliest_before_window_but_not_more_than_two_years_back():
    trend_start = date(2024, 2, 12)
    assert history_since(trend_start, [action()], TODAY) == date(2023, 12, 18)
    assert history_since(trend_start, [action(status="doing", done=None)], TODAY) == trend_start
    assert history_since(trend_start, [action(started=date(2024, 3, 11), done=date(2024, 3, 12))], TODAY) == trend_start
    old = action(started=date(2019, 5, 1), done=date(2019, 6, 1))
    assert history_since(trend_start, [old], TODAY) == TODAY - timedelta(days=730)


# --- gaps and the actions that answer them --------------------------------------------------------------

STARTS = complete_periods(TODAY, "week", 2)


def nps_of(service_id: str, counts: NpsCounts, target: float):
    return nps_series({(service_id, start): counts for start in STARTS}, service_id=service_id, name=service_id,
                      target=target, starts=STARTS, period="week", min_responses=5)


def ftr_of(service_id: str, counts: FtrCounts, target: float):
    return ftr_series({(service_id, start): counts for start in STARTS}, service_id=service_id, name=service_id,
                      target=target, expected_experience="", starts=STARTS, period="week", min_resolved=5)


def test_a_service_is_a_gap_when_its_nps_or_first_time_right_is_off_target_not_likely_off(test_config):
    nps = {"analysers": nps_of("analysers", NpsCounts(20, 20, 60), 20),  # −40, far below 20: off target
           "lims": nps_of("lims", NpsCounts(5, 2, 3), 30)}  # +20 of 10: likely below 30, not yet a gap
    ftr = {"analysers": ftr_of("analysers", FtrCounts(100, 90), 80),  # on target
           "lims": ftr_of("lims", FtrCounts(200, 140), 90)}  # 70%: off target
    assert service_gaps(test_config, nps, ftr) == [
        Gap("service", "analysers", "Lab analysers", (Shortfall("nps", -40.0, 20),)),
        Gap("service", "lims", "Lab information system", (Shortfall("ftr", 70.0, 90),)),
    ]


def stat(theme_id: str, rising: bool) -> ThemeStat:
    trend = Change(6.0, True) if rising else Change(6.0, False)
    return ThemeStat(theme_id, theme_id.title(), "process", NpsCounts(0, 0, 40), 18.0, None, None, None, trend)


def test_a_rising_theme_is_a_gap():
    themes = ThemesView(date(2024, 2, 12), date(2024, 3, 11), NpsCounts(), NpsCounts(),
                        themes=(stat("waiting", True), stat("rude", False)))
    assert theme_gaps(themes) == [Gap("theme", "waiting", "Waiting", (Shortfall("theme", 18.0, None, 6.0),))]
    assert theme_gaps(None) == []


SERVICE_GAPS = [Gap("service", "analysers", "Lab analysers", (Shortfall("nps", -40.0, 20),)),
                Gap("service", "lims", "Lab information system", (Shortfall("ftr", 70.0, 90),))]


def test_each_gap_lists_the_actions_linked_to_its_service_open_ones_first(test_config):
    view = actions_view(test_config, SERVICE_GAPS, DailyCounts(), TODAY, 5)
    analysers, lims = view.gaps
    assert [item.id for item in analysers.actions] == ["night-engineer", "menu-shortcut"]
    assert [item.id for item in lims.actions] == ["results-push"]
    assert view.other == ()
    engineer = analysers.actions[0]
    assert (engineer.owner, engineer.status, engineer.overdue) == ("Marta Nowak", "doing", True)
    assert view.overdue == 1 and view.unanswered == 0


def test_an_action_answers_a_gap_through_a_journey_stage_that_lists_the_service(test_config):
    # "Fix by phone" lists both services; the journey alone names every stage.
    by_stage = action(id="b", links=ActionLinks(journey="night-breakdown", stage="Fix by phone"))
    by_journey = action(id="c", links=ActionLinks(journey="night-breakdown"))
    elsewhere = action(id="d", links=ActionLinks(journey="night-breakdown", stage="Tells us"))
    config = dataclasses.replace(test_config, actions=(by_stage, by_journey, elsewhere))
    view = actions_view(config, SERVICE_GAPS[1:], DailyCounts(), TODAY, 5)
    assert [item.id for item in view.gaps[0].actions] == ["b", "c"]
    assert [item.id for item in view.other] == ["d"]
    assert view.other[0].linked == ("Tells us",)


def test_an_action_naming_a_service_answers_that_service_not_every_service_of_its_stage(test_config):
    # "Fix by phone" lists analysers and lims; the action is about analysers: it does not answer lims' gap.
    named = action(id="e", links=ActionLinks(service="analysers", journey="night-breakdown", stage="Fix by phone"))
    config = dataclasses.replace(test_config, actions=(named,))
    view = actions_view(config, SERVICE_GAPS, DailyCounts(), TODAY, 5)
    assert [[item.id for item in gap.actions] for gap in view.gaps] == [["e"], []]


def test_a_gap_no_action_answers_is_counted_and_other_actions_are_listed_apart(test_config):
    theme_gap = Gap("theme", "waiting", "Waiting without news", (Shortfall("theme", 18.0, None, 6.0),))
    view = actions_view(test_config, [theme_gap], DailyCounts(), TODAY, 5)
    assert view.gaps[0].actions == () and view.unanswered == 1
    assert [item.id for item in view.other] == ["night-engineer", "results-push", "menu-shortcut"]
    assert view.other[1].linked == ("Lab information system", "Samples rerun")


def test_overdue_means_not_done_and_due_before_today():
    assert action(status="doing", done=None, due=date(2024, 3, 12)).overdue(TODAY)
    assert not action(status="doing", done=None, due=TODAY).overdue(TODAY)
    assert not action(due=date(2024, 1, 31)).overdue(TODAY)  # done, if late
    assert not action(status="planned", started=None, done=None).overdue(TODAY)  # no due day


def test_the_view_carries_a_done_actions_before_and_after(test_config):
    daily = DailyCounts(nps=nps_days("analysers", {date(2024, 1, 1): NpsCounts(30, 30, 40),
                                                    date(2024, 2, 10): NpsCounts(50, 30, 20)}))
    view = actions_view(test_config, SERVICE_GAPS, daily, TODAY, 30)
    shortcut = view.gaps[0].actions[1]
    assert [(change.measure, change.before_value, change.after_value) for change in shortcut.before_after] == [
        ("nps", -10.0, 30.0), ("ftr", None, None)]


def test_a_stage_shows_its_open_actions_soonest_due_first(test_config):
    journey = test_config.journeys[0]
    stages = {stage.name: stage for stage in journey.stages}
    assert [a.id for a in open_actions(test_config, journey, stages["Calls for help"])] == ["night-engineer"]
    assert [a.id for a in open_actions(test_config, journey, stages["Samples rerun"])] == ["results-push"]
    assert open_actions(test_config, journey, stages["Fix by phone"]) == ()
