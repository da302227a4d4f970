"""Masking transcripts line by line: speaker labels stay, no mask crosses a line break.

A transcript is masked as one text, so that the same person keeps the same number throughout.
When a mask would cross a line break (a pipeline's entity spanning two turns), the lines are
masked one by one instead, with the pipeline's entities cut at the line breaks and the numbering
shared by all lines; the counts then come from what was actually masked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textanalyse.anonymize.lexicon import fold
from textanalyse.anonymize.masker import (MaskResult, MaskSpan, _Candidate, _drop_masked, _entity_candidates,
                                          _find_rule_spans, _Lexicon, _placeholders, _resolve, mask_text)


def mask_transcript(lines: Sequence[str], *, numbered: bool = False,
                    entities: Iterable[Sequence] | None = None) -> MaskResult:
    """Mask the spoken text of a transcript's lines (labels already cut off); one line out per line in.

    ``entities`` are a pipeline's ``(start, end, label)`` spans in the lines joined by ``\\n``.

    Example:
        >>> mask_transcript(["Jeg snakket med Kari", "Hansen kom."], numbered=True,
        ...                 entities=[(16, 27, "PER")]).text.split("\\n")
        ['Jeg snakket med [NAVN-1]', '[NAVN-2] kom.']
    """
    joined = "\n".join(lines)
    entities = list(entities or ())
    result = mask_text(joined, numbered=numbered, entities=entities or None)
    if result.text.count("\n") == joined.count("\n"):
        return result
    return mask_lines(lines, numbered=numbered, entities=entities)


def mask_lines(lines: Sequence[str], *, numbered: bool = False, entities: Iterable[Sequence] | None = None,
               kept_words: Iterable[str] | None = None) -> MaskResult:
    """Mask each line on its own, numbering names, places and organisations across all lines.

    Offsets of ``entities`` and of the returned spans refer to the lines joined by ``\\n``.
    """
    text = "\n".join(lines)
    lex = _Lexicon(frozenset(fold(word) for word in kept_words) if kept_words else frozenset())
    entities = list(entities or ())
    spans: list[_Candidate] = []
    uncertain: list[str] = []
    offset = 0
    for line in lines:
        end = offset + len(line)
        candidates, unsure = _find_rule_spans(line, lex)
        pieces = [(max(start, offset) - offset, min(stop, end) - offset, label)
                  for start, stop, label in entities if max(start, offset) < min(stop, end)]
        if pieces:
            candidates.extend(_entity_candidates(line, pieces, lex))
        spans += [_Candidate(c.start + offset, c.end + offset, c.type, c.rank) for c in _resolve(candidates)]
        uncertain += unsure
        offset = end + 1
    placeholders = _placeholders(spans, text, numbered, lex)
    out, position, masked = [], 0, []
    for span, placeholder in zip(spans, placeholders):
        out += [text[position:span.start], placeholder]
        position = span.end
        masked.append(MaskSpan(span.start, span.end, span.type, placeholder, text[span.start:span.end]))
    out.append(text[position:])
    still_visible = _drop_masked(uncertain, text, [(s.start, s.end) for s in masked])
    return MaskResult("".join(out), tuple(masked), still_visible)
