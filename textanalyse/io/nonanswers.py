"""Recognise non-answers ("vet ikke", "-", empty) so they are counted but not analysed."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from textanalyse.wordlists import read_word_list

_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_SPACES = re.compile(r"\s+")
# Longer answers are never compared with the list (the longest entry is far shorter), which
# keeps long interview-like answers from being normalised needlessly.
LONGEST_NONANSWER = 200


@lru_cache(maxsize=1)
def default_nonanswers() -> frozenset[str]:
    """The shipped non-answer list, normalised."""
    path = resources.files("textanalyse.io") / "data" / "nonanswers.txt"
    return frozenset(normalise_answer(entry) for entry in read_word_list(path))


def normalise_answer(text: str) -> str:
    """Lowercase, trim punctuation at both ends and fold spaces: ``" Vet ikke. "`` → ``vet ikke``."""
    return _SPACES.sub(" ", _EDGE.sub("", text.strip().lower()))


def classify_answer(text: str, *, nonanswers: frozenset[str] | None = None) -> str | None:
    """``"empty"``, ``"non-answer"`` or ``None`` for a real answer.

    Example:
        >>> classify_answer("Vet ikke."), classify_answer("-"), classify_answer("Ingenting")
        ('non-answer', 'non-answer', None)
    """
    if not text or not text.strip():
        return "empty"
    if len(text) > LONGEST_NONANSWER:
        return None
    normalised = normalise_answer(text)
    if not normalised:
        return "non-answer"
    listed = default_nonanswers() if nonanswers is None else nonanswers
    return "non-answer" if normalised in listed else None
