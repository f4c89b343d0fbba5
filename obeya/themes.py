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

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

from obeya.config import CAUSES, Theme

STEMMERS = {"en": "english", "nl": "dutch", "de": "german"}  # wall.yaml's language -> Snowball's name
_WORD = re.compile(r"\w+(?:'\w+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_local = threading.local()  # a Snowball stemmer keeps state while it works: one per thread


def words(text: str) -> list[str]:
    """The words of `text`, case folded: letters and digits, an apostrophe inside a word kept (didn't)."""
    return _WORD.findall(text.translate(_APOSTROPHES).casefold())


def stems(text: str, language: str) -> tuple[str, ...]:
    """The Snowball stems of the words of `text` in `language` (en, nl or de)."""
    return tuple(_stemmer(language).stemWords(words(text)))


def tag(comment: str, themes: Iterable[Theme], language: str, factors: Iterable[str] = ()) -> tuple[Theme, ...]:
    """The themes, in their order in themes.yaml, whose phrases occur in `comment` (see the module's
    docstring), or one of whose `factors` is among the survey reasons `factors` the respondent ticked."""
    said = stems(comment or "", language)
    ticked = {factor.strip().casefold() for factor in factors}
    return tuple(theme for theme in themes
                 if any(_occurs(_phrase_stems(phrase, language), said) for phrase in theme.phrases)
                 or any(factor.strip().casefold() in ticked for factor in theme.factors))


def causes(tagged: Iterable[Theme]) -> tuple[str, ...]:
    """The causes of the `tagged` themes, each once, in the order process, people, training."""
    found = {theme.cause for theme in tagged}
    return tuple(cause for cause in CAUSES if cause in found)


def _occurs(phrase: tuple[str, ...], said: tuple[str, ...]) -> bool:
    width = len(phrase)
    return width > 0 and any(said[start:start + width] == phrase for start in range(len(said) - width + 1))


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
