"""The mission panel: what the room reads, and that any mission fits the screen.

Rendered without a browser: the tests walk the component tree for the text a
viewer would see. Sizes come from layouts/mission.py's estimate of how text
wraps (checked in a browser by tests/screenshot_wall.py).
"""

from __future__ import annotations

import dataclasses

from dash import dcc

from layouts import mission, textfit
from layouts.components import Screen
from obeya.config import Mission
from tests.component_tree import class_names, components, texts

SCREEN = Screen(scale=1.0, theme="dark")


def with_mission(config, **fields):
    return dataclasses.replace(config, mission=Mission(**{**config.mission.model_dump(), **fields}))


def test_statement_promise_and_values_are_on_one_page(test_config):
    pages = mission.render(test_config, None, SCREEN)

    assert len(pages) == 1
    words = texts(pages[0])
    assert "Lab instruments and their software work whenever a sample arrives." in words
    assert "We answer within the hour and fix it while you watch." in words
    assert "Samples first" in words and "Show, don't tell" in words
    assert "Our promise to you" in words


def test_a_short_statement_gets_the_biggest_type(test_config):
    page = mission.render(test_config, None, SCREEN)[0]

    assert "size-xxl" in class_names(page)


def test_a_long_statement_gets_smaller_type_but_stays_on_one_page(test_config):
    long = with_mission(test_config, statement=" ".join(["We keep every colleague working and productive"] * 9))

    pages = mission.render(long, None, SCREEN)

    assert len(pages) == 1
    statement = next(c for c in components(pages[0]) if "mission-statement" in (c.className or "").split())
    size = statement.className.split("size-")[1]
    assert mission.STATEMENT_SIZES[size] < mission.STATEMENT_SIZES["xxl"]
    assert mission.STATEMENT_SIZES[size] >= 1.0  # never below --fs-body


def test_statement_and_promise_both_huge_take_two_pages_without_losing_the_statement(test_config):
    statement = " ".join(["We keep every colleague working, whatever happens to their laptop."] * 30)
    huge = with_mission(test_config, statement=statement, promise=" ".join(["We fix it the first time."] * 60))

    pages = mission.render(huge, None, SCREEN)

    assert len(pages) == 2
    assert "Our promise to you" in texts(pages[1])
    assert texts(pages[0])[-1].startswith("We keep every colleague working")


def test_more_than_eight_values_end_with_how_many_more(test_config):
    many = with_mission(test_config, values=[f"Value {n}" for n in range(1, 12)])

    words = texts(mission.render(many, None, SCREEN)[0])

    assert "Value 7" in words and "Value 8" not in words
    assert "+4 more" in words


def test_without_values_there_is_no_values_block(test_config):
    page = mission.render(with_mission(test_config, values=[]), None, SCREEN)[0]

    assert "What we stand for" not in texts(page)


def test_yaml_text_is_shown_as_plain_text(test_config):
    page = mission.render(with_mission(test_config, statement="<script>alert(1)</script> we <b>fix</b>"), None,
                          SCREEN)[0]

    assert "<script>alert(1)</script> we <b>fix</b>" in texts(page)
    assert not any(isinstance(c, dcc.Markdown) for c in components(page))


def test_type_sizes_fit_the_page_budget(test_config):
    for length in (40, 120, 240, 480, 900):
        candidate = Mission(statement="word " * (length // 5), promise="promise " * (length // 16),
                            values=["Fix it once", "Say what happens next"])
        sizes = mission.type_sizes(candidate)
        assert sizes is not None
        statement_rem = mission.STATEMENT_SIZES[sizes[0]]
        promise_rem = mission.PROMISE_SIZES[sizes[1]]
        assert promise_rem <= max(statement_rem * 0.66, 1.0)  # the statement always leads


def test_line_estimate_wraps_like_the_browser():
    # Measured in Chromium: "Laptop will not start" in Atkinson Hyperlegible at 0.9rem is 7.86rem wide.
    assert textfit.estimated_lines("Laptop will not start", 0.9, 8.1) == 1
    assert textfit.estimated_lines("Laptop will not start", 0.9, 7.5) == 2
    assert textfit.estimated_lines("", 1.0, 10) == 1
    assert textfit.estimated_lines("x" * 200, 1.0, 10) > 5  # a long word breaks anywhere
    assert textfit.estimated_lines("it-help-finance-month-end", 0.9, 6.5) == 2  # and after its hyphens
