"""Comment themes: which themes a comment points to, matched on word stems in the wall's language,
and `python -m obeya themes tag | check` as an operator sees them."""

from __future__ import annotations

from pathlib import Path

import pytest

from obeya.__main__ import main
from obeya.config import Theme
from obeya.themes import causes, stems, tag

LABELLED = Path(__file__).resolve().parent / "fixtures" / "themes" / "labelled.csv"
README = Path(__file__).resolve().parent.parent / "README.md"


def theme(id: str, cause: str, *phrases: str, factors: tuple[str, ...] = ()) -> Theme:
    return Theme(id=id, name=id.title(), cause=cause, phrases=list(phrases), factors=list(factors))


WAITING = theme("waiting", "process", "waited", "no update", "nobody told me", factors=("Speed of service",))
RUDE = theme("rude", "people", "rude", "unfriendly")
KNOW_HOW = theme("know-how", "training", "didn't know how", "training")
THEMES = (WAITING, RUDE, KNOW_HOW)


def ids(comment: str, themes=THEMES, language: str = "en", **kwargs) -> list[str]:
    return [found.id for found in tag(comment, themes, language, **kwargs)]


# --- matching: English -------------------------------------------------------


def test_a_phrase_finds_other_forms_of_its_words():
    assert stems("I waited, waiting, wait", "en") == ("i", "wait", "wait", "wait")
    assert ids("I waited three days") == ["waiting"]
    assert ids("Still WAITING for my laptop") == ["waiting"]
    assert ids("I had to wait", themes=(theme("waiting", "process", "wait"),)) == ["waiting"]


def test_a_phrase_of_several_words_matches_them_next_to_each_other_in_order():
    assert ids("No updates since Monday.") == ["waiting"]
    assert ids("Nobody told me anything") == ["waiting"]
    assert ids("nobody ever told me") == []
    assert ids("I told nobody") == []
    assert ids("The update was fine, no complaints") == []


def test_a_word_is_matched_by_its_stem_never_inside_another_word():
    # "update", "updated" and "updates" share the stem "updat": one word for the rules.
    update = (theme("update", "process", "update"),)
    assert ids("They updated my laptop", themes=update) == ["update"]
    assert ids("My software is outdated", themes=update) == []
    assert ids("I await your answer", themes=(theme("waiting", "process", "wait"),)) == []


def test_curly_apostrophes_and_case_do_not_matter():
    assert ids("The agent DIDN\u2019T KNOW HOW to reset it") == ["know-how"]


def test_themes_come_in_their_order_in_themes_yaml_and_causes_once_each_in_a_fixed_order():
    tagged = tag("Rude, and nobody told me; they need training", THEMES, "en")
    assert [found.id for found in tagged] == ["waiting", "rude", "know-how"]
    assert causes(tagged) == ("process", "people", "training")
    assert causes(tag("training, then more training, and rude", THEMES, "en")) == ("people", "training")
    assert causes(()) == ()


def test_a_ticked_survey_reason_counts_as_its_theme():
    assert ids("", factors=["speed of service "]) == ["waiting"]
    assert ids("All fine", factors=["Price"]) == []


def test_a_comment_with_no_words_has_no_themes():
    assert ids("") == []
    assert ids("!!! :-(") == []


# --- matching: Dutch and German ----------------------------------------------


def test_dutch_past_tenses_stem_to_the_verb():
    # The Dutch Snowball stemmer takes "wachtte", "gewacht" and "wachten" all to "wacht".
    assert stems("wachtte gewacht wachten", "nl") == ("wacht", "wacht", "wacht")
    wachten = (theme("wachten", "process", "wachten", "geen update"),)
    assert ids("Ik wachtte drie dagen", themes=wachten, language="nl") == ["wachten"]
    assert ids("Ik heb een week gewacht", themes=wachten, language="nl") == ["wachten"]
    assert ids("Geen updates gekregen", themes=wachten, language="nl") == ["wachten"]
    assert ids("Mijn wachtwoord werkt niet", themes=wachten, language="nl") == []  # compounds are not split


