"""Keyword in context: every occurrence of a word, lemma or ``*`` pattern with its surroundings.

Columns of :func:`kwic` (stable): ``doc_id, respondent, question, segment, speaker, left,
keyword, right, lemma`` followed by the metadata columns asked for (``columns``; all of them
when ``columns`` is ``None``).
"""

from __future__ import annotations

import fnmatch
import re

import numpy as np
import pandas as pd

from textanalyse.corpus import Corpus, column_codes
from textanalyse import validation
from textanalyse.errors import UserError

KWIC_COLUMNS = ["doc_id", "respondent", "question", "segment", "speaker", "left", "keyword", "right", "lemma"]


def pattern_matcher(pattern: str):
    """A predicate for lowercased words: exact word, or ``*`` wildcards (``bolig*``, ``*bolig``).

    Example:
        >>> match = pattern_matcher("bolig*")
        >>> match("boligkontoret"), match("kommunebolig")
        (True, False)
    """
    pattern = pattern.strip().lower()
    if not pattern or not pattern.strip("*"):
        raise UserError(f"pattern '{pattern}' matches everything; give a word, e.g. oppfølging or bolig*")
    if "*" not in pattern and "?" not in pattern:
        return lambda word: word == pattern
    regex = re.compile(fnmatch.translate(pattern))
    return lambda word: regex.match(word) is not None


def matching_tokens(tokens: pd.DataFrame, pattern: str) -> np.ndarray:
    """Boolean mask of the word tokens whose lemma or lowercased form matches ``pattern``.

    Each distinct lemma and form is tested once, not each token.

    Example:
        >>> from textanalyse.corpus import Corpus
        >>> from textanalyse.nlp import annotate
        >>> tokens = annotate(Corpus.from_answers({"bra": ["Fikk bolig fra Boligkontoret."]}), pipeline="fast")
        >>> tokens[matching_tokens(tokens, "bolig*")]["form"].tolist()
        ['bolig', 'Boligkontoret']
    """
    match = pattern_matcher(pattern)
    lemma_codes, lemmas = column_codes(tokens["lemma"])
    lower_codes, lowers = column_codes(tokens["lower"])
    lemma_hit = np.fromiter((match(word) for word in lemmas), dtype=bool, count=len(lemmas))
    lower_hit = np.fromiter((match(word) for word in lowers), dtype=bool, count=len(lowers))
    return (lemma_hit[lemma_codes] | lower_hit[lower_codes]) & tokens["is_word"].to_numpy(dtype=bool)


def kwic(tokens: pd.DataFrame, corpus: Corpus, pattern: str, *, window: int = 5, columns=None) -> pd.DataFrame:
    """Every token whose lemma or lowercased form matches ``pattern``, with ``window`` words each side.

    The context is cut from the segment's own text, so it reads as written. ``columns``: the
    metadata columns each line carries (``None``: all of the corpus's).

    Example:
        >>> from textanalyse.nlp import annotate
        >>> corpus = Corpus.from_answers({"bra": ["Jeg får god oppfølging av ruskonsulenten."]})
        >>> table = kwic(annotate(corpus, pipeline="fast"), corpus, "oppfølging", window=3)
        >>> table.loc[0, ["left", "keyword", "right"]].tolist()
        ['Jeg får god', 'oppfølging', 'av ruskonsulenten.']
    """
    validation.whole_number(window, what="--window", minimum=0)
    hits = np.flatnonzero(matching_tokens(tokens, pattern))
    metadata = list(corpus.metadata_columns if columns is None else columns)
    columns = KWIC_COLUMNS + metadata
    if not len(hits):
        return pd.DataFrame(columns=columns)
    doc_ids = tokens["doc_id"].astype(object).to_numpy()
    # plain dicts of the documents hit: one look-up per line instead of pandas' .at on large indexes
    wanted = set(doc_ids[hits].tolist())
    segment_rows = corpus.segments[corpus.segments["doc_id"].isin(wanted)]
    segments = {(doc, int(number)): (text, speaker) for doc, number, text, speaker in zip(
        segment_rows["doc_id"], segment_rows["segment"], segment_rows["text"], segment_rows["speaker"])}
    documents = corpus.documents[corpus.documents["doc_id"].isin(wanted)].set_index("doc_id")[
        list(dict.fromkeys(["respondent", "question", *metadata]))].to_dict("index")
    segment_numbers = tokens["segment"].to_numpy()
    starts, ends = tokens["start"].to_numpy(), tokens["end"].to_numpy()
    is_word = tokens["is_word"].to_numpy()
    rows = []
    for index in hits:
        doc_id, segment = doc_ids[index], segment_numbers[index]
        text, speaker = segments[(doc_id, int(segment))]
        document = documents[doc_id]
        left_start = _context_edge(index, -1, window, doc_ids, segment_numbers, is_word, starts, ends)
        right_end = _context_edge(index, 1, window, doc_ids, segment_numbers, is_word, starts, ends)
        row = {
            "doc_id": doc_id,
            "respondent": document["respondent"],
            "question": document["question"],
            "segment": int(segment),
            "speaker": speaker,
            "left": " ".join(text[left_start:starts[index]].split()),
            "keyword": text[starts[index]:ends[index]],
            "right": " ".join(text[ends[index]:right_end].split()),
            "lemma": tokens["lemma"].iat[index],
        }
        for column in metadata:
            row[column] = document[column]
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def _context_edge(index, step, window, doc_ids, segments, is_word, starts, ends) -> int:
    """Character offset where the context of ``window`` words before/after token ``index`` ends."""
    edge = starts[index] if step < 0 else ends[index]
    words = 0
    cursor = index + step
    while 0 <= cursor < len(doc_ids) and doc_ids[cursor] == doc_ids[index] and segments[cursor] == segments[index]:
        if is_word[cursor]:
            if words == window:
                break
            words += 1
        edge = starts[cursor] if step < 0 else ends[cursor]
        cursor += step
    return edge
