"""The masking rules for one text: tokens, context cues and which capitalised words are names or places.

:func:`textanalyse.anonymize.masker.mask_text` combines these candidates with the structured
identifiers (:mod:`textanalyse.anonymize.patterns`) and a pipeline's entities. The word lists
the rules use live in ``anonymize/data/`` (each file says what it holds and why).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from textanalyse.anonymize import lexicon
from textanalyse.anonymize.lexicon import WORD_PATTERN, fold
from textanalyse.anonymize.patterns import STRUCTURED_PRIORITY, find_structured

# When spans overlap, the type earlier in this order wins: structured identifiers first, then
# a pipeline's entities, then the rules' organisations, places and names.
_PRIORITY = {kind: rank for rank, kind in enumerate(STRUCTURED_PRIORITY + ("ORG", "STED", "NAVN"))}

# Context cues: word lists in data/, each file saying what it holds and how it is used here.
STRONG_NAME_CUES = frozenset(lexicon.read_list("name_cues.txt"))  # "heter ola"
RELATION_AND_TITLE_WORDS = frozenset(lexicon.read_list("relation_and_title_words.txt"))  # "kona mi kari"
POSSESSIVES = frozenset(lexicon.read_list("possessives.txt"))
PLACE_PREPOSITIONS = frozenset(lexicon.read_list("place_prepositions.txt"))  # "bor på Hamar": a place
PLACE_FOLLOWERS = frozenset(lexicon.read_list("place_followers.txt"))  # "Hamar kommune"
SUBJECT_FOLLOWERS = frozenset(lexicon.read_list("subject_followers.txt"))  # "Per ringte": a name
ABBREVIATIONS = frozenset(lexicon.read_list("abbreviations.txt"))  # a dot after these ends no sentence
NAME_PARTICLES = frozenset(lexicon.read_list("name_particles.txt"))  # "van", "von", "bin"
ORG_WORD_ENDINGS = lexicon.read_list("organisation_endings.txt")  # "Arbeiderpartiet"
COMPANY_SUFFIXES = frozenset(lexicon.read_list("company_suffixes.txt"))  # "… AS"
_OPENING_PUNCTUATION = " \t\r\u00a0«\"'“‘„(–—-*•[>"
_SENTENCE_END = ".!?:…"
_NUMBERING = re.compile(r"[.!?:…]?\s+(?:\d+(?:\.\d+)+\.?|\d+[.)])\s+")


@dataclass
class _Token:
    start: int
    end: int
    form: str
    lower: str
    capitalised: bool
    all_caps: bool
    initial: bool
    gap_before: str  # the text between the previous word and this one


@dataclass
class _Candidate:
    start: int
    end: int
    type: str
    rank: float


def _lookup_key(lower: str, names: frozenset[str], place_words: frozenset[str]) -> str:
    """The key to look up: the genitive "s" is dropped when that turns it into a known entry."""
    if lower in names or lower in place_words:
        return lower
    for suffix in ("'s", "'", "s"):
        if lower.endswith(suffix) and len(lower) > len(suffix) + 1:
            base = lower[: -len(suffix)]
            if base in names or base in place_words:
                return base
    return lower


def _tokens(text: str, shouting: bool) -> list[_Token]:
    tokens: list[_Token] = []
    previous_end = 0
    previous_lower = ""
    for match in WORD_PATTERN.finditer(text):
        start, end = match.span()
        form = match.group()
        gap = text[previous_end:start]
        if not tokens:
            initial = not any(c.isalnum() for c in gap)
        elif "\n" in gap:
            initial = True
        elif _NUMBERING.fullmatch(gap):
            initial = True  # a numbered heading or list item: "11.3.2 Grunnlaget", "2) Kari"
        else:
            stripped = gap.rstrip(_OPENING_PUNCTUATION)
            initial = bool(stripped) and stripped[-1] in _SENTENCE_END
            if initial and stripped.endswith(".") and stripped == ".":
                # "f.eks. Kari", "St. Hanshaugen", "O. Nordmann": an abbreviation or initial.
                if previous_lower in ABBREVIATIONS or len(previous_lower) == 1:
                    initial = False
        lower = form.lower()
        capitalised = form[0].isupper() and not shouting
        tokens.append(
            _Token(
                start=start,
                end=end,
                form=form,
                lower=lower,
                capitalised=capitalised,
                all_caps=capitalised and len(form) > 1 and form.isupper(),
                initial=initial,
                gap_before=gap,
            )
        )
        previous_end = end
        previous_lower = lower
        # "f.eks" is two tokens around a dot: remember the whole abbreviation for the next word
        if gap == "." and len(tokens) >= 2:
            previous_lower = tokens[-2].lower + "." + lower
    return tokens


def _is_shouting(text: str) -> bool:
    """True for texts typed mostly in capitals, where capitalisation says nothing about names."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 12:
        return False
    return sum(c.isupper() for c in letters) > 0.6 * len(letters)