def test_german_participles_keep_their_ge_so_a_phrase_list_names_both_forms():
    # The German stemmer takes "warten" and "wartete" to "wart", but "gewartet" to "gewart".
    assert stems("warten wartete gewartet", "de") == ("wart", "wart", "gewart")
    warten = (theme("warten", "process", "warten"),)
    assert ids("Ich wartete zwei Tage", themes=warten, language="de") == ["warten"]
    assert ids("Ich habe lange gewartet", themes=warten, language="de") == []
    both = (theme("warten", "process", "warten", "gewartet", "niemand hat Bescheid gesagt"),)
    assert ids("Ich habe lange gewartet", themes=both, language="de") == ["warten"]
    assert ids("Niemand hat Bescheid gesagt!", themes=both, language="de") == ["warten"]
    assert ids("Zu viele Passwörter", themes=(theme("konto", "training", "Passwort"),), language="de") == ["konto"]


# --- themes.yaml -------------------------------------------------------------


def problems(config_copy) -> list[str]:
    from obeya.config import ConfigError

    with pytest.raises(ConfigError) as error:
        config_copy.load()
    return [str(problem) for problem in error.value.problems]


def test_themes_yaml_is_optional(config_copy):
    assert config_copy.load().themes == ()


def test_themes_yaml_is_read_with_its_defaults(config_copy):
    config_copy.write("themes.yaml", "themes:\n  - id: waiting\n    name: Waiting without news\n"
                                     "    cause: process\n    phrases: [waited, no update, nobody told me]\n")
    (waiting,) = config_copy.load().themes
    assert (waiting.id, waiting.cause, waiting.phrases, waiting.factors) == (
        "waiting", "process", ["waited", "no update", "nobody told me"], [])


def test_themes_yaml_mistakes_name_the_line(config_copy):
    config_copy.write("themes.yaml", """themes:
  - id: waiting
    name: Waiting without news
    cause: proces
    phrases: [waited, no update]
    factor: [Speed]
  - id: waiting
    name: Again
    cause: people
    phrases: ["!!"]
""")
    assert problems(config_copy) == [
        "themes.yaml:4:12: themes[0].cause: must be 'process', 'people' or 'training'",
        "themes.yaml:6:5: unknown key 'factor' in themes[0]",
        "themes.yaml:10:14: themes[1].phrases: phrase '!!' has no word to match",
    ]


def test_a_theme_id_used_twice_points_at_the_second_one(config_copy):
    config_copy.write("themes.yaml", """themes:
  - id: waiting
    name: Waiting without news
    cause: process
    phrases: [waited]
  - id: waiting
    name: Rude
    cause: people
    phrases: [rude]
""")
    assert problems(config_copy) == ["themes.yaml:6:9: themes[1].id: theme id 'waiting' is used twice (first at line 2)"]


def test_a_theme_lists_at_least_one_phrase(config_copy):
    config_copy.write("themes.yaml", "themes:\n  - id: waiting\n    name: Waiting\n    cause: process\n"
                                     "    phrases: []\n")
    assert problems(config_copy) == ["themes.yaml:5:14: themes[0].phrases: must list at least one item"]


# --- python -m obeya themes tag | check --------------------------------------


@pytest.fixture(autouse=True)
def no_obeya_environment(monkeypatch):
    monkeypatch.delenv("OBEYA_CONFIG_DIR", raising=False)
    monkeypatch.delenv("OBEYA_DATABASE_URL", raising=False)


@pytest.fixture
def themed(config_copy):
    """A copy of the test config with three themes."""
    return config_copy.write("themes.yaml", """themes:
  - {id: waiting, name: Waiting without news, cause: process, phrases: [waited, no update], factors: [Speed]}
  - {id: rude, name: Rude or unfriendly, cause: people, phrases: [rude, unfriendly]}
  - {id: know-how, name: Didn't know how, cause: training, phrases: [didn't know how]}
""")


