"""Where transcript turns and their cleaned text sit in the transcript's original text."""

from __future__ import annotations

from difflib import SequenceMatcher

import pandas as pd


def turn_spans(text: str, labels) -> list[tuple[str, int, int]]:
    """``(speaker, start, end)`` of every turn in a transcript's text (the words after the label).

    Example:
        >>> text = "I: Hvordan går det?\\nIP: Bra.\\nVeldig bra."
        >>> [(s, text[a:b]) for s, a, b in turn_spans(text, ["I", "IP"])]
        [('I', 'Hvordan går det?'), ('IP', 'Bra.\\nVeldig bra.')]
    """
    from textanalyse.io.transcripts import DEFAULT_SPEAKER_LABELS, speaker_pattern

    labels = tuple(dict.fromkeys([*DEFAULT_SPEAKER_LABELS, *labels]))
    pattern = speaker_pattern(labels)
    canonical = {label.lower(): label for label in labels}
    raw: list[list] = []
    position = 0
    for chunk in text.splitlines(keepends=True):
        line = chunk.splitlines()[0] if chunk.splitlines() else ""
        match = pattern.match(line)
        if match:
            raw.append([canonical[match.group("label").lower()], position + match.start("rest"), position + len(line)])
        elif raw:
            raw[-1][2] = position + len(line)
        position += len(chunk)
    spans = []
    for speaker, start, end in raw:
        region = text[start:end]
        begin = start + len(region) - len(region.lstrip())
        spans.append((speaker, begin, begin + len(region.strip())))
    return spans


def match_segments(segments: pd.DataFrame, turns, text: str):
    """``(segment, turn index, segment text)`` for each segment, matching turns in order."""
    out, next_turn = [], 0
    for segment, speaker, seg_text, raw in segments[["segment", "speaker", "text", "raw"]].itertuples(index=False):
        found = None
        for index in range(next_turn, len(turns)):
            label, start, end = turns[index]
            if label == speaker and text[start:end] == raw:
                found = index
                break
        if found is None:  # odd line separators: the next turn of the same speaker
            found = next((i for i in range(next_turn, len(turns)) if turns[i][0] == speaker), None)
        if found is None:
            continue
        out.append((int(segment), found, seg_text))
        next_turn = found + 1
    return out


def align(original: str, cleaned: str, *, offset: int = 0) -> list[int]:
    """For each character of ``cleaned``, its position in ``original`` (plus ``offset``).

    ``cleaned`` is ``original`` with timestamps and notes taken out and spaces folded
    (``io.transcripts.clean_turn``); characters it inserted map to the next original one.

    Example:
        >>> original = "Det [fnis] var fint"
        >>> offsets = align(original, "Det var fint")
        >>> original[offsets[4]:offsets[11] + 1]
        'var fint'
    """
    offsets = [-1] * len(cleaned)
    matcher = SequenceMatcher(None, original, cleaned, autojunk=False)
    for block in matcher.get_matching_blocks():
        for step in range(block.size):
            offsets[block.b + step] = block.a + step
    following = len(original)
    for index in range(len(cleaned) - 1, -1, -1):
        if offsets[index] < 0:
            offsets[index] = min(following, len(original) - 1) if original else 0
        following = offsets[index]
    return [position + offset for position in offsets]