def _joined(token: _Token) -> bool:
    """True when only spaces separate this token from the previous one."""
    return token.gap_before.strip(" \t\u00a0") == ""


class _Lexicon:
    """The word lists needed for one call (kept words may include the caller's extras)."""

    def __init__(self, extra_kept: frozenset[str]) -> None:
        self.first = lexicon.first_names()
        self.surnames = lexicon.surnames()
        self.names = self.first | self.surnames
        places = lexicon.places()
        self.place_words = places.words
        self.place_phrases = places.phrases
        organisations = lexicon.organisations()
        self.org_words = organisations.words
        self.org_phrases = organisations.phrases
        kept = lexicon.kept_words(extra_kept)
        self.kept = kept.words
        self.kept_phrases = kept.phrases
        self.streets = lexicon.street_suffixes()
        self.place_or_org = self.place_words | self.org_words


def _is_kept(form: str, lex: _Lexicon) -> bool:
    key = fold(form)
    if key in lex.kept:
        return True
    if "-" in key:
        return key.split("-", 1)[0] in lex.kept  # "NAV-kontoret", "DPS-et", "MO-senteret"
    return False


def _street_name(lower: str, streets: tuple[str, ...]) -> bool:
    return any(lower.endswith(suffix) and len(lower) >= len(suffix) + 3 for suffix in streets)


def _classify_capitalised(token: _Token, prev: _Token | None, nxt: _Token | None, lex: _Lexicon) -> str | None:
    """The placeholder type of a capitalised word, or None to leave it; sentence position aside."""
    key = _lookup_key(token.lower, lex.names, lex.place_or_org)
    after_place_word = prev is not None and _joined(token) and prev.lower in PLACE_PREPOSITIONS
    before_place_word = nxt is not None and _joined(nxt) and nxt.lower in PLACE_FOLLOWERS
    is_place = key in lex.place_words
    if key in lex.org_words:
        return "ORG"
    if is_place and (after_place_word or before_place_word):
        return "STED"
    if key in lex.names:
        return "NAVN"
    if is_place:
        return "STED"
    if "-" in token.lower:
        parts = [p for p in token.lower.split("-") if p]
        if any(p in lex.place_words for p in parts):
            return "STED"  # "Oslo-området", "Bergens-kanten"
        if any(p in lex.names for p in parts):
            return "NAVN"
    if token.all_caps:
        return "ORG"  # an unknown acronym is an organisation far more often than a person
    if token.lower.endswith(ORG_WORD_ENDINGS):
        return "ORG"
    if _street_name(token.lower, lex.streets):
        return "STED"
    return "STED" if after_place_word else "NAVN"


def _name_context(tokens: Sequence[_Token], index: int) -> bool:
    """True when the words before token ``index`` announce a name ("heter", "kona mi", "sykepleier")."""
    token = tokens[index]
    if index == 0 or token.gap_before.strip(" \t\u00a0,:") != "":
        return False
    prev = tokens[index - 1]
    if prev.lower in STRONG_NAME_CUES or prev.lower in RELATION_AND_TITLE_WORDS:
        return True
    if prev.lower in POSSESSIVES and index >= 2 and _joined(prev):
        return tokens[index - 2].lower in RELATION_AND_TITLE_WORDS
    return False