def run(capsys, *argv: str) -> tuple[int, list[str], list[str]]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def csv_file(tmp_path: Path, text: str, name: str = "comments.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_tag_writes_each_comment_with_its_themes_and_causes(capsys, tmp_path, themed):
    comments = csv_file(tmp_path, 'id;comment;factors\n1;"I waited; nobody was rude";\n2;Great, thanks!;\n'
                                  "3;She didn't know how to help;Speed\n", encoding="cp1252")
    assert run(capsys, "themes", "tag", comments, "--config", str(themed.path)) == (0, [
        "comment,themes,causes",
        "I waited; nobody was rude,waiting;rude,process;people",
        "\"Great, thanks!\",,",
        "She didn't know how to help,waiting;know-how,process;training",
    ], [])


def test_tag_without_a_comment_column_names_the_columns_there_are(capsys, tmp_path, themed):
    comments = csv_file(tmp_path, "id,text\n1,I waited\n")
    assert run(capsys, "themes", "tag", comments, "--config", str(themed.path)) == (
        1, [], [f"{comments}:1: no 'comment' column (the header has: id, text)"])


def test_tag_of_an_empty_file_says_so(capsys, tmp_path, themed):
    comments = csv_file(tmp_path, "\n\n")
    assert run(capsys, "themes", "tag", comments, "--config", str(themed.path)) == (
        1, [], [f"{comments}: the file is empty"])


def test_tag_without_themes_yaml_tags_nothing_and_says_why(capsys, tmp_path, config_copy):
    comments = csv_file(tmp_path, "comment\nI waited\n")
    assert run(capsys, "themes", "tag", comments, "--config", str(config_copy.path)) == (
        0, ["comment,themes,causes", "I waited,,"],
        [f"{config_copy.path}/themes.yaml: no themes, so no comment is tagged"])


def test_check_prints_precision_and_recall_per_cause(capsys, tmp_path, themed):
    labelled = csv_file(tmp_path, "comment,causes\n"
                                  "I waited a week,process\n"          # right
                                  "Rude and no update,people;process\n"  # both right
                                  "The unfriendly tone,process\n"      # people tagged, process missed
                                  "Took ages,process\n"                # missed: unclassified
                                  "Lovely people,\n")                  # nothing, rightly
    assert run(capsys, "themes", "check", labelled, "--config", str(themed.path)) == (0, [
        f"5 comments in {labelled}, tagged with 3 themes (en)",
        "cause      labelled  tagged  right  precision  recall",
        "process           4       2      2       100%     50%",
        "people            1       2      1        50%    100%",
        "training          0       0      0          –       –",
        "unclassified: 2 comments matched no theme, 1 of them labelled with a cause",
    ], [])


def test_check_needs_both_columns_and_known_causes(capsys, tmp_path, themed):
    no_causes = csv_file(tmp_path, "comment\nI waited\n", "a.csv")
    assert run(capsys, "themes", "check", no_causes, "--config", str(themed.path)) == (
        1, [], [f"{no_causes}:1: no 'causes' column (the header has: comment)"])
    neither = csv_file(tmp_path, "text\nI waited\n", "b.csv")
    assert run(capsys, "themes", "check", neither, "--config", str(themed.path))[2] == [
        f"{neither}:1: no 'comment' and 'causes' columns (the header has: text)"]
    misspelt = csv_file(tmp_path, "comment,causes\nI waited,process\nRude,People\nSlow,proces\n", "c.csv")
    assert run(capsys, "themes", "check", misspelt, "--config", str(themed.path)) == (
        1, [], [f"{misspelt}:4: unknown cause 'proces' (process, people or training)"])


def test_check_of_a_file_without_comments_says_so(capsys, tmp_path, themed):
    header_only = csv_file(tmp_path, "comment,causes\n")
    assert run(capsys, "themes", "check", header_only, "--config", str(themed.path)) == (
        1, [], [f"{header_only}: no comments to check"])
    empty = csv_file(tmp_path, "", "empty.csv")
    assert run(capsys, "themes", "check", empty, "--config", str(themed.path)) == (
        1, [], [f"{empty}: the file is empty"])


def test_the_readme_shows_what_check_says_of_the_shipped_rules_on_the_labelled_sample(capsys, monkeypatch):
    monkeypatch.chdir(README.parent)
    code, out, err = run(capsys, "themes", "check", "tests/fixtures/themes/labelled.csv")
    assert (code, err) == (0, [])
    assert "\n".join(out) in README.read_text(encoding="utf-8")
