"""Masking personal data in survey comments before they reach a screen.

Only what identifies a person or a ticket is masked: e-mail addresses, phone
numbers, ticket numbers and employee numbers. Dates, times, amounts, version
numbers and the names of standards (COVID-19, ISO-9001) stay, because a wall
full of false alarms hides what the comment says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import phonenumbers

EMAIL = "[e-mail]"
PHONE = "[phone]"
TICKET = "[ticket]"
EMPLOYEE_NUMBER = "[employee no.]"

# The ITSM prefixes a ticket number starts with (ServiceNow and alike): INC0012345, RITM0001234, KB0010001.
TICKET_PREFIXES = ("INC", "REQ", "RITM", "CHG", "PRB", "TASK", "SCTASK", "KB")

# Names shaped like a Jira key (LETTERS-digits) that are standards, diseases or families, not tickets.
NOT_TICKET_KEYS = frozenset({
    "COVID", "SARS", "MERS", "ISO", "IEC", "EN", "DIN", "NEN", "BS", "ANSI", "IEEE", "RFC", "CVE", "CWE",
    "SHA", "MD", "UTF", "MPEG", "MP", "WPA", "IPV", "TLS", "SSL", "DDR", "USB", "HDMI", "PCI", "IP",
})

# The phone region a wall language implies, for numbers written without +country code.
_REGION_OF_LANGUAGE = {"en": "GB", "nl": "NL", "de": "DE"}
DEFAULT_REGION = "GB"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_EMPLOYEE_NUMBERS = (
    # The word alone is not enough ("staff 2026 party"): a number word or a colon must follow.
    re.compile(r"\b(?:employee|emp|personnel|staff)\s*(?:(?:no\.?|number|nr\.?|#|id)\s*[:#]?|[:#])\s*\d{3,}\b",
               re.IGNORECASE),
    re.compile(r"\bEMP-?\d{4,8}\b", re.IGNORECASE),
    re.compile(r"\b[EP]-?\d{5,8}\b(?!-\d)"),  # not the project key of a Jira key, E12345-7
)
# A Jira key: a project key of capitals (digits allowed after the first letter), a hyphen and the issue
# number; not when a dot or hyphen and more digits follow (a version or a date, not a key).
_JIRA_KEY = re.compile(r"\b([A-Z][A-Z0-9]{1,9})-\d{1,7}\b(?![.,-]\d)")


def phone_region(language: str) -> str:
    """The region whose national phone numbers a wall in `language` reads: en→GB, nl→NL, de→DE, else GB."""
    return _REGION_OF_LANGUAGE.get(language.split("-")[0].split("_")[0].lower(), DEFAULT_REGION)


def mask_personal_data(text: str, region: str = DEFAULT_REGION,
                       ticket_prefixes: Iterable[str] = TICKET_PREFIXES) -> str:
    """`text` with e-mail addresses, phone numbers, ticket and employee numbers replaced by labels.

    `region` (ISO 3166 code, GB, NL, DE…) decides which national phone numbers are recognised;
    numbers with a +country code are recognised in any region. `ticket_prefixes` are the prefixes
    of ticket numbers followed by digits (INC0012345); Jira-style keys (ABC-123) are masked too.
    """
    # Order matters: e-mail before the numbers that may sit inside one, tickets and employee
    # numbers before phones; the labels hold no digits, so nothing masked is found twice.
    text = _EMAIL.sub(EMAIL, text)
    for pattern in _EMPLOYEE_NUMBERS:
        text = pattern.sub(EMPLOYEE_NUMBER, text)
    text = _ticket_numbers(tuple(ticket_prefixes)).sub(TICKET, text)
    text = _JIRA_KEY.sub(lambda key: key[0] if key[1] in NOT_TICKET_KEYS else TICKET, text)
    return _mask_phone_numbers(text, region)


@lru_cache(maxsize=8)
def _ticket_numbers(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so the regex tries SCTASK before TASK.
    alternatives = "|".join(re.escape(prefix) for prefix in sorted(prefixes, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})-?\d{{4,}}\b", re.IGNORECASE)


# What tells a phone number from a date, an address or a version that phonenumbers also finds valid.
_COUNTRY_CODE = re.compile(r"[(\[]?\+")
_TRUNK = re.compile(r"[(\[]?0")
_DOTTED = re.compile(r"\d+(?:\.\d+){2,}")
_ONE_DIGIT_DOTTED = re.compile(r"(?<!\d)\d\.|\.\d(?!\d)")
_DOT_DIGIT = re.compile(r"\.\d")
_DIGIT_DOT = re.compile(r"\d[.:]")  # also the minutes of a time, "00:03"
_DATES = (
    re.compile(r"(?P<day>\d{1,2})(?P<sep>[./-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"),
    re.compile(r"(?P<year>\d{4})(?P<sep>[./-])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"),
)


MIN_NATIONAL_DIGITS = 7  # the shortest national number in GB, NL and DE with its 0 (030 1234 in Berlin)


def _mask_phone_numbers(text: str, region: str) -> str:
    # phonenumbers finds only numbers valid for their country, so most dates, times, amounts and versions
    # stay. It also accepts a national number without its leading 0 ("ISO 1680", "build 16400.0" are
    # German numbers to it); in Great Britain, the Netherlands and Germany people write that 0, or a +
    # and a country code, which no date or version starts with ("00:03 2000-01-01" does start with 00).
    # POSSIBLE, not VALID: a number of the right shape is masked even if the numbering plan does not
    # know its range (a made-up or new London number is still someone's phone); the guards below keep
    # dates, versions and amounts out.
    matches = list(phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE))
    for match in reversed(matches):
        international = _COUNTRY_CODE.match(match.raw_string)
        if not international and (not _TRUNK.match(match.raw_string)
                                  or sum(char.isdigit() for char in match.raw_string) < MIN_NATIONAL_DIGITS
                                  or _is_date_or_version(text, match.start, match.end)
                                  or re.match(r":\d", text[match.end:match.end + 2])):  # an hour: "01:00"
            continue
        start, end = _without_unpaired_brackets(text, match.start, match.end)
        text = text[:start] + PHONE + text[end:]
    return text


def _is_date_or_version(text: str, start: int, end: int) -> bool:
    # "0.201.0.10", "16400.0" and "02.01.2000" are valid numbers in Germany, but written like that they
    # are an address, a version or a date. Dots in a phone number part groups of two digits or more.
    number = text[start:end]
    if _DOT_DIGIT.match(text, end) or (start >= 2 and _DIGIT_DOT.fullmatch(text, start - 2, start)):
        return True  # part of a longer dotted run or of a time
    if _ONE_DIGIT_DOTTED.search(number) or any(_is_date(word.strip("()[]")) for word in number.split()):
        return True
    parts = number.split(".")
    return _DOTTED.fullmatch(number) is not None and len(parts) == 4 and all(len(part) <= 3 for part in parts)


def _is_date(number: str) -> bool:
    shape = _DATES[0].fullmatch(number) or _DATES[1].fullmatch(number)
    if not shape:
        return False
    day, month, year = (int(part) for part in shape.group("day", "month", "year"))
    try:
        date(year if year > 99 else 2000 + year, month, day)
    except ValueError:
        return False
    return True


def _without_unpaired_brackets(text: str, start: int, end: int) -> tuple[int, int]:
    # The matcher takes in a bracket that opens or closes the sentence around the number, "(call 0121…)";
    # that bracket is the writer's, not the number's.
    number = text[start:end]
    if number.startswith("(") and number.count("(") > number.count(")"):
        start += 1
    if number.endswith(")") and number.count(")") > number.count("("):
        end -= 1
    return start, end
