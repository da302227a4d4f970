"""Word-frequency tables per question and group, NVivo-compatible and beyond.

Columns of :func:`frequency_table` (stable; scripts depend on them):
``question`` (and the group column when split), ``word, length, count,
weighted_percentage, documents, similar_words``.

- ``count``: occurrences of the word (unit) after filtering;
- ``weighted_percentage``: 100 × count / all words kept in that table (NVivo's definition),
  rounded to 2 decimals;
- ``documents``: documents containing the word (survey answers = respondents per question;
  transcripts = informants);
- ``similar_words``: the lowercased forms counted under the word with their counts, most
  frequent first, e.g. ``oppfølging (12), oppfølgingen (3)``.

Rows are sorted by count descending, then word ascending, within each question and group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from textanalyse.corpus import Corpus, column_codes, distinct_codes
from textanalyse import validation

FREQUENCY_COLUMNS = ["word", "length", "count", "weighted_percentage", "documents", "similar_words"]


def frequency_table(kept: pd.DataFrame, corpus: Corpus, *, group_by: str | None = None,
                    top: int | None = None) -> pd.DataFrame:
    """Frequencies per question (and per value of ``group_by``) of the kept words.

    Args:
        kept: ``FilterResult.kept`` (token table with ``word``).
        corpus: the corpus the tokens came from (for question and metadata).
        group_by: a metadata column to split by, e.g. ``aldersgruppe``.
        top: keep only the ``top`` most frequent words of each table.

    Example:
        >>> from textanalyse.filters import apply_filters
        >>> from textanalyse.nlp import annotate
        >>> corpus = Corpus.from_answers({"bra": ["God oppfølging.", "Oppfølgingen og boligen hjalp."]})
        >>> kept = apply_filters(annotate(corpus, pipeline="fast"), unit="lemma").kept
        >>> table = frequency_table(kept, corpus, top=2)
        >>> table[["word", "count", "documents", "similar_words"]].values.tolist()
        [['oppfølging', 2, 2, 'oppfølging (1), oppfølgingen (1)'], ['bolig', 1, 1, 'boligen (1)']]
    """
    if top is not None:
        validation.whole_number(top, what="--top")
    keys = ["question"] + ([group_by] if group_by else [])
    if group_by:
        validation.require_metadata_column(corpus, group_by, what="--group-by column")
    if kept.empty:
        return pd.DataFrame(columns=keys + FREQUENCY_COLUMNS)
    # Work on integer codes: a million tokens are grouped by numpy, not by Python objects.
    doc_codes, doc_names = column_codes(kept["doc_id"])
    word_codes, words = column_codes(kept["word"])
    lower_codes, lowers = column_codes(kept["lower"])
    per_doc = corpus.documents.set_index("doc_id").loc[doc_names, keys]
    block_of_doc, block_index = pd.MultiIndex.from_frame(per_doc).factorize()
    block_values = list(block_index)
    blocks = block_of_doc.astype(np.int64)[doc_codes]
    n_words = max(len(words), 1)
    key = blocks * n_words + word_codes
    # np.unique's sorted keys, inverse and counts, by hashing (a third of the time on a million tokens)
    key_codes, unique_keys = pd.factorize(key, sort=True)
    counts = np.bincount(key_codes, minlength=len(unique_keys))
    totals = np.bincount(unique_keys // n_words, weights=counts)   # every kept word counts in the percentages
    if top is not None:
        # Only the rows that can reach a table's top are described further (on a million words,
        # documents and similar words for every word are most of the work).
        chosen = _top_candidates(unique_keys // n_words, counts, top)
        renumber = np.full(len(unique_keys), -1, dtype=np.int64)
        renumber[chosen] = np.arange(len(chosen))
        unique_keys, counts = unique_keys[chosen], counts[chosen]
        key_codes = renumber[key_codes]
        inside = key_codes >= 0
        key_codes, doc_codes, lower_codes = key_codes[inside], doc_codes[inside], lower_codes[inside]
    doc_pairs = distinct_codes(key_codes.astype(np.int64) * len(doc_names) + doc_codes)
    document_counts = np.bincount(doc_pairs // len(doc_names), minlength=len(unique_keys))
    n_lowers = max(len(lowers), 1)
    form_pairs, form_counts = np.unique(key_codes.astype(np.int64) * n_lowers + lower_codes, return_counts=True)
    similar = _similar_labels(form_pairs // n_lowers, lowers[form_pairs % n_lowers], form_counts, len(unique_keys))
    block_codes = unique_keys // n_words
    table = pd.DataFrame({key_name: [block_values[b][i] for b in block_codes] for i, key_name in enumerate(keys)})
    table["word"] = words[unique_keys % n_words]
    table["count"] = counts.astype(np.int64)
    table["weighted_percentage"] = np.round(100.0 * counts / totals[block_codes], 2)
    table["documents"] = document_counts.astype(np.int64)
    table["similar_words"] = similar
    table["length"] = table["word"].str.len().astype("int64")
    table = _order_blocks(table, keys, corpus, word_rank=_subset_rank(words, unique_keys % n_words))
    if top is not None:
        table = table.groupby(keys, sort=False, group_keys=False).head(top)
    return table[keys + FREQUENCY_COLUMNS].reset_index(drop=True)



def _top_candidates(blocks: np.ndarray, counts: np.ndarray, top: int) -> np.ndarray:
    """Rows whose count reaches the ``top``-th largest count of their block (ties at the cut included)."""
    order = np.lexsort((-counts, blocks))
    starts = np.flatnonzero(np.concatenate(([True], blocks[order][1:] != blocks[order][:-1])))
    sizes = np.diff(np.append(starts, len(order)))
    cut = order[starts + np.minimum(sizes, top) - 1]          # the row holding each block's top-th count
    threshold = np.zeros(int(blocks.max()) + 1 if len(blocks) else 0, dtype=counts.dtype)
    threshold[blocks[cut]] = counts[cut]
    return np.flatnonzero(counts >= threshold[blocks])


def _subset_rank(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The alphabetical rank of ``values[codes]`` among the values used (same order as ranking them all)."""
    used, inverse = np.unique(codes, return_inverse=True)
    return _alphabetical_rank(values[used])[inverse.reshape(-1)]


