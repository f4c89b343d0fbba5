"""Masking personal data in comments, without false alarms.

Both directions are properties: e-mail addresses, valid phone numbers, ticket
and employee numbers placed in a sentence are always replaced by their label
and the words around them stay as written; dates, times, amounts, versions and
names of standards are never touched, whatever the wall's region.
"""

from __future__ import annotations

from datetime import date, time

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from obeya.privacy import (
    EMAIL, EMPLOYEE_NUMBER, NOT_TICKET_KEYS, PHONE, TICKET, TICKET_PREFIXES, mask_personal_data, phone_region,
)

REGIONS = ("GB", "NL", "DE")

# Words a colleague writes around the data; none of them starts a pattern on its own.
WORDS = ("the", "laptop", "was", "fixed", "quickly", "thanks", "call", "me", "on", "ticket", "printer", "still",
         "broken", "great", "support", "from", "mail", "at", "de", "printer", "werkt", "weer", "danke", "für",
         "die", "Hilfe", "Sanne", "Jürgen", "number", "reopened", "after", "update", "cost", "about")
SEPARATORS = (" ", ", ", ": ", " (", ") ", " - ", "; ")


def words():
    return st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join)


@st.composite
def sentence_around(draw, item):
    """(before, after): words and punctuation to put on either side of `item`."""
    before = draw(words())
    after = draw(words())
    before = before + draw(st.sampled_from(SEPARATORS)) if before else ""
    after = draw(st.sampled_from(SEPARATORS)).rstrip() + " " + after if after else draw(st.sampled_from(("", ".", "!")))
    return before, after


# --- what is masked ----------------------------------------------------------------------------------------

emails = st.from_regex(r"[a-z][a-z0-9._+-]{0,12}[a-z0-9]@[a-z][a-z0-9-]{0,10}[a-z0-9](\.[a-z]{2,6}){1,2}",
                       fullmatch=True)

_KINDS = (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE)
_FORMATS = (PhoneNumberFormat.NATIONAL, PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.E164)


@st.composite
def phone_numbers(draw):
    """(text, region to mask with): a valid NL, DE or GB number near an example one, in one of three forms."""
    home = draw(st.sampled_from(REGIONS))
    example = phonenumbers.example_number_for_type(home, draw(st.sampled_from(_KINDS)))
    national = str(example.national_number)
    tail = draw(st.text("0123456789", min_size=3, max_size=3))
    number = phonenumbers.parse(f"+{example.country_code}{national[:-3]}{tail}")
    assume(phonenumbers.is_valid_number(number))
    form = draw(st.sampled_from(_FORMATS))
    # A national number is read in its own country's region; a +country number in any.
    region = home if form == PhoneNumberFormat.NATIONAL else draw(st.sampled_from(REGIONS))
    return phonenumbers.format_number(number, form), region


jira_keys = st.tuples(
    st.from_regex(r"[A-Z][A-Z0-9]{1,9}", fullmatch=True).filter(lambda key: key not in NOT_TICKET_KEYS),
    st.integers(1, 9_999_999),
).map(lambda key: f"{key[0]}-{key[1]}")
itsm_numbers = st.tuples(st.sampled_from(TICKET_PREFIXES), st.sampled_from(("", "-")),
                         st.integers(1, 99_999_999)).map(lambda n: f"{n[0]}{n[1]}{n[2]:07d}")
employee_numbers = st.one_of(
    st.integers(10_000, 99_999_999).map(lambda n: f"EMP{n}"),
    st.integers(10_000, 99_999_999).map(lambda n: f"E-{n}"),
    st.integers(100, 999_999).map(lambda n: f"employee no. {n}"),
)


@given(emails, st.sampled_from(REGIONS), st.data())
def test_an_email_address_in_a_sentence_is_masked_and_the_rest_stays(email, region, data):
    before, after = data.draw(sentence_around(email))
    assert mask_personal_data(before + email + after, region=region) == before + EMAIL + after


@given(phone_numbers(), st.data())
def test_a_valid_phone_number_in_a_sentence_is_masked_and_the_rest_stays(phone, data):
    number, region = phone
    before, after = data.draw(sentence_around(number))
    assert mask_personal_data(before + number + after, region=region) == before + PHONE + after


@given(st.one_of(jira_keys, itsm_numbers), st.sampled_from(REGIONS), st.data())
def test_a_ticket_number_in_a_sentence_is_masked_and_the_rest_stays(ticket, region, data):
    before, after = data.draw(sentence_around(ticket))
    assert mask_personal_data(before + ticket + after, region=region) == before + TICKET + after


