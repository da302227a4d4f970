"""Mask names, places, organisations and identifiers in one Norwegian text with placeholders."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from textanalyse.anonymize.lexicon import fold
from textanalyse.anonymize.patterns import STRUCTURED_PRIORITY
from textanalyse.anonymize.rules import _Candidate, _find_rule_spans, _is_kept, _Lexicon, _lookup_key

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

# A pipeline's entity label ranks after the structured identifiers but before any rule guess.
_ENTITY_RANK = len(STRUCTURED_PRIORITY) - 0.5


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