def _find_rule_spans(text: str, lex: _Lexicon) -> tuple[list[_Candidate], list[str]]:
    """Candidate spans from all rules, and the capitalised words let through (uncertain)."""
    candidates: list[_Candidate] = []
    for start, end, kind in find_structured(text):
        candidates.append(_Candidate(start, end, kind, _PRIORITY[kind]))

    blocked = bytearray(len(text))  # 1 where a word must not be looked at again

    def block(start: int, end: int) -> None:
        blocked[start:end] = b"\x01" * (end - start)

    for candidate in candidates:
        block(candidate.start, candidate.end)
    if lex.kept_phrases is not None:
        for match in lex.kept_phrases.finditer(text):
            block(*match.span())
    for phrases, kind in ((lex.org_phrases, "ORG"), (lex.place_phrases, "STED")):
        if phrases is None:
            continue
        for match in phrases.finditer(text):
            if not blocked[match.start()]:
                candidates.append(_Candidate(match.start(), match.end(), kind, _PRIORITY[kind]))
                block(*match.span())

    shouting = _is_shouting(text)
    tokens = _tokens(text, shouting)
    decided: list[str | None] = [None] * len(tokens)
    uncertain: list[str] = []

    for index, token in enumerate(tokens):
        if blocked[token.start] or blocked[token.end - 1]:
            continue
        prev = tokens[index - 1] if index > 0 else None
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        if _is_kept(token.form, lex):
            continue
        if token.capitalised:
            kind = _decide_capitalised(tokens, index, prev, nxt, decided, lex)
            emphasis = token.all_caps and lexicon.is_dictionary_word(token.lower)
            if kind is None and not emphasis and (not token.initial or _known(token, lex)) and len(token.form) > 1:
                uncertain.append(token.form)
        else:
            kind = _decide_lowercase(tokens, index, prev, decided, lex)
        decided[index] = kind

    # Lower-case first names that are also words ("siv og jonas") need context: name_context.py.
    from textanalyse.anonymize.name_context import lowercase_names

    lowercase_names(tokens, decided, is_name_word=lexicon.is_name_word, is_first_name=lex.first.__contains__,
                    joined=_joined, blocked=lambda token: bool(blocked[token.start] or blocked[token.end - 1]),
                    function_words=lexicon.FUNCTION_WORD_NAMES)

    # Company names: capitalised words before AS/ASA/… ("Hansen Bygg AS") form one organisation.
    for index, token in enumerate(tokens):
        if token.form not in COMPANY_SUFFIXES or index == 0 or not _joined(token):
            continue
        first = index - 1
        if not tokens[first].form[0].isupper():
            continue
        while first > 0 and _joined(tokens[first]) and not tokens[first].initial:
            before = tokens[first - 1]
            if before.form in COMPANY_SUFFIXES:
                break  # "Hansen AS og Equinor ASA" are two companies
            if before.form[0].isupper():
                first -= 1
            elif (
                before.lower == "og"
                and first >= 2
                and _joined(before)
                and tokens[first - 2].form[0].isupper()
                and tokens[first - 2].form not in COMPANY_SUFFIXES
            ):
                first -= 2  # "Bygg og Anlegg AS"
            else:
                break
        for j in range(first, index + 1):
            decided[j] = "ORG"

    candidates.extend(_chunks(tokens, decided))
    return candidates, uncertain


def _known(token: _Token, lex: _Lexicon) -> bool:
    key = _lookup_key(token.lower, lex.names, lex.place_words)
    return key in lex.names or key in lex.place_words or key in lex.org_words


def _decide_capitalised(
    tokens: Sequence[_Token],
    index: int,
    prev: _Token | None,
    nxt: _Token | None,
    decided: Sequence[str | None],
    lex: _Lexicon,
) -> str | None:
    token = tokens[index]
    if token.lower in ABBREVIATIONS:
        return None  # "Dr. Eriksen", "Tlf: …": the abbreviation, not a name
    if len(token.form) == 1:
        # An initial belongs to a name next to it ("O. Nordmann", "Kari N."); alone it is left.
        return None
    if token.all_caps and lexicon.is_dictionary_word(token.lower):
        return None  # emphasis ("de hjelper IKKE"), not an acronym
    if not token.initial:
        # Norwegian capitalises nothing but names mid-sentence: every such word is masked.
        return _classify_capitalised(token, prev, nxt, lex)
    # Sentence-initial: capitalisation says nothing, so the word itself has to look like a name.
    key = _lookup_key(token.lower, lex.names, lex.place_or_org)
    known_first = key in lex.first
    known_other = key in lex.surnames or key in lex.place_words or key in lex.org_words
    if known_first or known_other:
        ambiguous = lexicon.is_name_word(key) if known_first else lexicon.is_dictionary_word(key)
        if not ambiguous:
            return _classify_capitalised(token, prev, nxt, lex)
        return _classify_capitalised(token, prev, nxt, lex) if _confirms_name(token, nxt, tokens, index, lex) else None
    if lexicon.dictionary_proper_noun(token.form):
        return _classify_capitalised(token, prev, nxt, lex)
    if lexicon.is_ordinary_word(token.lower):
        return None
    if "-" in token.lower:
        parts = token.lower.split("-")
        if all(lexicon.is_ordinary_word(p) or p in lex.kept for p in parts if p):
            return None
    # Not a Norwegian word at the start of a sentence: a name ("Eilertsen sier …") or a typo.
    return _classify_capitalised(token, prev, nxt, lex)


