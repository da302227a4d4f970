"""Features that short answers share, for :func:`textanalyse.topics.find_topics`.

A seven-word answer holds two or three content words, so two answers about the same thing
often share no word at all ("Fikk kommunal bolig" / "Boligen er for dyr" do, "Fikk leilighet
gjennom kommunen" does not). Three kinds of features make them overlap:

- the lemmas of the filtered words (as before);
- the head of a compound (``kommunebolig`` → ``bolig``, ``ruskonsulenten`` → ``konsulent``)
  when the head occurs as a word of its own in the material;
- codebook hits: one pseudo-word ``tema:<theme>`` per theme a segment is coded with.

Words are weighted by word class and general frequency (the reference list of
:mod:`textanalyse.exclusions`): nouns and adjectives of the field (``bolig``, ``ventetid``) keep
weight 1, verbs (``hjelpe``, ``trenge``, ``snakke``) and very frequent words count less, so
topics and their labels are led by what the answers are about.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

THEME_PREFIX = "tema:"
MIN_HEAD = 4          # shortest compound head
MIN_FIRST_PART = 3    # shortest first part of a compound
GENERAL_WEIGHT = 0.3  # weight of a word among the most frequent of general Norwegian
VERB_WEIGHT = 0.4     # weight of verbs and function-word classes (hjelpe, søke, trenge, snakke)
CONTENT_CLASSES = frozenset({"subst", "adj"})


def compound_heads(vocabulary) -> dict[str, str]:
    """Word → the longest head that is itself a word of ``vocabulary``.

    Example:
        >>> compound_heads(["bolig", "kommunebolig", "konsulent", "ruskonsulent", "ventetid"])
        {'kommunebolig': 'bolig', 'ruskonsulent': 'konsulent'}
    """
    words = set(map(str, vocabulary))
    heads = {}
    for word in sorted(words):
        for start in range(MIN_FIRST_PART, len(word) - MIN_HEAD + 1):
            if word[start:] in words:
                heads[word] = word[start:]
                break
    return heads


def content_weights(vocabulary, lemma_of: dict[str, str] | None = None) -> np.ndarray:
    """Weight per vocabulary word: 1 for content words of the field, less for general words.

    Nouns and adjectives (by their most frequent word class in the NDT treebanks) and words the
    treebanks lack (``ruskonsulent``) keep 1; verbs and other classes get ``VERB_WEIGHT``. Words
    very frequent in general Norwegian (more than one in 2,000 words) get less, down to
    ``GENERAL_WEIGHT``. ``lemma_of`` maps a word form to its lemma (the reference is a lemma
    list); theme pseudo-words get 1.

    Example:
        >>> content_weights(["bolig", "hjelpe", "ruskonsulent"]).round(2).tolist()
        [1.0, 0.4, 1.0]
    """
    from textanalyse.exclusions import reference_frequencies, reference_word_classes

    reference, total = reference_frequencies()
    classes = reference_word_classes()
    lemma_of = lemma_of or {}
    out = np.ones(len(vocabulary))
    for i, word in enumerate(map(str, vocabulary)):
        if word.startswith(THEME_PREFIX):
            continue
        lemma = lemma_of.get(word, word)
        word_class = classes.get(lemma, classes.get(word, ""))
        weight = _frequency_weight(reference.get(lemma, reference.get(word, 0)), total)
        out[i] = weight * (VERB_WEIGHT if word_class and word_class not in CONTENT_CLASSES else 1.0)
    return out


def _frequency_weight(reference_count: int, reference_total: int) -> float:
    # log2 of (one in 500 words) over the word's general rate: 2 or more → 1, 0 or less → the floor.
    log_ratio = np.log2((2.0 / 1000) / ((reference_count + 0.5) / max(reference_total, 1)))
    return float(np.clip(log_ratio / 2, 0, 1) * (1 - GENERAL_WEIGHT) + GENERAL_WEIGHT)