def _alphabetical_rank(values: np.ndarray) -> np.ndarray:
    """Each string's position in sorted order (Python's sort: about twice numpy's on objects)."""
    strings = values.tolist()
    rank = np.empty(len(strings), dtype=np.int64)
    rank[sorted(range(len(strings)), key=strings.__getitem__)] = np.arange(len(strings))
    return rank


def _similar_labels(owners: np.ndarray, forms: np.ndarray, counts: np.ndarray, n: int) -> list[str]:
    """``"form (n), form (n)"`` per owner row, most frequent form first, ties alphabetical.

    Only forms that tie with another form of their owner are sorted by their text (about one
    in eight on a million words of reviews): the others are placed by their count alone.
    """
    order = np.lexsort((-counts, owners))
    same = (owners[order][1:] == owners[order][:-1]) & (counts[order][1:] == counts[order][:-1])
    if same.any():
        tied = np.zeros(len(order), dtype=bool)
        tied[1:] |= same
        tied[:-1] |= same
        rank = np.zeros(len(owners), dtype=np.int64)
        rank[order[tied]] = _alphabetical_rank(forms[order[tied]])
        order = np.lexsort((rank, -counts, owners))
    owners = owners[order]
    parts = [f"{form} ({count})" for form, count in zip(forms[order].tolist(), counts[order].tolist())]
    starts = np.flatnonzero(np.concatenate(([True], owners[1:] != owners[:-1]))) if len(owners) else np.zeros(0, int)
    ends = np.append(starts[1:], len(owners))
    labels = np.full(n, "", dtype=object)
    alone = ends - starts == 1   # most words have one form: its part is the label
    labels[owners[starts[alone]]] = np.array(parts, dtype=object)[starts[alone]]
    for owner, start, end in zip(owners[starts[~alone]].tolist(), starts[~alone].tolist(), ends[~alone].tolist()):
        labels[owner] = ", ".join(parts[start:end])
    return labels.tolist()


def _order_blocks(table: pd.DataFrame, keys: list[str], corpus: Corpus, *, word_rank: np.ndarray) -> pd.DataFrame:
    """Questions in corpus order, then group values, then count descending, then word."""
    question_order = {question: index for index, question in enumerate(corpus.questions)}
    sort_keys = [word_rank, -table["count"].to_numpy()]
    for key in reversed(keys[1:]):
        sort_keys.append(pd.factorize(table[key], sort=True)[0])
    question_codes, questions = pd.factorize(table["question"])
    sort_keys.append(np.array([question_order[question] for question in questions], dtype=np.int64)[question_codes])
    return table.iloc[np.lexsort(sort_keys)]
