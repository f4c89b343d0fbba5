"""The voices panel as components: comments as plain text, detractors first, cut to fit, never HTML."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dash import dcc, html

from layouts import textfit, voices
from layouts.components import Screen
from obeya.metrics import NpsCounts, score_band
from obeya.snapshot import Voice, WallData, complete_periods, nps_series
from tests.component_tree import find, text_of, texts, with_class

BERLIN = ZoneInfo("Europe/Berlin")
AS_OF = datetime(2024, 3, 13, 10, 0, tzinfo=BERLIN)
SCREEN = Screen(scale=1.0, theme="dark")


# --- a fixture layer that speaks the domain --------------------------------


def voice(text: str, score: int, *, day: int = 11, service: str = "Lab analysers", number: int = 1) -> Voice:
    return Voice(f"R-{number:06d}", service, score, score_band(score), datetime(2024, 3, day, 14, 30, tzinfo=BERLIN),
                 text)


def wall_data(*comments: Voice) -> WallData:
    starts = complete_periods(date(2024, 3, 13), "week", 4)
    overall = nps_series({("any", s): NpsCounts(60, 25, 15) for s in starts}, service_id=None, name="All services",
                         target=30, starts=starts, period="week", min_responses=30)
    return WallData(AS_OF, "week", 30, overall, {}, {}, tuple(comments))


def quotes(page) -> list[str]:
    return [" ".join(texts(quote)) for quote in with_class(page, "voice-text")]


# --- behaviour --------------------------------------------------------------


def test_each_comment_is_a_card_with_score_band_service_and_date(test_config):
    page = voices.render(test_config, wall_data(voice("Took three days to get my analyser back.", 3)), SCREEN)[0]
    card = with_class(page, "voice-card")[0]
    words = text_of(card)
    assert "\u201cTook three days to get my analyser back.\u201d" in words
    assert "3/10" in words and "Detractor" in words
    assert "Lab analysers" in words
    assert "Mon 11 Mar" in words
    assert find(card, lambda c: "bi-emoji-frown-fill" in (getattr(c, "className", None) or ""))
    assert "as of 10:00" in text_of(page)


def test_comments_keep_the_order_given_detractors_first(test_config):
    data = wall_data(voice("Bad.", 2, number=1), voice("Poor.", 5, number=2), voice("Great!", 10, number=3),
                     voice("Fine.", 9, number=4))
    page = voices.render(test_config, data, SCREEN)[0]
    assert quotes(page) == ["\u201cBad.\u201d", "\u201cPoor.\u201d", "\u201cGreat!\u201d", "\u201cFine.\u201d"]
    bands = [c.className for c in with_class(page, "voice-card")]
    assert bands[0].endswith("detractor") and bands[-1].endswith("promoter")


def test_a_script_comment_is_shown_as_literal_text(test_config):
    evil = '<script>alert(1)</script> <img src=x onerror="alert(2)"> **bold** [link](http://x)'
    page = voices.render(test_config, wall_data(voice(evil, 0)), SCREEN)[0]
    assert quotes(page) == [f"\u201c{evil}\u201d"]
    # plain text children only: nothing that renders markdown or raw HTML
    assert not find(page, lambda c: isinstance(c, (dcc.Markdown, html.Iframe, html.Script)))
    assert not find(page, lambda c: getattr(c, "dangerously_allow_html", False))


def test_long_comments_are_cut_at_a_word_boundary_with_an_ellipsis(test_config):
    long_text = "The analyser in room four kept failing " * 12
    page = voices.render(test_config, wall_data(voice(long_text, 4)), SCREEN)[0]
    shown = quotes(page)[0].strip("\u201c\u201d")
    assert shown.endswith("\u2026")
    assert len(shown) <= voices.MAX_CHARACTERS
    assert long_text.startswith(shown[:-1])
    assert long_text[len(shown) - 1] == " "  # the cut fell between words


def test_shorten_leaves_short_text_alone_and_never_breaks_a_word():
    assert voices.shorten("Quick and friendly.", 40) == "Quick and friendly."
    assert voices.shorten("one two three four", 12) == "one two\u2026"
    assert voices.shorten("one two, three", 10) == "one two\u2026"
    assert voices.shorten("abcdefghijklmnop", 8) == "abcdefg\u2026"  # one long word: cut it, still ends in …
    assert voices.shorten("line one\nline   two", 40) == "line one line two"


def test_short_comments_get_bigger_type_than_long_ones(test_config):
    data = wall_data(voice("Brilliant.", 10), voice("Fixed it quickly. " * 8, 9, number=2),
                     voice("It took a long while. " * 9, 3, number=3), voice("FIXED IT QUICKLY. " * 8, 9, number=4))
    sizes = [q.className.split()[-1] for q in with_class(voices.render(test_config, data, SCREEN)[0], "voice-text")]
    # capitals are wider: the same words in capitals step down a size
    assert sizes == ["voice-text-short", "voice-text-medium", "voice-text-long", "voice-text-long"]


def test_six_comments_fit_a_page_and_more_make_another(test_config):
    many = [voice(f"Comment {i}.", 3, number=i) for i in range(8)]
    pages = voices.render(test_config, wall_data(*many), SCREEN)
    assert [len(with_class(page, "voice-card")) for page in pages] == [6, 2]
    assert "page 2 of 2" in text_of(pages[1])


def test_no_comments_says_so_for_the_configured_days(test_config):
    pages = voices.render(test_config, wall_data(), SCREEN)
    assert len(pages) == 1
    assert f"No comments in the last {test_config.wall.voices.days} days" in text_of(pages[0])


def test_passive_and_promoter_words_and_icons(test_config):
    page = voices.render(test_config, wall_data(voice("Okay.", 7), voice("Superb.", 10, number=2)), SCREEN)[0]
    words = text_of(page)
    assert "7/10" in words and "Passive" in words
    assert "10/10" in words and "Promoter" in words


def test_without_data_the_panel_says_it_is_waiting_for_the_database(test_config):
    pages = voices.render(test_config, None, SCREEN)
    assert len(pages) == 1
    assert "Waiting for the database" in text_of(pages[0])


def test_day_words():
    assert voices.day_words(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)) == "Mon 23 Nov"


def test_a_comment_full_of_emoji_is_cut_sooner_and_set_smaller_than_letters_would_be(test_config):
    emoji = "Alles gut " + "🎉😀🙏👍🏽" * 40
    page = voices.render(test_config, wall_data(voice(emoji, 10), voice("👍" * 40, 9, number=2),
                                                voice("Gut " * 10, 9, number=3)), SCREEN)[0]
    shown = [quote.strip("\u201c\u201d") for quote in quotes(page)]
    assert shown[0].endswith("\u2026") and len(shown[0]) < voices.MAX_CHARACTERS / 2  # an emoji is 2.6 letters wide
    assert textfit.text_width(shown[0], 1.0) / voices.LETTER_EM <= voices.MAX_CHARACTERS
    sizes = [q.className.split()[-1] for q in with_class(page, "voice-text")]
    # 40 thumbs are as many characters as ten words, but as wide as 100 letters
    assert sizes == ["voice-text-long", "voice-text-medium", "voice-text-short"]


def test_latin_comments_are_cut_and_sized_as_counted_before():
    text = "The night engineer had the analyser running again before the next sample. " * 4
    assert voices.fitted(text) == voices.shorten(text)
    assert voices.visual_characters("FIXED IT QUICKLY. " * 8) == len("FIXED IT QUICKLY. " * 8) + 0.4 * 14 * 8  # 14 capitals a time


def test_shorten_never_splits_a_character_drawn_from_several_code_points():
    assert voices.shorten("ok 👍🏽👍🏽👍🏽", 6) == "ok 👍🏽\u2026"  # not the thumb without its skin tone
    assert voices.shorten("x 👨\u200d💻👨\u200d💻", 6) == "x 👨\u200d💻\u2026"  # nor a ZWJ sequence
    assert voices.shorten("🇳🇱🇩🇪🇻🇳🇳🇱", 4) == "🇳🇱\u2026"  # nor a flag
    assert voices.shorten("ok 🎉🎉🎉🎉🎉🎉", 6) == "ok 🎉🎉\u2026"  # between emoji is no word to keep whole
    assert voices.shorten("Ok ❤️❤️❤️", 6) == "Ok ❤️\u2026"  # a variation selector stays
