"""Word lists for de-identification: names, places, organisations, kept words and a Norwegian dictionary."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# The tokenisation used for phrases in the lists; the masker uses the same one for texts.
WORD_PATTERN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def read_list(name: str) -> tuple[str, ...]:
    """The entries of one data file (comments and blank lines skipped), in file order."""
    path = DATA_DIR / name
    entries = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            entry = line.strip()
            if entry and not entry.startswith("#"):
                entries.append(entry)
    return tuple(entries)


def fold(text: str) -> str:
    """The lookup key of a word or phrase: casefolded, typographic apostrophe and spaces normalised."""
    return " ".join(text.replace("’", "'").casefold().split())


@dataclass(frozen=True)
class PhraseSet:
    """Single-word entries as a set, multi-word entries as a compiled regex (or None)."""

    words: frozenset[str]
    phrases: re.Pattern[str] | None


def _trie_regex(phrases: Iterable[str]) -> str:
    """A regex alternation shaped like a trie, so matching costs O(length), not O(number of phrases)."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        if "" in node and len(node) == 1:
            return ""
        alternatives = []
        optional = False
        for char in sorted(node):
            if char == "":
                optional = True
                continue
            alternatives.append(re.escape(char) + build(node[char]))
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        if optional:
            body = "(?:" + body + ")?"
        return body

    return build(trie)


def build_phrase_set(entries: Iterable[str], *, ignore_case: bool) -> PhraseSet:
    """Split entries into single words (folded) and a whole-word regex for the multi-word ones."""
    words = set()
    phrases = set()
    for entry in entries:
        if WORD_PATTERN.fullmatch(entry):
            words.add(fold(entry))
        else:
            phrases.add(entry.casefold() if ignore_case else entry)
    pattern = None
    if phrases:
        flags = re.IGNORECASE if ignore_case else 0
        # Spaces in a phrase match any run of whitespace; longest alternatives win through the trie.
        body = _trie_regex(sorted(phrases)).replace(r"\ ", r"\s+")
        pattern = re.compile(r"(?<![\w])" + body + r"(?![\w])", flags)
    return PhraseSet(frozenset(words), pattern)


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    return frozenset(fold(name) for name in read_list("first_names.txt"))


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    return frozenset(fold(name) for name in read_list("surnames.txt"))


@lru_cache(maxsize=1)
def places() -> PhraseSet:
    entries = read_list("places_no.txt") + read_list("places_world.txt")
    return build_phrase_set(entries, ignore_case=False)


@lru_cache(maxsize=1)
def organisations() -> PhraseSet:
    return build_phrase_set(read_list("organisations.txt"), ignore_case=False)


@lru_cache(maxsize=1)
def street_suffixes() -> tuple[str, ...]:
    """Street endings, longest first so that "veien" is tried before "vei"."""
    return tuple(sorted({fold(s) for s in read_list("street_suffixes.txt")}, key=len, reverse=True))


@lru_cache(maxsize=1)
def address_suffixes() -> tuple[str, ...]:
    """Weaker address endings (only with a house number), longest first."""
    return tuple(sorted({fold(s) for s in read_list("address_suffixes.txt")}, key=len, reverse=True))


@lru_cache(maxsize=1)
def default_kept_words() -> tuple[str, ...]:
    return read_list("kept_words.txt")


@lru_cache(maxsize=16)
def kept_words(extra: frozenset[str] = frozenset()) -> PhraseSet:
    """The shipped kept words plus a caller's extra ones, matched case-insensitively."""
    return build_phrase_set(default_kept_words() + tuple(sorted(extra)), ignore_case=True)


@lru_cache(maxsize=1)
def _dictionaries() -> tuple[Mapping[str, str], ...]:
    """simplemma's Bokmål and Nynorsk form→lemma dictionaries (empty if simplemma is missing).

    A lowercase key is an ordinary word form; a capitalised key without a lowercase twin is a
    proper noun simplemma happens to know (``Kongsberg``, ``Geir``).
    """
    try:
        from simplemma.strategies.dictionaries.dictionary_factory import (
            DEFAULT_DICTIONARY_FACTORY,
        )
    except ImportError:  # degraded mode: every word counts as unknown, so more gets masked
        return ()
    dictionaries = []
    for language in ("nb", "nn"):
        try:
            dictionaries.append(DEFAULT_DICTIONARY_FACTORY.get_dictionary(language))
        except (ValueError, OSError):
            continue
    return tuple(dictionaries)


