"""The wall's words: one catalog per language, the team's own overrides, and numbers and dates for the language.

Every word the wall prints has a key in `obeya/catalog/<language>.yaml`
(nested sections, read as dotted keys like `personas.title`). A team picks a
language in `wall.yaml` (`language: nl`) and may replace any single label
(`labels: {personas.title: Onze collega's}`). Placeholders are named:
`"+{count} more"`. Numbers, dates and percentages are written the way the
language writes them (Babel, from CLDR): `vr 27 nov`, `1.234,5`, `75 %`.
"""

from __future__ import annotations

import difflib
import functools
import string
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

import yaml
from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
DEFAULT_LANGUAGE = "en"
LANGUAGES: tuple[str, ...] = ("en", "nl", "de")  # the shipped catalogs; en holds every key
MINUS = "\u2212"  # a real minus sign, as wide as the plus


def _flatten(tree: Mapping, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@functools.cache
def catalog(language: str) -> dict[str, str]:
    """Every label of one shipped language, by dotted key (KeyError for a language that is not shipped)."""
    if language not in LANGUAGES:
        raise KeyError(language)
    text = (CATALOG_DIR / f"{language}.yaml").read_text(encoding="utf-8")
    return _flatten(yaml.safe_load(text) or {})


def label_keys() -> list[str]:
    """Every key a team may override (the English catalog has them all)."""
    return list(catalog(DEFAULT_LANGUAGE))


def nearest_key(key: str) -> str | None:
    """The existing key closest to a misspelt one, or None when none is close."""
    matches = difflib.get_close_matches(key, label_keys(), n=1, cutoff=0.6)
    return matches[0] if matches else None


def placeholders(text: str) -> set[str]:
    """The named placeholders in `text` (`{count}`); ValueError for braces that do not pair."""
    return {field for _literal, field, _spec, _conversion in string.Formatter().parse(text) if field is not None}


class Labels:
    """The words of one wall: `say("nps.target", value="30")`, and numbers and dates in its language."""

    def __init__(self, language: str = DEFAULT_LANGUAGE, overrides: Mapping[str, str] | None = None) -> None:
        self.language = language
        self.locale = Locale.parse(language)
        # A key a translation lacks falls back to English, so a new label never shows as its key.
        self.words = {**catalog(DEFAULT_LANGUAGE), **catalog(language), **dict(overrides or {})}

    def __call__(self, key: str, /, **values: object) -> str:
        text = self.words[key]
        return text.format_map(values) if values else text

    def browser_words(self, prefix: str = "browser.") -> dict[str, str]:
        """The labels wall.js writes (mode words, page counter), for the page to carry."""
        return {key.removeprefix(prefix): text for key, text in self.words.items() if key.startswith(prefix)}

    # -- numbers -------------------------------------------------------------------------------------

    def number(self, value: float, decimals: int | None = 0) -> str:
        """`value` rounded to `decimals`, with the language's grouping and decimal mark and a real minus;
        `decimals=None` shows as many as the value has (up to three), like `:g`."""
        pattern = "#,##0.###" if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.locale).replace("-", MINUS)

    def signed(self, value: float, decimals: int = 0) -> str:
        """A number with its sign: +12, −3, 0 (−3,5 in Dutch)."""
        text = self.number(abs(value), decimals)
        if round(value, decimals) > 0:
            return "+" + text
        if round(value, decimals) < 0:
            return MINUS + text
        return text

    def percent(self, value: float, decimals: int | None = 0) -> str:
        """`value` (already in percent: 75 for 75%) with the language's percent sign: 75%, 75 %;
        `decimals=None` shows as many as the value has (up to three), like `:g`."""
        pattern = self.locale.percent_formats[None].pattern  # "#,##0%", "#,##0\xa0%"
        return pattern.replace("#,##0", self.number(value, decimals), 1)

    # -- dates ---------------------------------------------------------------------------------------

    def date(self, day: date | datetime, key: str) -> str:
        """`day` written with the Babel pattern at catalog `key` (e.g. `format.day`: 'EEE d MMM')."""
        return format_date(day, self.words[key], locale=self.locale)

    def time(self, moment: datetime) -> str:
        """The time of day as the wall writes it ('14:05')."""
        return format_time(moment, self.words["format.time"], locale=self.locale)


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut with '…' when longer than `limit` characters: between words, or between
    emoji, never inside a word (unless it is the only one) nor inside a character drawn from several code points."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    end = limit - 1
    before, after = text[end - 1], text[end]
    if " " in text[:end] and " " not in (before, after) and (_in_word(before) or _in_word(after)):
        end = text.rindex(" ", 0, end)  # inside a word; a cut between two emoji is between words
    while 0 < end < len(text) and _joins_previous(text, end):
        end -= 1
    return text[:end].rstrip(" ,;:.-\u2013\u2014") + "\u2026"


def _in_word(character: str) -> bool:
    """A letter, digit, apostrophe or accent (not the variation selector after an emoji)."""
    if "\ufe00" <= character <= "\ufe0f":
        return False
    return character.isalnum() or character in "'\u2019" or unicodedata.category(character).startswith("M")


REGIONAL_INDICATORS = "".join(map(chr, range(0x1F1E6, 0x1F200)))  # a flag is two of them: 🇳🇱 is N, L


def _joins_previous(text: str, index: int) -> bool:
    """Whether the code point at `index` is drawn as one character with the one before it."""
    character, code = text[index], ord(text[index])
    if text[index - 1] == "\u200d" or code == 0x200D or unicodedata.category(character) in ("Mn", "Me"):
        return True  # a zero-width joiner and what it joins (👨‍💻), a combining mark (e + ´)
    if 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F:
        return True  # a variation selector (❤️), a skin tone (👍🏽), the tags of a subdivision flag
    if character in REGIONAL_INDICATORS:  # the second of a pair
        before = text[:index]
        return (len(before) - len(before.rstrip(REGIONAL_INDICATORS))) % 2 == 1
    return False


@functools.lru_cache(maxsize=32)
def _cached(language: str, overrides: tuple[tuple[str, str], ...]) -> Labels:
    return Labels(language, dict(overrides))


def labels_for(language: str = DEFAULT_LANGUAGE, overrides: Mapping[str, str] | None = None) -> Labels:
    """The `Labels` of a wall, built once for each language and set of overrides."""
    return _cached(language, tuple(sorted((overrides or {}).items())))


ENGLISH = labels_for(DEFAULT_LANGUAGE)


def problem_words(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The kinds of database problem (obeya.engine.ProblemKind) in words for a screen."""
    prefix = "problem."
    return {key.removeprefix(prefix): text for key, text in catalog(language).items() if key.startswith(prefix)}