def _confirms_name(token: _Token, nxt: _Token | None, tokens: Sequence[_Token], index: int, lex: _Lexicon) -> bool:
    """For a sentence-initial word that is both a name and a word: does what follows make it a name?"""
    if nxt is None:
        return False
    if nxt.gap_before.strip(" \t\u00a0") == "," and nxt.capitalised and not nxt.initial:
        return not _is_kept(nxt.form, lex)  # "Høyre, KrF og Venstre"
    if not _joined(nxt):
        return False
    if nxt.capitalised and not _is_kept(nxt.form, lex):
        return True  # "Per Hansen", "Finn Eilertsen"
    if nxt.lower in PLACE_FOLLOWERS and token.lower in lex.place_words:
        return True  # "Moss kommune"
    if nxt.lower == "og":
        after = tokens[index + 2] if index + 2 < len(tokens) else None
        return after is not None and after.capitalised and _joined(after)
    if nxt.lower in SUBJECT_FOLLOWERS:
        return True
    if token.lower in lexicon.FUNCTION_WORD_NAMES:
        return False  # "Hans kone", "Per innbygger": only a clear verb above makes these names
    # A finite verb after the word ("Tore lurer på", "Liv kjørte"): the word is the subject.
    lemma = lexicon.word_lemma(nxt.lower)
    if lemma is not None and lemma != nxt.lower and lemma.endswith("e") and not lemma[:1].isupper():
        return True
    return len(nxt.lower) >= 4 and nxt.lower.endswith(("er", "te", "de")) and lexicon.is_dictionary_word(nxt.lower)


def _decide_lowercase(
    tokens: Sequence[_Token],
    index: int,
    prev: _Token | None,
    decided: Sequence[str | None],
    lex: _Lexicon,
) -> str | None:
    token = tokens[index]
    if len(token.lower) < 3 or token.lower in POSSESSIVES:
        return None
    key = _lookup_key(token.lower, lex.names, lex.place_words)
    in_context = _name_context(tokens, index)
    # A surname right after a masked first name: "ola hansen", "Kari nilsen".
    follows_name = prev is not None and _joined(token) and decided[index - 1] == "NAVN"
    if key in lex.names and (in_context or (follows_name and key in lex.surnames)):
        return "NAVN"
    if in_context and prev is not None and prev.lower in STRONG_NAME_CUES and not lexicon.is_ordinary_word(token.lower):
        return "NAVN"  # "han heter zlatan": an unknown non-word right after "heter"
    if key in lex.first and not lexicon.is_name_word(key) and key not in lex.place_words:
        return "NAVN"  # "kari", "trond": names that are no everyday word
    if key in lex.place_words and not lexicon.is_ordinary_word(key):
        return "STED"  # "oslo", "tromsø"
    if (
        prev is not None
        and _joined(token)
        and prev.lower in PLACE_PREPOSITIONS
        and _street_name(token.lower, lex.streets)
        and not lexicon.is_ordinary_word(token.lower)
    ):
        return "STED"  # "bor i storgata"
    return None


def _chunks(tokens: Sequence[_Token], decided: Sequence[str | None]) -> list[_Candidate]:
    """Join adjacent masked words into one span ("Finn Eilertsen" → one [NAVN])."""
    spans: list[_Candidate] = []
    index = 0
    count = len(tokens)
    while index < count:
        kind = decided[index]
        if kind is None:
            index += 1
            continue
        first = index
        kinds = [kind]
        last = index
        probe = index + 1
        while probe < count:
            token = tokens[probe]
            if decided[probe] is not None and _joined(token) or (
                decided[probe] is not None and token.gap_before == "-"
            ):
                kinds.append(decided[probe])
                last = probe
                probe += 1
                continue
            # "Ludwig van Beethoven": a particle between two masked words belongs to the name.
            if (
                token.lower in NAME_PARTICLES
                and _joined(token)
                and probe + 1 < count
                and decided[probe + 1] is not None
                and _joined(tokens[probe + 1])
            ):
                last = probe + 1
                kinds.append(decided[probe + 1])
                probe += 2
                continue
            break
        start, end = tokens[first].start, tokens[last].end
        # Initials next to a name: "O. Nordmann", "Kari N."
        if first > 0 and tokens[first].gap_before.strip() == "." and len(tokens[first - 1].form) == 1 and tokens[first - 1].form.isupper():
            start = tokens[first - 1].start
        if (
            last + 1 < count
            and len(tokens[last + 1].form) == 1
            and tokens[last + 1].form.isupper()
            and _joined(tokens[last + 1])
        ):
            end = tokens[last + 1].end
        if "ORG" in kinds:
            chunk_kind = "ORG"
        elif kinds[0] == "STED" and "NAVN" in kinds[1:]:
            chunk_kind = "STED"  # "Oslo Sentrum"
        elif "NAVN" in kinds:
            chunk_kind = "NAVN"
        else:
            chunk_kind = kinds[0]
        spans.append(_Candidate(start, end, chunk_kind, _PRIORITY[chunk_kind]))
        index = last + 1
    return spans
