"""Mask names, places, organisations and identifiers in one Norwegian text with placeholders."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from textanalyse.anonymize import lexicon
from textanalyse.anonymize.lexicon import WORD_PATTERN, fold
from textanalyse.anonymize.patterns import STRUCTURED_PRIORITY, find_structured

# Placeholder per type. Numbered placeholders ("[NAVN-1]") are used for the NUMBERED_TYPES.
PLACEHOLDERS = {
    "NAVN": "[NAVN]",
    "STED": "[STED]",
    "ORG": "[ORG]",
    "ADRESSE": "[ADRESSE]",
    "TELEFON": "[TELEFON]",
    "EPOST": "[EPOST]",
    "FNR": "[FØDSELSNUMMER]",
    "TALL": "[TALL]",
    "DATO": "[DATO]",
}
NUMBERED_TYPES = frozenset({"NAVN", "STED", "ORG"})

# Entity labels of a trained pipeline (NorNE scheme, see ARCHITECTURE.md) → placeholder type.
# GPE_ORG ("Norge vedtok …") is a place name used as an actor: it is masked as a place.
ENTITY_TYPES = {
    "PER": "NAVN",
    "PERSON": "NAVN",
    "LOC": "STED",
    "GPE_LOC": "STED",
    "GPE": "STED",
    "GPE_ORG": "STED",
    "ORG": "ORG",
}

# When spans overlap, the type earlier in this order wins: structured identifiers first, then
# a pipeline's entities, then the rules' organisations, places and names.
_PRIORITY = {kind: rank for rank, kind in enumerate(STRUCTURED_PRIORITY + ("ORG", "STED", "NAVN"))}
# A pipeline's entity label ranks after the structured identifiers but before any rule guess.
_ENTITY_RANK = len(STRUCTURED_PRIORITY) - 0.5

# Context cues. Lowercase words before a name: "heter ola", "kona mi kari", "sykepleier per".
STRONG_NAME_CUES = frozenset(
    "heter het hette heiter heitte heita kalt kalla kalles kaltes kallast navnet namnet navn namn".split()
)
RELATION_AND_TITLE_WORDS = frozenset(
    """
    sønn sønnen son sonen datter datteren dattera dotter dottera barn barnet gutten guten jenta
    kone kona konen mann mannen ektemann ektemannen ektefelle ektefellen samboer samboeren
    sambuar sambuaren kjæreste kjæresten partner partneren eks eksen bror broren broder søster
    søstera søsteren syster systera mor moren mora far faren mamma mammaen pappa pappaen onkel
    onkelen tante tanta tanten bestemor bestefar farmor farfar mormor morfar svoger svigerinne
    svigermor svigerfar nevø niese fetter fetteren kusine kusina stefar stemor venn vennen
    venninne venninna venninnen kompis kompisen nabo naboen kollega kollegaen sjef sjefen
    sykepleier sykepleieren sjukepleiar sjukepleiaren lege legen fastlege fastlegen doktor dr
    psykolog psykologen psykiater psykiateren ruskonsulent ruskonsulenten konsulent konsulenten
    saksbehandler saksbehandleren sakshandsamar veileder veilederen rettleiar kontaktperson
    kontaktpersonen primærkontakt primærkontakten miljøarbeider miljøarbeideren miljøterapeut
    miljøterapeuten terapeut terapeuten behandler behandleren sosionom sosionomen vernepleier
    vernepleieren koordinator koordinatoren erfaringskonsulent erfaringskonsulenten likeperson
    prest presten advokat advokaten dommer dommeren betjent betjenten lærer læreren rektor
    leder lederen fysioterapeut tannlege jordmor helsesøster helsesykepleier fru herr hr frk
    """.split()
)
POSSESSIVES = frozenset("min mi mitt mine vår vårt våre din di ditt dine hans hennes deres dens".split())
# Lowercase words after which a capitalised word is a place rather than a person.
PLACE_PREPOSITIONS = frozenset(
    """
    i på fra til ved mot gjennom utenfor nær rundt langs via innenfor ovenfor nedenfor
    bortenfor nord sør øst vest nordvest nordaust nordøst sørvest sørøst søraust frå
    """.split()
)
PLACE_FOLLOWERS = frozenset(
    "kommune kommunes kommunen by byen sentrum stasjon fylke fylkeskommune bydel".split()
)
# A sentence-initial name that is also a word ("Per", "Bo", "Sol") is masked when one of these
# follows: names are subjects, and these are the verbs and words that follow subjects.
SUBJECT_FOLLOWERS = frozenset(
    """
    sa sier seier sei har hadde er var ble blei blir vart kom kommer kjem hjalp hjelper hjelpte
    ringte ringer fikk får fekk gikk går gjekk skal skulle vil ville kan kunne må måtte jobber
    jobbet jobbar jobba bor bodde budde mente mener meiner synes syntes synest tok tar ga gav
    gir spurte spør fortalte forteller tenkte tenker tror trodde snakket snakker snakka sendte
    sender møtte møter mistet døde hentet henter satt sitter står sto stod lå ligger fulgte
    følger lovet prøvde prøver forsto forstod forstår ordnet ordner fant husker visste vet
    likte liker elsker hater skrev skriver svarte svarer ordna gjorde gjør kjørte kjører
    viste viser hørte hører tilbød tilbyr på hos fra
    """.split()
)
# A dot after these does not end a sentence, so the next word is not sentence-initial.
ABBREVIATIONS = frozenset(
    """
    f.eks eks bl.a ca dvs mm osv jf kl nr tlf ev evt ifm mht pga st dr ang vedr ref adm
    avd inkl ekskl iflg mrk obs pr prof hr fr frk sml forts
    """.split()
)
NAME_PARTICLES = frozenset("van von de der den la le di da du bin ibn al el".split())
ORG_WORD_ENDINGS = (
    "partiet", "banken", "forbundet", "foreningen", "forening", "laget", "klubben", "kompani",
    "kompaniet", "gruppen", "konsernet", "avisen", "avisa", "posten", "bladet", "tidende",
    "stiftelsen", "stiftinga", "kirken", "kyrkja", "menigheten", "senteret",
)
COMPANY_SUFFIXES = frozenset({"AS", "ASA", "SA", "ANS", "DA", "BA", "KS", "NUF"})
_OPENING_PUNCTUATION = " \t\r\u00a0«\"'“‘„(–—-*•[>"
_SENTENCE_END = ".!?:…"
_NUMBERING = re.compile(r"[.!?:…]?\s+(?:\d+(?:\.\d+)+\.?|\d+[.)])\s+")


class MaskSpan(NamedTuple):
    """One masked stretch: character offsets into the ORIGINAL text, type, placeholder, original."""

    start: int
    end: int
    type: str
    placeholder: str
    original: str


@dataclass(frozen=True)
class MaskResult:
    """The masked text, the masked spans and capitalised words that were let through.

    ``uncertain`` lists capitalised words the rules left readable although they stand where a
    name could stand (not sentence-initial, or a known name at the start of a sentence); quote
    candidates containing any of them deserve a human look. Its repr shows counts only, so
    that originals never end up in logs.
    """

    text: str
    spans: tuple[MaskSpan, ...]
    uncertain: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"MaskResult(<{len(self.text)} characters>, spans={len(self.spans)}, uncertain={len(self.uncertain)})"


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


def _entity_candidates(text: str, entities: Iterable[Sequence], lex: _Lexicon) -> list[_Candidate]:
    candidates = []
    for entity in entities:
        start, end, label = int(entity[0]), int(entity[1]), str(entity[2]).upper()
        kind = ENTITY_TYPES.get(label.split("-")[-1] if label.startswith(("B-", "I-")) else label)
        if kind is None or not 0 <= start < end <= len(text):
            continue
        # Widen to whole words so that no letters of a name are left on either side.
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        while end < len(text) and text[end].isalnum():
            end += 1
        surface = text[start:end]
        if _is_kept(surface, lex) or (lex.kept_phrases is not None and lex.kept_phrases.fullmatch(surface)):
            continue  # a pipeline calling "NAV" an organisation does not make it identifying
        if kind == "ORG" and _is_known_place(surface):
            kind = "STED"  # news-trained models often call a town an organisation ("bor på Hamar")
        candidates.append(_Candidate(start, end, kind, _ENTITY_RANK))
    return candidates


def _is_known_place(surface: str) -> bool:
    from textanalyse.anonymize.lexicon import fold, places

    known = places()
    return fold(surface) in known.words or bool(known.phrases is not None and known.phrases.fullmatch(surface))


def _resolve(candidates: list[_Candidate]) -> list[_Candidate]:
    """Merge overlapping candidates into non-overlapping spans; the best-ranked type wins."""
    merged: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (c.start, -c.end)):
        if merged and candidate.start < merged[-1].end:
            last = merged[-1]
            best = last if last.rank <= candidate.rank else candidate
            merged[-1] = _Candidate(last.start, max(last.end, candidate.end), best.type, best.rank)
        else:
            merged.append(candidate)
    return merged


def _number_key(original: str, lex: _Lexicon) -> tuple[str, ...]:
    """Normalised words of a masked stretch; a genitive "s" is dropped ("Olas" is "Ola")."""
    words = fold(original).replace(".", " ").split()
    if words:
        words[-1] = _lookup_key(words[-1], lex.names, lex.place_or_org)
    return tuple(words)


def _placeholders(spans: Sequence[_Candidate], text: str, numbered: bool, lex: _Lexicon) -> list[str]:
    if not numbered:
        return [PLACEHOLDERS[span.type] for span in spans]
    numbers: dict[str, dict[tuple[str, ...], int]] = {}
    result = []
    for span in spans:
        if span.type not in NUMBERED_TYPES:
            result.append(PLACEHOLDERS[span.type])
            continue
        seen = numbers.setdefault(span.type, {})
        key = _number_key(text[span.start : span.end], lex)
        number = seen.get(key)
        if number is None and span.type == "NAVN":
            # "Kari Hansen" … "Kari": one person when the single word matches one earlier name.
            matches = {n for k, n in seen.items() if set(key) <= set(k) or set(k) <= set(key)}
            if len(matches) == 1:
                number = matches.pop()
        if number is None:
            number = len(set(seen.values())) + 1
        seen[key] = number
        result.append(f"[{span.type}-{number}]")
    return result


def mask_text(
    text: str,
    *,
    numbered: bool = False,
    entities: Iterable[Sequence] | None = None,
    kept_words: Iterable[str] | None = None,
) -> MaskResult:
    """Replace names, places, organisations and identifiers in ``text`` with placeholders.

    Works without any trained pipeline (rules, name and place lists, simplemma's dictionary).
    ``entities`` adds a pipeline's entity spans ``(start, end, label)`` in character offsets
    (labels PER, LOC, GPE_LOC, GPE_ORG, ORG; others are ignored). ``kept_words`` adds words
    that must stay readable to the shipped ``data/kept_words.txt``. With ``numbered=True`` the
    same name, place or organisation gets the same number within the text (``[NAVN-1]``).

    Placeholders: [NAVN] [STED] [ORG] [ADRESSE] [TELEFON] [EPOST] [FØDSELSNUMMER] [TALL] [DATO].

    Example:
        >>> mask_text("Ruskonsulenten min heter Kari og bor i Bodø.").text
        'Ruskonsulenten min heter [NAVN] og bor i [STED].'
        >>> mask_text("Kari ringte Per, og Per ringte NAV.", numbered=True).text
        '[NAVN-1] ringte [NAVN-2], og [NAVN-2] ringte NAV.'
    """
    if not isinstance(text, str):
        raise TypeError(f"mask_text expects a str, got {type(text).__name__}")
    extra = frozenset(fold(w) for w in kept_words) if kept_words else frozenset()
    lex = _Lexicon(extra)
    candidates, uncertain = _find_rule_spans(text, lex)
    if entities:
        candidates.extend(_entity_candidates(text, entities, lex))
    spans = _resolve(candidates)
    placeholders = _placeholders(spans, text, numbered, lex)
    pieces = []
    position = 0
    mask_spans = []
    for span, placeholder in zip(spans, placeholders):
        pieces.append(text[position : span.start])
        pieces.append(placeholder)
        position = span.end
        mask_spans.append(MaskSpan(span.start, span.end, span.type, placeholder, text[span.start : span.end]))
    pieces.append(text[position:])
    masked_ranges = [(s.start, s.end) for s in mask_spans]
    still_visible = _drop_masked(uncertain, text, masked_ranges)
    return MaskResult("".join(pieces), tuple(mask_spans), still_visible)


def _drop_masked(words: list[str], text: str, masked: list[tuple[int, int]]) -> tuple[str, ...]:
    """The uncertain words that still appear in the masked text (entities may have covered some)."""
    if not words:
        return ()
    unique = list(dict.fromkeys(words))
    if not masked:
        return tuple(unique)
    visible = []
    for word in unique:
        for match_start in _find_all(text, word):
            if not any(s <= match_start < e for s, e in masked):
                visible.append(word)
                break
    return tuple(visible)


def _find_all(text: str, word: str):
    position = text.find(word)
    while position != -1:
        yield position
        position = text.find(word, position + 1)


def uncertain_capitalised(text: str, *, kept_words: Iterable[str] | None = None) -> list[str]:
    """Capitalised words that ``mask_text`` leaves readable where a name could stand.

    For the risk flags of quote candidates: a quote with such a word needs a human look.

    Example:
        >>> uncertain_capitalised("Per uke får jeg hjelp.")
        ['Per']
    """
    return list(mask_text(text, kept_words=kept_words).uncertain)