@given(employee_numbers, st.sampled_from(REGIONS), st.data())
def test_an_employee_number_in_a_sentence_is_masked_and_the_rest_stays(employee, region, data):
    before, after = data.draw(sentence_around(employee))
    assert mask_personal_data(before + employee + after, region=region) == before + EMPLOYEE_NUMBER + after


# --- what is not masked ------------------------------------------------------------------------------------

dates = st.tuples(st.dates(date(1990, 1, 1), date(2100, 12, 31)), st.integers(0, 4)).map(lambda d: (
    d[0].isoformat(),
    d[0].strftime("%d/%m/%Y"),
    f"{d[0].day}.{d[0].month}.{d[0].year}",
    d[0].strftime("%d.%m.%Y"),
    f"{d[0].month}/{d[0].day}/{d[0].year}",
)[d[1]])
times = st.tuples(st.times(), st.integers(0, 3)).map(lambda t: (
    t[0].strftime("%H:%M"),
    f"{(t[0].hour % 12) or 12}:{t[0].minute:02d}{'am' if t[0].hour < 12 else 'pm'}",
    t[0].strftime("%H:%M:%S"),
    f"{(t[0].hour % 12) or 12}:{t[0].minute:02d} {'AM' if t[0].hour < 12 else 'PM'}",
)[t[1]])
amounts = st.tuples(st.integers(0, 99_999_999), st.integers(0, 5)).map(lambda a: (
    f"€{a[0] / 100:,.2f}",
    f"{a[0] / 100:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") + " EUR",
    f"${a[0] // 100}",
    f"£{a[0] / 100:,.2f}",
    f"EUR {a[0] // 100}",
    f"{a[0] // 100:,} euro",
)[a[1]])
parts = st.integers(0, 99)
versions = st.one_of(
    st.tuples(parts, parts, parts).map(lambda v: f"v{v[0]}.{v[1]}.{v[2]}"),
    st.tuples(parts, parts).map(lambda v: f"version {v[0]}.{v[1]}"),
    st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255), st.integers(0, 255))
      .map(lambda v: ".".join(map(str, v))),
    st.tuples(st.integers(1, 30), st.integers(0, 9), st.integers(0, 99), st.integers(0, 99_999))
      .map(lambda v: f"Teams {v[0]}.{v[1]}.{v[2]:02d}.{v[3]}"),
    st.tuples(st.sampled_from((10, 11)), st.integers(19, 29), st.sampled_from("12"))
      .map(lambda v: f"Windows {v[0]} {v[1]}H{v[2]}"),
    st.tuples(st.integers(10_000, 29_999), st.integers(0, 9_999)).map(lambda v: f"build {v[0]}.{v[1]}"),
    st.sampled_from(("Office 365", "Microsoft 365", "Windows 11 23H2", "Teams 1.6.00.4472", "iOS 17.4.1")),
)
percentages = st.tuples(st.integers(0, 1000), st.sampled_from(("%", " %", "% "))).map(
    lambda p: f"{p[0] / 10:g}{p[1]}".strip())
standards = st.one_of(
    st.sampled_from(("COVID-19", "ISO-9001", "ISO 27001", "ISO/IEC 27001:2022", "Wi-Fi 6", "Wi-Fi 6E", "W10",
                     "W11", "A4", "A3", "SHA-256", "UTF-8", "IPv6", "H.264", "USB-C", "MP3", "EN 301 549")),
    st.integers(1000, 99_999).map(lambda n: f"ISO {n}"),
    st.integers(1000, 99_999).map(lambda n: f"ISO-{n}"),
)
harmless = st.one_of(dates, times, amounts, versions, percentages, standards)


@given(st.lists(harmless, min_size=1, max_size=4), st.sampled_from(REGIONS), st.data())
def test_dates_times_amounts_versions_and_standards_are_never_changed(items, region, data):
    text = ""
    for item in items:
        before, after = data.draw(sentence_around(item))
        text += before + item + after + " "
    assert mask_personal_data(text, region=region) == text


@given(st.one_of(emails.map(lambda e: (e, EMAIL)), jira_keys.map(lambda t: (t, TICKET)),
                 phone_numbers().map(lambda p: ((p[0], p[1]), PHONE))),
       harmless, harmless, st.data())
