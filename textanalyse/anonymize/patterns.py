"""Rules for structured identifiers: e-mail, fødselsnummer, phone numbers, long numbers, dates, addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from textanalyse.anonymize.lexicon import address_suffixes, is_dictionary_word, street_suffixes

# Types, most specific first: when rule spans overlap, the earlier type in this order wins.
STRUCTURED_PRIORITY = ("EPOST", "FNR", "TELEFON", "TALL", "ADRESSE", "DATO")

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?<!\.)")

# 11 digits as ddmmyy + 5 digits, optionally split after the date part ("010190 12345").
ELEVEN_DIGITS = re.compile(r"(?<![\d,.])(\d{6})[ \-]?(\d{5})(?![\d]|[.,]\d)")

# Bank account numbers (11 digits, written 4.2.5) and any other run of 8 or more digits.
ACCOUNT = re.compile(r"(?<![\d,.])\d{4}[. ]\d{2}[. ]\d{5}(?![\d]|[.,]\d)")
LONG_NUMBER = re.compile(r"(?<![\d,.])\d{8,}(?![\d]|[.,]\d)")

_SEP = r"[ \u00a0.\-]"
# The separators inside one number are the same throughout ("97 11 55 65", "971-15-565"),
# which keeps ISO dates ("2024-03-12") and lists of years out.
PHONE = re.compile(
    r"(?<![\w+])"
    r"(?P<prefix>(?:\+|00)\s?47[ \u00a0\-]?)?"
    r"(?P<number>"
    rf"[2-9]\d(?P<a>{_SEP}?)\d\d(?P=a)\d\d(?P=a)\d\d"  # 97 11 55 65, 97115565
    rf"|[2-9]\d\d(?P<b>{_SEP})\d\d(?P=b)\d\d\d"  # 971 15 565
    rf"|[2-9]\d\d\d{_SEP}\d\d\d\d"  # 9711 5565
    r")"
    r"(?![\d]|[.,]\d)"
)
# Words that make an 8-digit number a phone number even when it does not start with 4 or 9.
PHONE_CUE = re.compile(
    r"(?<![\w])(?:tlf|telefon|telefonnummer|mobil|mobilnummer|mob|nummer|nr|ring|ringe|ringte|sms|"
    r"tekst|send|kontakt|kontaktes|direkte|sentralbord|vakttelefon)\W*(?:\w+\W+){0,3}$",
    re.IGNORECASE,
)

# Full month names, or abbreviations with their optional dot ("3. jan. 2023").
MONTHS = (
    "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember|"
    r"(?:jan|febr|feb|mar|apr|jun|jul|aug|sept|sep|okt|nov|des)(?![\w])\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
DATE_PATTERNS = (
    # 12. mars, 3. januar 2023, 3 jan. 2023
    re.compile(rf"(?<![\w.,]){_DAY}\.?\s*(?:{MONTHS})(?![\w])(?:\s+(?:19|20)\d\d(?!\d))?", re.IGNORECASE),
    # 12.03.2024, 12.3.24, 12-03-2024, 12/3/2024
    re.compile(rf"(?<![\w.,/]){_DAY}([./\-]){_MONTH}\1(?:(?:19|20)\d\d|\d\d)(?![\w]|[.,/]\d)"),
    # 2024-03-12
    re.compile(r"(?<![\w.,])(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?![\w])"),
    # 12/3, 12/3-24 (day/month with an optional year)
    re.compile(rf"(?<![\w.,/]){_DAY}/{_MONTH}(?:-(?:(?:19|20)\d\d|\d\d))?(?![\w]|[.,/]\d)"),
)
# "1/2" and friends are fractions far more often than dates ("24/7" means always).
FRACTIONS = frozenset({"24/7", "1/2", "1/3", "2/3", "1/4", "3/4", "1/5", "1/8", "1/10", "1/12"})

LOWERCASE_STREET_SUFFIXES = ("gata", "gate", "gaten", "veien", "vei", "vegen", "veg", "allé", "alléen")

_HOUSE_NUMBER = r"\d{1,4}(?:\s?[A-Za-z](?![\w]))?"
_FLOOR = r"(?:,?\s*\d{1,2}\.\s*(?:etasje|etg\.?|et\.)|,?\s*(?:leil(?:ighet)?\.?|H)\s?\d{3,4})?"
_POSTCODE = r"(?:,?\s*\d{4}\s+[A-ZÆØÅ][\wæøå\-]+)?"


@lru_cache(maxsize=1)
def address_pattern() -> re.Pattern[str]:
    """Street name + house number [+ floor] [+ postcode and town], e.g. "Parkveien 3, 2. etasje"."""
    strong = "|".join(re.escape(s) for s in street_suffixes())
    weak = "|".join(re.escape(s) for s in address_suffixes())
    lowercase_ok = "|".join(re.escape(s) for s in LOWERCASE_STREET_SUFFIXES)
    # A capitalised word ending in a street or address ending ("Storgata", "Solbakken"); a
    # lowercase one only with the unmistakable endings ("storgata 12", but not "barnehagen 2");
    # or capitalised words before a separate street word ("Kong Oscars gate", "Meyers gate").
    capitalised = rf"[A-ZÆØÅ][^\W\d_]+(?:-[^\W\d_]+)?(?i:{strong}|{weak})"
    lowercase = rf"[^\W\d_]{{2,}}(?:-[^\W\d_]+)?(?:{lowercase_ok})"
    separate = rf"(?:[A-ZÆØÅ][\w'’.\-]*\s+){{1,3}}(?:{strong})"
    return re.compile(
        rf"(?<![\w])(?:{separate}|{capitalised}|{lowercase})\s+{_HOUSE_NUMBER}(?![\d,.]\d)"
        rf"{_FLOOR}{_POSTCODE}(?![\w])"
    )


def fnr_is_valid(digits: str) -> bool:
    """True when an 11-digit string has valid fødselsnummer check digits (mod 11, both of them).

    D-numbers (day + 40) and H-numbers (month + 40) pass the same check.

    >>> fnr_is_valid("01019012345")
    False
    """
    if len(digits) != 11 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    weights_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
    weights_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    k1 = 11 - sum(w * x for w, x in zip(weights_1, d[:9])) % 11
    k1 = 0 if k1 == 11 else k1
    if k1 == 10 or k1 != d[9]:
        return False
    k2 = 11 - sum(w * x for w, x in zip(weights_2, d[:10])) % 11
    k2 = 0 if k2 == 11 else k2
    return k2 != 10 and k2 == d[10]


def find_structured(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, type) for every structured identifier; spans may overlap."""
    for match in EMAIL.finditer(text):
        yield match.start(), match.end(), "EPOST"
    for match in ELEVEN_DIGITS.finditer(text):
        digits = match.group(1) + match.group(2)
        # A failed check is most often a typo in a real number: it is masked all the same.
        yield match.start(), match.end(), "FNR" if fnr_is_valid(digits) else "TALL"
    for match in ACCOUNT.finditer(text):
        yield match.start(), match.end(), "TALL"
    for match in PHONE.finditer(text):
        number = match.group("number")
        digits = re.sub(r"\D", "", number)
        grouped_4_4 = len(number) == 9 and number[4] in " \u00a0.-"
        has_cue = bool(PHONE_CUE.search(text[max(0, match.start() - 40) : match.start()]))
        if match.group("prefix") or has_cue:
            kind = "TELEFON"
        elif grouped_4_4:
            continue  # "2019 2020" is two years, not a phone number
        elif digits[0] in "49" or number != digits:
            kind = "TELEFON"  # mobile numbers, and the usual grouped ways of writing any number
        else:
            kind = "TALL"
        yield match.start(), match.end(), kind
    for match in LONG_NUMBER.finditer(text):
        yield match.start(), match.end(), "TALL"
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            if match.group(0) in FRACTIONS:
                continue
            yield match.start(), match.end(), "DATO"
    for match in address_pattern().finditer(text):
        words = match.group(0).split()
        first_word = words[0].lower()
        one_word_street = len(words) > 1 and words[1][:1].isdigit()
        if one_word_street and not first_word.endswith(street_suffixes()) and is_dictionary_word(first_word):
            continue  # "Barnehagen 2 dager": an ordinary word with an address-like ending
        yield match.start(), match.end(), "ADRESSE"
