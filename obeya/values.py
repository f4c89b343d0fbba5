"""Reading one value of an imported row: ids and service names, comments, ticked reasons, scores,
booleans, `reopened`/`reassigned` flags and timestamps.

Each reader takes the text of one CSV field and returns the value for its
column, or raises InvalidValue with a message that follows the column name
("score '11' is not a whole number from 0 to 10").
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import get_month_names

from obeya.labels import LANGUAGES
from obeya.themes import split_factors


class InvalidValue(ValueError):
    """A value that cannot go into its column; the message follows the column name."""


TRUE_WORDS = ("true", "t", "yes", "y", "1", "ja")
FALSE_WORDS = ("false", "f", "no", "n", "0", "nee", "nein")
_BOOLEANS = {**{word: True for word in TRUE_WORDS}, **{word: False for word in FALSE_WORDS}}
_SCORES = {str(score): score for score in range(11)}
_WHOLE_SCORE = re.compile(r"\+?(\d{1,2})(?:[.,]0+)?")  # "9", "09", "9.0", "9,00"
_COUNT = re.compile(r"\+?\d{1,18}")


def _quoted(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:39] + "…")


def read_text(value: str, max_length: int = 64) -> str:
    """An id or service name: surrounding spaces dropped; empty or too long is invalid."""
    text = value.strip()
    if not text:
        raise InvalidValue("is empty")
    if len(text) > max_length:
        raise InvalidValue(f"{_quoted(text)} is longer than {max_length} characters")
    return text


def read_comment(value: str) -> str | None:
    """A comment, or None when empty; line breaks inside it become plain newlines."""
    text = value.strip()
    if not text:
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def read_factors(value: str) -> str | None:
    """The reasons a respondent ticked (`;`-separated) as "Speed of service; Friendliness", each trimmed,
    blanks dropped; None when there are none."""
    return "; ".join(split_factors(value)) or None


def read_score(value: str) -> int:
    """A score: a whole number from 0 to 10 ("9.0" is 9). Anything else is invalid, never rescaled."""
    score = _SCORES.get(value)
    if score is not None:
        return score
    text = value.strip()
    if not text:
        raise InvalidValue("is empty")
    match = _WHOLE_SCORE.fullmatch(text)
    if match is None or int(match[1]) > 10:
        raise InvalidValue(f"{_quoted(text)} is not a whole number from 0 to 10")
    return int(match[1])


def read_boolean(value: str) -> bool:
    """True or false from one of TRUE_WORDS / FALSE_WORDS, in any case."""
    text = value.strip().lower()
    answer = _BOOLEANS.get(text)
    if answer is None:
        if not text:
            raise InvalidValue("is empty")
        raise InvalidValue(f"{_quoted(value.strip())} is not true or false (use true/false, yes/no, y/n, 1/0, ja/nee)")
    return answer


def read_flag(value: str) -> bool | None:
    """`reopened`/`reassigned`: a boolean word or a count (more than 0 is true); empty is unknown (None)."""
    text = value.strip().lower()
    answer = _BOOLEANS.get(text)
    if answer is not None:
        return answer
    if not text:
        return None
    if _COUNT.fullmatch(text):
        return int(text) > 0
    raise InvalidValue(f"{_quoted(value.strip())} is not true or false or a count")


_OTHER_TIMESTAMP = re.compile(
    r"(?P<a>\d{1,4})[-/.](?P<b>\d{1,2})[-/.](?P<c>\d{1,4})"
    r"(?:(?:\s+|T)(?P<hour>\d{1,2}):(?P<minute>\d\d)(?::(?P<second>\d\d)(?:[.,]\d+)?)?(?:\s*(?P<half>[AaPp][Mm]))?)?"
    r"\s*(?P<zone>Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)?",
    re.IGNORECASE,
)
# Jira's "01/Dec/26 9:15 AM" (dd/MMM/yy h:mm a), also with a four-digit year or a full month name,
# in any shipped language: a Dutch Jira writes "01/mrt/26", a German one "01/März/26"
_NAMED_MONTH_TIMESTAMP = re.compile(
    r"(?P<day>\d{1,2})[-/ ](?P<month>[^\W\d_]{3,9})\.?[-/ ](?P<year>\d{2}|\d{4})"
    r"(?:\s+(?P<hour>\d{1,2}):(?P<minute>\d\d)(?::(?P<second>\d\d))?(?:\s*(?P<half>[AaPp][Mm]))?)?"
)
EARLIEST, LATEST = datetime(1900, 1, 1), datetime(2200, 1, 1)  # what the roll-ups can count
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _month_numbers() -> dict[str, int]:
    """{month name or abbreviation, casefolded and without its dot: month number} in every shipped
    language (Babel's names: "mrt", "März", "Sept."), plus the first three letters of each."""
    numbers: dict[str, int] = {"sept": 9}
    for language in LANGUAGES:
        for width in ("abbreviated", "wide"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=language).items():
                    name = name.casefold().rstrip(".")
                    numbers.setdefault(name, number)
                    numbers.setdefault(name[:3], number)
    return numbers


_MONTH_NUMBERS = _month_numbers()


class TimestampReader:
    """Reads timestamps as naive UTC, to the second.

    ISO 8601 first (`2025-03-01T14:05:00+01:00`, `2025-03-01 14:05`, `2025-03-01`);
    then `dd/mm/yyyy` or `mm/dd/yyyy` (also with `-` or `.`, an optional time,
    seconds and AM/PM). Which of day and month comes first is decided per value
    when one of them is above 12, else by `dayfirst` (True: day first, False:
    month first); without it such a value is invalid, as it could be either.
    A value with a zone (`Z`, `UTC`, `+01:00`) is converted to UTC; one without
    is read in `zone` (an IANA name, default UTC).
    """

    def __init__(self, zone: str = "UTC", dayfirst: bool | None = None) -> None:
        try:
            local = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {zone!r} (use an IANA name like Europe/Amsterdam)") from None
        self.zone = zone
        self.dayfirst = dayfirst
        self._local = None if zone in ("UTC", "Etc/UTC") else local

    def __call__(self, value: str) -> datetime:
        try:
            moment = datetime.fromisoformat(value)  # the fast path: most exports write ISO 8601
        except ValueError:
            moment = self._other_formats(value.strip())
        if moment.tzinfo is None:
            if self._local is None:
                moment = moment.replace(microsecond=0) if moment.microsecond else moment
                return self._in_range(moment, value)
            moment = moment.replace(tzinfo=self._local)
        try:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)
        except OverflowError:
            raise InvalidValue(f"{_quoted(value.strip())} is not between {EARLIEST:%Y} and {LATEST:%Y}") from None
        return self._in_range(moment, value)

    @staticmethod
    def _named_month(match: re.Match, not_a_timestamp: InvalidValue) -> datetime:
        year = int(match["year"])
        if len(match["year"]) == 2:
            year += 2000 if year < 70 else 1900  # Jira's yy: 26 is 2026
        hour = _hour(match, not_a_timestamp)
        try:
            return datetime(year, _MONTH_NUMBERS[match["month"].casefold()], int(match["day"]), hour,
                            int(match["minute"] or 0), int(match["second"] or 0))
        except ValueError:
            raise not_a_timestamp from None

    @staticmethod
    def _in_range(moment: datetime, value: str) -> datetime:
        if not EARLIEST <= moment < LATEST:
            raise InvalidValue(f"{_quoted(value.strip())} is not between {EARLIEST:%Y} and {LATEST:%Y}")
        return moment

    def _other_formats(self, text: str) -> datetime:
        if not text:
            raise InvalidValue("is empty")
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
        match = _OTHER_TIMESTAMP.fullmatch(text)
        not_a_timestamp = InvalidValue(
            f"{_quoted(text)} is not a date and time like 2025-03-31 14:05 or 31/03/2025 14:05"
        )
        if match is None:
            named = _NAMED_MONTH_TIMESTAMP.fullmatch(text)
            if named is None or named["month"].casefold() not in _MONTH_NUMBERS:
                raise not_a_timestamp
            return self._named_month(named, not_a_timestamp)
        a, b, c = match["a"], match["b"], match["c"]
        if len(a) == 4 and len(c) <= 2:
            year, month, day = int(a), int(b), int(c)
        elif len(c) == 4 and len(a) <= 2:
            year, first, second = int(c), int(a), int(b)
            dayfirst = self.dayfirst
            if dayfirst is None and first != second:
                if first > 12 >= second:
                    dayfirst = True
                elif second > 12 >= first:
                    dayfirst = False
                elif first <= 12 and second <= 12:
                    raise InvalidValue(
                        f"{_quoted(text)} could be {first} {_MONTHS[second - 1]} or {second} {_MONTHS[first - 1]}: "
                        "pass --dayfirst or --monthfirst"
                    )
            day, month = (first, second) if dayfirst in (True, None) else (second, first)
        else:
            raise not_a_timestamp
        hour = _hour(match, not_a_timestamp)
        try:
            moment = datetime(year, month, day, hour, int(match["minute"] or 0), int(match["second"] or 0))
        except ValueError:
            raise not_a_timestamp from None
        zone = match["zone"]
        if zone is None:
            return moment
        if zone.upper() in ("Z", "UTC", "GMT"):
            return moment.replace(tzinfo=timezone.utc)
        digits = zone[1:].replace(":", "")
        if int(digits[:2]) > 23 or int(digits[2:] or 0) > 59:
            raise not_a_timestamp
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        return moment.replace(tzinfo=timezone(offset if zone[0] == "+" else -offset))


def _hour(match: re.Match, not_a_timestamp: InvalidValue) -> int:
    """The hour of a matched timestamp on the 24-hour clock (12 AM is 0)."""
    hour = int(match["hour"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            raise not_a_timestamp
        hour = hour % 12 + (12 if match["half"].lower() == "pm" else 0)
    return hour