def test_personal_data_among_harmless_numbers_is_the_only_thing_masked(personal, first, last, data):
    item, label = personal
    item, region = item if isinstance(item, tuple) else (item, data.draw(st.sampled_from(REGIONS)))
    text = f"{first} and then {item} after {last}"
    assert mask_personal_data(text, region=region) == f"{first} and then {label} after {last}"


# --- word for word -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("comment", "region", "masked"), [
    ("INC0012345 still open, mail ana.costa@lab.example", "GB", "[ticket] still open, mail [e-mail]"),
    ("Analyser down all night, call me on +49 170 1234567", "GB", "Analyser down all night, call me on [phone]"),
    ("Bel me op 06-12345678 of +31 6 12 34 56 78", "NL", "Bel me op [phone] of [phone]"),
    ("Rückruf bitte unter 030 123456", "DE", "Rückruf bitte unter [phone]"),
    ("Tel. 0170/1234567, sonst 0049 30 1234567", "DE", "Tel. [phone], sonst [phone]"),
    ("bel 06.12.34.56.78 (of +31 (0)6 12345678)", "NL", "bel [phone] (of [phone])"),
    ("or +31 6.12345678", "GB", "or [phone]"),
    ("Ring 020 7946 0018 before 09:15", "GB", "Ring [phone] before 09:15"),
    ("See RITM0001234, CHG0030001 and SCTASK0012345", "GB", "See [ticket], [ticket] and [ticket]"),
    ("KB0010001 did not help, nor did OPS-42", "GB", "[ticket] did not help, nor did [ticket]"),
    ("Raised by EMP12345 for E-12345 (employee no. 4711)", "GB",
     "Raised by [employee no.] for [employee no.] ([employee no.])"),
    ("On 2026-12-01 at 9:15am the €1,250.00 laptop got Windows 11 23H2", "NL",
     "On 2026-12-01 at 9:15am the €1,250.00 laptop got Windows 11 23H2"),
    ("Rechnung 1.250,00 EUR vom 1.12.2026, Teams 1.6.00.4472, 95%", "DE",
     "Rechnung 1.250,00 EUR vom 1.12.2026, Teams 1.6.00.4472, 95%"),
    ("COVID-19 rules, ISO-9001 and ISO 27001 audit, Wi-Fi 6 on W10, print on A4 for $30", "GB",
     "COVID-19 rules, ISO-9001 and ISO 27001 audit, Wi-Fi 6 on W10, print on A4 for $30"),
    ("Office 365 v2.4.1 on 10.0.19045.3803 since 01/12/2026", "GB",
     "Office 365 v2.4.1 on 10.0.19045.3803 since 01/12/2026"),
    ("the staff 2026 party was fun", "GB", "the staff 2026 party was fun"),
    # Valid German numbers to phonenumbers, a date, an address, a build and a standard to a reader.
    ("Seit 02.01.2026 (02.01.2026) auf 0.201.0.10, build 16400.0, ISO 1680", "DE",
     "Seit 02.01.2026 (02.01.2026) auf 0.201.0.10, build 16400.0, ISO 1680"),
    ("Nachts um 00:03 2026-01-01", "NL", "Nachts um 00:03 2026-01-01"),
    ("Project key E12345-7 is not an employee", "GB", "Project key [ticket] is not an employee"),
])
def test_comments_word_for_word(comment, region, masked):
    assert mask_personal_data(comment, region=region) == masked


def test_without_a_region_a_number_shaped_like_a_phone_is_masked_all_the_same():
    # British by default; a Dutch mobile in a British wall still looks like someone's phone: better masked.
    assert mask_personal_data("call 020 7946 0018 or 06-12345678") == "call [phone] or [phone]"


def test_a_phone_number_the_numbering_plan_does_not_know_is_masked_too():
    assert mask_personal_data("Call me on 020 508 7471 if you want feedback") == \
        "Call me on [phone] if you want feedback"


def test_ticket_prefixes_are_configurable():
    comment = "SD123456 and INC0012345"
    assert mask_personal_data(comment, ticket_prefixes=("SD",)) == "[ticket] and INC0012345"


@pytest.mark.parametrize(("language", "region"), [("en", "GB"), ("nl", "NL"), ("de", "DE"), ("fr", "GB"),
                                                  ("nl-BE", "NL")])
def test_the_phone_region_follows_the_wall_language(language, region):
    assert phone_region(language) == region
