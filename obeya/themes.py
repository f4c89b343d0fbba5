"""Comment themes: which of themes.yaml's themes a survey comment points to, and their causes.

    tag("I waited three days", themes, "en") -> (Theme(id="waiting", ...),)
    causes(tagged) -> ("process",)

A phrase matches when its words' stems occur in the comment's words, in order
and next to each other, in any case. Words are stemmed with the Snowball
stemmer of the wall's language (en, nl, de), the comment and the phrase the
same way, so "waited" finds "waiting" and "wait", and "update" finds
"updated" and "updates" (one stem, "updat"). A phrase never matches inside
another word: "wait" does not find "await", and Dutch "wacht" does not find
"wachtwoord" (stems are compared whole, compounds are not split). What the
stemmer leaves apart stays apart: German "gewartet" stems to "gewart", not
"wart", so a German phrase list names both forms.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import snowballstemmer

from obeya.config import CAUSES, Theme
from obeya.metrics import NpsCounts

STEMMERS = {"en": "english", "nl": "dutch", "de": "german"}  # wall.yaml's language -> Snowball's name
_WORD = re.compile(r"\w+(?:'\w+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_local = threading.local()  # a Snowball stemmer keeps state while it works: one per thread


def words(text: str) -> list[str]:
    """The words of `text`, case folded: letters and digits, an apostrophe inside a word kept (didn't)."""
    return _WORD.findall(text.translate(_APOSTROPHES).casefold())


def stems(text: str, language: str) -> tuple[str, ...]:
    """The Snowball stems of the words of `text` in `language` (en, nl or de)."""
    return tuple(_stem(word, language) for word in words(text))


@lru_cache(maxsize=200_000)
def _stem(word: str, language: str) -> str:
    # A team's comments use a few thousand words: each is stemmed once (re-counting millions of comments).
    return _stemmer(language).stemWord(word)


def tag(comment: str, themes: Iterable[Theme], language: str, factors: Iterable[str] = ()) -> tuple[Theme, ...]:
    """The themes, in their order in themes.yaml, whose phrases occur in `comment` (see the module's
    docstring), or one of whose `factors` is among the survey reasons `factors` the respondent ticked."""
    said = stems(comment or "", language)
    present = frozenset(said)
    ticked = {factor.strip().casefold() for factor in factors}
    return tuple(theme for theme in themes
                 if any(_occurs(_phrase_stems(phrase, language), said, present) for phrase in theme.phrases)
                 or any(factor.strip().casefold() in ticked for factor in theme.factors))


def causes(tagged: Iterable[Theme]) -> tuple[str, ...]:
    """The causes of the `tagged` themes, each once, in the order process, people, training."""
    found = {theme.cause for theme in tagged}
    return tuple(cause for cause in CAUSES if cause in found)


# --- counting: the tags of a response, and their counts per service and day ------------------------
#
# Every response with a comment or a ticked reason counts under COMMENTS, and under each theme and
# cause it points to, or under UNCLASSIFIED when it points to none. The roll-up table `theme_daily`
# holds these counts per service and day; the themes panel derives shares, NPS with and without a
# theme, and impact from them.

COMMENTS = "comments"  # responses with a comment or a ticked reason
UNCLASSIFIED = "unclassified"  # ... of which no theme matched


def theme_tag(theme_id: str) -> str:
    return f"theme:{theme_id}"


def cause_tag(cause: str) -> str:
    return f"cause:{cause}"


def split_factors(text: str | None) -> tuple[str, ...]:
    """The survey reasons in an import's `factors` cell: `;`-separated, blanks dropped."""
    return tuple(part.strip() for part in (text or "").split(";") if part.strip())


def response_tags(comment: str | None, factors: str | None, themes: Iterable[Theme], language: str
                  ) -> tuple[str, ...]:
    """The roll-up tags a response counts under (see above); () without a comment or reason."""
    ticked = split_factors(factors)
    if not (comment or "").strip() and not ticked:
        return ()
    tagged = tag(comment or "", themes, language, ticked)
    if not tagged:
        return COMMENTS, UNCLASSIFIED
    return (COMMENTS, *(theme_tag(theme.id) for theme in tagged), *(cause_tag(cause) for cause in causes(tagged)))


def count_tags(rows: Iterable[tuple[str, date, int, str | None, str | None]], themes: Iterable[Theme],
               language: str) -> dict[tuple[str, date, str], NpsCounts]:
    """Counts per (service, day, tag) of `rows` (service, day, score, comment, factors), by score band."""
    themes = tuple(themes)
    bands = {band: NpsCounts(*(int(band == position) for position in range(3))) for band in range(3)}
    counts: dict[tuple[str, date, str], NpsCounts] = {}
    for service, day, score, comment, factors in rows:
        tags = response_tags(comment, factors, themes, language)
        if not tags:
            continue
        one = bands[0 if score >= 9 else 1 if score >= 7 else 2]
        for name in tags:
            key = (service, day, name)
            counts[key] = counts[key] + one if key in counts else one
    return counts


def rules_fingerprint(themes: Iterable[Theme], language: str) -> str:
    """A short digest of the rules that tagged the counts: roll-ups counted with other rules are re-counted."""
    rules = [language, [theme.model_dump(mode="json") for theme in themes]]
    return hashlib.sha256(json.dumps(rules, sort_keys=True).encode()).hexdigest()[:16]


def _occurs(phrase: tuple[str, ...], said: tuple[str, ...], present: frozenset[str]) -> bool:
    # Most phrases have a word the comment lacks: the set test answers those without walking the comment.
    width = len(phrase)
    if width == 0 or not present.issuperset(phrase):
        return False
    return any(said[start:start + width] == phrase for start in range(len(said) - width + 1))


@lru_cache(maxsize=4096)
def _phrase_stems(phrase: str, language: str) -> tuple[str, ...]:
    return stems(phrase, language)


def _stemmer(language: str):
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        if language not in STEMMERS:
            raise ValueError(f"no stemmer for language '{language}' (en, nl or de)")
        stemmers[language] = snowballstemmer.stemmer(STEMMERS[language])
    return stemmers[language]