# Words that are common in Norwegian text but missing from simplemma's dictionaries, or names
# that must never be masked when typed in lowercase (English words, abbreviations, months).
EXTRA_ORDINARY_WORDS = frozenset(
    """
    are even will mark max tim sam jack ben dan don ken bill kim jan feb mar apr jun jul aug sep
    sept okt nov des man mon tor ons fre lør søn long price green white brown young gray bell wood
    rose grace hope joy may june eden sky star rock king page rich moore
    ok ja nei hei takk
    """.split()
)


@lru_cache(maxsize=200_000)
def word_lemma(lower: str) -> str | None:
    """simplemma's lemma of a lowercase word form, or None when neither dictionary knows it."""
    for dictionary in _dictionaries():
        lemma = dictionary.get(lower)
        if lemma is not None:
            return lemma
    return None


# Endings of Norwegian farm names and patronymics: a word like "Sponheim" or "Granstad" splits
# into two ordinary words, yet it is a name, so compound splitting stops at these endings.
NAME_ENDINGS = (
    "sen", "heim", "rud", "stad", "seth", "set", "dal", "dahl", "vik", "land", "nes", "berg",
    "gård", "gaard", "haug", "lie", "bø", "by", "bakk", "holm", "rød", "stuen", "moen", "sæter",
    "seter", "vold", "voll", "strand", "fjord", "øy", "ås", "aas", "hus", "toft", "hammer",
)


def _is_dictionary_word(lower: str) -> bool:
    """True when simplemma knows the lowercase form as a common word (not a proper noun)."""
    if lower in EXTRA_ORDINARY_WORDS:
        return True
    lemma = word_lemma(lower)
    # simplemma maps some lowercase forms to proper nouns ("justin" → "Justin", "sv" → "SV")
    return lemma is not None and not lemma[:1].isupper()


@lru_cache(maxsize=200_000)
def is_dictionary_word(lower: str) -> bool:
    """True when the lowercase form itself is in simplemma's dictionary as a common word."""
    return _is_dictionary_word(lower)


@lru_cache(maxsize=200_000)
def is_ordinary_word(lower: str) -> bool:
    """True when a lowercase form is a Norwegian word: in the dictionary, a genitive, or a compound."""
    if _is_dictionary_word(lower):
        return True
    if "-" in lower:
        return all(is_ordinary_word(part) for part in lower.split("-") if part)
    if lower.endswith("s") and len(lower) > 4 and _is_dictionary_word(lower[:-1]):
        return True  # genitive: "lovens", "menneskers"
    if lower.endswith(NAME_ENDINGS):
        return False
    # Compounds ("ruskonsulentene", "gjerningsbeskrivelsen") are rarely all in the dictionary:
    # accept a known head word of ≥ 4 letters after a known first part (with optional linking s/e).
    for split in range(3, len(lower) - 3):
        head = lower[split:]
        if not _is_dictionary_word(head):
            continue
        first = lower[:split]
        if _is_dictionary_word(first):
            return True
        if first[-1] in "se" and len(first) > 3 and _is_dictionary_word(first[:-1]):
            return True
    return False


# Function words that are also first names: only a clear verb after them makes them names.
FUNCTION_WORD_NAMES = frozenset({"andre", "hans", "vår", "per", "dag"})


@lru_cache(maxsize=1)
def name_words() -> frozenset[str]:
    """First names that are also common words ("per", "bo", "sol", "anna" in nynorsk)."""
    return frozenset(fold(word) for word in read_list("name_words.txt")) | FUNCTION_WORD_NAMES


def is_name_word(lower: str) -> bool:
    """True when a first name is also an everyday word, so it needs evidence to be masked.

    simplemma lists many names in lowercase ("geir", "einar"), so its dictionary alone cannot
    tell; the curated ``data/name_words.txt`` can.
    """
    return lower in name_words() or lower in EXTRA_ORDINARY_WORDS


@lru_cache(maxsize=200_000)
def dictionary_proper_noun(form: str) -> bool:
    """True when simplemma knows the capitalised form but not the lowercase one ("Kongsberg")."""
    if not form[:1].isupper() or form.isupper():
        return False
    if word_lemma(form.lower()) is not None:
        return False
    return any(dictionary.get(form) is not None for dictionary in _dictionaries())
