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


def add_short_text_features(row, wcodes, vocab, themes, seg_doc, seg_no):
    """Add compound heads and codebook themes to the (segment row, word code) pairs.

    A compound's head counts as one more token of that word; a segment coded with a theme gets
    one pseudo-word ``tema:<theme>``.
    """
    vocab = np.asarray(vocab, dtype=object)
    index = {str(word): i for i, word in enumerate(vocab)}
    heads = compound_heads(vocab)
    head_code = np.array([index.get(heads.get(str(word), ""), -1) for word in vocab], dtype=np.int64)
    extra_rows, extra_codes = [row], [wcodes]
    if len(wcodes):
        has_head = head_code[wcodes] >= 0
        extra_rows.append(row[has_head])
        extra_codes.append(head_code[wcodes[has_head]])
    if themes is not None and len(themes):
        hits = themes[["doc_id", "segment", "theme"]].astype({"doc_id": str, "segment": np.int64, "theme": str})
        hits = hits.drop_duplicates().reset_index(drop=True)
        if len(hits):
            names = [THEME_PREFIX + theme for theme in dict.fromkeys(hits["theme"])]
            theme_code = {name: len(vocab) + i for i, name in enumerate(names)}
            vocab = np.concatenate([vocab, np.asarray(names, dtype=object)])
            seg_index = pd.MultiIndex.from_arrays([seg_doc, seg_no])
            hit_rows = seg_index.get_indexer(pd.MultiIndex.from_arrays([hits["doc_id"].to_numpy(object),
                                                                         hits["segment"].to_numpy(np.int64)]))
            ok = hit_rows >= 0
            extra_rows.append(hit_rows[ok].astype(np.int64))
            extra_codes.append(np.array([theme_code[THEME_PREFIX + t] for t in hits["theme"][ok]], dtype=np.int64))
    return np.concatenate(extra_rows), np.concatenate(extra_codes), vocab


def select_vocabulary(counts, vocab, *, min_df, max_df, max_features) -> np.ndarray:
    """Indices of the words kept as features: document frequency within [min_df, max_df], then the
    ``max_features`` most frequent (ties by the word, so the choice is deterministic)."""
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    lo = min_df if isinstance(min_df, (int, np.integer)) else int(np.ceil(min_df * n))
    hi = max_df * n if isinstance(max_df, float) else max_df
    ok = (df >= lo) & (df <= hi)
    idx = np.flatnonzero(ok)
    if len(idx) > max_features:
        total = np.asarray(counts.sum(axis=0)).ravel()[idx]
        order = np.lexsort((vocab[idx].astype(str), -total))[:max_features]
        idx = np.sort(idx[order])
    return idx
